"""A connection pool that serves requests first come, first served.

SQLAlchemy's asyncio pool keeps idle connections in an `asyncio.Queue`, and a request that
arrives just as a connection comes back takes it before the requests already waiting (the
queue lets a newcomer `get_nowait` the connection a woken waiter was about to take; the waiter
then queues again at the back). With a few hundred phones on one page, that puts a few requests
behind many rounds of newcomers, far behind the median (figures in bench/README.md). Here a
returned connection goes straight to the longest waiter.
"""

import asyncio
from collections import deque
from typing import Any

from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry
from sqlalchemy.util import queue as sa_queue
from sqlalchemy.util.concurrency import await_


class FairQueue(sa_queue.QueueCommon[ConnectionPoolEntry]):
    """The pool's idle connections, and the requests waiting for one, in order of arrival."""

    def __init__(self, maxsize: int = 0, use_lifo: bool = False) -> None:
        self.maxsize = maxsize
        self.use_lifo = use_lifo  # kept for the pool's recreate(); the order is first in, first out
        self._idle: deque[ConnectionPoolEntry] = deque()
        self._waiters: deque[asyncio.Future[ConnectionPoolEntry]] = deque()

    def empty(self) -> bool:
        return not self._idle

    def full(self) -> bool:
        return 0 < self.maxsize <= len(self._idle)

    def qsize(self) -> int:
        return len(self._idle)

    def put_nowait(self, item: ConnectionPoolEntry) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(item)  # handed over: nobody can take it on the way
                return
        if self.full():
            raise sa_queue.Full()
        self._idle.append(item)

    def put(self, item: ConnectionPoolEntry, block: bool = True, timeout: Any = None) -> None:
        del block, timeout  # never waits: there is room for every connection the pool made
        self.put_nowait(item)

    def get_nowait(self) -> ConnectionPoolEntry:
        if self._idle and not self._waiters:
            return self._idle.popleft()
        raise sa_queue.Empty()

    def get(self, block: bool = True, timeout: float | None = None) -> ConnectionPoolEntry:
        if self._idle and not self._waiters:
            return self._idle.popleft()
        if not block:
            raise sa_queue.Empty()
        waiter: asyncio.Future[ConnectionPoolEntry] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        taken = False
        try:
            entry = await_(self._wait(waiter, seconds=timeout))
            taken = True
            return entry
        except TimeoutError as error:
            raise sa_queue.Empty() from error
        finally:
            if taken:
                pass
            elif waiter in self._waiters:
                self._waiters.remove(waiter)
            elif waiter.done() and not waiter.cancelled():
                self.put_nowait(waiter.result())  # handed over just as this request gave up

    @staticmethod
    async def _wait(
        waiter: asyncio.Future[ConnectionPoolEntry], *, seconds: float | None
    ) -> ConnectionPoolEntry:
        async with asyncio.timeout(seconds):
            return await waiter


class FairAsyncPool(AsyncAdaptedQueuePool):
    """SQLAlchemy's asyncio pool with the first-come, first-served queue, which keeps the
    connections opened beyond `pool_size` too (up to `max_overflow` more) instead of closing
    them as they come back: under load they were closed and opened again a few times a second,
    each time a new PostgreSQL process and its statements prepared anew."""

    _queue_class = FairQueue

    def __init__(self, creator: Any, pool_size: int = 5, max_overflow: int = 10, **kw: Any):
        super().__init__(creator, pool_size=pool_size, max_overflow=max_overflow, **kw)
        self._pool = FairQueue(maxsize=pool_size + max(max_overflow, 0))

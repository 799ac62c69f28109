"""The connection pool hands connections out first come, first served, on both databases."""

import asyncio

import pytest
from sqlalchemy import event, exc, text
from sqlalchemy.util import queue as sa_queue
from sqlalchemy.util.concurrency import greenlet_spawn

from app.db import Database
from app.pool import FairAsyncPool, FairQueue
from tests.conftest import make_settings


@pytest.fixture
async def one_connection(database_url: str):  # type: ignore[no-untyped-def]
    """A Database whose pool holds a single connection and waits 0.3 s for it at most."""
    database = Database(
        make_settings(database_url, db_pool_size=1, db_max_overflow=0, db_pool_timeout=0.3)
    )
    yield database
    await database.dispose()


async def test_both_engines_use_the_fair_pool(one_connection: Database) -> None:
    assert isinstance(one_connection.engine.pool, FairAsyncPool)


async def test_a_returned_connection_goes_to_the_longest_waiter(one_connection: Database) -> None:
    """The one who gives a connection back and asks again at once queues behind the others."""
    order: list[str] = []

    async def use(name: str, hold: float = 0.0) -> None:
        async with one_connection.snapshot() as connection:
            await connection.execute(text("SELECT 1"))
            order.append(name)
            await asyncio.sleep(hold)

    async def first_then_again() -> None:
        await use("first", hold=0.05)
        await use("first again")  # a newcomer at the very moment the connection comes back

    async def later(name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        await use(name)

    await asyncio.gather(first_then_again(), later("second", 0.01), later("third", 0.02))
    assert order == ["first", "second", "third", "first again"]


async def test_a_wait_that_times_out_leaves_no_trace(one_connection: Database) -> None:
    async with one_connection.snapshot():
        with pytest.raises(exc.TimeoutError):
            async with one_connection.snapshot():
                pass
    async with one_connection.snapshot() as connection:  # not owed to the one who gave up
        assert (await connection.execute(text("SELECT 2"))).scalar() == 2


async def test_a_cancelled_waiter_gives_its_connection_back(one_connection: Database) -> None:
    holder = one_connection.snapshot()
    await holder.__aenter__()
    waiting = asyncio.create_task(one_connection.snapshot().__aenter__())
    await asyncio.sleep(0.05)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await holder.__aexit__(None, None, None)
    async with one_connection.snapshot() as connection:
        assert (await connection.execute(text("SELECT 3"))).scalar() == 3


async def test_a_connection_handed_to_a_request_that_gives_up_goes_back() -> None:
    """The handover and the cancellation land in the same turn of the loop."""
    queue = FairQueue(maxsize=1)
    entry = object()
    waiter = asyncio.create_task(greenlet_spawn(queue.get, True, 5.0))
    await asyncio.sleep(0.01)
    assert queue.qsize() == 0
    queue.put_nowait(entry)  # type: ignore[arg-type]
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert queue.qsize() == 1
    assert queue.get_nowait() is entry


async def test_a_newcomer_cannot_take_a_connection_someone_waits_for() -> None:
    queue = FairQueue(maxsize=1)
    entry = object()
    waiter = asyncio.create_task(greenlet_spawn(queue.get, True, 5.0))
    await asyncio.sleep(0.01)
    queue.put_nowait(entry)  # type: ignore[arg-type]
    with pytest.raises(sa_queue.Empty):
        queue.get_nowait()  # the newcomer, in the same turn of the loop
    with pytest.raises(sa_queue.Empty):
        await greenlet_spawn(queue.get, False)
    assert await waiter is entry


async def test_connections_beyond_the_pool_size_are_kept_for_the_next_rush(
    database_url: str,
) -> None:
    database = Database(make_settings(database_url, db_pool_size=1, db_max_overflow=2))
    opened: list[object] = []
    event.listen(database.engine.sync_engine, "connect", lambda *_: opened.append(1))

    async def rush() -> None:
        async def use() -> None:
            async with database.snapshot() as connection:
                await connection.execute(text("SELECT 1"))
                await asyncio.sleep(0.02)

        await asyncio.gather(use(), use(), use())

    try:
        await rush()
        await rush()
        assert len(opened) == 3
    finally:
        await database.dispose()

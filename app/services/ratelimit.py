"""Sliding-window rate limits whose counters live in the database, so every worker shares them.

A window of `window` seconds is counted in slots of about a sixtieth of it (one row of
`rate_limit_counter` per key and slot). An attempt is allowed while the slots that overlap the
last `window` seconds hold fewer than `limit` hits; the oldest of them is counted whole, so the
limit errs on the strict side by at most one slot. No `window` seconds, wherever they start, ever
hold more than `limit` allowed hits (a fixed window lets nearly twice that through across its
edge). A refused attempt is not counted.
"""

import hashlib
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from sqlalchemy import delete, func, literal, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable
from sqlmodel import col

from app.config import Settings, parse_rate
from app.db import Database
from app.models import RateLimitCounter

Clock = Callable[[], float]

_SLOTS_PER_WINDOW = 60
_KEY_LENGTH = 200  # the column's length
_CLEANUP_CHANCE = 0.01
_KEEP_SECONDS = 86_400


class RateLimited(Exception):
    """Too many attempts; `retry_after` says in how many seconds the window ends."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after

    @property
    def minutes(self) -> int:
        """The wait in whole minutes, at least one (for "please wait N minutes")."""
        return max(1, round(self.retry_after / 60))


@dataclass(frozen=True)
class Hit:
    """One counted attempt: the key and the slot it went into (to take it back with release)."""

    key: str
    slot: int


@cache
def slot_seconds(window: int) -> int:
    """The length of a slot: about a sixtieth of the window, at least a second."""
    return max(1, window // _SLOTS_PER_WINDOW)


def _storable(key: str) -> str:
    """The key as stored: a long one (an e-mail of 254 characters) by its hash."""
    if len(key) <= _KEY_LENGTH:
        return key
    kind_and_scope = ":".join(key.split(":")[:2])[:100]
    return f"{kind_and_scope}:#{hashlib.sha256(key.encode()).hexdigest()}"


async def _lock_key(session: AsyncSession, dialect: str, key: str) -> None:
    """PostgreSQL: one hit on a key at a time (until commit), so each sees every slot the ones
    before it filled, in whichever worker (SQLite's writes are one at a time already)."""
    if dialect == "postgresql":
        await session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key}
        )


def _counted_hit(dialect: str, key: str, slot: int, oldest: int, limit: int) -> Executable:
    """One statement: adds a hit to the slot's row only if the window then holds <= limit."""
    counter = RateLimitCounter.__table__.alias("earlier")  # type: ignore[attr-defined]
    earlier = (
        select(func.coalesce(func.sum(counter.c.count), 0))
        .where(
            counter.c.key == key,
            counter.c.window_start >= oldest,
            counter.c.window_start < slot,
        )
        .scalar_subquery()
    )
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(
        RateLimitCounter
    ).from_select(
        ["key", "window_start", "count"],
        select(literal(key), literal(slot), literal(1)).where(earlier + 1 <= limit),
    )
    return insert.on_conflict_do_update(
        index_elements=["key", "window_start"],
        set_={"count": col(RateLimitCounter.count) + 1},
        where=earlier + col(RateLimitCounter.count) + 1 <= limit,
    ).returning(col(RateLimitCounter.count))


def _retry_after(slots: list[tuple[int, int]], *, limit: int, window: int, now: int) -> int:
    """Seconds until the slots still counted then leave room for one more hit."""
    size = slot_seconds(window)
    remaining = sum(count for _slot, count in slots)
    for slot, count in sorted(slots):
        remaining -= count
        if remaining + 1 <= limit:
            # a slot is counted while it overlaps the last `window` seconds
            return max(1, slot + size + window - now)
    return window


async def hit(
    *, db: Database, key: str, limit: int, window: int, now: Clock = time.time
) -> Hit | None:
    """Counts one attempt on `key`; raises RateLimited (and counts nothing) once `limit` hits
    fall in the last `window` seconds. None when rate limits are off.

    The count is taken in its own short transaction, so it holds whatever the request does next.
    """
    if not db.settings.rate_limits:
        return None
    key = _storable(key)
    moment = math.floor(now())
    size = slot_seconds(window)
    slot = moment - moment % size
    oldest = (moment - window) - (moment - window) % size
    statement = _counted_hit(db.engine.dialect.name, key, slot, oldest, limit)
    async with db.write() as session:
        await _lock_key(session, db.engine.dialect.name, key)
        counted = (await session.execute(statement)).first()
        if counted is None:
            rows = await session.execute(
                select(col(RateLimitCounter.window_start), col(RateLimitCounter.count)).where(
                    col(RateLimitCounter.key) == key,
                    col(RateLimitCounter.window_start) >= oldest,
                )
            )
            slots = [(int(start), int(count)) for start, count in rows]
        elif random.random() < _CLEANUP_CHANCE:  # noqa: S311 (not a secret)
            await session.execute(
                delete(RateLimitCounter).where(
                    col(RateLimitCounter.window_start) < moment - _KEEP_SECONDS
                )
            )
        await session.commit()
    if counted is None:
        raise RateLimited(retry_after=_retry_after(slots, limit=limit, window=window, now=moment))
    return Hit(key=key, slot=slot)


async def release(*, db: Database, hits: list[Hit]) -> None:
    """Takes counted attempts back (a sign-in that succeeded is not a failure)."""
    if not hits:
        return
    async with db.write() as session:
        for taken in hits:
            await session.execute(
                update(RateLimitCounter)
                .where(
                    col(RateLimitCounter.key) == taken.key,
                    col(RateLimitCounter.window_start) == taken.slot,
                    col(RateLimitCounter.count) > 0,
                )
                .values(count=col(RateLimitCounter.count) - 1)
            )
        await session.commit()


async def guard(
    *, db: Database, settings: Settings, kind: str, now: Clock = time.time, **identities: str
) -> list[Hit]:
    """Counts one `kind` of action for each identity (ip=…, browser=…, account=…) against the
    setting `rate_limit_{kind}_{scope}`; the page and the JSON API share the same counters.

    The action counts for every identity or for none: when one refuses, the hits already taken
    for the others are given back. Returns the hits (for `release`).
    Call it before the request's own session runs any statement (SQLite would wait on itself).
    """
    taken: list[Hit] = []
    for scope, identity in identities.items():
        limit, window = parse_rate(getattr(settings, f"rate_limit_{kind}_{scope}"))
        try:
            counted = await hit(
                db=db, key=f"{kind}:{scope}:{identity}", limit=limit, window=window, now=now
            )
        except RateLimited:
            await release(db=db, hits=taken)
            raise
        if counted is not None:
            taken.append(counted)
    return taken

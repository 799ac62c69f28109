"""Sliding-window rate limits on a clock the tests move: no burst at a window's edge, a truthful
Retry-After, refused attempts not counted, and an action counted for all identities or none."""

import random

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from app.db import Database
from app.models import RateLimitCounter
from app.services import ratelimit
from app.services.ratelimit import RateLimited
from tests.conftest import make_settings

WINDOW = 600
LIMIT = 10


class Clock:
    """A clock that stands still until the test moves it."""

    def __init__(self, start: float) -> None:
        self.time = start

    def __call__(self) -> float:
        return self.time


async def _allowed(db: Database, clock: Clock, key: str = "test:ip:1", limit: int = LIMIT) -> bool:
    try:
        await ratelimit.hit(db=db, key=key, limit=limit, window=WINDOW, now=clock)
    except RateLimited:
        return False
    return True


async def test_a_burst_straddling_a_window_edge_gets_no_more_than_the_limit(db: Database) -> None:
    # the whole limit in the last second of one fixed window...
    clock = Clock(1_000 * WINDOW - 1)
    assert [await _allowed(db, clock) for _ in range(LIMIT)] == [True] * LIMIT
    # ...and two seconds later, in the next one: a fixed window would start again from zero
    clock.time += 2
    assert not await _allowed(db, clock)
    clock.time += WINDOW - 10
    assert not await _allowed(db, clock)


async def test_no_window_length_anywhere_holds_more_than_the_limit(db: Database) -> None:
    rng = random.Random(7)
    clock = Clock(5_000_000.0)
    accepted: list[float] = []
    for _ in range(400):
        clock.time += rng.choice([0.2, 1, 3, 7, 30, 120])
        if await _allowed(db, clock):
            accepted.append(clock.time)
    assert len(accepted) > 3 * LIMIT  # it lets hits through again as time passes
    for index, moment in enumerate(accepted):
        in_window = [t for t in accepted[: index + 1] if t > moment - WINDOW]
        assert len(in_window) <= LIMIT, (moment, in_window)


async def test_retry_after_is_truthful(db: Database) -> None:
    clock = Clock(3_000_000.0)
    for step in range(LIMIT):  # spread over the first half of the window
        clock.time += 29
        assert await _allowed(db, clock), step
    clock.time += 5
    with pytest.raises(RateLimited) as refused:
        await ratelimit.hit(db=db, key="test:ip:1", limit=LIMIT, window=WINDOW, now=clock)
    wait = refused.value.retry_after
    assert 0 < wait <= WINDOW
    start = clock.time
    clock.time = start + wait - 1
    assert not await _allowed(db, clock)  # one second early: still refused
    clock.time = start + wait
    assert await _allowed(db, clock)  # when it said: let through


async def test_refused_attempts_are_not_counted(db: Database) -> None:
    clock = Clock(7_000_000.0)
    assert [await _allowed(db, clock) for _ in range(LIMIT)] == [True] * LIMIT
    for _ in range(50):  # hammering while refused...
        clock.time += 1
        assert not await _allowed(db, clock)
    # ...does not push the end back: a window after the first hits, the whole limit again
    clock.time = 7_000_000.0 + WINDOW + ratelimit.slot_seconds(WINDOW)
    assert [await _allowed(db, clock) for _ in range(LIMIT)] == [True] * LIMIT
    assert not await _allowed(db, clock)


async def test_a_key_longer_than_the_column_is_stored_by_its_hash(db: Database) -> None:
    clock = Clock(9_000_000.0)
    long_key = "login:account:" + "a" * 250 + "@example.org"
    other = "login:account:" + "a" * 250 + "@example.net"
    assert await _allowed(db, clock, key=long_key, limit=1)
    assert not await _allowed(db, clock, key=long_key, limit=1)
    assert await _allowed(db, clock, key=other, limit=1)


async def test_an_action_counts_for_every_identity_or_for_none(db: Database) -> None:
    settings = make_settings(
        db.settings.database_url,
        rate_limit_question_ip="100/600",
        rate_limit_question_browser="2/600",
    )
    clock = Clock(11_000_000.0)

    async def ask() -> bool:
        try:
            await ratelimit.guard(
                db=db, settings=settings, kind="question", now=clock, ip="10.0.0.1", browser="b"
            )
        except RateLimited:
            return False
        return True

    assert [await ask() for _ in range(5)] == [True, True, False, False, False]
    async with db.read() as session:
        ip_hits = await session.scalar(
            select(func.sum(RateLimitCounter.count)).where(
                col(RateLimitCounter.key) == "question:ip:10.0.0.1"
            )
        )
    assert ip_hits == 2  # the three refused by the browser's limit took nothing from the room's


async def test_release_gives_a_hit_back(db: Database) -> None:
    clock = Clock(13_000_000.0)
    taken = await ratelimit.hit(db=db, key="test:ip:2", limit=1, window=WINDOW, now=clock)
    assert taken is not None
    assert not await _allowed(db, clock, key="test:ip:2", limit=1)
    await ratelimit.release(db=db, hits=[taken])
    assert await _allowed(db, clock, key="test:ip:2", limit=1)

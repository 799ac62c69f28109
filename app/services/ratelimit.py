"""Fixed-window rate limits whose counters live in the database, so every worker shares them."""

import random
import time

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from app.config import Settings, parse_rate
from app.db import Database
from app.models import RateLimitCounter

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


async def hit(*, db: Database, key: str, limit: int, window: int) -> None:
    """Counts one attempt on `key`; raises RateLimited once more than `limit` fall in the window.

    The count is taken in its own short transaction, so it holds whatever the request does next.
    """
    if not db.settings.rate_limits:
        return
    now = int(time.time())
    window_start = now - now % window
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(RateLimitCounter)
        .values(key=key, window_start=window_start, count=1)
        .on_conflict_do_update(
            index_elements=["key", "window_start"],
            set_={"count": col(RateLimitCounter.count) + 1},
        )
        .returning(col(RateLimitCounter.count))
    )
    async with db.write() as session:
        count = (await session.execute(statement)).scalar_one()
        if random.random() < _CLEANUP_CHANCE:  # noqa: S311 (not a secret)
            await session.execute(
                delete(RateLimitCounter).where(
                    col(RateLimitCounter.window_start) < now - _KEEP_SECONDS
                )
            )
        await session.commit()
    if count > limit:
        raise RateLimited(retry_after=window_start + window - now)


async def guard(*, db: Database, settings: Settings, kind: str, **identities: str) -> None:
    """Counts one `kind` of action for each identity (ip=…, browser=…, account=…) against the
    setting `rate_limit_{kind}_{scope}`; the page and the JSON API share the same counters.

    Call it before the request's own session runs any statement (SQLite would wait on itself).
    """
    for scope, identity in identities.items():
        limit, window = parse_rate(getattr(settings, f"rate_limit_{kind}_{scope}"))
        await hit(db=db, key=f"{kind}:{scope}:{identity}", limit=limit, window=window)

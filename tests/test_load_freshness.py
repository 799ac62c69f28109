"""An approval shows on every worker's page within 3 s, through real HTTP.

Each worker answers a poll "nothing new" (204) from the version it read less than a second ago
(app/pagecache.py RecentVersions), and the page polls every 2 s: so a change made anywhere shows
at the latest 3 s after it. Here 16 phones (each its own connection, so spread over the workers:
PostgreSQL with four, SQLite with one) poll every 2 s as the page does, from staggered starts,
so that every worker has a fresh version in hand when the question is approved in the database;
every phone must get the list with the question within 3 s of the approval.
"""

import asyncio
import re
import time

import httpx
import pytest
from sqlalchemy import update

from app.db import Database
from app.models import Question, QuestionStatus, utcnow
from tests.conftest import make_settings
from tests.test_load_registration import (
    TIMEOUT,
    LiveServer,
    assert_log_clean,
    live_server,  # noqa: F401  (the fixture, parametrized over both engines)
    make_event,
)

pytestmark = pytest.mark.load

PHONES = 16
POLL_SECONDS = 2.0  # as public/questions/_poll.html
WITHIN = 3.0
MARGIN = 0.3  # the requests' own time on a loaded two-core machine
# three approvals, 3.3 s apart: whatever moment a worker last read the version, one of them
# lands just after such a read (a worker trusting its version longer would be caught)
APPROVALS = (4.0, 7.3, 10.6)
BODIES = [f"A do të ndërtohet çerdhja nr. {n} në lagjen tonë këtë vit?" for n in (1, 2, 3)]


async def pending_questions(server: LiveServer, event_id: int) -> list[int]:
    db = Database(make_settings(server.database_url))
    try:
        async with db.write() as s:
            made = [
                Question(event_id=event_id, body=b, status=QuestionStatus.pending) for b in BODIES
            ]
            s.add_all(made)
            await s.commit()
            return [q.id or 0 for q in made]
    finally:
        await db.dispose()


async def approve(server: LiveServer, question_id: int) -> None:
    """As a moderator on some worker would: straight in the database."""
    db = Database(make_settings(server.database_url))
    try:
        async with db.write() as s:
            now = utcnow()
            await s.execute(
                update(Question)
                .where(Question.id == question_id)  # type: ignore[arg-type]
                .values(status=QuestionStatus.approved, approved_at=now, updated_at=now)
            )
            await s.commit()
    finally:
        await db.dispose()


async def phone(server: LiveServer, event_id: int, offset: float, stop: float) -> dict[str, float]:
    """Polls like the page; returns when (monotonic) it first got each question."""
    first_seen: dict[str, float] = {}
    async with httpx.AsyncClient(base_url=server.base_url, timeout=TIMEOUT) as client:
        page = await client.get(f"/events/{event_id}")
        version = re.search(r"questions/live\?v=(\w+)", page.text)
        assert version, "the page does not poll"
        seen = version.group(1)
        await asyncio.sleep(offset)
        while time.monotonic() < stop:
            answer = await client.get(
                f"/events/{event_id}/questions/live?v={seen}", headers={"HX-Request": "true"}
            )
            assert answer.status_code in (200, 204), answer.text[:300]
            if answer.status_code == 200:
                now = time.monotonic()
                for body in BODIES:
                    if body in answer.text:
                        first_seen.setdefault(body, now)
                found = re.search(r"questions/live\?v=(\w+)", answer.text)
                assert found
                seen = found.group(1)
            await asyncio.sleep(POLL_SECONDS)
    return first_seen


async def test_an_approval_shows_on_every_workers_page_within_3_seconds(
    live_server: LiveServer,  # noqa: F811
) -> None:
    offset = live_server.log_size()
    event_id = await make_event(live_server, capacity=100)
    question_ids = await pending_questions(live_server, event_id)
    started = time.monotonic()
    stop = started + APPROVALS[-1] + WITHIN + POLL_SECONDS + 1
    phones = [
        asyncio.create_task(phone(live_server, event_id, n * POLL_SECONDS / PHONES, stop))
        for n in range(PHONES)
    ]
    approved_at: dict[str, float] = {}
    for at, body, question_id in zip(APPROVALS, BODIES, question_ids, strict=True):
        await asyncio.sleep(max(0.0, started + at - time.monotonic()))
        await approve(live_server, question_id)
        approved_at[body] = time.monotonic()
    seen = await asyncio.gather(*phones)
    for body in BODIES:
        assert all(body in s for s in seen), f"a phone never got {body!r}"
        delays = sorted(s[body] - approved_at[body] for s in seen)
        assert delays[-1] <= WITHIN + MARGIN, f"seen after {delays[-1]:.2f} s (all: {delays})"
    assert_log_clean(live_server, offset)

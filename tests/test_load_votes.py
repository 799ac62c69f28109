"""Votes under load, through real HTTP: the real server as a subprocess (SQLite with one worker,
PostgreSQL with four, the `live_server` fixture of test_load_registration), 300 browsers voting
on one question at the same moment, then some voting again and some taking the vote back.

Every browser is its own client with its own `pf_voter` cookie. Each acknowledged vote must be
counted exactly once, in the `votes` column and in `question_vote` alike.
"""

import asyncio
from collections import Counter
from contextlib import AsyncExitStack

import httpx
import pytest
from sqlalchemy import func, select

from app.db import Database
from app.models import Question, QuestionStatus, QuestionVote, utcnow
from tests.conftest import make_settings
from tests.test_load_registration import (
    TIMEOUT,
    LiveServer,
    assert_log_clean,
    describe,
    live_server,  # noqa: F401  (the fixture, parametrized over both engines)
    make_event,
)

pytestmark = pytest.mark.load

VOTERS = 300
AGAIN = 100  # browsers 0..99 vote a second time
TAKE_BACK = 50  # browsers 100..149 take their vote back


async def make_question(server: LiveServer) -> int:
    """An approved question with no votes, in a fresh event, written straight to the database."""
    event_id = await make_event(server, capacity=1000)
    db = Database(make_settings(server.database_url))
    try:
        async with db.write() as s:
            question = Question(
                event_id=event_id,
                body="Kur do të rregullohet rruga e lagjes sonë?",
                author_name="Arta",
                status=QuestionStatus.approved,
                approved_at=utcnow(),
            )
            s.add(question)
            await s.commit()
            return question.id or 0
    finally:
        await db.dispose()


async def stored_votes(server: LiveServer, question_id: int) -> tuple[int, int]:
    """The question's `votes` column and its number of question_vote rows, in a fresh engine."""
    db = Database(make_settings(server.database_url))
    try:
        async with db.read() as s:
            votes = await s.scalar(select(Question.votes).where(Question.id == question_id))  # type: ignore[call-overload, arg-type]
            rows = await s.scalar(
                select(func.count())
                .select_from(QuestionVote)
                .where(QuestionVote.question_id == question_id)  # type: ignore[arg-type]
            )
            return int(votes or 0), int(rows or 0)
    finally:
        await db.dispose()


async def test_300_browsers_vote_at_once_and_each_vote_counts_once(
    live_server: LiveServer,  # noqa: F811
) -> None:
    server = live_server
    question_id = await make_question(server)
    url = f"{server.base_url}/api/v1/questions/{question_id}/votes"
    offset = server.log_size()
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)

    async with AsyncExitStack() as stack:
        browsers = [
            await stack.enter_async_context(httpx.AsyncClient(limits=limits, timeout=TIMEOUT))
            for _ in range(VOTERS)
        ]
        # open every connection first (/healthz sets no cookie), so the votes leave together
        opened = await asyncio.gather(*(b.get(server.base_url + "/healthz") for b in browsers))
        assert {r.status_code for r in opened} == {200}

        first = await asyncio.gather(*(b.post(url) for b in browsers))
        assert [r.status_code for r in first] == [200] * VOTERS, describe(first, server, offset)
        assert all(b.cookies.get("pf_voter") for b in browsers)
        assert len({b.cookies.get("pf_voter") for b in browsers}) == VOTERS
        answers = [r.json() for r in first]
        assert {a["voted"] for a in answers} == {True}
        assert {a["question_id"] for a in answers} == {question_id}
        # each vote was counted on top of all those before it: 1, 2, ..., 300, each once
        assert sorted(a["votes"] for a in answers) == list(range(1, VOTERS + 1))
        assert await stored_votes(server, question_id) == (VOTERS, VOTERS)

        again = [browsers[i].post(url) for i in range(AGAIN)]
        back = [browsers[i].delete(url) for i in range(AGAIN, AGAIN + TAKE_BACK)]
        second = await asyncio.gather(*again, *back)
        assert [r.status_code for r in second] == [200] * (AGAIN + TAKE_BACK), describe(
            second, server, offset
        )
        said = Counter(r.json()["voted"] for r in second)
        assert said == {True: AGAIN, False: TAKE_BACK}, said
        # a second vote changes nothing: the count only ever went down, from 300 to 250
        assert all(VOTERS - TAKE_BACK <= r.json()["votes"] <= VOTERS for r in second)
        took_back = sorted(r.json()["votes"] for r in second[AGAIN:])
        assert took_back == list(range(VOTERS - TAKE_BACK, VOTERS))

    expected = VOTERS - TAKE_BACK
    assert await stored_votes(server, question_id) == (expected, expected)
    assert_log_clean(server, offset)

"""Schemathesis against the OpenAPI document (issue 10): no input gives a 500, every answer is
one the document declares, with the body and headers it declares.

In-process (ASGI mode) on both engines, as a visitor and with an organizer's API token, on the
demo data plus a few questions, so that generated ids hit real rows. Examples are bounded and
derandomized: the same cases every run, a few minutes in all (FUZZ_EXAMPLES raises the bound).
"""

import asyncio
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy import select

from app import demo
from app.db import Database
from app.main import create_app
from app.models import Event, EventStatus, Question, QuestionStatus, User
from app.services import accounts
from tests.conftest import alembic_config, make_settings

pytestmark = pytest.mark.fuzz

MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
# Every check runs but "schema-valid data is accepted": the rules that need the database or
# several fields (an event ends after it starts, the municipality votes in the election, a held
# event is not edited, consent is given) answer 422 to data the document alone calls valid.
EXCLUDED = [positive_data_acceptance]
REPORT = os.environ.get("FUZZ_REPORT")


async def _prepare(url: str) -> str:
    """The demo data, a few questions on public events, and the demo organizer's API token."""
    db = Database(make_settings(url))
    try:
        async with db.write() as session:
            await demo.seed(session=session, today=None)
            events = (
                await session.execute(
                    select(Event).where(Event.status == EventStatus.scheduled).limit(3)
                )
            ).scalars()
            for event in events:
                for number, status in enumerate(
                    [QuestionStatus.approved, QuestionStatus.pending, QuestionStatus.answered]
                ):
                    body = f"Pyetja {number} e qytetarit"
                    session.add(Question(event_id=event.id, body=body, status=status))
            organizer = (
                await session.execute(select(User).where(User.email == demo.DEMO_ORGANIZER_EMAIL))
            ).scalar_one()
            issued = await accounts.create_api_token(session=session, user=organizer, name="fuzz")
            await session.commit()
        return issued.secret
    finally:
        await db.dispose()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def engine_url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        url: str = request.getfixturevalue("new_sqlite_database")()
    else:
        url = request.getfixturevalue("new_postgres_database")()
    from alembic import command

    command.upgrade(alembic_config(url), "head")
    return url


class Target:
    """The app under test, swapped in by the fixture: the document is the same on every engine,
    so the schema is loaded once, at collection, from an app on a database never opened."""

    def __init__(self) -> None:
        self.app: Any = create_app(make_settings("sqlite+aiosqlite:///:memory:"))

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":  # each app is disposed by its fixture
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        await self.app(scope, receive, send)


TARGET = Target()
schema = schemathesis.openapi.from_asgi("/openapi.json", TARGET)


@pytest.fixture(scope="module")
def fuzzed(engine_url: str) -> Iterator[str]:
    """The app on a database with data, run on schemathesis' event loop; an organizer's token."""
    token = asyncio.run(_prepare(engine_url))
    document_app = TARGET.app
    TARGET.app = create_app(make_settings(engine_url, rate_limits=False))
    yield token
    asgi._get_portal().call(TARGET.app.state.db.dispose)
    TARGET.app = document_app


@pytest.fixture(params=["visitor", "organizer"])
def headers(request: pytest.FixtureRequest, fuzzed: str) -> dict[str, str]:
    """Nothing for a visitor; an organizer sends their API token with every case."""
    if request.param == "organizer":
        return {"Authorization": f"Bearer {fuzzed}"}
    return {}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_as_its_document_says(
    case: schemathesis.Case, headers: dict[str, str]
) -> None:
    if not REPORT:
        case.call_and_validate(headers=headers or None, excluded_checks=EXCLUDED)
        return
    # measuring (FUZZ_REPORT=file): every case runs, each failure is written down, none raised
    kinds: list[str] = []
    why: list[str] = []
    answer = ""
    try:
        response = case.call(headers=headers or None)
        answer = f"{response.status_code} {response.text[:200]}"
        case.validate_response(response, excluded_checks=EXCLUDED)
    except (Exception, BaseExceptionGroup) as error:
        found = getattr(error, "exceptions", [error])
        kinds = [getattr(e, "title", type(e).__name__) for e in found]
        why = [f"{getattr(e, 'message', e)}"[:300] + f" | {answer}" for e in found]
    with open(REPORT, "a") as report:
        label = f"{case.operation.method.upper()} {case.operation.path}"
        line = {"operation": label, "token": bool(headers), "failures": kinds, "why": why}
        report.write(json.dumps(line) + "\n")

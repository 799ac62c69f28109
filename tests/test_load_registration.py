"""Registration under load, through real HTTP: the real server as a subprocess, on SQLite with one
worker process and on PostgreSQL with four, fired at by hundreds of concurrent clients.

Capacity is never exceeded, nobody is lost or registered twice, a retried request (same
Idempotency-Key) never creates a second registration, and concurrent cancellations hand every
freed place to the first in line exactly once. Every figure is checked in the database itself.
"""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic import command
from sqlalchemy import select

from app.db import Database
from app.models import (
    Event,
    EventKind,
    EventStatus,
    Municipality,
    Organization,
    Registration,
    RegistrationStatus,
)
from app.services import tickets
from tests.conftest import alembic_config, make_settings

pytestmark = pytest.mark.load

PROJECT_DIR = Path(__file__).resolve().parent.parent
POP_FORUMS = Path(sys.executable).with_name("pop-forums")
SERVER_SECRET = "load-test-" + "s" * 38  # 48 characters
TIMEOUT = httpx.Timeout(60)
# what in a server's output means a request went wrong (uvicorn logs tracebacks as ERROR)
LOG_PROBLEMS = ("Traceback", "ERROR", "Exception", "database is locked", "too many clients")


@dataclass
class LiveServer:
    """`pop-forums serve` in a subprocess, the database it uses, and where its output goes."""

    engine: str
    workers: int
    base_url: str
    database_url: str
    log_path: Path
    municipality_id: int
    organization_id: int

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def problems_since(self, offset: int) -> list[str]:
        with self.log_path.open("rb") as log:
            log.seek(offset)
            text = log.read().decode(errors="replace")
        return [line for line in text.splitlines() if any(w in line for w in LOG_PROBLEMS)]

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _add_place(url: str) -> tuple[int, int]:
    """The municipality and organization every event of these tests belongs to."""
    db = Database(make_settings(url))
    try:
        async with db.write() as s:
            town = Municipality(name="Durrës", slug="durres")
            s.add(town)
            await s.flush()
            org = Organization(
                name="Qendra Rinore", slug="qendra-rinore", municipality_id=town.id or 0
            )
            s.add(org)
            await s.commit()
            return town.id or 0, org.id or 0
    finally:
        await db.dispose()


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's own process group (uvicorn's workers too), SIGKILL if it lingers."""
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@pytest.fixture(
    scope="module",
    params=[
        pytest.param(("sqlite", 1), id="sqlite-1-worker"),
        pytest.param(("postgresql", 4), id="postgresql-4-workers", marks=pytest.mark.postgres),
    ],
)
def live_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A fresh, migrated database and the real server on it, listening on a free port."""
    engine, workers = request.param
    var_dir = tmp_path_factory.mktemp(f"live-{engine}")
    if engine == "sqlite":
        url = f"sqlite+aiosqlite:///{var_dir / 'pop-forums.db'}"
    else:
        url = request.getfixturevalue("new_postgres_database")()
    command.upgrade(alembic_config(url), "head")
    municipality_id, organization_id = asyncio.run(_add_place(url))
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": SERVER_SECRET,
        "VAR_DIR": str(var_dir),
        "RATE_LIMITS": "off",
    }
    log_path = var_dir / "server.log"
    serve = ["serve", "--port", str(port), "--workers", str(workers), "--no-access-log"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(POP_FORUMS), *serve],
            cwd=PROJECT_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = LiveServer(
        engine,
        workers,
        f"http://127.0.0.1:{port}",
        url,
        log_path,
        municipality_id,
        organization_id,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited with {process.returncode}:\n{server.log()}")
            with suppress(httpx.HTTPError):
                if httpx.get(server.base_url + "/healthz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer /healthz within 60 s:\n{server.log()}")
            time.sleep(0.2)
        yield server
    finally:
        _stop(process)


# --- helpers ------------------------------------------------------------------------------------


async def make_event(server: LiveServer, capacity: int) -> int:
    """A scheduled event a week from now, written straight to the database."""
    starts = datetime.now(UTC) + timedelta(days=7)
    db = Database(make_settings(server.database_url))
    try:
        async with db.write() as s:
            event = Event(
                kind=EventKind.forum,
                title=f"Forum publik për {capacity} vetë",
                municipality_id=server.municipality_id,
                organization_id=server.organization_id,
                venue="Salla e Këshillit",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                status=EventStatus.scheduled,
                capacity=capacity,
            )
            s.add(event)
            await s.commit()
            return event.id or 0
    finally:
        await db.dispose()


async def registrations_in_database(server: LiveServer, event_id: int) -> list[Registration]:
    """The event's registrations as the database has them, first come first, in a fresh engine."""
    db = Database(make_settings(server.database_url))
    try:
        async with db.read() as s:
            rows = await s.execute(
                select(Registration)
                .where(Registration.event_id == event_id)  # type: ignore[arg-type]
                .order_by(Registration.created_at, Registration.id)  # type: ignore[arg-type]
            )
            return list(rows.scalars())
    finally:
        await db.dispose()


def person(n: int) -> dict[str, Any]:
    return {
        "name": f"Qytetar Provë {n}",
        "phone": f"+355 69 {n:07d}",
        "email": f"qytetar{n}@example.org",
        "gender": ("female", "male", "other")[n % 3],
        "age_group": ("18_29", "30_44", "45_64", "65_plus")[n % 4],
        "consent": True,
    }


def client(connections: int) -> httpx.AsyncClient:
    """One client with a connection for every request in flight, so all of them really are."""
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    return httpx.AsyncClient(limits=limits, timeout=TIMEOUT)


async def post_registration(
    http: httpx.AsyncClient, server: LiveServer, event_id: int, n: int, key: str | None = None
) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key else {}
    return await http.post(
        f"{server.base_url}/api/v1/events/{event_id}/registrations",
        json=person(n),
        headers=headers,
    )


def token_of(response: httpx.Response) -> str:
    return str(response.json()["ticket_url"]).rsplit("/", 1)[-1]


def describe(responses: list[httpx.Response], server: LiveServer, offset: int) -> str:
    """The answers' statuses, a few odd ones, and what the server logged meanwhile."""
    odd = [r for r in responses if r.status_code >= 300]
    sample = "\n".join(f"  {r.status_code} {r.text[:200]}" for r in odd[:5])
    logged = sorted(set(server.problems_since(offset)))
    return (
        f"statuses {Counter(r.status_code for r in responses)}\n{sample}\n"
        "server log (distinct error lines):\n" + "\n".join(logged[:20])
    )


def assert_log_clean(server: LiveServer, offset: int) -> None:
    problems = server.problems_since(offset)
    assert not problems, (
        "the server logged errors:\n"
        + "\n".join(problems[:20])
        + ("\n--- last lines:\n" + server.tail())
    )


# --- tests --------------------------------------------------------------------------------------


async def test_200_concurrent_registrations_for_50_places(live_server: LiveServer) -> None:
    server = live_server
    event_id = await make_event(server, capacity=50)
    offset = server.log_size()

    async with client(250) as http:
        responses = await asyncio.gather(
            *(post_registration(http, server, event_id, n) for n in range(200))
        )

    assert [r.status_code for r in responses] == [201] * 200, describe(responses, server, offset)
    bodies = [r.json() for r in responses]
    said = Counter(b["status"] for b in bodies)
    assert said == {"confirmed": 50, "waitlisted": 150}, said
    assert len({b["code"] for b in bodies}) == 200
    assert len({b["id"] for b in bodies}) == 200
    assert len({b["ticket_url"] for b in bodies}) == 200

    rows = await registrations_in_database(server, event_id)
    stored = Counter(r.status.value for r in rows)
    assert stored == {"confirmed": 50, "waitlisted": 150}, stored
    assert {r.id for r in rows} == {b["id"] for b in bodies}
    assert len({r.code for r in rows}) == 200
    # every answer says what the database holds
    by_id = {r.id: r for r in rows}
    assert all(by_id[b["id"]].status.value == b["status"] for b in bodies)
    assert all(by_id[b["id"]].code == b["code"] for b in bodies)
    # first come, first served: the 50 places went to the 50 who were registered first
    assert {r.status for r in rows[:50]} == {RegistrationStatus.confirmed}
    assert {r.status for r in rows[50:]} == {RegistrationStatus.waitlisted}
    assert_log_clean(server, offset)


async def test_retries_with_the_same_idempotency_key_register_once(
    live_server: LiveServer,
) -> None:
    """100 requests fired at once, 5 for each of 20 keys: 20 registrations, one answer per key."""
    server = live_server
    event_id = await make_event(server, capacity=10)
    offset = server.log_size()
    keys = [f"load-key-{k:02d}-{os.urandom(6).hex()}" for k in range(20)]
    plan = [(keys[i % 20], i % 20) for i in range(100)]  # the same person behind the same key

    async with client(150) as http:
        responses = await asyncio.gather(
            *(post_registration(http, server, event_id, n, key) for key, n in plan)
        )

    assert all(r.status_code in (200, 201) for r in responses), describe(responses, server, offset)
    by_key: dict[str, list[httpx.Response]] = {}
    for (key, _n), response in zip(plan, responses, strict=True):
        by_key.setdefault(key, []).append(response)
    for key, answers in by_key.items():
        assert sorted(r.status_code for r in answers) == [200, 200, 200, 200, 201], key
        assert (
            len({(r.json()["id"], r.json()["code"], r.json()["ticket_url"]) for r in answers}) == 1
        )

    rows = await registrations_in_database(server, event_id)
    assert len(rows) == 20
    assert {r.idempotency_key_hash for r in rows} == {
        tickets.key_hash(secret=SERVER_SECRET, event_id=event_id, idempotency_key=key)
        for key in keys
    }
    assert Counter(r.status.value for r in rows) == {"confirmed": 10, "waitlisted": 10}
    assert_log_clean(server, offset)


async def test_concurrent_cancellations_hand_each_freed_place_to_the_next_in_line_once(
    live_server: LiveServer,
) -> None:
    server = live_server
    event_id = await make_event(server, capacity=20)
    offset = server.log_size()
    async with client(100) as http:
        first = await asyncio.gather(
            *(post_registration(http, server, event_id, n) for n in range(60))
        )
    assert [r.status_code for r in first] == [201] * 60, describe(first, server, offset)
    token = {r.json()["id"]: token_of(r) for r in first}
    before = await registrations_in_database(server, event_id)
    confirmed = [r.id for r in before if r.status == RegistrationStatus.confirmed]
    waiting = [r.id for r in before if r.status == RegistrationStatus.waitlisted]  # in line
    assert (len(confirmed), len(waiting)) == (20, 40)

    leaving = confirmed[::4] + confirmed[1::4] + confirmed[2::4]  # 15 of the 20
    assert len(leaving) == 15
    # waiting people leave too, some near the head of the line (they may be promoted before
    # their cancellation is served, which frees that place again) and one far behind
    leaving_waiting = [waiting[i] for i in (0, 3, 7, 12, 30)]

    async def cancel(http: httpx.AsyncClient, registration_id: int | None) -> httpx.Response:
        return await http.delete(f"{server.base_url}/api/v1/registrations/{token[registration_id]}")

    async with client(150) as http:
        work: list[Any] = [cancel(http, i) for i in leaving for _tap in range(2)]  # double tap
        work += [cancel(http, i) for i in leaving_waiting]
        work += [post_registration(http, server, event_id, 1000 + n) for n in range(10)]
        responses = await asyncio.gather(*work)

    cancellations, newcomers = responses[:35], responses[35:]
    assert not [r for r in responses if r.status_code >= 500], describe(responses, server, offset)
    assert [r.status_code for r in cancellations] == [200] * 35, describe(
        cancellations, server, offset
    )
    assert {r.json()["status"] for r in cancellations} == {"cancelled"}
    assert [r.status_code for r in newcomers] == [201] * 10, describe(newcomers, server, offset)
    # the line is long enough that a newcomer never finds a free place
    assert {r.json()["status"] for r in newcomers} == {"waitlisted"}

    after = {r.id: r for r in await registrations_in_database(server, event_id)}
    assert len(after) == 70
    status = Counter(r.status.value for r in after.values())
    # no free place while someone waits: every place is taken and the line is not empty
    assert status == {"confirmed": 20, "waitlisted": 30, "cancelled": 20}, status
    gone = set(leaving) | set(leaving_waiting)
    assert {i for i, r in after.items() if r.status == RegistrationStatus.cancelled} == gone
    assert all(after[i].status == RegistrationStatus.confirmed for i in confirmed if i not in gone)
    # the places went to the first 15 in line who stayed in line, and to nobody else
    staying_in_line = [i for i in waiting if i not in gone]
    moved_up = {i for i in waiting if after[i].status == RegistrationStatus.confirmed}
    assert moved_up == set(staying_in_line[:15])
    # each freed place was given once: one promotion per place freed, nobody promoted twice
    promoted = {i for i, r in after.items() if r.promoted_at is not None}
    assert promoted <= set(waiting)
    promoted_then_left = promoted & set(leaving_waiting)  # promoted before their cancellation
    assert promoted == moved_up | promoted_then_left
    places_freed = len(leaving) + len(promoted_then_left)
    assert len(promoted) == places_freed
    assert all(after[i].cancelled_at is not None for i in gone)
    assert_log_clean(server, offset)

"""Writes that race: SQLite queues them (BEGIN IMMEDIATE), rate limits count across workers."""

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from alembic import command
from sqlalchemy import func, select

from app.db import Database
from app.models import Municipality, Role, User
from app.services import ratelimit
from tests.conftest import PASSWORD_HASH, alembic_config, make_settings


async def test_sqlite_read_then_write_transactions_queue_instead_of_failing(
    new_sqlite_database,
) -> None:
    """Each writer reads, then writes: a deferred BEGIN would fail with "database is locked"."""
    url = new_sqlite_database()
    await asyncio.to_thread(command.upgrade, alembic_config(url), "head")
    db = Database(make_settings(url))

    async def writer(n: int) -> None:
        async with db.write() as session:
            count = await session.scalar(select(func.count()).select_from(Municipality))
            await asyncio.sleep(0.001)
            session.add(Municipality(name=f"Bashkia {count}", slug=f"b-{count}-{n}"))
            await session.commit()

    await asyncio.gather(*(writer(n) for n in range(40)))
    async with db.read() as session:
        names = (await session.execute(select(Municipality.name))).scalars().all()  # type: ignore[call-overload]
    await db.dispose()
    # every writer saw the rows of the ones before it: no two read the same count
    assert sorted(names) == sorted(f"Bashkia {i}" for i in range(40))


async def test_rate_limit_counts_are_shared_by_separate_engines(db: Database) -> None:
    """Two Database objects stand for two worker processes: together they allow `limit` hits."""
    other = Database(db.settings)

    async def attempt(database: Database) -> bool:
        try:
            await ratelimit.hit(db=database, key="test:shared", limit=10, window=600)
        except ratelimit.RateLimited:
            return False
        return True

    results = await asyncio.gather(*(attempt(db if i % 2 else other) for i in range(30)))
    await other.dispose()
    assert results.count(True) == 10
    assert results.count(False) == 20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def postgres_server_with_two_workers(new_postgres_database, tmp_path: Path):  # type: ignore[no-untyped-def]
    url = new_postgres_database()
    command.upgrade(alembic_config(url), "head")

    async def add_user() -> None:
        db = Database(make_settings(url))
        async with db.write() as session:
            session.add(
                User(
                    email="admin@example.org",
                    name="A",
                    password_hash=PASSWORD_HASH,
                    role=Role.admin,
                )
            )
            await session.commit()
        await db.dispose()

    asyncio.run(add_user())
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "k" * 48,
        "VAR_DIR": str(tmp_path),
        "RATE_LIMIT_LOGIN_ACCOUNT": "5/600",
        "RATE_LIMIT_LOGIN_IP": "1000/600",
    }
    cli = Path(sys.executable).with_name("pop-forums")
    server = subprocess.Popen(
        [str(cli), "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        server.kill()
        pytest.fail(server.communicate()[0].decode(errors="replace"))
    yield base
    server.terminate()
    server.wait(timeout=15)


@pytest.mark.load  # the real server, two worker processes, concurrent sign-ins
def test_the_sign_in_limit_holds_across_two_worker_processes(
    postgres_server_with_two_workers: str,
) -> None:
    base = postgres_server_with_two_workers

    async def attempt() -> int:
        async with httpx.AsyncClient(base_url=base) as browser:
            page = await browser.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert token
            response = await browser.post(
                "/login",
                data={"csrf_token": token.group(1), "email": "admin@example.org", "password": "x"},
            )
            return response.status_code

    async def run() -> list[int]:
        return await asyncio.gather(*(attempt() for _ in range(20)))

    statuses = asyncio.run(run())
    assert statuses.count(400) == 5, statuses
    assert statuses.count(429) == 15, statuses

"""Fixtures: real databases (a SQLite file and a fresh PostgreSQL database), the app, clients.

Every database test runs on both engines. Without a reachable PostgreSQL the PostgreSQL half
is skipped with a message, except under CI (CI=true), where that is a failure.
"""

import asyncio
import os
import re
import secrets
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlmodel import SQLModel

from app.config import Settings
from app.db import Database
from app.main import create_app
from app.models import (
    Candidate,
    Election,
    ElectionKind,
    ElectionMunicipality,
    Municipality,
    Office,
    Organization,
    Party,
    Role,
    User,
)
from app.security import CSRF_COOKIE, hash_password
from app.services import accounts

PROJECT_DIR = Path(__file__).resolve().parent.parent
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_SECRET = "test-secret-" + "x" * 40
PASSWORD = "correct horse battery"
PASSWORD_HASH = hash_password(PASSWORD)


def alembic_config(database_url: str) -> Config:
    config = Config(str(PROJECT_DIR / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", database_url)
    return config


async def _postgres_available() -> str | None:
    """None when PostgreSQL answers, else why not."""
    engine = create_async_engine(POSTGRES_ADMIN_URL)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    finally:
        await engine.dispose()
    return None


def _run(coroutine):  # type: ignore[no-untyped-def]
    """Runs a coroutine from a sync fixture (outside pytest-asyncio's loop)."""
    return asyncio.run(coroutine)


def _with_database(admin_url: str, name: str, create: bool) -> None:
    async def work() -> None:
        engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
        async with engine.connect() as connection:
            if create:
                await connection.execute(text(f'CREATE DATABASE "{name}"'))
            else:
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await engine.dispose()

    _run(work())


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The admin URL of the PostgreSQL server, or a skip (a failure under CI)."""
    problem = _run(_postgres_available())
    if problem:
        message = f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL} ({problem})"
        if IN_CI:
            pytest.fail(message + "; CI must test PostgreSQL", pytrace=False)
        pytest.skip(message + "; PostgreSQL tests skipped")
    return POSTGRES_ADMIN_URL


@pytest.fixture(scope="session")
def new_postgres_database(postgres_server: str) -> Iterator[callable]:  # type: ignore[valid-type]
    """A factory of fresh, empty PostgreSQL databases, all dropped at the end of the run."""
    created: list[str] = []

    def make() -> str:
        name = f"popf_test_{uuid.uuid4().hex[:12]}"
        _with_database(postgres_server, name, create=True)
        created.append(name)
        return re.sub(r"/[^/]*$", f"/{name}", postgres_server)

    yield make
    for name in created:
        _with_database(postgres_server, name, create=False)


@pytest.fixture(scope="session")
def new_sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> callable:  # type: ignore[valid-type]
    def make() -> str:
        path = tmp_path_factory.mktemp("db") / f"{uuid.uuid4().hex[:8]}.db"
        return f"sqlite+aiosqlite:///{path}"

    return make


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def database_url(request: pytest.FixtureRequest) -> str:
    """A migrated database of each engine, shared by the session; tests empty it after use."""
    if request.param == "sqlite":
        url = request.getfixturevalue("new_sqlite_database")()
    else:
        url = request.getfixturevalue("new_postgres_database")()
    command.upgrade(alembic_config(url), "head")
    return url


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks `postgres` the tests that ask for a PostgreSQL database themselves (the PostgreSQL
    parameters of `database_url` and `live_server` carry the mark already)."""
    for item in items:
        if "new_postgres_database" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "secret_key": TEST_SECRET,
        "environment": "test",
        "base_url": "http://testserver",
        "rate_limit_login_ip": "1000/60",
        "rate_limit_login_account": "1000/60",
        # uploads (signed contract pages) never land in the working directory's var/
        "upload_dir": Path(tempfile.gettempdir()) / "pop-forums-test-uploads",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


REFERENCE_TABLES = {"topic"}  # filled by the migrations, kept between tests


async def empty_all_tables(db: Database) -> None:
    async with db.write() as session:
        tables = [
            t for t in reversed(SQLModel.metadata.sorted_tables) if t.name not in REFERENCE_TABLES
        ]
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            await session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                await session.execute(table.delete())
        await session.commit()


@pytest.fixture
async def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    """The Database of the engine under test; every table is emptied after the test."""
    database = Database(settings)
    yield database
    await empty_all_tables(database)
    await database.dispose()


@pytest.fixture
async def session(db: Database) -> AsyncIterator[AsyncSession]:
    async with db.write() as session:
        yield session


@dataclass
class World:
    """A small fixed world: two organizations, an organizer in each, an admin."""

    municipality: Municipality
    organization: Organization
    other_organization: Organization
    organizer: User
    other_organizer: User
    admin: User


@pytest.fixture
async def world(db: Database) -> World:
    async with db.write() as s:
        durres = Municipality(name="Durrës", slug="durres")
        shkoder = Municipality(name="Shkodër", slug="shkoder")
        s.add_all([durres, shkoder])
        await s.flush()
        csdc = Organization(
            name="Qendra për Zhvillimin e Shoqërisë Civile", slug="csdc", municipality_id=durres.id
        )
        irsh = Organization(
            name="Intelektualët e Rinj Shpresë", slug="irsh", municipality_id=shkoder.id
        )
        s.add_all([csdc, irsh])
        await s.flush()
        users = [
            User(
                email=email,
                name=name,
                password_hash=PASSWORD_HASH,
                role=role,
                organization_id=org,
            )
            for email, name, role, org in [
                ("organizer@example.org", "Ana Çela", Role.organizer, csdc.id),
                ("other@example.org", "Besnik Gjoka", Role.organizer, irsh.id),
                ("admin@example.org", "Drita Admin", Role.admin, None),
            ]
        ]
        s.add_all(users)
        await s.commit()
    return World(durres, csdc, irsh, users[0], users[1], users[2])


@pytest.fixture
async def app(settings: Settings, db: Database):  # type: ignore[no-untyped-def]
    application = create_app(settings)
    await application.state.db.dispose()
    application.state.db = db
    return application


@dataclass
class Stage:
    world: World
    election: Election
    other_election: Election
    party: Party
    anila: Candidate
    besa: Candidate
    other_town: Candidate


@pytest.fixture
async def stage(world: World, db: Database) -> Stage:
    """An election in Durrës with a party and two mayoral candidates, one elsewhere."""
    async with db.write() as s:
        election = Election(
            name="Zgjedhjet vendore 2030", kind=ElectionKind.local, election_date=date(2030, 5, 12)
        )
        other = Election(
            name="Zgjedhjet e pjesshme 2031",
            kind=ElectionKind.partial_local,
            election_date=date(2031, 3, 1),
        )
        party = Party(name="Partia e Urave (demo)", abbreviation="PU", color="#224488")
        s.add_all([election, other, party])
        await s.flush()
        s.add_all(
            [
                ElectionMunicipality(
                    election_id=election.id, municipality_id=world.municipality.id
                ),
                ElectionMunicipality(
                    election_id=other.id, municipality_id=world.other_organization.municipality_id
                ),
            ]
        )
        anila = Candidate(
            full_name="Anila Toska",
            party_id=party.id,
            election_id=election.id,
            municipality_id=world.municipality.id,
            office=Office.mayor,
        )
        besa = Candidate(
            full_name="Besa Çuni",
            election_id=election.id,
            municipality_id=world.municipality.id,
            office=Office.mayor,
        )
        far = Candidate(
            full_name="Gentian Lleshi",
            election_id=other.id,
            municipality_id=world.other_organization.municipality_id,
            office=Office.mayor,
        )
        s.add_all([anila, besa, far])
        await s.commit()
    return Stage(world, election, other, party, anila, besa, far)


class Browser(httpx.AsyncClient):
    """A test client that behaves like a browser: keeps cookies, knows the CSRF token."""

    async def csrf_token(self, path: str = "/") -> str:
        response = await self.get(path)
        match = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    async def post_form(self, path: str, data: dict[str, str] | None = None) -> httpx.Response:
        form = {"csrf_token": await self.csrf_token(), **(data or {})}
        return await self.post(path, data=form)

    async def sign_in(self, email: str, password: str = PASSWORD) -> None:
        response = await self.post_form("/login", {"email": email, "password": password})
        assert response.status_code == 303, response.text


@pytest.fixture
async def client(app) -> AsyncIterator[Browser]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app)
    async with Browser(transport=transport, base_url="http://testserver") as browser:
        yield browser


@pytest.fixture
async def citizen(client: Browser) -> Browser:
    """A visitor reading in English (the text the tests look for)."""
    client.cookies.set("pf_lang", "en")
    return client


@pytest.fixture
async def neighbour(app) -> AsyncIterator[Browser]:  # type: ignore[no-untyped-def]
    """A second browser reading in English: another phone in the same room."""
    transport = httpx.ASGITransport(app=app)
    async with Browser(transport=transport, base_url="http://testserver") as browser:
        browser.cookies.set("pf_lang", "en")
        yield browser


async def api_token_for(db: Database, user: User) -> str:
    async with db.write() as s:
        issued = await accounts.create_api_token(session=s, user=user, name="test")
        await s.commit()
    return issued.secret


def random_nonce() -> str:
    return secrets.token_urlsafe(32)


__all__ = ["CSRF_COOKIE", "PASSWORD", "Browser", "World", "api_token_for", "make_settings"]

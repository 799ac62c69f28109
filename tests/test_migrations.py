"""The migrations build the schema the models describe, and go down and up again cleanly."""

import asyncio

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

import app.models  # noqa: F401
from tests.conftest import alembic_config


def _schema_diff(url: str) -> list:  # type: ignore[type-arg]
    async def run() -> list:  # type: ignore[type-arg]
        engine = create_async_engine(url)
        async with engine.connect() as connection:
            diff = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}),
                    SQLModel.metadata,
                )
            )
        await engine.dispose()
        return diff

    return asyncio.run(run())


def _tables(url: str) -> set[str]:
    async def run() -> set[str]:
        engine = create_async_engine(url)
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        await engine.dispose()
        return set(names) - {"alembic_version"}

    return asyncio.run(run())


def _check_round_trip(url: str) -> None:
    config = alembic_config(url)
    command.upgrade(config, "head")
    assert _tables(url) == set(SQLModel.metadata.tables)
    assert _schema_diff(url) == []
    command.downgrade(config, "base")
    assert _tables(url) == set()
    command.upgrade(config, "head")
    assert _schema_diff(url) == []


def test_sqlite_upgrade_downgrade_upgrade_and_no_drift(new_sqlite_database) -> None:
    _check_round_trip(new_sqlite_database())


def test_postgresql_upgrade_downgrade_upgrade_and_no_drift(new_postgres_database) -> None:
    _check_round_trip(new_postgres_database())


def _execute(url: str, *statements: str) -> None:
    async def run() -> None:
        engine = create_async_engine(url)
        async with engine.begin() as connection:
            for statement in statements:
                await connection.execute(text(statement))
        await engine.dispose()

    asyncio.run(run())


def _count(url: str, table: str) -> int:
    async def run() -> int:
        engine = create_async_engine(url)
        async with engine.connect() as connection:
            count = await connection.scalar(text(f"SELECT count(*) FROM {table}"))
        await engine.dispose()
        return int(count or 0)

    return asyncio.run(run())


PLACE = (
    "INSERT INTO municipality (name, slug) VALUES ('Durrës', 'durres')",
    "INSERT INTO election (name, kind, election_date) VALUES ('Vendore', 'local', '2030-05-12')",
)
CONTRACT_OF_0001 = (
    "INSERT INTO social_contract (municipality_id, election_id, title, status, created_at) "
    "SELECT m.id, e.id, 'Kontrata', 'draft', CURRENT_TIMESTAMP FROM municipality m, election e"
)
CONTRACT_OF_0004 = (
    "INSERT INTO social_contract (municipality_id, election_id, title, term_start, term_end, "
    "status, created_at, updated_at) SELECT m.id, e.id, 'Kontrata', '2030-07-01', '2034-06-30', "
    "'draft', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM municipality m, election e"
)


def _check_0004_refuses_to_drop_rows(url: str) -> None:
    config = alembic_config(url)
    command.upgrade(config, "0003")
    _execute(url, *PLACE, CONTRACT_OF_0001)
    with pytest.raises(RuntimeError, match="social_contract"):
        command.upgrade(config, "head")
    assert _count(url, "social_contract") == 1
    assert "contract_version" not in _tables(url)
    _execute(url, "DELETE FROM social_contract")
    command.upgrade(config, "head")
    _execute(url, CONTRACT_OF_0004)
    with pytest.raises(RuntimeError, match="social_contract"):
        command.downgrade(config, "0003")
    assert _count(url, "social_contract") == 1
    assert "contract_version" in _tables(url)


def test_sqlite_0004_refuses_to_drop_contract_rows(new_sqlite_database) -> None:
    _check_0004_refuses_to_drop_rows(new_sqlite_database())


def test_postgresql_0004_refuses_to_drop_contract_rows(new_postgres_database) -> None:
    _check_0004_refuses_to_drop_rows(new_postgres_database())

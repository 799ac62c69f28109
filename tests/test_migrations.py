"""The migrations build the schema the models describe, and go down and up again cleanly."""

import asyncio

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
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

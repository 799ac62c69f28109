"""The async engine, sessions and the per-dialect settings that keep writes safe."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Executable, event
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import StaticPool

from app.config import Settings
from app.pool import FairAsyncPool


def create_engine(settings: Settings, *, foreign_keys: bool = True) -> AsyncEngine:
    """Builds the engine: SQLite in WAL with BEGIN IMMEDIATE, or a pre-pinged PostgreSQL pool.

    Both share the pool of app/pool.py, which hands connections out in order of arrival.
    """
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url,
            connect_args={"timeout": settings.sqlite_busy_timeout_ms / 1000},
            # an in-memory database lives in one connection: SQLAlchemy's own pool for it
            **(_pool_options(settings) if url.database not in (None, "", ":memory:") else {}),
        )
        _configure_sqlite(engine, settings.sqlite_busy_timeout_ms, foreign_keys=foreign_keys)
        return engine
    return create_async_engine(
        url, pool_pre_ping=True, pool_recycle=1800, **_pool_options(settings)
    )


def _pool_options(settings: Settings) -> dict[str, Any]:
    """The same pool for both engines: sized by the settings, first come first served."""
    return {
        "poolclass": FairAsyncPool,
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout,
    }


def _configure_sqlite(engine: AsyncEngine, busy_timeout_ms: int, *, foreign_keys: bool) -> None:
    """WAL, foreign keys, a busy timeout, and a write lock taken at BEGIN.

    pysqlite's own transaction handling is turned off so that every transaction starts with
    BEGIN IMMEDIATE: a deferred one that later writes fails with "database is locked" instead of
    waiting its turn.
    """
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # SQLite's own lower() folds only A-Z; searches must fold Ë and Ç too, as on PostgreSQL
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        if mode is not None:  # None: each statement on its own (see Database.snapshot)
            connection.exec_driver_sql(f"BEGIN {mode}")


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


class Database:
    """One engine, two kinds of session: `read()` for GETs, `write()` for anything that writes.

    On SQLite a write session starts with BEGIN IMMEDIATE, so concurrent writers queue on the
    busy timeout instead of failing; read sessions stay deferred and run side by side (WAL).
    On PostgreSQL both are the same.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = create_engine(settings)
        write_engine = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        # the settings ride on each session (session.info), for services that need the base URL
        # or the secret deep in a transaction (the outbox renders links and signs unsubscribes)
        info = {"settings": settings}
        self.read = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False, info=info
        )
        self.write = async_sessionmaker(
            write_engine, class_=AsyncSession, expire_on_commit=False, info=info
        )
        # one statement that reads, with no transaction around it: what the busiest pages need
        # per request, without the round trips of BEGIN and ROLLBACK
        self._snapshot_engine = (
            self.engine.execution_options(sqlite_begin=None)
            if self.engine.dialect.name == "sqlite"
            else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        url = make_url(settings.database_url)
        self._loop_reader = (
            LoopReader(url.database)
            if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
            else None
        )

    def snapshot(self) -> AsyncConnection:
        """A connection for single-statement reads (each statement sees committed data)."""
        return self._snapshot_engine.connect()

    async def read_row(self, statement: Executable, params: dict[str, Any]) -> Sequence[Any] | None:
        """The first row of one read statement, on its own (as `snapshot()`): on SQLite read
        on the event loop itself when the file is free at once (`LoopReader`), else through
        the pool."""
        rows = await self.read_rows(statement, params, first=True)
        return rows[0] if rows else None

    async def read_rows(
        self, statement: Executable, params: dict[str, Any], *, first: bool = False
    ) -> Sequence[Sequence[Any]]:
        """The rows of one read statement, as `read_row` reads them (only the first: `first`)."""
        if self._loop_reader is not None:
            try:
                return self._loop_reader.rows(statement, params, first=first)
            except OperationalError:  # locked or busy just now: wait for it in the pool
                pass
        async with self.snapshot() as connection:
            result = await connection.execute(statement, params)
            if first:
                row = result.first()
                return [row] if row is not None else []
            return result.all()

    async def dispose(self) -> None:
        if self._loop_reader is not None:
            self._loop_reader.close()
        await self.engine.dispose()


class LoopReader:
    """SQLite: a read-only connection used on the event loop itself, for the one indexed read
    each busy page needs per request. Through the async pool a statement costs a thread hop
    there and back (~5x the statement itself, bench/README.md). It never waits: a file that
    is locked just now raises OperationalError at once (busy timeout 0), and the caller reads
    through the pool instead. In WAL mode readers are rarely kept waiting at all."""

    def __init__(self, path: str) -> None:
        self._engine = create_sync_engine(
            f"sqlite+pysqlite:///{path}",
            poolclass=StaticPool,
            connect_args={"timeout": 0, "check_same_thread": False},
        )
        event.listen(self._engine, "connect", _read_only)
        self._connection: Connection | None = None

    def rows(
        self, statement: Executable, params: dict[str, Any], *, first: bool = False
    ) -> Sequence[Sequence[Any]]:
        if self._connection is None:
            self._connection = self._engine.connect()
        try:
            result = self._connection.execute(statement, params)
            if first:
                row = result.first()
                return [row] if row is not None else []
            return result.all()
        finally:
            self._connection.rollback()  # ends the read: nothing is held between requests

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._engine.dispose()


def _read_only(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # each statement on its own, no BEGIN held
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)

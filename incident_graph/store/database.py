"""Engines and session factories; the one place that knows SQLite from PostgreSQL connections."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from incident_graph.config import Settings

# Long enough to ride out another process's write (a CLI token command, a second server).
SQLITE_BUSY_TIMEOUT_MS = 30_000


def _sqlite_engine(url: str, *, immediate: bool, pool_size: int) -> AsyncEngine:
    engine = create_async_engine(url, pool_size=pool_size, max_overflow=0, pool_timeout=60)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy so SAVEPOINTs work (pysqlite's own BEGIN
        # handling would otherwise break them), then set durability and concurrency pragmas.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front, so a writer waits (busy_timeout) instead of
        # failing with "database is locked" when it upgrades from a read.
        connection.exec_driver_sql(begin)

    return engine


@dataclass(slots=True)
class Database:
    """Read and write engines. On SQLite writes get their own one-connection engine."""

    url: str
    read_engine: AsyncEngine
    write_engine: AsyncEngine
    read_sessions: async_sessionmaker[AsyncSession]
    write_sessions: async_sessionmaker[AsyncSession]

    @property
    def dialect(self) -> str:
        return self.read_engine.dialect.name

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A session for one read unit; never shared between concurrent tasks."""
        async with self.read_sessions() as session:
            yield session

    async def dispose(self) -> None:
        await self.read_engine.dispose()
        if self.write_engine is not self.read_engine:
            await self.write_engine.dispose()


def connect(settings: Settings) -> Database:
    """Create engines for the configured URL (no I/O until first use)."""
    url = settings.database_url
    if make_url(url).get_backend_name() == "sqlite":
        read_engine = _sqlite_engine(url, immediate=False, pool_size=8)
        write_engine = _sqlite_engine(url, immediate=True, pool_size=1)
    else:
        read_engine = create_async_engine(
            url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_pool_size,
            pool_pre_ping=True,
        )
        write_engine = read_engine
    return Database(
        url=url,
        read_engine=read_engine,
        write_engine=write_engine,
        read_sessions=async_sessionmaker(read_engine, expire_on_commit=False),
        write_sessions=async_sessionmaker(write_engine, expire_on_commit=False),
    )

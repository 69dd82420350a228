"""Engines and session factories; the one place that knows SQLite from PostgreSQL connections."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
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
from sqlalchemy.pool import QueuePool

from incident_graph.config import Settings

# Long enough to ride out another process's write (a CLI token command, a second server).
SQLITE_BUSY_TIMEOUT_MS = 30_000


def _sqlite_engine(url: str, *, immediate: bool | None, pool_size: int) -> AsyncEngine:
    """immediate=None: a read engine, autocommit, so each statement reads the newest commit."""
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=60,
        # An autocommit read connection has nothing to roll back: skip the round trip.
        pool_reset_on_return=None if immediate is None else "rollback",
    )

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

    if immediate is None:
        return engine
    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front, so a writer waits (busy_timeout) instead of
        # failing with "database is locked" when it upgrades from a read.
        connection.exec_driver_sql(begin)

    return engine


@dataclass(slots=True)
class _RequestReads:
    """One request's read session, lent to one task's `reading()` units at a time."""

    sessions: async_sessionmaker[AsyncSession]
    has_spare: Callable[[], bool]
    session: AsyncSession | None = None
    holder: asyncio.Task[Any] | None = None
    depth: int = 0
    # Tasks spawned by the request may outlive it; after the end they read on their own.
    ended: bool = False

    async def close(self) -> None:
        if self.session is not None:
            session, self.session = self.session, None
            await session.close()


_request_reads: ContextVar[_RequestReads | None] = ContextVar("request_reads", default=None)


async def release_request_reads() -> None:
    """Give the request's idle read connection back to the pool, e.g. before a long wait.

    A request waiting for the writer must not sit on a connection the writer may need.
    """
    shared = _request_reads.get()
    if shared is not None and shared.holder is None:
        await shared.close()


@dataclass(slots=True)
class Database:
    """Read and write engines. On SQLite writes get their own one-connection engine."""

    url: str
    read_engine: AsyncEngine
    write_engine: AsyncEngine
    read_sessions: async_sessionmaker[AsyncSession]
    write_sessions: async_sessionmaker[AsyncSession]
    # Connections the read pool may open (size + overflow), for `has_spare`.
    read_capacity: int

    @property
    def dialect(self) -> str:
        return self.read_engine.dialect.name

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A session for one read unit; never shared between concurrent tasks.

        Inside `request_reads()` a request's units reuse one connection (one pool checkout,
        one PostgreSQL pre-ping, per request instead of per DataLoader batch). A unit that
        starts while another task holds it gets a session of its own.
        """
        shared = _request_reads.get()
        task = asyncio.current_task()
        if shared is None or shared.ended or shared.holder not in (None, task):
            async with self.read_sessions() as session:
                yield session
            return
        if shared.session is None:
            shared.session = shared.sessions()
        session = shared.session
        shared.holder, shared.depth = task, shared.depth + 1
        failed = False
        try:
            yield session
        except BaseException:
            failed = True
            raise
        finally:
            shared.depth -= 1
            if shared.depth == 0:
                shared.holder = None
                # Objects handed out stay usable (detached), and the next unit reads rows
                # afresh rather than from this unit's identity map.
                session.expunge_all()
                # Keep the connection only while the pool has room: a request never holds
                # an idle connection that another request (or its own other unit) waits for.
                # A failed unit may leave the session needing a rollback: start afresh.
                if failed or not shared.has_spare():
                    await shared.close()

    @asynccontextmanager
    async def request_reads(self) -> AsyncIterator[None]:
        """Let the `reading()` units of one request share a connection until it ends."""
        shared = _RequestReads(self.read_sessions, self._read_pool_has_spare)
        token = _request_reads.set(shared)
        try:
            yield
        finally:
            _request_reads.reset(token)
            shared.ended = True
            await shared.close()

    def _read_pool_has_spare(self) -> bool:
        pool = self.read_engine.pool
        checked_out = pool.checkedout() if isinstance(pool, QueuePool) else 0
        return checked_out + 2 <= self.read_capacity

    async def dispose(self) -> None:
        await self.write_engine.dispose()
        if self.read_engine.pool is not self.write_engine.pool:
            await self.read_engine.dispose()


def connect(settings: Settings) -> Database:
    """Create engines for the configured URL (no I/O until first use)."""
    url = settings.database_url
    if make_url(url).get_backend_name() == "sqlite":
        read_capacity = 8
        read_engine = _sqlite_engine(url, immediate=None, pool_size=read_capacity)
        write_engine = _sqlite_engine(url, immediate=True, pool_size=1)
    else:
        read_capacity = 2 * settings.db_pool_size
        write_engine = create_async_engine(
            url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_pool_size,
            pool_pre_ping=True,
        )
        # Reads share the pool in autocommit: no BEGIN/ROLLBACK round trips around a SELECT,
        # and each statement sees the newest commit (READ COMMITTED, as before, minus the
        # transaction).
        read_engine = write_engine.execution_options(isolation_level="AUTOCOMMIT")
    return Database(
        url=url,
        read_engine=read_engine,
        write_engine=write_engine,
        read_sessions=async_sessionmaker(read_engine, expire_on_commit=False),
        write_sessions=async_sessionmaker(write_engine, expire_on_commit=False),
        read_capacity=read_capacity,
    )

"""The database: engines and session factories, and how a request's reads share a connection."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.pool import QueuePool

from incident_graph.config import Settings
from incident_graph.store.dialect import Dialect, EngineOptions, dialect_for
from incident_graph.store.outage import reads_unavailable


@dataclass(slots=True)
class _RequestReads:
    """One request's read connection, lent to one task's read units at a time; an ORM session
    is bound to it only when a unit asks for one (`reading()`), so Core reads (the token
    check, compiled reads) pay for no session at all."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    has_spare: Callable[[], bool]
    connection: AsyncConnection | None = None
    session: AsyncSession | None = None
    holder: asyncio.Task[Any] | None = None
    depth: int = 0
    # Tasks spawned by the request may outlive it; after the end they read on their own.
    ended: bool = False

    async def connect(self) -> AsyncConnection:
        if self.connection is None:
            self.connection = await self.engine.connect()
        return self.connection

    async def orm_session(self) -> AsyncSession:
        if self.session is None:
            self.session = self.sessions(bind=await self.connect())
        return self.session

    async def close(self) -> None:
        if self.session is not None:
            session, self.session = self.session, None
            await session.close()
        if self.connection is not None:
            connection, self.connection = self.connection, None
            await connection.close()


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
    dialect: Dialect
    read_engine: AsyncEngine
    write_engine: AsyncEngine
    read_sessions: async_sessionmaker[AsyncSession]
    write_sessions: async_sessionmaker[AsyncSession]
    # Connections the read pool may open (size + overflow), for `has_spare`.
    read_capacity: int

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A session for one read unit; never shared between concurrent tasks.

        Inside `request_reads()` a request's units reuse one connection (one pool checkout,
        one PostgreSQL pre-ping, per request instead of per DataLoader batch). A unit that
        starts while another task holds it gets a session of its own.
        """
        # An unreachable database reaches the caller as UnavailableError (answered 503).
        async with reads_unavailable(self.dialect), self._reading() as session:
            yield session

    @asynccontextmanager
    async def reading_connection(self) -> AsyncIterator[AsyncConnection]:
        """`reading()` for Core statements: the request's shared connection, no session."""
        async with reads_unavailable(self.dialect), self._lent() as shared:
            if shared is None:
                async with self.read_engine.connect() as connection:
                    yield connection
            else:
                yield await shared.connect()

    @asynccontextmanager
    async def _reading(self) -> AsyncIterator[AsyncSession]:
        async with self._lent() as shared:
            if shared is None:
                async with self.read_sessions() as session:
                    yield session
            else:
                yield await shared.orm_session()

    @asynccontextmanager
    async def _lent(self) -> AsyncIterator[_RequestReads | None]:
        """The request's shared reads, held by this task until the unit ends; None when
        there are none, or another task holds them (the unit then reads on its own)."""
        shared = _request_reads.get()
        task = asyncio.current_task()
        if shared is None or shared.ended or shared.holder not in (None, task):
            yield None
            return
        shared.holder, shared.depth = task, shared.depth + 1
        failed = False
        try:
            yield shared
        except BaseException:
            failed = True
            raise
        finally:
            shared.depth -= 1
            if shared.depth == 0:
                shared.holder = None
                if shared.session is not None:
                    # Objects handed out stay usable (detached), and the next unit reads
                    # rows afresh rather than from this unit's identity map.
                    shared.session.expunge_all()
                # Keep the connection only while the pool has room: a request never holds
                # an idle connection that another request (or its own other unit) waits for.
                # A failed unit may leave the connection needing a rollback: start afresh.
                if failed or not shared.has_spare():
                    await shared.close()

    @asynccontextmanager
    async def request_reads(self) -> AsyncIterator[None]:
        """Let the `reading()` units of one request share a connection until it ends."""
        shared = _RequestReads(self.read_engine, self.read_sessions, self._read_pool_has_spare)
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
    dialect = dialect_for(url)
    engines = dialect.engines(
        url,
        EngineOptions(
            pool_size=settings.db_pool_size,
            sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms,
            connect_timeout_ms=settings.db_connect_timeout_ms,
            statement_timeout_ms=settings.db_statement_timeout_ms,
        ),
    )
    return Database(
        url=url,
        dialect=dialect,
        read_engine=engines.read,
        write_engine=engines.write,
        read_sessions=async_sessionmaker(engines.read, expire_on_commit=False),
        write_sessions=async_sessionmaker(engines.write, expire_on_commit=False),
        read_capacity=engines.read_capacity,
    )

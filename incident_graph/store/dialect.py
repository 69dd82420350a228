"""Every difference between SQLite and PostgreSQL, in one object chosen from the database URL.

Code elsewhere asks the dialect (`dialect_for(url)`, or `dialect_of(session)` inside a unit)
and never tests the database's name itself: engines and their pragmas, how many writer
transactions may run at once, INSERT ... ON CONFLICT, large IN lists, planning, NOTIFY/LISTEN,
the migration lock, where the secret key file sits, full-text search, and how compiled
reads build JSON.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final, TypeVar

from sqlalchemy import ColumnElement, Connection, Insert, Table, any_, bindparam, event, func
from sqlalchemy import select as sql_select
from sqlalchemy import text as sql_text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import QueryableAttribute

from incident_graph.store.json_sql import JsonSql, PostgresJson, SqliteJson
from incident_graph.store.search_text import TextSearch
from incident_graph.store.search_text_postgres import PostgresTextSearch
from incident_graph.store.search_text_sqlite import SqliteTextSearch
from incident_graph.store.tables import Base

if TYPE_CHECKING:
    from incident_graph.store.backup import BackupTool

T = TypeVar("T")

# Any fixed number: serialises concurrent migrators (several servers starting at once).
_PG_MIGRATION_LOCK: Final = 7_114_212


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """What engine building needs from the settings (the store does not import config)."""

    pool_size: int
    sqlite_busy_timeout_ms: int
    # PostgreSQL: bounds on waiting for a connection and for a statement, so an unreachable
    # server is answered UNAVAILABLE within seconds instead of hanging requests.
    connect_timeout_ms: int
    statement_timeout_ms: int


@dataclass(frozen=True, slots=True)
class Engines:
    read: AsyncEngine
    write: AsyncEngine
    # Connections the read pool may open (size + overflow).
    read_capacity: int


# Called with (channel, payload) for each NOTIFY heard.
Listener = Callable[[str, str], None]
# Called when the listening connection is lost (or closed).
Lost = Callable[[], None]


class Failure(Enum):
    """What a database error means for the unit (or batch) it broke."""

    # Chosen to give way (deadlock, serialization): the same work succeeds when run again.
    TRANSIENT = "TRANSIENT"
    # A value the database refuses (too long, out of range, not encodable): the input's fault.
    BAD_DATA = "BAD_DATA"
    # A constraint: the row exists already, or what it refers to went away meanwhile.
    CONFLICT = "CONFLICT"
    # The database is unreachable, shutting down, locked by another process or unreadable.
    UNAVAILABLE = "UNAVAILABLE"
    # Anything else: a bug of ours.
    UNKNOWN = "UNKNOWN"


class Dialect(ABC):
    """One database's way of doing the things the two databases do differently."""

    name: ClassVar[str]
    text_search: ClassVar[TextSearch]
    # How compiled reads build their JSON.
    json_sql: ClassVar[JsonSql]
    # Why several server processes cannot share the database, or None when they can.
    workers_refusal: ClassVar[str | None]

    @abstractmethod
    def engines(self, url: str, options: EngineOptions) -> Engines:
        """Read and write engines for `url`."""

    @abstractmethod
    def writer_concurrency(self, configured: int) -> int:
        """How many writer transactions may be open at once."""

    @abstractmethod
    def insert_ignore(self, table: type[Base] | Table) -> Insert:
        """INSERT ... ON CONFLICT DO NOTHING, without values.

        Execute it with one row (a dict) or many (a list: one executemany). Values go in as
        parameters, never as a VALUES clause: such a statement is compiled on every call (and
        one of thousands of rows is slow to compile), where this one is compiled once.
        """

    @abstractmethod
    def among(self, column: QueryableAttribute[T], values: Sequence[T]) -> ColumnElement[bool]:
        """`column IN values` for thousands of values."""

    @abstractmethod
    def among_param(self, column: QueryableAttribute[T], name: str) -> ColumnElement[bool]:
        """`among`, with the values bound at execution as parameter `name` (a list): for
        statements built once per dialect. Twin of `among`; both exist because one statement
        may hold several such lists, which need distinct parameter names."""

    @abstractmethod
    async def plan_with_values(self, session: AsyncSession) -> None:
        """Plan each statement of this transaction for its actual values."""

    @abstractmethod
    async def notify(self, session: AsyncSession, *, channel: str, payloads: Sequence[str]) -> None:
        """Send `payloads` to other server processes when (and only if) the unit commits."""

    @abstractmethod
    async def listen(self, url: str, channel: str, on_payload: Listener, on_lost: Lost) -> Any:
        """Start hearing `channel`; returns the listening connection (close() it), or None
        when every process that can write is this one. `on_lost` is called once the
        connection ends, whether closed or lost (the database restarted, say)."""

    @abstractmethod
    def lock_migrations(self, connection: Connection) -> None:
        """Serialise migrators running at once (within the migration's transaction)."""

    @abstractmethod
    def key_file_beside(self, url: str) -> Path | None:
        """A file next to the database for the secret key, if the database is a file."""

    @abstractmethod
    def failure(self, exc: DBAPIError) -> Failure:
        """What a database error means (see Failure)."""

    @abstractmethod
    def backup_tool(self) -> BackupTool:
        """How this database writes a backup file and reads one back."""

    @abstractmethod
    def snapshot(
        self, read: AsyncEngine, write: AsyncEngine
    ) -> AbstractAsyncContextManager[AsyncConnection]:
        """A connection whose reads all see one moment, while writers go on (a copy reads
        every table through it)."""

    @abstractmethod
    async def reset_sequences(self, connection: AsyncConnection, tables: Sequence[Table]) -> None:
        """After rows were inserted with their ids, make new rows get ids above them."""


class SqliteDialect(Dialect):
    name = "sqlite"
    text_search = SqliteTextSearch()
    json_sql = SqliteJson()
    workers_refusal = (
        "SQLite takes one writer at a time; several server processes would only queue on its "
        "lock. Use PostgreSQL for --workers above 1"
    )

    def engines(self, url: str, options: EngineOptions) -> Engines:
        read_capacity = 8
        return Engines(
            read=_sqlite_engine(url, options, immediate=None, pool_size=read_capacity),
            write=_sqlite_engine(url, options, immediate=True, pool_size=1),
            read_capacity=read_capacity,
        )

    def writer_concurrency(self, configured: int) -> int:  # noqa: ARG002 - one, whatever is set
        return 1  # SQLite has one write lock: a second writer task would only wait for it

    def insert_ignore(self, table: type[Base] | Table) -> Insert:
        return sqlite.insert(table).on_conflict_do_nothing()

    def among(self, column: QueryableAttribute[T], values: Sequence[T]) -> ColumnElement[bool]:
        # SQLite has no arrays and plans each statement afresh: a plain IN is right there.
        return column.in_(values)

    def among_param(self, column: QueryableAttribute[T], name: str) -> ColumnElement[bool]:
        return column.in_(bindparam(name, expanding=True))

    async def plan_with_values(self, session: AsyncSession) -> None:
        pass  # SQLite plans every statement afresh anyway

    async def notify(self, session: AsyncSession, *, channel: str, payloads: Sequence[str]) -> None:
        pass  # one process writes a SQLite file: there is nobody else to tell

    async def listen(self, url: str, channel: str, on_payload: Listener, on_lost: Lost) -> Any:
        pass  # None, no connection: likewise, this process hears its own events directly

    def lock_migrations(self, connection: Connection) -> None:
        pass  # the migration's BEGIN IMMEDIATE already excludes every other writer

    def key_file_beside(self, url: str) -> Path | None:
        database = make_url(url).database
        if database and database != ":memory:":
            return Path(database + ".key")
        return None

    def failure(self, exc: DBAPIError) -> Failure:
        if getattr(exc.orig, "sqlite_errorname", "") in _SQLITE_UNAVAILABLE:
            return Failure.UNAVAILABLE
        return _by_class(exc)

    def backup_tool(self) -> BackupTool:
        from incident_graph.store.backup_sqlite import SqliteBackup  # noqa: PLC0415 - on use

        return SqliteBackup()

    @asynccontextmanager
    async def snapshot(
        self,
        read: AsyncEngine,
        write: AsyncEngine,  # noqa: ARG002 - its BEGIN IMMEDIATE would hold off the writers
    ) -> AsyncIterator[AsyncConnection]:
        # A deferred BEGIN on a read connection: in WAL mode the first read fixes the
        # snapshot and writers go on. The read engine leaves transactions to us, so end it.
        async with read.connect() as connection:
            await connection.exec_driver_sql("BEGIN")
            try:
                yield connection
            finally:
                await connection.exec_driver_sql("ROLLBACK")

    async def reset_sequences(self, connection: AsyncConnection, tables: Sequence[Table]) -> None:
        pass  # an INTEGER PRIMARY KEY takes the largest id plus one: nothing to reset


class PostgresDialect(Dialect):
    name = "postgresql"
    text_search = PostgresTextSearch()
    json_sql = PostgresJson()
    workers_refusal = None

    def engines(self, url: str, options: EngineOptions) -> Engines:
        def engine(*, pre_ping: bool, size: int, overflow: int, **extra: Any) -> AsyncEngine:
            return create_async_engine(
                url,
                pool_size=size,
                max_overflow=overflow,
                pool_pre_ping=pre_ping,
                # A request waits at most this long for a connection; then it answers
                # UNAVAILABLE.
                pool_timeout=options.connect_timeout_ms / 1000 + 2,
                connect_args={
                    "timeout": options.connect_timeout_ms / 1000,
                    "command_timeout": options.statement_timeout_ms / 1000,
                },
                **extra,
            )

        # Writes test a connection from before an outage (and replace it) before use, so a
        # write never fails for a connection the server has already lost.
        write = engine(pre_ping=True, size=options.pool_size, overflow=options.pool_size)
        # Reads have a pool of their own, in autocommit (no BEGIN/ROLLBACK round trips around
        # a SELECT; each statement sees the newest commit), and no ping before each request:
        # that round trip cost an eighth of an incident page's server time. A read on a lost
        # connection answers UNAVAILABLE once; the disconnect invalidates every connection
        # from before it, so the next requests connect afresh and the server recovers alike.
        # Every read connection is kept once opened: as overflow, the ones past pool_size were
        # closed on return and opened again by the next burst, a new PostgreSQL backend each
        # time (at 16 clients the incident page ran at 0.79x the baseline with that churn,
        # 1.27x without).
        capacity = 2 * options.pool_size
        read = engine(pre_ping=False, size=capacity, overflow=0, isolation_level="AUTOCOMMIT")
        return Engines(read=read, write=write, read_capacity=capacity)

    def writer_concurrency(self, configured: int) -> int:
        # A unit's statements are network round trips here: parallel transactions help.
        return configured

    def insert_ignore(self, table: type[Base] | Table) -> Insert:
        return postgresql.insert(table).on_conflict_do_nothing()

    def among(self, column: QueryableAttribute[T], values: Sequence[T]) -> ColumnElement[bool]:
        # One array parameter (`= ANY($1)`) instead of one parameter a value: one statement
        # text whatever the number of values, so it is prepared once, not once per batch size.
        array = bindparam(None, list(values), type_=postgresql.ARRAY(column.type))
        return column == any_(array)

    def among_param(self, column: QueryableAttribute[T], name: str) -> ColumnElement[bool]:
        return column == any_(bindparam(name, type_=postgresql.ARRAY(column.type)))

    async def plan_with_values(self, session: AsyncSession) -> None:
        # A bulk load repeats the same statements batch after batch. After five runs
        # PostgreSQL may switch to a generic plan made once, and one made while a table was
        # still small (a fresh catalog being loaded) went on scanning that table whole as it
        # grew. Planning each costs microseconds against the thousand rows it handles.
        await session.execute(sql_text("SET LOCAL plan_cache_mode = force_custom_plan"))

    async def notify(self, session: AsyncSession, *, channel: str, payloads: Sequence[str]) -> None:
        for payload in payloads:
            await session.execute(sql_select(func.pg_notify(channel, payload)))

    async def listen(self, url: str, channel: str, on_payload: Listener, on_lost: Lost) -> Any:
        import asyncpg  # noqa: PLC0415 - the PostgreSQL driver, loaded only for PostgreSQL

        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        connection = await asyncpg.connect(dsn)

        def heard(_conn: Any, _pid: int, heard_channel: str, payload: str) -> None:
            on_payload(heard_channel, payload)

        await connection.add_listener(channel, heard)
        connection.add_termination_listener(lambda _conn: on_lost())
        return connection

    def lock_migrations(self, connection: Connection) -> None:
        connection.execute(sql_text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})

    def key_file_beside(self, url: str) -> Path | None:  # noqa: ARG002 - no file to sit beside
        return None  # the database is elsewhere: the key file defaults to the working directory

    def failure(self, exc: DBAPIError) -> Failure:
        # asyncpg's errors reach SQLAlchemy as plain DBAPIErrors: their SQLSTATE says what
        # they are (PostgreSQL's Appendix A).
        state = str(getattr(exc.orig, "sqlstate", None) or "")
        for prefixes, kind in _PG_STATES:
            if state.startswith(prefixes):
                return kind
        if exc.connection_invalidated:
            return Failure.UNAVAILABLE
        return _by_class(exc)

    def backup_tool(self) -> BackupTool:
        from incident_graph.store.backup_postgres import PostgresBackup  # noqa: PLC0415 - on use

        return PostgresBackup()

    @asynccontextmanager
    async def snapshot(
        self,
        read: AsyncEngine,  # noqa: ARG002 - autocommit: no transaction to hold a snapshot
        write: AsyncEngine,
    ) -> AsyncIterator[AsyncConnection]:
        async with write.connect() as connection, connection.begin():
            await connection.execute(
                sql_text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            )
            yield connection

    async def reset_sequences(self, connection: AsyncConnection, tables: Sequence[Table]) -> None:
        for table in tables:
            key = table.autoincrement_column
            if key is None:
                continue
            # The next id is one above the largest copied (1 for an empty table).
            await connection.execute(
                sql_select(
                    func.setval(
                        func.pg_get_serial_sequence(table.name, key.name),
                        func.coalesce(func.max(key), 0) + 1,
                        False,  # noqa: FBT003 - setval's is_called argument
                    )
                ).select_from(table)
            )


def _sqlite_engine(
    url: str, options: EngineOptions, *, immediate: bool | None, pool_size: int
) -> AsyncEngine:
    """immediate=None: a read engine, autocommit, so each statement reads the newest commit."""
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=60,
        # An autocommit read connection has nothing to roll back: skip the round trip.
        pool_reset_on_return=None if immediate is None else "rollback",
    )
    busy_timeout = int(options.sqlite_busy_timeout_ms)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy so SAVEPOINTs work (pysqlite's own BEGIN
        # handling would otherwise break them), then set durability and concurrency pragmas.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout}")
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


def _by_class(exc: DBAPIError) -> Failure:
    """What the DB-API's own exception classes say, where the driver sets them."""
    if isinstance(exc, IntegrityError):
        return Failure.CONFLICT
    if isinstance(exc, DataError):
        return Failure.BAD_DATA
    if isinstance(exc, OperationalError | InterfaceError):
        return Failure.UNAVAILABLE
    return Failure.UNKNOWN


# busy/locked (after busy_timeout), I/O errors, a file that is not (or no longer) a database.
_SQLITE_UNAVAILABLE: Final = frozenset(
    {"SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_IOERR", "SQLITE_NOTADB", "SQLITE_CORRUPT"}
    | {"SQLITE_CANTOPEN"}
)
# SQLSTATE prefixes, most specific first: deadlock and serialization failure; data
# exceptions; integrity violations; connection, resource and operator-intervention classes.
_PG_STATES: Final[tuple[tuple[tuple[str, ...], Failure], ...]] = (
    (("40P01", "40001"), Failure.TRANSIENT),
    (("22",), Failure.BAD_DATA),
    (("23",), Failure.CONFLICT),
    (("08", "53", "57P", "3D000", "28"), Failure.UNAVAILABLE),
)

SQLITE: Final = SqliteDialect()
POSTGRESQL: Final = PostgresDialect()
_BY_NAME: Final[dict[str, Dialect]] = {SQLITE.name: SQLITE, POSTGRESQL.name: POSTGRESQL}


def dialect_for(url: str) -> Dialect:
    """The dialect of a database URL (sqlite+aiosqlite://... or postgresql+asyncpg://...)."""
    return _BY_NAME[make_url(url).get_backend_name()]


def dialect_of(bind: AsyncSession | AsyncConnection | AsyncEngine | Connection) -> Dialect:
    """The dialect a session (or connection, or engine) talks to."""
    if isinstance(bind, AsyncSession):
        return _BY_NAME[bind.get_bind().dialect.name]
    return _BY_NAME[bind.dialect.name]


__all__ = [
    "POSTGRESQL",
    "SQLITE",
    "Dialect",
    "EngineOptions",
    "Engines",
    "Failure",
    "dialect_for",
    "dialect_of",
]

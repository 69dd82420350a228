"""An unreachable database, as callers see it: an UnavailableError, never a driver's exception.

Reads (`Database.reading`) and the writer both turn "the database cannot be used now" into
`UnavailableError`, which the API answers with code UNAVAILABLE (HTTP 503, Retry-After) and the
CLI with one line. What counts: a database error the dialect calls UNAVAILABLE (refused or
lost connection, shutdown, a locked or unreadable SQLite file), a socket error or timeout
raised while connecting (asyncpg raises those bare), and a pool with no connection to lend in
time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from incident_graph.domain.errors import UnavailableError
from incident_graph.store.dialect import Dialect, Failure


def is_outage(dialect: Dialect, exc: BaseException) -> bool:
    """Whether `exc` says the database cannot be used now (as opposed to a bad request or a bug)."""
    if isinstance(exc, DBAPIError):
        return dialect.failure(exc) is Failure.UNAVAILABLE
    return isinstance(exc, OSError | PoolTimeoutError)


def unavailable_error(exc: BaseException) -> UnavailableError:
    """What the caller of a read or write that met an outage is told."""
    if "database is locked" in str(exc):
        return UnavailableError(
            "another process held the database's write lock for longer than the busy timeout "
            "(INCIDENT_GRAPH_SQLITE_BUSY_TIMEOUT_MS); nothing was changed, retry shortly"
        )
    # The driver's own first line says which outage it is ("file is not a database", "the
    # database system is shutting down"); a bare socket error says it by its class.
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else None
    reason = (str(cause).strip().splitlines() or [""])[0] if cause is not None else ""
    return UnavailableError(
        f"the database cannot be used now ({reason or type(exc).__name__}); nothing was "
        "changed, retry shortly"
    )


@asynccontextmanager
async def reads_unavailable(dialect: Dialect) -> AsyncIterator[None]:
    """Re-raise an outage met by the reads inside the block as UnavailableError; anything
    else unchanged."""
    try:
        yield
    except UnavailableError:
        raise
    except Exception as exc:
        if is_outage(dialect, exc):
            raise unavailable_error(exc) from exc
        raise


__all__ = ["is_outage", "reads_unavailable", "unavailable_error"]

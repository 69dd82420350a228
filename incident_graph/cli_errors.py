"""What the CLI says when its surroundings fail: one line on stderr and a non-zero exit.

A missing file, a database that cannot be reached or read, a server that does not answer and a
bad argument are the user's to fix, so they get one line saying what and how. Anything not
recognised here is a bug of ours and keeps its traceback, which is what a report needs.
"""

from __future__ import annotations

import argparse
import threading
from dataclasses import dataclass
from typing import NoReturn

import httpx
from alembic.util.exc import CommandError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from incident_graph.config import SettingsError
from incident_graph.domain.errors import DomainError, UnavailableError
from incident_graph.store.backup import BackupError
from incident_graph.store.dialect import Failure, dialect_for

# Exit statuses: 2 for a request the user should change (argparse's own), 1 for a failure of
# what the command needed (a file, the database, the server).
USAGE: int = 2
FAILED: int = 1


@dataclass(frozen=True, slots=True)
class Explained:
    message: str
    exit_code: int


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line (argparse prints the whole usage first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def quiet_closed_loop_threads() -> None:
    """Keep a failed connection's one line one line.

    aiosqlite stops its thread after a failed connect by posting to the event loop; when the
    command has already failed and asyncio.run closed the loop, that thread's RuntimeError
    would print a traceback under the message. Only that error is silenced.
    """
    # strawberry sets its own threading.excepthook when first imported (`serve` imports it
    # after this runs): import it now, so its hook is the one ours wraps, not replaces.
    import strawberry.exceptions  # noqa: F401, PLC0415

    default = threading.excepthook

    def hook(args: threading.ExceptHookArgs) -> None:
        if isinstance(args.exc_value, RuntimeError) and "Event loop is closed" in str(
            args.exc_value
        ):
            return
        default(args)

    threading.excepthook = hook


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _refusal(exc: SettingsError | DomainError) -> Explained:
    if isinstance(exc, UnavailableError):
        return Explained(exc.message, FAILED)
    return Explained(exc.message if isinstance(exc, DomainError) else str(exc), USAGE)


def _database(exc: DBAPIError | CommandError, url: str) -> Explained | None:
    if isinstance(exc, CommandError):
        # Alembic's refusal, e.g. a database migrated by a newer version of incident-graph.
        return Explained(f"cannot migrate the database {_shown(url)}: {exc}", FAILED)
    if dialect_for(url).failure(exc) is not Failure.UNAVAILABLE:
        return None
    reason = _first_line(exc.orig if exc.orig is not None else exc)
    return Explained(
        f"the database {_shown(url)} cannot be used: {reason} "
        "(check INCIDENT_GRAPH_DATABASE_URL and that the database is running)",
        FAILED,
    )


def _server(exc: httpx.TransportError) -> Explained:
    try:
        where = str(exc.request.url)
    except RuntimeError:  # raised before a request was made
        where = "the server"
    return Explained(f"cannot reach {where}: {_first_line(exc)}", FAILED)


def _os_error(exc: OSError, url: str | None) -> Explained:
    if exc.filename is not None:
        return Explained(f"cannot open {exc.filename}: {exc.strerror or exc}", FAILED)
    # No file named: a connection (refused, timed out, name not resolved). The CLI's only
    # sockets go to the database; the HTTP client's failures are httpx errors.
    where = f"the database {_shown(url)}" if url is not None else "the database"
    reason = _first_line(exc) if str(exc) else "it did not answer in time"
    return Explained(
        f"cannot reach {where}: {reason} (check INCIDENT_GRAPH_DATABASE_URL and that the "
        "database is running)",
        FAILED,
    )


def explain(exc: BaseException, *, database_url: str | None) -> Explained | None:
    """The one line for `exc`, or None when it is a bug (and deserves its traceback)."""
    if isinstance(exc, SettingsError | DomainError):
        return _refusal(exc)
    if isinstance(exc, BackupError):
        return Explained(str(exc), FAILED)
    if isinstance(exc, DBAPIError | CommandError) and database_url is not None:
        return _database(exc, database_url)
    if isinstance(exc, OSError):
        return _os_error(exc, database_url)
    if isinstance(exc, httpx.TransportError):
        return _server(exc)
    return None


__all__ = ["Explained", "OneLineParser", "explain", "quiet_closed_loop_threads"]

"""Backups of a SQLite database with SQLite's online backup API.

The API copies the file page by page inside one read transaction: with WAL, the server keeps
writing meanwhile and the copy is the database as it was when the backup began.
"""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url

from incident_graph.store.backup import BackupError
from incident_graph.store.migrate import known_revision

_HEADER = b"SQLite format 3\x00"


def _path(url: str) -> str:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up or restore")
    return database


def _copy(source: str, target: str, *, read_only_source: bool) -> None:
    if not Path(source).is_file():
        raise BackupError(f"there is no database file {source} to copy from")
    address = f"file:{source}?mode=ro" if read_only_source else source
    with (
        closing(sqlite3.connect(address, uri=read_only_source)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


def _check_backup(file: Path) -> None:
    """A SQLite file holding a schema this version knows (an older one is migrated at start)."""
    with file.open("rb") as handle:
        if handle.read(len(_HEADER)) != _HEADER:
            raise BackupError(
                f"{file} is not a SQLite backup (a PostgreSQL backup is restored into "
                "PostgreSQL; to move between databases use incident-graph copy --to URL)"
            )
    try:
        with closing(sqlite3.connect(f"file:{file}?mode=ro", uri=True)) as conn:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error as exc:
        raise BackupError(f"{file} is not an incident-graph backup ({exc})") from exc
    if row is None or not known_revision(str(row[0])):
        raise BackupError(
            f"{file} holds schema revision {row and row[0]}, which this version of "
            "incident-graph does not know: restore it with the version that made it"
        )


def _discard(file: Path) -> None:
    """A failed backup leaves no partial file that could pass for a backup."""
    file.unlink(missing_ok=True)


class SqliteBackup:
    async def backup(self, url: str, file: Path) -> None:
        source = _path(url)
        try:
            await asyncio.to_thread(_copy, source, str(file), read_only_source=True)
        except sqlite3.Error as exc:
            _discard(file)
            raise BackupError(f"cannot back up {source}: {exc}") from exc

    async def restore(self, url: str, file: Path) -> None:
        _check_backup(file)
        target = _path(url)
        try:
            await asyncio.to_thread(_copy, str(file), target, read_only_source=True)
        except sqlite3.Error as exc:
            raise BackupError(f"cannot restore into {target}: {exc}") from exc


__all__ = ["SqliteBackup"]

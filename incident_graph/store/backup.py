"""Backups and restores of the whole database, and the checks around them.

How a backup is taken is the dialect's (`Dialect.backup`): SQLite's online backup API, which
copies a consistent snapshot while the server goes on writing; PostgreSQL's pg_dump, which does
the same from one repeatable-read transaction. A restore goes only into a database that holds
no rows, unless forced, so a mistyped URL never overwrites a team's history.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from sqlalchemy import Table, exists, inspect, select
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from incident_graph.store.database import Database
from incident_graph.store.tables import Base


class BackupError(Exception):
    """A backup, restore or copy that cannot be done as asked; the message says what to do."""


class BackupTool(Protocol):
    """One database's way of writing a backup file and reading one back."""

    async def backup(self, url: str, file: Path) -> None:
        """Write a consistent copy of the database at `url` to `file`."""

    async def restore(self, url: str, file: Path) -> None:
        """Replace what the database at `url` holds with the backup in `file`."""


def shown(url: str) -> str:
    """A database URL fit for a message: its password masked."""
    return make_url(url).render_as_string(hide_password=True)


def _tables_present(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def nonempty_tables(engine: AsyncEngine) -> list[str]:
    """The project's tables that hold at least one row ([] for a fresh or empty database)."""
    async with engine.connect() as conn:
        present = await conn.run_sync(_tables_present)
        tables: list[Table] = [t for t in Base.metadata.sorted_tables if t.name in present]
        return [t.name for t in tables if await conn.scalar(select(exists().select_from(t)))]


async def refuse_unless_empty(engine: AsyncEngine, url: str, *, force: bool, what: str) -> None:
    """Refuse to write into a database that holds rows, unless `force`."""
    if force:
        return
    holding = await nonempty_tables(engine)
    if holding:
        raise BackupError(
            f"the database {shown(url)} is not empty ({', '.join(holding[:3])}"
            f"{', ...' if len(holding) > 3 else ''} hold rows): {what} goes into an empty "
            "database; pass --force to replace what it holds"
        )


def _new_file(file: Path) -> None:
    if file.exists():
        raise BackupError(f"{file} exists already: choose a new file name for the backup")


def _backup_file(file: Path) -> None:
    if not file.is_file():
        raise BackupError(f"cannot open {file}: no such backup file")


async def backup(db: Database, file: Path) -> None:
    """Write a backup of the database to `file`, which must not exist yet."""
    _new_file(file)
    await db.dialect.backup_tool().backup(db.url, file)


async def restore(db: Database, file: Path, *, force: bool) -> None:
    """Restore the backup in `file` into the database (empty, unless `force`)."""
    _backup_file(file)
    await refuse_unless_empty(db.write_engine, db.url, force=force, what="a restore")
    await db.dialect.backup_tool().restore(db.url, file)


__all__ = [
    "BackupError",
    "BackupTool",
    "backup",
    "nonempty_tables",
    "refuse_unless_empty",
    "restore",
    "shown",
]

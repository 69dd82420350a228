"""Copy every table from one database to another: SQLite to PostgreSQL and back.

The source is read in one snapshot (`Dialect.begin_snapshot`), table by table in foreign-key
order and in batches, so the server may keep running on it; the target is written in one
transaction, so a copy that fails leaves it as it was. Both are at this version's schema: the
target is migrated first (a fresh database is created), the source must be already. PostgreSQL
sequences are moved past the copied ids, so new rows do not collide with them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from incident_graph.store.backup import BackupError, refuse_unless_empty, shown
from incident_graph.store.database import Database
from incident_graph.store.migrate import current_revision, head_revision, upgrade
from incident_graph.store.outage import is_outage
from incident_graph.store.tables import Base

# Rows read and inserted at a time: one executemany each, memory bounded by one batch.
BATCH = 1_000


@dataclass
class CopyReport:
    """Rows copied, per table, in the order they were copied."""

    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


@asynccontextmanager
async def _failures_of(db: Database, role: str) -> AsyncIterator[None]:
    """Say which database failed, and how, in the copy's own terms."""
    try:
        yield
    except DBAPIError as exc:
        reason = (str(exc.orig or exc).strip().splitlines() or ["refused"])[0]
        if is_outage(db.dialect, exc):
            raise BackupError(f"cannot use the {role} database {shown(db.url)}: {reason}") from exc
        raise BackupError(
            f"the {role} database {shown(db.url)} refused the copy: {reason}; nothing was copied"
        ) from exc
    except OSError as exc:
        raise BackupError(f"cannot reach the {role} database {shown(db.url)}: {exc}") from exc


async def _check_source(source: Database) -> None:
    revision = await current_revision(source.read_engine)
    if revision != head_revision():
        raise BackupError(
            f"the source database {shown(source.url)} is at schema revision {revision}, this "
            f"version's is {head_revision()}: run incident-graph migrate on it first"
        )


async def copy_database(
    source: Database,
    target: Database,
    *,
    force: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> CopyReport:
    """Copy every table of `source` into `target` (empty, unless `force`: then replaced)."""
    async with _failures_of(source, "source"):
        await _check_source(source)
    async with _failures_of(target, "target"):
        await upgrade(target.write_engine)
        await refuse_unless_empty(target.write_engine, target.url, force=force, what="a copy")
    tables = Base.metadata.sorted_tables
    report = CopyReport()
    async with (
        _failures_of(source, "source"),
        source.dialect.snapshot(source.read_engine, source.write_engine) as reading,
        _failures_of(target, "target"),
        target.write_engine.begin() as writing,
    ):
        # Forced: what the target held goes, in the same transaction as the copy.
        for table in reversed(tables):
            await writing.execute(delete(table))
        for table in tables:
            report.rows[table.name] = await _copy_table(reading, writing, table)
            if progress is not None:
                progress(table.name, report.rows[table.name])
        await target.dialect.reset_sequences(writing, tables)
    return report


async def _copy_table(reading: AsyncConnection, writing: AsyncConnection, table: Table) -> int:
    """Stream one table in primary-key order, inserting a batch at a time; the rows copied."""
    copied = 0
    result = await reading.stream(select(table).order_by(*table.primary_key.columns))
    async for rows in result.mappings().partitions(BATCH):
        # Through the columns' types on both sides: enums, JSON and booleans convert as the
        # target stores them.
        await writing.execute(
            insert(table), [{c.key: row[c] for c in table.columns} for row in rows]
        )
        copied += len(rows)
    return copied


__all__ = ["BATCH", "CopyReport", "copy_database"]

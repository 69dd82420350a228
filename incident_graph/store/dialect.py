"""Dialect-specific SQL: the only place that picks a construct by database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.store.tables import Base


def insert_ignore(session: AsyncSession, table: type[Base], rows: list[dict[str, Any]]) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING for the session's database."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table).values(rows).on_conflict_do_nothing()
    return sqlite.insert(table).values(rows).on_conflict_do_nothing()


def insert_ignore_many(session: AsyncSession, table: type[Base]) -> Insert:
    """The same, without values: execute it with a list of rows (one executemany).

    For large batches: a multi-row VALUES clause of thousands of rows is slow to compile.
    """
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()

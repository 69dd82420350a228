"""Dialect-specific SQL: the only place that picks a construct by database."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import ColumnElement, Insert, Table, any_, bindparam, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from incident_graph.store.tables import Base

T = TypeVar("T")


def insert_ignore(session: AsyncSession, table: type[Base] | Table) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING for the session's database, without values.

    Execute it with one row (a dict) or many (a list: one executemany). Values go in as
    parameters, never as a VALUES clause: such a statement is compiled on every call (and one
    of thousands of rows is slow to compile), where this one is compiled once and cached.
    """
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


def among(
    session: AsyncSession, column: QueryableAttribute[T], values: Sequence[T]
) -> ColumnElement[bool]:
    """`column IN values` for thousands of values, on both databases.

    PostgreSQL gets one array parameter (`= ANY($1)`) instead of one parameter a value: one
    statement text whatever the number of values, so it is compiled and prepared once, not
    once per batch size, and no thousand-parameter list is expanded on every execution.
    SQLite has no arrays and plans each statement afresh, so a plain IN is right there.
    """
    if session.get_bind().dialect.name == "postgresql":
        array = bindparam(None, list(values), type_=postgresql.ARRAY(column.type))
        return column == any_(array)
    return column.in_(values)


def among_param(dialect: str, column: QueryableAttribute[T], name: str) -> ColumnElement[bool]:
    """`among`, with the values bound at execution as parameter `name`: for statements built
    once per dialect (pass a list of values)."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=postgresql.ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


async def plan_with_values(session: AsyncSession) -> None:
    """PostgreSQL: plan each statement of this transaction for its actual values.

    A bulk load repeats the same statements batch after batch. After five runs PostgreSQL may
    switch to a generic plan made once, and one made while a table was still small and never
    analysed (a fresh catalog being loaded) went on scanning that table whole as it grew:
    most of `assets load`'s time went there. Planning each of these statements costs
    microseconds against the thousand rows it handles. SQLite always plans afresh.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))

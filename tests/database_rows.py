"""Every row of every table, for comparing databases; and rows for tables a test leaves empty.

`table_rows` reads through the columns' own types, so SQLite and PostgreSQL compare alike.
`fill_every_table` adds a few rows to each table from the column types alone (each column
type, NULLs, non-ASCII text, JSON), so a copy is tested on every table and column even where
no API call fills them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Column, Integer, String, Text, insert, select
from sqlalchemy.ext.asyncio import create_async_engine

from incident_graph.store.columns import EnumText
from incident_graph.store.tables import Base

ROWS_PER_TABLE = 3
Rows = dict[str, list[tuple[Any, ...]]]


async def table_rows(database_url: str) -> Rows:
    """Every table's rows in primary-key order."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            return {
                table.name: [
                    tuple(row)
                    for row in await conn.execute(
                        select(table).order_by(*table.primary_key.columns)
                    )
                ]
                for table in Base.metadata.sorted_tables
            }
    finally:
        await engine.dispose()


# (table, column) -> the values its synthetic rows hold, for the rows that refer to them.
Keys = dict[tuple[str, str], list[Any]]


def _value(column: Column[Any], n: int, keys: Keys) -> Any:  # noqa: PLR0911 - one a type
    foreign = next(iter(column.foreign_keys), None)
    if foreign is not None:
        parents = keys[(foreign.column.table.name, foreign.column.name)]
        # Columns of one row that refer to the same table get different parents.
        return parents[(n + list(column.table.columns).index(column)) % len(parents)]
    kind = column.type
    if column.nullable and not column.primary_key and n == 1:
        return None
    if isinstance(kind, EnumText):
        members = list(kind.enum)
        return members[n % len(members)]
    if isinstance(kind, Boolean):
        return n % 2 == 0
    if isinstance(kind, JSON):
        return {"n": n, "words": ["ünïcode", "✓"], "nested": {"empty": []}}
    if isinstance(kind, BigInteger):  # the Id variant too
        return 1_000_000_000_000 + n
    if isinstance(kind, Integer):  # near the top of PostgreSQL's int4
        return 2_000_000_000 + n
    if isinstance(kind, Text):
        return f"line one {n}\nline two: ünïcode ✓ 'quoted' \"double\""
    if isinstance(kind, String):
        return f"{column.name}-{n}-ü"[: kind.length]
    raise AssertionError(f"no test value for {column.table.name}.{column.name}: {kind!r}")


async def fill_every_table(database_url: str) -> None:
    """Add ROWS_PER_TABLE synthetic rows to every table, parents first; rows refer only to
    synthetic parents, so they never collide with the rows already there."""
    engine = create_async_engine(database_url)
    keys: Keys = {}
    try:
        async with engine.begin() as conn:
            for table in Base.metadata.sorted_tables:
                automatic = table.autoincrement_column
                added = []
                for n in range(ROWS_PER_TABLE):
                    values = {
                        c.key: _value(c, n, keys) for c in table.columns if c is not automatic
                    }
                    inserted = await conn.execute(insert(table).returning(*table.columns), values)
                    added.append(inserted.mappings().one())
                for column in table.columns:
                    keys[(table.name, column.name)] = [row[column] for row in added]
    finally:
        await engine.dispose()

"""Running a compiled read on a request's read session."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncConnection

from incident_graph.store.compiled.plan import Plan
from incident_graph.store.compiled.render import render
from incident_graph.store.dialect import dialect_of


async def run_plan(connection: AsyncConnection, plan: Plan, values: Mapping[str, object]) -> bytes:
    """The `data` object's JSON, built by the database in one statement."""
    json = dialect_of(connection).json_sql
    rendered = render(plan, json)
    # The driver's own placeholders and no SQLAlchemy statement: nothing to compile or cache.
    result = await connection.exec_driver_sql(
        rendered.sql, tuple(values[name] for name in rendered.params)
    )
    raw: str = result.scalar_one()
    return json.canonical(raw)

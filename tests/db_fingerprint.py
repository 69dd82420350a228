"""A cheap fingerprint of everything stored: per table, its row count and a digest of its rows.

Refused writes must change nothing; comparing fingerprints before and after shows it without
knowing which tables a write could touch.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from incident_graph.store.tables import Base


async def fingerprint(engine: AsyncEngine) -> dict[str, tuple[int, str]]:
    out: dict[str, tuple[int, str]] = {}
    async with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows = (await connection.execute(select(table).order_by(*order))).all()
            digest = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()
            out[table.name] = (len(rows), digest[:16])
    return out

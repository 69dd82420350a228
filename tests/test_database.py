"""Connection settings each database gets."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from incident_graph.config import Settings
from incident_graph.store import connect


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_sqlite_pragmas(settings: Settings) -> None:
    db = connect(settings)
    try:
        async with db.read_engine.connect() as conn:
            pragmas = {
                name: (await conn.execute(text(f"PRAGMA {name}"))).scalar_one()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
        assert pragmas == {
            "journal_mode": "wal",
            "foreign_keys": 1,
            "busy_timeout": 30000,
            "synchronous": 2,
        }
    finally:
        await db.dispose()


async def test_both_engines_answer(settings: Settings) -> None:
    db = connect(settings)
    try:
        for engine in (db.read_engine, db.write_engine):
            async with engine.connect() as conn:
                assert (await conn.execute(text("SELECT 1"))).scalar_one() == 1
    finally:
        await db.dispose()

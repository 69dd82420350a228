"""One Alembic history: a single head, and upgrade/downgrade round trips on both databases."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from incident_graph.config import Settings
from incident_graph.store import connect
from incident_graph.store.migrate import (
    alembic_config,
    current_revision,
    downgrade,
    head_revision,
    upgrade,
)
from incident_graph.store.search_text import FTS_TABLE, POSTGRES_COLUMN, POSTGRES_INDEX
from incident_graph.store.tables import Base


def test_single_head() -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1


@pytest.mark.empty_database
async def test_upgrade_downgrade_upgrade(settings: Settings) -> None:
    db = connect(settings)
    try:
        await upgrade(db.write_engine)
        assert await current_revision(db.write_engine) == head_revision()
        async with db.write_engine.connect() as conn:
            tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        assert set(Base.metadata.tables) <= tables
        await downgrade(db.write_engine, "base")
        async with db.write_engine.connect() as conn:
            left = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        assert left <= {"alembic_version"}
        await upgrade(db.write_engine)
        assert await current_revision(db.write_engine) == head_revision()
    finally:
        await db.dispose()


def _modelled(name: str | None, type_: str, _parents: object) -> bool:
    """Whether autogenerate should compare this object.

    The full-text index is database-specific SQL outside the models on purpose: SQLite's FTS5
    virtual table with its shadow tables (incidents_fts_data, _idx, _docsize, _config) and
    PostgreSQL's generated tsvector column with its GIN index. Everything else must match
    exactly.
    """
    if type_ == "table" and name is not None and name.startswith(FTS_TABLE):
        return False
    if type_ == "column" and name == POSTGRES_COLUMN:
        return False
    return not (type_ == "index" and name == POSTGRES_INDEX)


@pytest.mark.empty_database
async def test_models_match_migrations(settings: Settings) -> None:
    """Autogenerate finds nothing to add: the migrations create exactly the models."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    db = connect(settings)
    try:
        await upgrade(db.write_engine)
        async with db.write_engine.connect() as conn:
            diff = await conn.run_sync(
                lambda c: compare_metadata(
                    MigrationContext.configure(c, opts={"include_name": _modelled}),
                    Base.metadata,
                )
            )
        assert diff == []
    finally:
        await db.dispose()

"""The full-text index: created by the migration, kept in step with incidents, safe to query."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.config import Settings
from incident_graph.store import connect, fulltext, search_text
from incident_graph.store.migrate import downgrade, upgrade

BEFORE_FULLTEXT = "20261125_04"

INSERT = text(
    "INSERT INTO incidents (urn, fingerprint, incident_type, title, description, state, "
    "status_time_ms, status_actor, source_type, created_ms, created_actor, updated_ms, version) "
    "VALUES (:urn, 'f', 'FRESHNESS', :title, :description, 'ACTIVE', 1, 'a', 'MANUAL', 1, 'a', "
    "1, 1)"
)


async def _matches(session: AsyncSession, query: str) -> list[int]:
    selected = fulltext.all_words(session, query)
    assert selected is not None
    return sorted(row.incident_id for row in await session.execute(selected))


@pytest.mark.empty_database
async def test_the_index_follows_inserts_updates_and_deletes(settings: Settings) -> None:
    db = connect(settings)
    try:
        # Incidents written before the migration are indexed by it.
        await upgrade(db.write_engine, BEFORE_FULLTEXT)
        async with db.write_engine.begin() as conn:
            await conn.execute(
                INSERT, {"urn": "urn:li:incident:old", "title": "Orders late", "description": None}
            )
        await upgrade(db.write_engine)
        async with AsyncSession(db.write_engine) as session:
            old_id = (await _matches(session, "orders"))[0]
            await session.execute(
                INSERT,
                {"urn": "urn:li:incident:new", "title": "Volume drop", "description": "payments"},
            )
            assert len(await _matches(session, "payments")) == 1
            await session.execute(
                text(
                    "UPDATE incidents SET title = 'Schema drift', resolution_note = 'pinned' "
                    "WHERE id = :id"
                ),
                {"id": old_id},
            )
            assert await _matches(session, "orders") == []
            assert await _matches(session, "schema pinned") == [old_id]
            # Changes to other columns leave the text index as it was.
            await session.execute(
                text("UPDATE incidents SET state = 'RESOLVED' WHERE id = :id"), {"id": old_id}
            )
            assert await _matches(session, "drift") == [old_id]
            await session.execute(text("DELETE FROM incidents WHERE id = :id"), {"id": old_id})
            assert await _matches(session, "drift") == []
            await session.commit()
        # Downgrading removes everything the migration made; upgrading again rebuilds it.
        await downgrade(db.write_engine, BEFORE_FULLTEXT)
        await upgrade(db.write_engine)
        async with AsyncSession(db.write_engine) as session:
            assert len(await _matches(session, "payments")) == 1
    finally:
        await db.dispose()


async def test_the_index_objects_exist_at_head(settings: Settings) -> None:
    """A later migration that recreates `incidents` on SQLite must recreate the triggers too."""
    db = connect(settings)
    try:
        await upgrade(db.write_engine)
        async with db.write_engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                names = set(
                    (
                        await conn.execute(
                            text("SELECT name FROM sqlite_master WHERE tbl_name = 'incidents'")
                        )
                    ).scalars()
                )
                assert {
                    "incidents_fts_insert",
                    "incidents_fts_update",
                    "incidents_fts_delete",
                } <= names
            else:
                found = await conn.execute(
                    text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"),
                    {"n": search_text.POSTGRES_INDEX},
                )
                assert "gin" in found.scalar_one().lower()
    finally:
        await db.dispose()


def test_words_are_plain_lowercase_words_without_stopwords() -> None:
    assert fulltext.words('The "Orders" table; DROP TABLE orders -- OR NEAR(x) *') == [
        "orders",
        "table",
        "drop",
        "near",
        "x",
    ]
    assert fulltext.words("") == []
    assert fulltext.words(None) == []
    assert fulltext.words('" * ( ) : ^ -') == []
    assert fulltext.words("load_orders %_\\") == ["load", "orders"]
    assert len(fulltext.words(" ".join(f"w{i}" for i in range(100)))) == search_text.MAX_WORDS

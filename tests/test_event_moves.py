"""The state each timeline event moved an incident into (incident_events.moved_to): written
with every event, and filled in from the payloads of events written before the column, on
both databases."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from incident_graph.config import Settings
from incident_graph.domain.changes import TimelinePayload, moved_to
from incident_graph.domain.enums import IncidentState
from incident_graph.store import connect
from incident_graph.store.migrate import upgrade

BEFORE = "20261205_01"
PAYLOADS: list[tuple[TimelinePayload, str | None]] = [
    ({"new": {"state": "ACTIVE", "title": "t"}}, "ACTIVE"),  # a raise
    ({"new": {"state": "RESOLVED"}}, "RESOLVED"),  # raised already resolved
    ({"old": {"state": "ACTIVE"}, "new": {"state": "RESOLVED"}}, "RESOLVED"),
    ({"old": {"state": "RESOLVED"}, "new": {"state": "ACTIVE"}}, "ACTIVE"),  # reopened
    ({"old": {"state": "ACTIVE"}, "new": {"state": "ACTIVE", "stage": "FIXED"}}, None),
    ({"old": {"title": "a"}, "new": {"title": "b"}}, None),
    ({"commentId": 3}, None),
]


@pytest.mark.parametrize(("payload", "state"), PAYLOADS)
def test_moved_to(payload: TimelinePayload, state: str | None) -> None:
    assert moved_to(payload) == (None if state is None else IncidentState(state))


@pytest.mark.empty_database
async def test_migration_fills_in_existing_events(settings: Settings) -> None:
    db = connect(settings)
    try:
        await upgrade(db.write_engine, BEFORE)
        async with db.write_engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO incidents (id, urn, fingerprint, incident_type, state, "
                    "status_time_ms, status_actor, source_type, created_ms, created_actor, "
                    "updated_ms, version) VALUES (1, 'urn:li:incident:x', 'f', 'OPERATIONAL', "
                    "'ACTIVE', 1, 'a', 'MANUAL', 1, 'a', 1, 1)"
                )
            )
            for n, (payload, _) in enumerate(PAYLOADS, start=1):
                await conn.execute(
                    text(
                        "INSERT INTO incident_events (id, incident_id, kind, actor, time_ms, "
                        "payload) VALUES (:id, 1, 'UPDATED', 'a', :t, :p)"
                    ),
                    {"id": n, "t": n, "p": json.dumps(payload)},
                )
        await upgrade(db.write_engine)
        async with db.write_engine.connect() as conn:
            rows = await conn.execute(text("SELECT id, moved_to FROM incident_events ORDER BY id"))
            found = [m for _, m in rows]
        assert found == [state for _, state in PAYLOADS]
    finally:
        await db.dispose()

"""Reads are batched: the number of SQL statements does not grow with the number of incidents."""

from __future__ import annotations

from typing import Any

from helpers import DATASET, Api
from sqlalchemy import event

QUERY = """query($u: String!) { dataset(urn: $u) {
  health { status activeIncidentHealthDetails { count } }
  incidents(count: 100) { total incidents {
    urn title status { state }
    entity { urn type } entities { urn }
    assignees { ... on CorpUser { urn } ... on CorpGroup { urn } }
  } }
} }"""


async def _statements(api: Api) -> int:
    assert api.app is not None
    engine = api.app.state.db.read_engine.sync_engine
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        await api.gql(QUERY, {"u": DATASET})
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len([s for s in seen if not s.lstrip().upper().startswith(("BEGIN", "PRAGMA"))])


async def test_statement_count_is_flat(api: Api) -> None:
    for _ in range(3):
        await api.raise_incident(assigneeUrns=["urn:li:corpuser:a", "urn:li:corpGroup:g"])
    small = await _statements(api)
    for _ in range(30):
        await api.raise_incident(
            assigneeUrns=["urn:li:corpuser:b"], resourceUrns=["urn:li:chart:(x,y)"]
        )
    large = await _statements(api)
    assert small == large
    # token, asset, health, upstream lineage walk, page total + page + incident rows,
    # assets, assignees
    assert large <= 9

"""Reads are batched: the number of SQL statements does not grow with the number of incidents."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from helpers import DATASET, Api
from sqlalchemy import event

# Statements are counted only in the request's own context (DataLoader batches inherit it),
# so background tasks of the app, such as the notification worker, are not counted.
COUNTING: ContextVar[bool] = ContextVar("counting", default=False)

QUERY = """query($u: String!) { dataset(urn: $u) {
  health { status activeIncidentHealthDetails { count } }
  incidents(count: 100) { total incidents {
    urn title status { state }
    entity { urn type } entities { urn }
    assignees { ... on CorpUser { urn } ... on CorpGroup { urn } }
  } }
} }"""


async def _statements(
    api: Api, query: str, variables: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    """SQL statements one request runs (BEGIN and PRAGMA aside), and its data."""
    assert api.app is not None
    engine = api.app.state.db.read_engine.sync_engine
    seen: list[str] = []

    def count(*args: Any) -> None:
        if COUNTING.get():
            seen.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    token = COUNTING.set(True)
    try:
        data = await api.gql(query, variables)
    finally:
        COUNTING.reset(token)
        event.remove(engine, "before_cursor_execute", count)
    statements = [s for s in seen if not s.lstrip().upper().startswith(("BEGIN", "PRAGMA"))]
    return len(statements), data


async def test_statement_count_is_flat(api: Api) -> None:
    for _ in range(3):
        await api.raise_incident(assigneeUrns=["urn:li:corpuser:a", "urn:li:corpGroup:g"])
    small, _ = await _statements(api, QUERY, {"u": DATASET})
    for _ in range(30):
        await api.raise_incident(
            assigneeUrns=["urn:li:corpuser:b"], resourceUrns=["urn:li:chart:(x,y)"]
        )
    large, _ = await _statements(api, QUERY, {"u": DATASET})
    assert small == large
    # token, asset, health, upstream lineage walk, page total + page + incident rows,
    # assets, assignees
    assert large <= 9


PAGE = """query($n: Int!) { searchAcrossEntities(input: {query: "*", count: $n}) {
  total searchResults { entity { urn ... on DataAsset {
    health { type status activeIncidentHealthDetails { count } upstreamIncidentHealthDetails { count } }
    incidents(count: 5) { total incidents { urn title status { state } } }
  } } }
} }"""


async def test_a_page_of_assets_with_health_and_incidents_costs_five_statements(api: Api) -> None:
    assets = [f"urn:li:dataset:(urn:li:dataPlatform:hive,db.t{i:03d},PROD)" for i in range(100)]
    await api.gql(
        "mutation($input: [AssetInput!]!) { upsertAssets(input: $input) { created } }",
        {
            "input": [
                {"urn": u, "upstreamUrns": assets[max(0, i - 2) : i]} for i, u in enumerate(assets)
            ]
        },
    )
    for i in range(0, 100, 3):
        await api.raise_incident(resourceUrn=assets[i], resourceUrns=[assets[(i + 1) % 100]])
    small, small_data = await _statements(api, PAGE, {"n": 10})
    large, large_data = await _statements(api, PAGE, {"n": 100})
    # The token check, the search page (total included), health of every asset (own and
    # upstream incidents in one recursive query), every asset's checks (the ASSERTIONS entry)
    # and every asset's incident page.
    assert small == large == 5
    results = large_data["searchAcrossEntities"]["searchResults"]
    assert len(results) == 100
    first = results[0]["entity"]
    assert first["incidents"]["total"] == 2  # raised for t000 itself and, wrapping, by t099
    assert first["health"][0]["status"] == "FAIL"
    assert small_data["searchAcrossEntities"]["total"] == 100

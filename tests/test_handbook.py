"""The troubleshooting handbook over HTTP on both databases: a seeded history, known answers."""

from __future__ import annotations

from typing import Any

from helpers import Api

from incident_graph.domain.enums import Role

RAW = "urn:li:dataset:(urn:li:dataPlatform:kafka,raw_orders,PROD)"
ORDERS = "urn:li:dataset:(urn:li:dataPlatform:snowflake,orders,PROD)"
OTHER = "urn:li:dataset:(urn:li:dataPlatform:snowflake,customers,PROD)"
CHECK = "urn:li:assertion:orders-freshness"
ALICE = "urn:li:corpuser:alice"

UPSERT = "mutation($i: [AssetInput!]!) { upsertAssets(input: $i) { created updated } }"
RESOLVE = (
    "mutation($u: String!, $i: IncidentStatusInput!) { updateIncidentStatus(urn: $u, input: $i) }"
)
UPDATE = "mutation($u: String!, $i: UpdateIncidentInput!) { updateIncident(urn: $u, input: $i) }"
ROOT_CAUSE = (
    "mutation($u: String!, $r: IncidentRootCauseInput!) "
    "{ setIncidentRootCause(urn: $u, rootCause: $r) }"
)
SIMILAR = """query($u: String!, $n: Int) { similarIncidents(urn: $u, count: $n) {
    score reasons
    incident { urn title resolutionNote rootCause { category detail } lead { urn }
               timeToResolveMs incidentStatus { state } }
} }"""
HANDBOOK = """query($r: String!) { handbook(resourceUrn: $r) {
    category count latestResolutionNote latestIncident { urn resolutionNote }
} }"""


async def _past(
    api: Api,
    *,
    resource: str,
    kind: str,
    title: str,
    description: str,
    note: str,
    root_cause: str | None = None,
    source: str | None = None,
) -> str:
    fields: dict[str, Any] = {
        "resourceUrn": resource,
        "type": kind,
        "title": title,
        "description": description,
    }
    if source is not None:
        fields["source"] = {"type": "ASSERTION_FAILURE", "sourceUrn": source}
    urn = await api.raise_incident(**fields)
    status: dict[str, Any] = {"state": "RESOLVED", "message": note}
    if root_cause is not None:
        status["rootCause"] = {"category": root_cause, "detail": f"{root_cause.lower()} detail"}
    await api.gql(RESOLVE, {"u": urn, "i": status})
    return urn


async def _seed(api: Api) -> dict[str, str]:
    """Five past incidents around ORDERS (fed by RAW) and the active one to compare them with."""
    await api.gql(UPSERT, {"i": [{"urn": ORDERS, "upstreamUrns": [RAW]}, {"urn": OTHER}]})
    seeded = {
        # Same asset, same type, nearly the same words: the clear best match.
        "best": await _past(
            api,
            resource=ORDERS,
            kind="FRESHNESS",
            title="Orders table late again",
            description="The nightly orders load missed its deadline",
            note="Restarted the stuck loader",
            root_cause="INFRASTRUCTURE",
        ),
        # Same asset only.
        "asset": await _past(
            api,
            resource=ORDERS,
            kind="VOLUME",
            title="Row count dropped",
            description="Half the rows vanished",
            note="Backfilled from the archive",
            root_cause="MISSING_DATA",
        ),
        # Upstream asset, same type, one shared word.
        "upstream": await _past(
            api,
            resource=RAW,
            kind="FRESHNESS",
            title="Kafka consumer lag",
            description="Lag on the raw orders topic",
            note="Scaled the consumer group",
        ),
        # Same source check and type, elsewhere, nothing said alike.
        "source": await _past(
            api,
            resource=OTHER,
            kind="FRESHNESS",
            title="Customers snapshot stale",
            description="Snapshot job skipped",
            note="Re-ran the snapshot",
            source=CHECK,
        ),
        # Only a word in common.
        "text": await _past(
            api,
            resource=OTHER,
            kind="SQL",
            title="Duplicate customer keys",
            description="A join duplicated rows before the deadline report",
            note="Added a distinct",
        ),
    }
    await api.gql(UPDATE, {"u": seeded["best"], "i": {"leadUrn": ALICE}})
    # Not past: active incidents never appear, nor does one that was resolved and reopened.
    await api.raise_incident(resourceUrn=ORDERS, type="FRESHNESS", title="Orders table late")
    reopened = await _past(
        api,
        resource=ORDERS,
        kind="FRESHNESS",
        title="Orders table late",
        description="nightly orders load missed deadline",
        note="first try",
    )
    await api.gql(RESOLVE, {"u": reopened, "i": {"state": "ACTIVE"}})
    seeded["target"] = await api.raise_incident(
        resourceUrn=ORDERS,
        type="FRESHNESS",
        title="Orders table is late",
        description="Nightly orders load missed the deadline",
        source={"type": "ASSERTION_FAILURE", "sourceUrn": CHECK},
    )
    return seeded


async def test_similar_incidents_rank_the_known_best_first(api: Api) -> None:
    seeded = await _seed(api)
    data = await api.gql(SIMILAR, {"u": seeded["target"], "n": None}, role=Role.VIEWER)
    found = data["similarIncidents"]
    assert [f["incident"]["urn"] for f in found] == [
        seeded["best"],
        seeded["upstream"],
        seeded["asset"],
        seeded["source"],
        seeded["text"],
    ]
    words = "orders, table, late, nightly, load, missed, deadline"
    assert [(f["score"], f["reasons"]) for f in found] == [
        (
            9.0,
            [
                f"same asset {ORDERS}",
                "same type FRESHNESS",
                f"similar text (7 of 7 words: {words})",
            ],
        ),
        (
            round(2.0 + 2.0 + 3 / 7, 4),
            [
                f"upstream asset {RAW} (1 hop up)",
                "same type FRESHNESS",
                "similar text (1 of 7 words: orders)",
            ],
        ),
        (4.0, [f"same asset {ORDERS}"]),
        (3.5, ["same type FRESHNESS", f"same source {CHECK}"]),
        (round(3 / 7, 4), ["similar text (1 of 7 words: deadline)"]),
    ]
    best = found[0]["incident"]
    assert best["resolutionNote"] == "Restarted the stuck loader"
    assert best["rootCause"] == {"category": "INFRASTRUCTURE", "detail": "infrastructure detail"}
    assert best["lead"] == {"urn": ALICE}
    assert best["timeToResolveMs"] >= 0
    assert {f["incident"]["incidentStatus"]["state"] for f in found} == {"RESOLVED"}


async def test_similar_incidents_count_and_refusals(api: Api) -> None:
    seeded = await _seed(api)
    two = await api.gql(SIMILAR, {"u": seeded["target"], "n": 2})
    assert [f["incident"]["urn"] for f in two["similarIncidents"]] == [
        seeded["best"],
        seeded["upstream"],
    ]
    none = await api.gql(SIMILAR, {"u": seeded["target"], "n": 0})
    assert none["similarIncidents"] == []
    for bad in (-1, 101):
        error = await api.error(SIMILAR, {"u": seeded["target"], "n": bad})
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert "count must be between 0 and 100" in error["message"]
    missing = await api.error(SIMILAR, {"u": "urn:li:incident:nope", "n": 5})
    assert missing["extensions"]["code"] == "NOT_FOUND"
    anonymous = await api.error(SIMILAR, {"u": seeded["target"], "n": 5}, role=None)
    assert anonymous["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_resolved_incident_is_compared_with_the_others_not_itself(api: Api) -> None:
    seeded = await _seed(api)
    data = await api.gql(SIMILAR, {"u": seeded["best"], "n": 10})
    urns = [f["incident"]["urn"] for f in data["similarIncidents"]]
    assert seeded["best"] not in urns
    assert urns[0] == seeded["asset"] or urns[0] == seeded["upstream"]


async def test_an_incident_alone_has_no_similar_incidents(api: Api) -> None:
    urn = await api.raise_incident(title="Something new")
    data = await api.gql(SIMILAR, {"u": urn, "n": 5})
    assert data["similarIncidents"] == []


async def test_handbook_counts_root_causes_with_their_latest_resolution(api: Api) -> None:
    asset = "urn:li:dataset:(urn:li:dataPlatform:bigquery,events,PROD)"
    second = "urn:li:dataset:(urn:li:dataPlatform:bigquery,sessions,PROD)"
    older = await _past(
        api,
        resource=asset,
        kind="SQL",
        title="a",
        description="a",
        note="reverted deploy",
        root_cause="CODE_CHANGE",
    )
    corrected = await _past(
        api,
        resource=asset,
        kind="VOLUME",
        title="b",
        description="b",
        note="restarted broker",
        root_cause="OTHER",
    )
    # Root causes are editable after resolution; the handbook counts the corrected one.
    await api.gql(ROOT_CAUSE, {"u": corrected, "r": {"category": "INFRASTRUCTURE"}})
    latest = await api.raise_incident(
        resourceUrns=[asset, second], type="SQL", title="c", description="c"
    )
    await api.gql(
        RESOLVE,
        {
            "u": latest,
            "i": {
                "state": "RESOLVED",
                "message": "rolled back the dbt model",
                "rootCause": {"category": "CODE_CHANGE"},
            },
        },
    )
    # Not counted: no root cause; reopened (active again); another asset.
    await _past(api, resource=asset, kind="SQL", title="d", description="d", note="no idea")
    reopened = await _past(
        api,
        resource=asset,
        kind="SQL",
        title="e",
        description="e",
        note="x",
        root_cause="DUPLICATES",
    )
    await api.gql(RESOLVE, {"u": reopened, "i": {"state": "ACTIVE"}})
    await _past(
        api,
        resource=OTHER,
        kind="SQL",
        title="f",
        description="f",
        note="y",
        root_cause="SCHEMA_CHANGE",
    )
    data = await api.gql(HANDBOOK, {"r": asset}, role=Role.VIEWER)
    assert data["handbook"] == [
        {
            "category": "CODE_CHANGE",
            "count": 2,
            "latestResolutionNote": "rolled back the dbt model",
            "latestIncident": {"urn": latest, "resolutionNote": "rolled back the dbt model"},
        },
        {
            "category": "INFRASTRUCTURE",
            "count": 1,
            "latestResolutionNote": "restarted broker",
            "latestIncident": {"urn": corrected, "resolutionNote": "restarted broker"},
        },
    ]
    assert older != latest
    on_second = await api.gql(HANDBOOK, {"r": second})
    assert [(e["category"], e["count"]) for e in on_second["handbook"]] == [("CODE_CHANGE", 1)]
    unknown = await api.gql(HANDBOOK, {"r": "urn:li:dataset:(urn:li:dataPlatform:x,none,PROD)"})
    assert unknown["handbook"] == []
    bad = await api.error(HANDBOOK, {"r": "not-a-urn"})
    assert bad["extensions"]["code"] == "BAD_USER_INPUT"
    assert bad["extensions"]["field"] == "resourceUrn"

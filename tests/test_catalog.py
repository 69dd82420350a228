"""The asset catalog: upserts, owners, tags, lineage, upstream health, impact, deletion."""

from __future__ import annotations

import warnings
from typing import Any

from helpers import Api
from sqlalchemy.exc import SADeprecationWarning

from incident_graph.domain.enums import Role

RAW = "urn:li:dataset:(urn:li:dataPlatform:s3,raw.orders,PROD)"
STAGING = "urn:li:dataset:(urn:li:dataPlatform:snowflake,staging.orders,PROD)"
MART = "urn:li:dataset:(urn:li:dataPlatform:snowflake,mart.revenue,PROD)"
DASH = "urn:li:dashboard:(looker,revenue)"

UPSERT = "mutation($input: [AssetInput!]!) { upsertAssets(input: $input) { created updated } }"
ASSET = """query($u: String!) { dataset(urn: $u) {
  urn properties { name description } platform { urn name }
  ownership { owners { owner { __typename ... on CorpUser { urn } ... on CorpGroup { urn } } type } }
  tags { tags { tag { urn name } } }
  upstreams { urn } downstreams { urn }
} }"""


async def _lineage(api: Api) -> None:
    """raw -> staging -> mart -> dashboard, with owners on each."""
    await api.gql(
        UPSERT,
        {
            "input": [
                {"urn": RAW, "owners": [{"ownerUrn": "urn:li:corpuser:ingest"}]},
                {
                    "urn": STAGING,
                    "upstreamUrns": [RAW],
                    "owners": [{"ownerUrn": "urn:li:corpGroup:eng"}],
                },
                {
                    "urn": MART,
                    "name": "Revenue mart",
                    "upstreamUrns": [STAGING],
                    "owners": [{"ownerUrn": "urn:li:corpuser:ana", "type": "BUSINESS_OWNER"}],
                },
                {
                    "urn": DASH,
                    "upstreamUrns": [MART],
                    "owners": [{"ownerUrn": "urn:li:corpuser:cfo"}],
                },
            ]
        },
    )


async def _health(api: Api, urn: str, entity: str = "dataset") -> dict[str, Any]:
    data = await api.gql(
        f"""query($u: String!) {{ {entity}(urn: $u) {{ health {{ type status message causes
          upstreamIncidentHealthDetails {{ count assets {{ urn depth incidentUrns }} }} }} }} }}""",
        {"u": urn},
    )
    return {h["type"]: h for h in data[entity]["health"]}


async def test_upsert_creates_then_updates_and_is_idempotent(api: Api) -> None:
    entry = {
        "urn": MART,
        "name": "Revenue mart",
        "description": "Daily revenue by region",
        "owners": [
            {"ownerUrn": "urn:li:corpuser:ana", "type": "BUSINESS_OWNER"},
            {"ownerUrn": "urn:li:corpGroup:data-eng"},
        ],
        "tags": ["pii", "urn:li:tag:tier1"],
        "upstreamUrns": [STAGING],
    }
    assert (await api.gql(UPSERT, {"input": [entry]}))["upsertAssets"] == {
        "created": 1,
        "updated": 0,
    }
    first = (await api.gql(ASSET, {"u": MART}))["dataset"]
    assert (await api.gql(UPSERT, {"input": [entry]}))["upsertAssets"] == {
        "created": 0,
        "updated": 1,
    }
    assert (await api.gql(ASSET, {"u": MART}))["dataset"] == first
    assert first["properties"] == {"name": "Revenue mart", "description": "Daily revenue by region"}
    assert first["platform"] == {"urn": "urn:li:dataPlatform:snowflake", "name": "snowflake"}
    assert first["ownership"]["owners"] == [
        {
            "owner": {"__typename": "CorpUser", "urn": "urn:li:corpuser:ana"},
            "type": "BUSINESS_OWNER",
        },
        {
            "owner": {"__typename": "CorpGroup", "urn": "urn:li:corpGroup:data-eng"},
            "type": "TECHNICAL_OWNER",
        },
    ]
    assert first["tags"]["tags"] == [
        {"tag": {"urn": "urn:li:tag:pii", "name": "pii"}},
        {"tag": {"urn": "urn:li:tag:tier1", "name": "tier1"}},
    ]
    assert first["upstreams"] == [{"urn": STAGING}]
    # The upstream was registered by name alone, and knows its downstream.
    assert (await api.gql(ASSET, {"u": STAGING}))["dataset"]["downstreams"] == [{"urn": MART}]
    # Omitted fields keep what is stored; given ones replace it.
    await api.gql(UPSERT, {"input": [{"urn": MART, "tags": []}]})
    after = (await api.gql(ASSET, {"u": MART}))["dataset"]
    assert after["tags"]["tags"] == []
    assert after["ownership"] == first["ownership"]
    assert after["properties"]["description"] == "Daily revenue by region"


async def test_upsert_is_all_or_nothing(api: Api) -> None:
    error = await api.error(
        UPSERT,
        {"input": [{"urn": RAW}, {"urn": STAGING, "owners": [{"ownerUrn": "urn:li:dataset:(x)"}]}]},
    )
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith("input[1]:")
    assert (await api.gql(ASSET, {"u": RAW}))["dataset"] is None
    too_many = await api.error(
        UPSERT, {"input": [{"urn": f"urn:li:dataset:(p{i})"} for i in range(1001)]}
    )
    assert "at most 1000" in too_many["message"]
    dupes = await api.error(UPSERT, {"input": [{"urn": RAW}, {"urn": RAW}]})
    assert "more than once" in dupes["message"]
    self_loop = await api.error(UPSERT, {"input": [{"urn": RAW, "upstreamUrns": [RAW]}]})
    assert "its own upstream" in self_loop["message"]
    refused = await api.error(UPSERT, {"input": [{"urn": RAW}]}, role=Role.VIEWER)
    assert refused["extensions"]["code"] == "FORBIDDEN"
    assert (await api.gql(ASSET, {"u": RAW}))["dataset"] is None


async def test_upstream_health_sees_incidents_transitively(api: Api) -> None:
    await _lineage(api)
    healthy = await _health(api, DASH, "dashboard")
    assert healthy["UPSTREAM_INCIDENTS"]["status"] == "PASS"
    raw_incident = await api.raise_incident(resourceUrn=RAW, title="files late")
    dash = await _health(api, DASH, "dashboard")
    assert dash["INCIDENTS"]["status"] == "PASS"
    upstream = dash["UPSTREAM_INCIDENTS"]
    assert (upstream["status"], upstream["causes"]) == ("FAIL", ["UPSTREAM_ACTIVE_INCIDENTS"])
    assert upstream["upstreamIncidentHealthDetails"] == {
        "count": 1,
        "assets": [{"urn": RAW, "depth": 3, "incidentUrns": [raw_incident]}],
    }
    # The asset's own incidents are not "upstream".
    assert (await _health(api, RAW))["UPSTREAM_INCIDENTS"]["status"] == "PASS"
    await api.resolve(raw_incident)
    assert (await _health(api, DASH, "dashboard"))["UPSTREAM_INCIDENTS"]["status"] == "PASS"


async def test_cycles_terminate_and_list_each_asset_once(api: Api) -> None:
    await api.gql(
        UPSERT,
        {
            "input": [
                {"urn": RAW, "upstreamUrns": [MART]},
                {"urn": STAGING, "upstreamUrns": [RAW]},
                {"urn": MART, "upstreamUrns": [STAGING]},
            ]
        },
    )
    incident = await api.raise_incident(resourceUrn=STAGING)
    data = await api.gql(
        "query($u: String!) { dataset(urn: $u) { upstreams(depth: 10) { urn } } }", {"u": MART}
    )
    assert data["dataset"]["upstreams"] == [{"urn": STAGING}, {"urn": RAW}]
    mart = await _health(api, MART)
    assert mart["UPSTREAM_INCIDENTS"]["upstreamIncidentHealthDetails"]["assets"] == [
        {"urn": STAGING, "depth": 1, "incidentUrns": [incident]}
    ]


async def test_upstream_depth_is_bounded(api: Api) -> None:
    await _lineage(api)
    one = await api.gql(
        "query($u: String!) { dashboard(urn: $u) { upstreams { urn } } }", {"u": DASH}
    )
    assert one["dashboard"]["upstreams"] == [{"urn": MART}]
    three = await api.gql(
        "query($u: String!) { dashboard(urn: $u) { upstreams(depth: 3) { urn } } }", {"u": DASH}
    )
    assert three["dashboard"]["upstreams"] == [{"urn": MART}, {"urn": STAGING}, {"urn": RAW}]
    error = await api.error(
        "query($u: String!) { dashboard(urn: $u) { upstreams(depth: 0) { urn } } }", {"u": DASH}
    )
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_impacted_assets_with_owners(api: Api) -> None:
    await _lineage(api)
    incident = await api.raise_incident(resourceUrn=STAGING)
    data = await api.gql(
        """query($i: String!) { impactedAssets(incidentUrn: $i) {
            depth entity { urn } owners { owner { ... on CorpUser { urn } } type } } }""",
        {"i": incident},
    )
    assert data["impactedAssets"] == [
        {
            "depth": 1,
            "entity": {"urn": MART},
            "owners": [{"owner": {"urn": "urn:li:corpuser:ana"}, "type": "BUSINESS_OWNER"}],
        },
        {
            "depth": 2,
            "entity": {"urn": DASH},
            "owners": [{"owner": {"urn": "urn:li:corpuser:cfo"}, "type": "TECHNICAL_OWNER"}],
        },
    ]
    shallow = await api.gql(
        "query($i: String!) { impactedAssets(incidentUrn: $i, depth: 1) { depth } }",
        {"i": incident},
    )
    assert shallow["impactedAssets"] == [{"depth": 1}]
    missing = await api.error('{ impactedAssets(incidentUrn: "urn:li:incident:nope") { depth } }')
    assert missing["extensions"]["code"] == "NOT_FOUND"


async def test_delete_refused_while_active_then_history_stays_readable(api: Api) -> None:
    await _lineage(api)
    incident = await api.raise_incident(resourceUrn=MART, title="wrong totals")
    refused = await api.error("mutation($u: String!) { deleteAsset(urn: $u) }", {"u": MART})
    assert refused["extensions"]["code"] == "CONFLICT"
    assert refused["extensions"]["activeIncidents"] == 1
    assert (await api.gql(ASSET, {"u": MART}))["dataset"]["upstreams"] == [{"urn": STAGING}]
    await api.resolve(incident)
    assert (await api.gql("mutation($u: String!) { deleteAsset(urn: $u) }", {"u": MART})) == {
        "deleteAsset": True
    }
    # Gone from lineage and search, but its incidents stay readable.
    assert (await api.gql(ASSET, {"u": STAGING}))["dataset"]["downstreams"] == []
    found = await api.gql(
        '{ searchAcrossEntities(input: {query: "revenue"}) { searchResults { entity { urn } } } }'
    )
    assert found["searchAcrossEntities"]["searchResults"] == [{"entity": {"urn": DASH}}]
    assert (await api.incident(incident))["entity"]["urn"] == MART
    assert (await api.asset_incidents(MART))["total"] == 1
    again = await api.error("mutation($u: String!) { deleteAsset(urn: $u) }", {"u": MART})
    assert again["extensions"]["code"] == "NOT_FOUND"
    # Upserting brings it back.
    await api.gql(UPSERT, {"input": [{"urn": MART}]})
    assert (await api.gql(ASSET, {"u": MART}))["dataset"]["urn"] == MART


async def test_raise_on_unregistered_asset_registers_it(api: Api) -> None:
    new = "urn:li:chart:(superset,42)"
    await api.raise_incident(resourceUrn=new)
    data = await api.gql(
        "query($u: String!) { chart(urn: $u) { properties { name } platform { name } } }",
        {"u": new},
    )
    assert data["chart"] == {"properties": {"name": "42"}, "platform": {"name": "superset"}}


async def test_upserting_no_assets_stores_nothing(api: Api) -> None:
    """Found by the fuzzer: an empty list reached the store as an empty executemany, which
    SQLAlchemy runs as one INSERT of defaults (and deprecates)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", SADeprecationWarning)
        data = await api.gql("mutation { upsertAssets(input: []) { created updated } }")
    assert data == {"upsertAssets": {"created": 0, "updated": 0}}
    search = await api.gql('{ searchAcrossEntities(input: {query: "*"}) { total } }')
    assert search == {"searchAcrossEntities": {"total": 0}}

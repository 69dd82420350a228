"""searchAcrossEntities at DataHub's level: incident, ownership and tag filters; facets; sort."""

from __future__ import annotations

from typing import Any

from helpers import Api

A = "urn:li:dataset:(urn:li:dataPlatform:snowflake,sales.orders,PROD)"
B = "urn:li:dataset:(urn:li:dataPlatform:snowflake,sales.customers,PROD)"
C = "urn:li:dashboard:(looker,sales_board)"
D = "urn:li:dataset:(urn:li:dataPlatform:hive,logs.clicks,PROD)"

SEARCH = """query($input: SearchAcrossEntitiesInput!) { searchAcrossEntities(input: $input) {
  total searchResults { entity { urn } } facets { field aggregations { value count } }
} }"""


async def _seed(api: Api) -> None:
    await api.gql(
        "mutation($input: [AssetInput!]!) { upsertAssets(input: $input) { created } }",
        {
            "input": [
                {
                    "urn": A,
                    "description": "all orders",
                    "owners": [{"ownerUrn": "urn:li:corpuser:ann"}],
                    "tags": ["pii", "tier1"],
                },
                {"urn": B, "owners": [{"ownerUrn": "urn:li:corpGroup:sales"}], "tags": ["pii"]},
                {"urn": C, "owners": [{"ownerUrn": "urn:li:corpuser:ann"}]},
                {"urn": D, "tags": ["tier3"]},
            ]
        },
    )
    await api.raise_incident(resourceUrn=A, type="FRESHNESS", priority="HIGH")
    await api.raise_incident(resourceUrn=A, type="VOLUME", priority="LOW")
    await api.raise_incident(resourceUrn=B, type="FRESHNESS", priority="CRITICAL")
    resolved = await api.raise_incident(resourceUrn=D, type="SQL")
    await api.resolve(resolved)


async def _search(api: Api, *criteria: dict[str, Any], **extra: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"query": "*"} | extra
    if criteria:
        payload["orFilters"] = [{"and": list(criteria)}]
    return (await api.gql(SEARCH, {"input": payload}))["searchAcrossEntities"]


def _urns(result: dict[str, Any]) -> set[str]:
    return {r["entity"]["urn"] for r in result["searchResults"]}


def _facet(result: dict[str, Any], field: str) -> dict[str, int]:
    facet = next(f for f in result["facets"] if f["field"] == field)
    return {a["value"]: a["count"] for a in facet["aggregations"]}


async def test_num_active_incidents_conditions(api: Api) -> None:
    await _seed(api)

    async def num(condition: str, value: str) -> set[str]:
        return _urns(
            await _search(
                api, {"field": "numActiveIncidents", "condition": condition, "values": [value]}
            )
        )

    assert await num("GREATER_THAN", "1") == {A}
    assert await num("GREATER_THAN_OR_EQUAL_TO", "1") == {A, B}
    assert await num("EQUAL", "0") == {C, D}
    assert await num("LESS_THAN", "2") == {B, C, D}
    assert await num("LESS_THAN_OR_EQUAL_TO", "2") == {A, B, C, D}
    negated = await _search(
        api,
        {
            "field": "numActiveIncidents",
            "condition": "GREATER_THAN",
            "values": ["0"],
            "negated": True,
        },
    )
    assert _urns(negated) == {C, D}


async def test_incident_type_priority_and_resolved_filters(api: Api) -> None:
    await _seed(api)
    fresh = await _search(api, {"field": "activeIncidentTypes", "values": ["FRESHNESS"]})
    assert _urns(fresh) == {A, B}
    volume_or_sql = await _search(
        api, {"field": "activeIncidentTypes", "values": ["VOLUME", "SQL"]}
    )
    assert _urns(volume_or_sql) == {A}  # D's SQL incident is resolved
    critical = await _search(api, {"field": "activeIncidentPriorities", "values": ["CRITICAL"]})
    assert _urns(critical) == {B}
    resolved = await _search(api, {"field": "hasResolvedIncidents", "values": ["true"]})
    assert _urns(resolved) == {D}


async def test_owner_tag_platform_filters_combine(api: Api) -> None:
    await _seed(api)
    ann = await _search(api, {"field": "owners", "values": ["urn:li:corpuser:ann"]})
    assert _urns(ann) == {A, C}
    pii_active = await _search(
        api,
        {"field": "tags", "values": ["urn:li:tag:pii"]},
        {"field": "hasActiveIncidents", "values": ["true"]},
        {"field": "platform", "values": ["snowflake"]},
    )
    assert _urns(pii_active) == {A, B}
    either = await api.gql(
        SEARCH,
        {
            "input": {
                "query": "*",
                "orFilters": [
                    {"and": [{"field": "tags", "values": ["tier3"]}]},
                    {"and": [{"field": "owners", "values": ["urn:li:corpGroup:sales"]}]},
                ],
            }
        },
    )
    assert _urns(either["searchAcrossEntities"]) == {B, D}
    no_pii = await _search(api, {"field": "tags", "values": ["pii"], "negated": True})
    assert _urns(no_pii) == {C, D}


async def test_facets_count_matching_assets(api: Api) -> None:
    await _seed(api)
    result = await _search(api)
    assert result["total"] == 4
    assert _facet(result, "hasActiveIncidents") == {"true": 2, "false": 2}
    assert _facet(result, "hasResolvedIncidents") == {"true": 1, "false": 3}
    assert _facet(result, "activeIncidentTypes") == {"FRESHNESS": 2, "VOLUME": 1}
    assert _facet(result, "activeIncidentPriorities") == {"CRITICAL": 1, "HIGH": 1, "LOW": 1}
    assert _facet(result, "owners") == {"urn:li:corpuser:ann": 2, "urn:li:corpGroup:sales": 1}
    assert _facet(result, "tags") == {"pii": 2, "tier1": 1, "tier3": 1}
    assert _facet(result, "platform") == {"snowflake": 2, "hive": 1, "looker": 1}
    narrowed = await _search(api, {"field": "platform", "values": ["snowflake"]})
    assert _facet(narrowed, "tags") == {"pii": 2, "tier1": 1}


async def test_text_query_covers_description_and_sort(api: Api) -> None:
    await _seed(api)
    assert _urns(await _search(api, query="all orders")) == {A}
    by_active = await _search(
        api, sortInput={"sortCriterion": {"field": "numActiveIncidents", "sortOrder": "DESCENDING"}}
    )
    assert [r["entity"]["urn"] for r in by_active["searchResults"]][:2] == [A, B]
    by_name = await _search(
        api, sortInput={"sortCriterion": {"field": "name", "sortOrder": "ASCENDING"}}
    )
    names = [r["entity"]["urn"] for r in by_name["searchResults"]]
    assert names == [D, B, A, C]  # logs.clicks, sales.customers, sales.orders, sales_board


async def test_bad_filters_name_the_known_fields(api: Api) -> None:
    await _seed(api)
    cases = [
        (
            {"field": "owner", "values": ["x"]},
            "known fields: hasActiveIncidents, numActiveIncidents",
        ),
        (
            {"field": "numActiveIncidents", "condition": "CONTAIN", "values": ["1"]},
            "supports conditions",
        ),
        (
            {"field": "numActiveIncidents", "condition": "GREATER_THAN", "values": ["many"]},
            "whole number",
        ),
        # Digits int() refuses, and a number no counter column holds.
        ({"field": "numActiveIncidents", "values": ["²"]}, "whole number"),
        ({"field": "numActiveIncidents", "values": [str(2**63)]}, "whole number"),
        ({"field": "activeIncidentTypes", "values": ["BAD"]}, "FRESHNESS"),
        ({"field": "owners", "values": ["ann"]}, "urn:li:"),
        ({"field": "tags", "values": ["two words"]}, "bad tag"),
    ]
    for criterion, needle in cases:
        error = await api.error(
            SEARCH, {"input": {"query": "*", "orFilters": [{"and": [criterion]}]}}
        )
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert needle in error["message"], (criterion, error["message"])
    bad_sort = await api.error(
        SEARCH,
        {
            "input": {
                "query": "*",
                "sortInput": {"sortCriterion": {"field": "size", "sortOrder": "ASCENDING"}},
            }
        },
    )
    assert "sortable fields" in bad_sort["message"]

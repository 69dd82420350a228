"""What DataHub's SDK and CLI add to every search: viewUrn, searchFlags, the `removed` filter,
platform.keyword and sortCriteria; and the facets they read (numActiveIncidents, entities)."""

from __future__ import annotations

from typing import Any

from helpers import Api

from incident_graph.domain.enums import Role

A = "urn:li:dataset:(urn:li:dataPlatform:snowflake,flags.orders,PROD)"
B = "urn:li:dataset:(urn:li:dataPlatform:snowflake,flags.customers,PROD)"
C = "urn:li:dashboard:(looker,flags_board)"
GONE = "urn:li:dataset:(urn:li:dataPlatform:hive,flags.retired,PROD)"
PURGED = "urn:li:dataset:(urn:li:dataPlatform:hive,flags.purged,PROD)"

SEARCH = """query($input: SearchAcrossEntitiesInput!) { searchAcrossEntities(input: $input) {
  total
  searchResults { entity { urn } matchedFields { name value } }
  facets { field displayName aggregations { value count displayName entity { urn type } } }
} }"""
# What DataHub's SDK and CLI send with every search: keep soft-deleted assets out.
NOT_REMOVED = {"field": "removed", "condition": "EQUAL", "values": ["true"], "negated": True}


async def _seed(api: Api) -> None:
    await api.gql(
        "mutation($input: [AssetInput!]!) { upsertAssets(input: $input) { created } }",
        {
            "input": [
                {"urn": A, "owners": [{"ownerUrn": "urn:li:corpuser:ann"}], "tags": ["pii"]},
                {"urn": B, "owners": [{"ownerUrn": "urn:li:corpGroup:sales"}], "tags": ["pii"]},
                {"urn": C},
                {"urn": GONE},
                {"urn": PURGED},
            ]
        },
    )
    await api.raise_incident(resourceUrn=A)
    await api.raise_incident(resourceUrn=A)
    await api.raise_incident(resourceUrn=B)
    await api.gql("mutation($u: String!) { deleteAsset(urn: $u) }", {"u": GONE})
    purged = await api.http.post(
        "/entities?action=delete", json={"urn": PURGED}, headers=api.headers(Role.ADMIN)
    )
    assert purged.status_code == 200, purged.text


async def _search(api: Api, *criteria: dict[str, Any], **extra: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"query": "*"} | extra
    if criteria:
        payload["orFilters"] = [{"and": list(criteria)}]
    return (await api.gql(SEARCH, {"input": payload}))["searchAcrossEntities"]  # type: ignore[no-any-return]


def _urns(result: dict[str, Any]) -> list[str]:
    return [r["entity"]["urn"] for r in result["searchResults"]]


def _facet(result: dict[str, Any], field: str) -> dict[str, Any]:
    return next(f for f in result["facets"] if f["field"] == field)  # type: ignore[no-any-return]


async def test_removed_filter_and_include_soft_deleted(api: Api) -> None:
    await _seed(api)
    live = sorted([A, B, C])
    assert sorted(_urns(await _search(api))) == live
    assert sorted(_urns(await _search(api, NOT_REMOVED))) == live
    everything = await _search(api, searchFlags={"includeSoftDeleted": True})
    # The soft-deleted asset comes back; the hard-deleted one kept only its key: never found.
    assert sorted(_urns(everything)) == sorted([*live, GONE])
    only_removed = await _search(api, {"field": "removed", "values": ["true"]})
    assert _urns(only_removed) == [GONE]
    both = await _search(api, {"field": "removed", "values": ["true", "false"]})
    assert sorted(_urns(both)) == sorted([*live, GONE])
    # The SDK's own filter wins over includeSoftDeleted, as in DataHub.
    flagged = await _search(api, NOT_REMOVED, searchFlags={"includeSoftDeleted": True})
    assert sorted(_urns(flagged)) == live
    bad = await api.error(
        SEARCH,
        {"input": {"query": "*", "orFilters": [{"and": [{"field": "removed", "values": ["no"]}]}]}},
    )
    assert bad["extensions"]["code"] == "BAD_USER_INPUT"
    assert 'removed takes "true" or "false"' in bad["message"]


async def test_platform_keyword_and_sort_criteria(api: Api) -> None:
    await _seed(api)
    # The SDK's get_urns_by_filter(platform=...) and the CLI's --filter platform=... send this.
    snowflake = await _search(
        api,
        {
            "field": "platform.keyword",
            "condition": "EQUAL",
            "values": ["urn:li:dataPlatform:snowflake"],
        },
    )
    assert sorted(_urns(snowflake)) == sorted([A, B])
    ordered = await _search(
        api,
        sortInput={
            "sortCriteria": [
                {"field": "numActiveIncidents", "sortOrder": "DESCENDING"},
                {"field": "name", "sortOrder": "ASCENDING"},
            ]
        },
    )
    assert _urns(ordered) == [A, B, C]
    # sortCriteria wins over the deprecated sortCriterion, as DataHub reads them.
    both = await _search(
        api,
        sortInput={
            "sortCriterion": {"field": "urn", "sortOrder": "ASCENDING"},
            "sortCriteria": [{"field": "urn", "sortOrder": "DESCENDING"}],
        },
    )
    assert _urns(both) == sorted([A, B, C], reverse=True)
    for criteria, needle in (
        (
            [{"field": "lastModifiedAt", "sortOrder": "ASCENDING"}],
            "cannot sort by 'lastModifiedAt'",
        ),
        (
            [
                {"field": "name", "sortOrder": "ASCENDING"},
                {"field": "name", "sortOrder": "DESCENDING"},
            ],
            "more than once",
        ),
    ):
        error = await api.error(
            SEARCH, {"input": {"query": "*", "sortInput": {"sortCriteria": criteria}}}
        )
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert needle in error["message"]


async def test_search_flags_and_facets(api: Api) -> None:
    await _seed(api)
    full = await _search(api, query="flags")
    assert _facet(full, "numActiveIncidents") == {
        "field": "numActiveIncidents",
        "displayName": "Active Incidents",
        "aggregations": [
            {"value": "0", "count": 1, "displayName": None, "entity": None},
            {"value": "1", "count": 1, "displayName": None, "entity": None},
            {"value": "2", "count": 1, "displayName": None, "entity": None},
        ],
    }
    assert _facet(full, "owners")["aggregations"] == [
        {
            "value": "urn:li:corpGroup:sales",
            "count": 1,
            "displayName": None,
            "entity": {"urn": "urn:li:corpGroup:sales", "type": "CORP_GROUP"},
        },
        {
            "value": "urn:li:corpuser:ann",
            "count": 1,
            "displayName": None,
            "entity": {"urn": "urn:li:corpuser:ann", "type": "CORP_USER"},
        },
    ]
    assert _facet(full, "tags")["aggregations"][0]["entity"] == {
        "urn": "urn:li:tag:pii",
        "type": "TAG",
    }
    assert _facet(full, "platform")["aggregations"][0]["entity"] == {
        "urn": "urn:li:dataPlatform:snowflake",
        "type": "DATA_PLATFORM",
    }
    assert full["searchResults"][0]["matchedFields"]

    # maxAggValues caps every facet that lists values (the yes/no ones always show both).
    capped = await _search(api, searchFlags={"maxAggValues": 1})
    assert len(_facet(capped, "numActiveIncidents")["aggregations"]) == 1
    assert len(_facet(capped, "_entityType")["aggregations"]) == 1
    assert len(_facet(capped, "hasActiveIncidents")["aggregations"]) == 2
    quiet = await _search(
        api, query="flags", searchFlags={"skipAggregates": True, "skipHighlighting": True}
    )
    assert quiet["facets"] == []
    assert [r["matchedFields"] for r in quiet["searchResults"]] == [[], [], []]
    # The flags DataHub's clients send that mean nothing here are accepted and change nothing.
    accepted = await _search(
        api,
        searchFlags={
            "skipCache": True,
            "fulltext": True,
            "getSuggestions": True,
            "includeRestricted": True,
            "customHighlightingFields": ["name"],
            "includeStructuredPropertyFacets": True,
            "filterNonLatestVersions": True,
            "includeExplain": False,
            "searchType": "QUERY_THEN_FETCH",
            "minScore": 0.5,
            "groupingSpec": {"groupingCriteria": [{"groupingEntityType": "DATASET"}]},
        },
    )
    assert accepted == await _search(api)
    for value in (-1, 1001):
        error = await api.error(
            SEARCH, {"input": {"query": "*", "searchFlags": {"maxAggValues": value}}}
        )
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert "maxAggValues must be between 0 and 1000" in error["message"]


async def test_view_urn(api: Api) -> None:
    await _seed(api)
    assert sorted(_urns(await _search(api, viewUrn=None))) == sorted([A, B, C])
    missing = await api.error(
        SEARCH, {"input": {"query": "*", "viewUrn": "urn:li:dataHubView:abc"}}
    )
    assert missing["extensions"]["code"] == "NOT_FOUND"
    assert "keeps no DataHub Views" in missing["message"]
    bad = await api.error(SEARCH, {"input": {"query": "*", "viewUrn": "my-view"}})
    assert bad["extensions"]["code"] == "BAD_USER_INPUT"
    scroll = await api.error(
        "query($i: ScrollAcrossEntitiesInput!) { scrollAcrossEntities(input: $i) { total } }",
        {"i": {"query": "*", "viewUrn": "urn:li:dataHubView:abc"}},
    )
    assert scroll["extensions"]["code"] == "NOT_FOUND"

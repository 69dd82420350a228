"""searchAcrossEntities with DataHub's filter shape."""

from __future__ import annotations

from typing import Any

from helpers import Api

ORDERS = "urn:li:dataset:(urn:li:dataPlatform:snowflake,prod.orders,PROD)"
ORDERS_DAILY = "urn:li:dataset:(urn:li:dataPlatform:snowflake,prod.orders_daily,PROD)"
CUSTOMERS = "urn:li:dataset:(urn:li:dataPlatform:hive,prod.customers,PROD)"
DASHBOARD = "urn:li:dashboard:(looker,orders_overview)"

SEARCH = """query($input: SearchAcrossEntitiesInput!) { searchAcrossEntities(input: $input) {
  start count total
  searchResults { entity { urn type } matchedFields { name value } }
  facets { field displayName aggregations { value count } }
} }"""


async def _seed(api: Api) -> dict[str, str]:
    active = await api.raise_incident(resourceUrn=ORDERS)
    resolved = await api.raise_incident(resourceUrn=CUSTOMERS)
    await api.resolve(resolved)
    await api.raise_incident(resourceUrn=DASHBOARD)
    done = await api.raise_incident(resourceUrn=ORDERS_DAILY)
    await api.resolve(done)
    return {"active": active}


async def _search(api: Api, **fields: Any) -> dict[str, Any]:
    data = await api.gql(SEARCH, {"input": {"query": "*"} | fields})
    return data["searchAcrossEntities"]


def _urns(result: dict[str, Any]) -> list[str]:
    return [r["entity"]["urn"] for r in result["searchResults"]]


def _facet(result: dict[str, Any], field: str) -> dict[str, int]:
    facet = next(f for f in result["facets"] if f["field"] == field)
    return {a["value"]: a["count"] for a in facet["aggregations"]}


async def test_has_active_incidents_filter_true_and_false(api: Api) -> None:
    await _seed(api)
    active = await _search(
        api, orFilters=[{"and": [{"field": "hasActiveIncidents", "values": ["true"]}]}]
    )
    assert sorted(_urns(active)) == sorted([ORDERS, DASHBOARD])
    assert active["total"] == 2
    healthy = await _search(
        api, orFilters=[{"and": [{"field": "hasActiveIncidents", "values": ["false"]}]}]
    )
    assert sorted(_urns(healthy)) == sorted([CUSTOMERS, ORDERS_DAILY])
    negated = await _search(
        api,
        orFilters=[{"and": [{"field": "hasActiveIncidents", "values": ["true"], "negated": True}]}],
    )
    assert sorted(_urns(negated)) == sorted(_urns(healthy))
    everything = await _search(api)
    assert everything["total"] == 4
    assert _facet(everything, "hasActiveIncidents") == {"true": 2, "false": 2}
    assert _facet(everything, "_entityType") == {"DATASET": 3, "DASHBOARD": 1}


async def test_facet_follows_resolution(api: Api) -> None:
    seeded = await _seed(api)
    await api.resolve(seeded["active"])
    active = await _search(
        api, orFilters=[{"and": [{"field": "hasActiveIncidents", "values": ["true"]}]}]
    )
    assert _urns(active) == [DASHBOARD]


async def test_text_query_types_and_paging(api: Api) -> None:
    await _seed(api)
    orders = await _search(api, query="orders")
    # The dashboard's name starts with the word (prefix), the datasets' names only contain it.
    assert _urns(orders)[0] == DASHBOARD
    assert set(_urns(orders)) == {ORDERS, ORDERS_DAILY, DASHBOARD}
    assert orders["searchResults"][0]["matchedFields"][0]["name"] == "name"
    exact = await _search(api, query="prod.orders")
    assert _urns(exact)[0] == ORDERS
    datasets = await _search(api, query="orders", types=["DATASET"])
    assert set(_urns(datasets)) == {ORDERS, ORDERS_DAILY}
    page = await _search(api, start=1, count=2)
    assert (page["start"], page["count"], page["total"]) == (1, 2, 4)
    assert _urns(page) == _urns(await _search(api, count=10))[1:3]
    none = await _search(api, query="no-such-thing")
    assert (none["total"], none["searchResults"]) == (0, [])


async def test_or_of_and_groups_and_platform(api: Api) -> None:
    await _seed(api)
    result = await _search(
        api,
        orFilters=[
            {
                "and": [
                    {"field": "hasActiveIncidents", "values": ["true"]},
                    {"field": "platform", "values": ["urn:li:dataPlatform:snowflake"]},
                ]
            },
            {"and": [{"field": "_entityType", "values": ["DASHBOARD"]}]},
        ],
    )
    assert sorted(_urns(result)) == sorted([ORDERS, DASHBOARD])
    legacy = await _search(api, filters=[{"field": "hasActiveIncidents", "value": "false"}])
    assert sorted(_urns(legacy)) == sorted([CUSTOMERS, ORDERS_DAILY])


async def test_bad_filters_are_refused(api: Api) -> None:
    await _seed(api)
    unknown = await api.error(
        SEARCH,
        {"input": {"query": "*", "orFilters": [{"and": [{"field": "owner", "values": ["x"]}]}]}},
    )
    assert unknown["extensions"]["code"] == "BAD_USER_INPUT"
    assert "hasActiveIncidents" in unknown["message"]
    bad_value = await api.error(
        SEARCH,
        {
            "input": {
                "query": "*",
                "orFilters": [{"and": [{"field": "hasActiveIncidents", "values": ["maybe"]}]}],
            }
        },
    )
    assert bad_value["extensions"]["code"] == "BAD_USER_INPUT"
    bad_count = await api.error(SEARCH, {"input": {"query": "*", "count": 5000}})
    assert bad_count["extensions"]["code"] == "BAD_USER_INPUT"
    bad_type = await api.error(SEARCH, {"input": {"query": "*", "types": ["CORP_USER"]}})
    assert bad_type["extensions"]["code"] == "BAD_USER_INPUT"

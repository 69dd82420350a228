"""scrollAcrossEntities: DataHub's scroll over assets, paged by nextScrollId, on both databases."""

from __future__ import annotations

import base64
import json
from typing import Any

from helpers import Api

SCROLL = """query($input: ScrollAcrossEntitiesInput!) { scrollAcrossEntities(input: $input) {
  nextScrollId count total
  searchResults { entity { urn } matchedFields { name } extraProperties { name value } }
} }"""
SEARCH = """query($input: SearchAcrossEntitiesInput!) { searchAcrossEntities(input: $input) {
  total searchResults { entity { urn } }
} }"""
UPSERT = "mutation($input: [AssetInput!]!) { upsertAssets(input: $input) { created } }"


def dataset(name: str) -> str:
    return f"urn:li:dataset:(urn:li:dataPlatform:snowflake,{name},PROD)"


async def _seed(api: Api, names: list[str]) -> list[str]:
    urns = [dataset(n) for n in names]
    await api.gql(UPSERT, {"input": [{"urn": u} for u in urns]})
    return urns


async def _page(api: Api, **fields: Any) -> dict[str, Any]:
    data = await api.gql(SCROLL, {"input": {"query": "*"} | fields})
    return data["scrollAcrossEntities"]  # type: ignore[no-any-return]


async def _scroll_all(api: Api, **fields: Any) -> tuple[list[str], int]:
    """Every URN the scroll yields, in order, and how many pages it took."""
    found: list[str] = []
    scroll_id: str | None = None
    pages = 0
    while True:
        page = await _page(api, scrollId=scroll_id, **fields)
        pages += 1
        found += [r["entity"]["urn"] for r in page["searchResults"]]
        scroll_id = page["nextScrollId"]
        if scroll_id is None:
            return found, pages


def _urns(result: dict[str, Any]) -> list[str]:
    return [r["entity"]["urn"] for r in result["searchResults"]]


async def test_scroll_reads_every_match_once_in_search_order(api: Api) -> None:
    urns = await _seed(api, [f"shop.t{i:02d}" for i in range(7)])
    first = await _page(api, count=3)
    # count is the page size (as DataHub answers it); total counts every match.
    assert (first["count"], first["total"], len(first["searchResults"])) == (3, 7, 3)
    assert first["searchResults"][0]["extraProperties"] == []
    assert first["nextScrollId"]
    found, pages = await _scroll_all(api, count=3)
    assert found == sorted(urns)  # "*" is unranked: URN order
    assert pages == 3  # 3 + 3 + 1: the last page knows it is the last
    exact, exact_pages = await _scroll_all(api, count=7)
    assert (exact, exact_pages) == (sorted(urns), 1)  # no empty page after a full last one
    search = await api.gql(SEARCH, {"input": {"query": "*", "count": 7}})
    assert _urns(search["searchAcrossEntities"]) == found

    # Sorted, and ranked by a text query: the same order searchAcrossEntities pages through.
    for extra in (
        {"sortInput": {"sortCriteria": [{"field": "name", "sortOrder": "DESCENDING"}]}},
        {"query": "t0"},
    ):
        scrolled, _ = await _scroll_all(api, count=2, **extra)
        searched = await api.gql(SEARCH, {"input": {"query": "*", "count": 50} | extra})
        assert scrolled == _urns(searched["searchAcrossEntities"])
    none = await _page(api, query="no-such-asset")
    assert (none["total"], none["searchResults"], none["nextScrollId"]) == (0, [], None)


async def test_scroll_is_not_disturbed_by_writes_between_pages(api: Api) -> None:
    urns = await _seed(api, ["m.b", "m.d", "m.f", "m.h"])
    first = await _page(api, count=2, query="m.")
    assert _urns(first) == [dataset("m.b"), dataset("m.d")]
    # Assets added before and after the cursor: none is handed out twice, none skipped.
    await _seed(api, ["m.a", "m.c", "m.g"])
    rest: list[str] = []
    scroll_id = first["nextScrollId"]
    while scroll_id:
        page = await _page(api, count=2, query="m.", scrollId=scroll_id)
        rest += _urns(page)
        scroll_id = page["nextScrollId"]
    assert rest == [dataset("m.f"), dataset("m.g"), dataset("m.h")]
    assert set(urns) <= set(_urns(first)) | set(rest)


async def test_scroll_page_size_and_bad_scroll_ids(api: Api) -> None:
    await _seed(api, ["s.one", "s.two"])
    # DataHub's SDK asks for 5,000 a page; like DataHub the server reads at most its limit.
    big = await _page(api, count=5000)
    assert (big["count"], big["total"], big["nextScrollId"]) == (1000, 2, None)
    default = await _page(api)
    assert default["count"] == 10
    for count in (0, -1):
        error = await api.error(SCROLL, {"input": {"query": "*", "count": count}})
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert "count must be at least 1" in error["message"]

    scroll_id = (await _page(api, count=1))["nextScrollId"]
    keys = json.loads(base64.urlsafe_b64decode(scroll_id + "=" * (-len(scroll_id) % 4)))

    def forged(body: Any) -> str:
        return base64.urlsafe_b64encode(json.dumps(body).encode()).decode()

    refused = {
        "not base64": "%%%",
        "not json": base64.urlsafe_b64encode(b"{nope").decode(),
        "wrong shape": forged([1, 2]),
        "wrong value type": forged({"k": keys["k"], "v": [42]}),
        "too many values": forged({"k": keys["k"], "v": [*keys["v"], "x"]}),
        "too long": "A" * 9000,
    }
    for why, bad in refused.items():
        error = await api.error(SCROLL, {"input": {"query": "*", "scrollId": bad}})
        assert error["extensions"]["code"] == "BAD_USER_INPUT", why
        assert "scrollId is not one this server gave out" in error["message"], why
    other_order = await api.error(
        SCROLL,
        {
            "input": {
                "query": "*",
                "scrollId": scroll_id,
                "sortInput": {"sortCriteria": [{"field": "name", "sortOrder": "ASCENDING"}]},
            }
        },
    )
    assert other_order["extensions"]["code"] == "BAD_USER_INPUT"
    assert "another order" in other_order["message"]

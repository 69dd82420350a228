"""Asset search rules (pure): the order a search reads in, and scroll ids over it."""

from __future__ import annotations

import pytest

from incident_graph.domain import scroll
from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.search import (
    RawCriterion,
    Sort,
    build_asset_search,
    build_filter_groups,
    build_sorts,
)


def _search(text: str, sorts: list[tuple[str, str]]) -> tuple[str, ...]:
    found = build_asset_search(
        text=text, entity_types=[], groups=(), sorts=build_sorts(sorts), include_soft_deleted=False
    )
    return tuple(k.token for k in found.keys)


def test_the_order_always_ends_with_the_urn_once() -> None:
    assert _search("*", []) == ("urn",)
    assert _search("  ", []) == ("urn",)
    assert _search("orders", []) == ("relevance", "urn")
    assert _search("orders", [("name", "DESCENDING")]) == ("-name", "urn")
    assert _search("*", [("urn", "DESCENDING"), ("name", "ASCENDING")]) == ("-urn", "name")


def test_scroll_ids_round_trip_and_are_checked_against_the_order() -> None:
    keys = (Sort("numActiveIncidents", descending=True), Sort("name", descending=False))
    values = (3, "Umsätze täglich")
    assert scroll.decode(scroll.encode(keys, values), keys) == values
    with pytest.raises(BadUserInputError, match="another order"):
        scroll.decode(scroll.encode(keys, values), keys[1:])
    with pytest.raises(BadUserInputError, match="not one this server gave out"):
        scroll.decode(scroll.encode(keys, (True, "x")), keys)  # a bool is no count


@pytest.mark.parametrize("value", ["²", "٣", "-1", "1.5", str(2**63), ""])
def test_active_incident_counts_are_whole_ascii_numbers_a_bigint_holds(value: str) -> None:
    raw = RawCriterion(
        field="numActiveIncidents", value=None, values=[value], negated=None, condition="EQUAL"
    )
    with pytest.raises(BadUserInputError, match="one whole number"):
        build_filter_groups([[raw]], None)
    ok = RawCriterion(
        field="numActiveIncidents",
        value=None,
        values=[str(2**63 - 1)],
        negated=None,
        condition=None,
    )
    assert build_filter_groups([[ok]], None)[0][0].values == (str(2**63 - 1),)

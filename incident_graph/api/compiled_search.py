"""Searches as compiled reads: a request's input bound to a plan's parameters.

searchIncidents compiles without words only: ranking by relevance and the word index take the
resolvers' several statements (store.incident_search), so a `query` other than empty or `*`
goes through them. searchAcrossEntities compiles without facets and search flags.
"""

from __future__ import annotations

from typing import Any, Final

from incident_graph.api.compiled_inputs import (
    NotCompiledError,
    search_across_entities_input,
    search_incidents_input,
)
from incident_graph.api.search.inputs import SEARCH_COUNT
from incident_graph.domain import incident_search as rules
from incident_graph.domain.paging import DEFAULT_COUNT, page
from incident_graph.domain.search import (
    NUM_ACTIVE_INCIDENTS,
    RawCriterion,
    build_asset_search,
    build_filter_groups,
    build_sorts,
    matches_everything,
)
from incident_graph.store.compiled import AssetCriterion, AssetSearchShape, SearchShape
from incident_graph.store.compiled.asset_search_sql import YES_NO_FIELDS
from incident_graph.store.search import escape_like

# The criteria's lists, in the order their conditions are written; by the input's names.
_LISTS: Final = (
    ("states", "states"),
    ("stages", "stages"),
    ("priorities", "priorities"),
    ("types", "types"),
    ("source_types", "sourceTypes"),
    ("assignees", "assigneeUrns"),
    ("creators", "creatorUrns"),
    ("leads", "leadUrns"),
    ("resources", "resourceUrns"),
    ("platforms", "platforms"),
    ("owners", "ownerUrns"),
)


def bind_search(prefix: str, given: Any, values: dict[str, object]) -> SearchShape:
    """The search's filter shape, its values put in `values` under `prefix`. Raises what the
    resolver would refuse (BadUserInputError) and NotCompiledError for words to match."""
    given = search_incidents_input(given)
    window = page(given.get("start", 0), given.get("count", DEFAULT_COUNT))
    criteria = rules.criteria(
        query=given.get("query"),
        created_after=given.get("createdAfter"),
        created_before=given.get("createdBefore"),
        **{name: given.get(key) for name, key in _LISTS},
    )
    if criteria.text is not None:
        raise NotCompiledError
    values[prefix + "start"], values[prefix + "count"] = window.start, window.count
    lists: list[tuple[str, int]] = []
    for name, _ in _LISTS:
        chosen: tuple[str, ...] = getattr(criteria, name)
        if chosen:
            lists.append((name, len(chosen)))
            for n, value in enumerate(chosen):
                values[f"{prefix}{name}{n}"] = value
    for name in ("created_after", "created_before"):
        if getattr(criteria, name) is not None:
            values[prefix + name] = getattr(criteria, name)
    sort = given.get("sort")
    return SearchShape(
        lists=tuple(lists),
        created_after=criteria.created_after is not None,
        created_before=criteria.created_before is not None,
        sort=None if sort is None else (sort["field"], sort.get("order", "DESC")),
    )


def _raw(criteria: list[dict[str, Any]]) -> list[RawCriterion]:
    return [
        RawCriterion(
            field=c["field"],
            value=c.get("value"),
            values=c.get("values"),
            negated=c.get("negated", False),
            condition=c.get("condition"),
        )
        for c in criteria
    ]


def bind_asset_search(
    prefix: str, given: Any, values: dict[str, object], *, matched_fields: bool
) -> AssetSearchShape:
    """The asset search's shape, its values put in `values` under `prefix`, as
    api.search.request builds it. With words to match, `matched_fields` (selected) does not
    compile: which fields matched is worked out in Python."""
    given = search_across_entities_input(given)
    window = page(given.get("start", 0), given.get("count", SEARCH_COUNT))
    filters = given.get("filters")
    groups = build_filter_groups(
        [_raw(g.get("and") or []) for g in given.get("orFilters") or []],
        _raw(filters) if filters else None,
    )
    sort_input = given.get("sortInput") or {}
    chosen = sort_input.get("sortCriteria")
    if chosen is None:
        chosen = [sort_input["sortCriterion"]] if sort_input.get("sortCriterion") else []
    search = build_asset_search(
        text=given["query"],
        entity_types=given.get("types") or [],
        groups=groups,
        sorts=build_sorts([(c["field"], c.get("sortOrder", "ASCENDING")) for c in chosen]),
        include_soft_deleted=False,
    )
    words = not matches_everything(search.text)
    if words and matched_fields:
        raise NotCompiledError
    values[prefix + "start"], values[prefix + "count"] = window.start, window.count
    if words:
        needle = search.text.strip().lower()
        values[prefix + "needle"] = needle
        values[prefix + "starts"] = f"{escape_like(needle)}%"
        values[prefix + "contains"] = f"%{escape_like(needle)}%"
    for n, entity_type in enumerate(search.entity_types):
        values[f"{prefix}type{n}"] = entity_type
    shaped: list[tuple[AssetCriterion, ...]] = []
    for g, group in enumerate(search.groups):
        criteria: list[AssetCriterion] = []
        for c, criterion in enumerate(group):
            names = f"{prefix}g{g}c{c}v"
            condition = criterion.condition
            if criterion.field in YES_NO_FIELDS:
                # The values are checked: "true", "false" or both.
                wanted = set(criterion.values)
                condition = "both" if len(wanted) == 2 else wanted.pop()
            elif criterion.field == NUM_ACTIVE_INCIDENTS:
                values[names + "0"] = int(criterion.values[0])
            else:
                for n, value in enumerate(criterion.values):
                    values[f"{names}{n}"] = value
            criteria.append(
                AssetCriterion(criterion.field, len(criterion.values), criterion.negated, condition)
            )
        shaped.append(tuple(criteria))
    return AssetSearchShape(
        words=words,
        types=len(search.entity_types),
        groups=tuple(shaped),
        keys=tuple((key.field, key.descending) for key in search.keys),
        hide_removed=search.hide_removed,
    )


__all__ = ["bind_asset_search", "bind_search"]

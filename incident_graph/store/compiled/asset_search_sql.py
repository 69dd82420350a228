"""searchAcrossEntities' matches and order as SQL text: store.search's conditions, written
for a compiled read (one statement, placeholders in the order they appear)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from incident_graph.domain.search import (
    ACTIVE_INCIDENT_PRIORITIES,
    ACTIVE_INCIDENT_TYPES,
    ENTITY_TYPE,
    HAS_ACTIVE_INCIDENTS,
    HAS_FAILING_ASSERTIONS,
    HAS_RESOLVED_INCIDENTS,
    NUM_ACTIVE_INCIDENTS,
    OWNERS,
    PLATFORM,
    RELEVANCE,
    REMOVED,
    TAGS,
)
from incident_graph.store.compiled.plan import AssetCriterion, AssetSearchShape

Bind = Callable[[str], str]

_COMPARE: Final = {
    "EQUAL": "=",
    "GREATER_THAN": ">",
    "GREATER_THAN_OR_EQUAL_TO": ">=",
    "LESS_THAN": "<",
    "LESS_THAN_OR_EQUAL_TO": "<=",
}
# Yes/no filters: the condition for "true".
_FLAGS: Final = {
    HAS_ACTIVE_INCIDENTS: "a.active_count > 0",
    HAS_RESOLVED_INCIDENTS: (
        "EXISTS (SELECT 1 FROM incident_assets AS ia WHERE ia.asset_id = a.id "
        "AND ia.state = 'RESOLVED')"
    ),
    HAS_FAILING_ASSERTIONS: (
        "EXISTS (SELECT 1 FROM checks AS c WHERE c.asset_id = a.id AND c.latest_status = 'FAIL')"
    ),
    REMOVED: "a.deleted_ms IS NOT NULL",
}
YES_NO_FIELDS: Final = frozenset(_FLAGS)
# Filters on values: the condition, `{values}` being the placeholders.
_ACTIVE_WITH: Final = (
    "EXISTS (SELECT 1 FROM incident_assets AS ia JOIN incidents AS i ON i.id = ia.incident_id "
    "WHERE ia.asset_id = a.id AND ia.state = 'ACTIVE' AND i.{column} IN ({values}))"
)
_WITH_VALUES: Final = {
    ACTIVE_INCIDENT_TYPES: _ACTIVE_WITH.replace("{column}", "incident_type"),
    ACTIVE_INCIDENT_PRIORITIES: _ACTIVE_WITH.replace("{column}", "priority"),
    ENTITY_TYPE: "a.entity_type IN ({values})",
    PLATFORM: "a.platform IN ({values})",
    OWNERS: (
        "EXISTS (SELECT 1 FROM asset_owners AS ao WHERE ao.asset_id = a.id "
        "AND ao.owner_urn IN ({values}))"
    ),
    TAGS: (
        "EXISTS (SELECT 1 FROM asset_tags AS tg WHERE tg.asset_id = a.id AND tg.tag IN ({values}))"
    ),
}
# Sort keys as columns of a page row (`relevance_rank` is selected beside the asset's own).
KEY_COLUMNS: Final = {
    RELEVANCE: "relevance_rank",
    "name": "name",
    "urn": "urn",
    NUM_ACTIVE_INCIDENTS: "active_count",
}
_LIKE: Final = " ESCAPE '\\'"


def where(prefix: str, shape: AssetSearchShape, bind: Bind) -> str:
    """The assets the search matches (store.search._where), on `assets AS a`."""
    out = [
        "a.deleted_ms IS NULL"
        if shape.hide_removed
        else "(a.deleted_ms IS NULL OR a.updated_ms IS NOT NULL)"
    ]
    if shape.words:
        contains = [bind(prefix + "contains") for _ in range(3)]
        out.append(
            f"(lower(a.name) LIKE {contains[0]}{_LIKE} OR lower(a.urn) LIKE {contains[1]}{_LIKE} "
            f"OR lower(coalesce(a.description, '')) LIKE {contains[2]}{_LIKE})"
        )
    if shape.types:
        types = ", ".join(bind(f"{prefix}type{n}") for n in range(shape.types))
        out.append(f"a.entity_type IN ({types})")
    if shape.groups:
        groups = []
        for g, group in enumerate(shape.groups):
            conditions = [
                _criterion(criterion, f"{prefix}g{g}c{c}v", bind)
                for c, criterion in enumerate(group)
            ]
            groups.append("(" + " AND ".join(conditions) + ")" if conditions else "1 = 1")
        out.append("(" + " OR ".join(groups) + ")")
    return " AND ".join(out)


def _criterion(criterion: AssetCriterion, names: str, bind: Bind) -> str:
    field = criterion.field
    flag = _FLAGS.get(field)
    if flag is not None:
        # criterion.condition holds which of true and false it keeps.
        if criterion.condition == "both":
            condition = "1 = 1"
        else:
            condition = flag if criterion.condition == "true" else f"NOT ({flag})"
    elif field == NUM_ACTIVE_INCIDENTS:
        condition = f"a.active_count {_COMPARE[criterion.condition]} {bind(names + '0')}"
    else:
        values = ", ".join(bind(f"{names}{n}") for n in range(criterion.values))
        condition = _WITH_VALUES[field].replace("{values}", values)
    return f"NOT ({condition})" if criterion.negated else condition


def rank(prefix: str, shape: AssetSearchShape, bind: Bind) -> str:
    """Relevance: exact name, then name prefix, then contained anywhere (0 to 3)."""
    if not shape.words:
        return "0"
    needle, starts = bind(prefix + "needle"), bind(prefix + "starts")
    contains = bind(prefix + "contains")
    return (
        f"CASE WHEN lower(a.name) = {needle} THEN 0 WHEN lower(a.name) LIKE {starts}{_LIKE} "
        f"THEN 1 WHEN lower(a.name) LIKE {contains}{_LIKE} THEN 2 ELSE 3 END"
    )


def order(shape: AssetSearchShape, row: str = "") -> str:
    """The search's order over page rows (`row.` before each column when given)."""
    qualified = f"{row}." if row else ""
    return ", ".join(
        f"{qualified}{KEY_COLUMNS[key]} {'DESC' if descending else 'ASC'}"
        for key, descending in shape.keys
    )

"""searchIncidents as a compiled read: a request's input bound to a plan's parameters.

Only searches without words compile: ranking by relevance and the word index take the
resolvers' several statements (store.incident_search), so a `query` other than empty or `*`
goes through them.
"""

from __future__ import annotations

from typing import Any, Final

from incident_graph.api.compiled_inputs import NotCompiledError, search_incidents_input
from incident_graph.domain import incident_search as rules
from incident_graph.domain.paging import DEFAULT_COUNT, page
from incident_graph.store.compiled import SearchShape

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


__all__ = ["bind_search"]

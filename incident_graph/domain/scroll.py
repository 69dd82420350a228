"""Scroll ids: where a scroll through sorted search results goes on. Pure; no I/O.

A scroll id holds the sort keys of the last result handed out, and the order they belong to,
so the next page starts right after it (keyset paging): no snapshot to keep alive, and results
added or removed meanwhile shift nothing. It is opaque to clients, not secret: a hand-made one
can only say where to start reading what the caller may search anyway.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Final

from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.paging import MAX_COUNT
from incident_graph.domain.search import NUM_ACTIVE_INCIDENTS, RELEVANCE, Sort

ScrollValue = int | str
# DataHub's scroll page size when none is given.
DEFAULT_COUNT: Final = 10

# The type each sort key's value has.
_KEY_TYPES: Final[dict[str, type[int | str]]] = {
    RELEVANCE: int,
    NUM_ACTIVE_INCIDENTS: int,
    "name": str,
    "urn": str,
}
# Far above any id this server makes (the URN and name are at most 1,000 characters each).
MAX_SCROLL_ID: Final = 8192
_NOT_OURS: Final = "scrollId is not one this server gave out; start again without scrollId"


def page_size(count: int | None) -> int:
    """A scroll page's size. DataHub caps it at its configured limit rather than refusing it
    (its SDK asks for 5,000): paging goes on by scroll id, so a smaller page only means more."""
    count = DEFAULT_COUNT if count is None else count
    if count < 1:
        raise BadUserInputError(f"count must be at least 1, got {count}", field="count")
    return min(count, MAX_COUNT)


def encode(keys: tuple[Sort, ...], values: Sequence[ScrollValue]) -> str:
    """The scroll id that resumes after a result whose sort keys are `values`."""
    body = {"k": [k.token for k in keys], "v": list(values)}
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(scroll_id: str, keys: tuple[Sort, ...]) -> tuple[ScrollValue, ...]:
    """The sort keys a scroll id resumes after, checked against the order being read."""
    if len(scroll_id) > MAX_SCROLL_ID:
        raise BadUserInputError(_NOT_OURS, field="scrollId")
    try:
        raw = base64.urlsafe_b64decode(scroll_id + "=" * (-len(scroll_id) % 4))
        body = json.loads(raw.decode())
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadUserInputError(_NOT_OURS, field="scrollId") from exc
    if not isinstance(body, dict) or not isinstance(body.get("v"), list):
        raise BadUserInputError(_NOT_OURS, field="scrollId")
    if body.get("k") != [k.token for k in keys]:
        raise BadUserInputError(
            "scrollId belongs to a scroll in another order (sortInput or query changed); "
            "start again without scrollId",
            field="scrollId",
        )
    values: list[ScrollValue] = body["v"]
    if len(values) != len(keys) or any(
        type(value) is not _KEY_TYPES[key.field]  # bool is an int: compare types exactly
        for key, value in zip(keys, values, strict=True)
    ):
        raise BadUserInputError(_NOT_OURS, field="scrollId")
    return tuple(values)


__all__ = ["DEFAULT_COUNT", "MAX_SCROLL_ID", "ScrollValue", "decode", "encode", "page_size"]

"""Paging rules shared by every list in the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from incident_graph.domain.errors import BadUserInputError

DEFAULT_COUNT: Final = 20
MAX_COUNT: Final = 1000


@dataclass(frozen=True, slots=True)
class Page:
    start: int
    count: int


def page(start: int | None, count: int | None) -> Page:
    """Validate DataHub's `start`/`count` pair, applying the defaults (0, 20)."""
    start = 0 if start is None else start
    count = DEFAULT_COUNT if count is None else count
    if start < 0:
        raise BadUserInputError(f"start must be 0 or more, got {start}")
    if not 0 <= count <= MAX_COUNT:
        raise BadUserInputError(f"count must be between 0 and {MAX_COUNT}, got {count}")
    return Page(start=start, count=count)

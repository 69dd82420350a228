"""searchIncidents: the criteria, validated. Pure; no I/O.

Values within one list are alternatives (OR); the lists, the text and the time window must
all hold (AND). An empty or omitted list does not filter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from incident_graph import urns
from incident_graph.domain.errors import BadUserInputError

MAX_VALUES: Final = 100
MAX_QUERY: Final = 1000
PLATFORM_PREFIX: Final = "urn:li:dataPlatform:"


class IncidentSortField(StrEnum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    PRIORITY = "PRIORITY"


class IncidentSortOrder(StrEnum):
    ASC = "ASC"
    DESC = "DESC"


@dataclass(frozen=True, slots=True)
class IncidentSort:
    field: IncidentSortField
    order: IncidentSortOrder


@dataclass(frozen=True, slots=True)
class IncidentCriteria:
    text: str | None = None
    states: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    source_types: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()
    creators: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    created_after: int | None = None
    created_before: int | None = None


def _values(
    field: str, values: Sequence[str] | None, check: Callable[[str], str] | None = None
) -> tuple[str, ...]:
    if not values:
        return ()
    if len(values) > MAX_VALUES:
        raise BadUserInputError(
            f"{field}: at most {MAX_VALUES} values, got {len(values)}", field=field
        )
    out: dict[str, None] = {}
    for value in values:
        try:
            out[check(value) if check else value] = None
        except urns.InvalidUrnError as exc:
            raise BadUserInputError(f"{field}: {exc}", field=field) from exc
    return tuple(out)


def _actor(value: str) -> str:
    urns.parse_actor_urn(value)
    return value


def _asset(value: str) -> str:
    return urns.parse_asset_urn(value).urn


def _platform(value: str) -> str:
    name = value.removeprefix(PLATFORM_PREFIX)
    if not name or any(ch.isspace() or ch in "(),:" for ch in name):
        msg = (
            f"platform {value!r} is not a platform name; give e.g. snowflake or "
            f"{PLATFORM_PREFIX}snowflake"
        )
        raise urns.InvalidUrnError(msg)
    return name


def criteria(
    *,
    query: str | None,
    states: Sequence[str] | None,
    stages: Sequence[str] | None,
    priorities: Sequence[str] | None,
    types: Sequence[str] | None,
    source_types: Sequence[str] | None,
    assignees: Sequence[str] | None,
    creators: Sequence[str] | None,
    leads: Sequence[str] | None,
    resources: Sequence[str] | None,
    platforms: Sequence[str] | None,
    owners: Sequence[str] | None,
    created_after: int | None,
    created_before: int | None,
) -> IncidentCriteria:
    """Validate searchIncidents' input; every refusal names the field to fix."""
    text = (query or "").strip()
    if len(text) > MAX_QUERY:
        raise BadUserInputError(
            f"query is {len(text)} characters long; the limit is {MAX_QUERY}", field="query"
        )
    if created_after is not None and created_before is not None and created_after > created_before:
        raise BadUserInputError(
            f"createdAfter ({created_after}) is later than createdBefore ({created_before}); "
            "swap them or drop one",
            field="createdAfter",
        )
    return IncidentCriteria(
        text=None if text in {"", "*"} else text,
        states=_values("states", states),
        stages=_values("stages", stages),
        priorities=_values("priorities", priorities),
        types=_values("types", types),
        source_types=_values("sourceTypes", source_types),
        assignees=_values("assigneeUrns", assignees, _actor),
        creators=_values("creatorUrns", creators, _actor),
        leads=_values("leadUrns", leads, _actor),
        resources=_values("resourceUrns", resources, _asset),
        platforms=_values("platforms", platforms, _platform),
        owners=_values("ownerUrns", owners, _actor),
        created_after=created_after,
        created_before=created_before,
    )

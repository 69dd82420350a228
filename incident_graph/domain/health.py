"""Asset health from its active incidents, in DataHub's Health shape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

ACTIVE_INCIDENTS_CAUSE: Final = "ACTIVE_INCIDENTS"


@dataclass(frozen=True, slots=True)
class ActiveIncidents:
    """What the store knows of an asset's active incidents."""

    count: int
    latest_urn: str | None = None
    latest_title: str | None = None
    last_activity_at: int | None = None
    urns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IncidentHealth:
    failing: bool
    message: str
    causes: tuple[str, ...]
    details: ActiveIncidents


def incident_health(active: ActiveIncidents) -> IncidentHealth:
    if active.count:
        return IncidentHealth(
            failing=True,
            message=f"{active.count} active incident(s)",
            causes=(ACTIVE_INCIDENTS_CAUSE,),
            details=active,
        )
    return IncidentHealth(failing=False, message="No active incidents", causes=(), details=active)


UPSTREAM_INCIDENTS_CAUSE: Final = "UPSTREAM_ACTIVE_INCIDENTS"


@dataclass(frozen=True, slots=True)
class UpstreamProblem:
    """An upstream asset with active incidents, and how many hops up it is."""

    asset_urn: str
    depth: int
    incident_urns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UpstreamHealth:
    failing: bool
    message: str
    causes: tuple[str, ...]
    problems: tuple[UpstreamProblem, ...]


def upstream_health(problems: tuple[UpstreamProblem, ...], depth: int) -> UpstreamHealth:
    if problems:
        return UpstreamHealth(
            failing=True,
            message=f"{len(problems)} upstream asset(s) have active incidents",
            causes=(UPSTREAM_INCIDENTS_CAUSE,),
            problems=problems,
        )
    return UpstreamHealth(
        failing=False,
        message=f"No active incidents upstream (checked {depth} level(s))",
        causes=(),
        problems=(),
    )

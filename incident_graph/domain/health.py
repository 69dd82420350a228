"""Asset health from its active incidents, in DataHub's Health shape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from incident_graph.domain.checks import ResultStatus

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


FAILING_ASSERTIONS_CAUSE: Final = "FAILING_ASSERTIONS"


@dataclass(frozen=True, slots=True)
class CheckState:
    """A check on the asset and the status of its latest run (None: no run yet)."""

    urn: str
    latest: ResultStatus | None


@dataclass(frozen=True, slots=True)
class AssertionHealth:
    """FAIL while the latest run of any check failed; WARN while one warned or could not be
    evaluated; PASS otherwise."""

    status: ResultStatus
    message: str
    causes: tuple[str, ...]
    total: int
    failing: tuple[str, ...]


def assertion_health(checks: tuple[CheckState, ...]) -> AssertionHealth | None:
    """DataHub's ASSERTIONS entry; None for an asset without checks (the entry is absent)."""
    if not checks:
        return None
    failing = tuple(c.urn for c in checks if c.latest is ResultStatus.FAIL)
    doubtful = [c for c in checks if c.latest in {ResultStatus.WARN, ResultStatus.ERROR}]
    if failing:
        return AssertionHealth(
            ResultStatus.FAIL,
            f"{len(failing)} of {len(checks)} assertions are failing",
            (FAILING_ASSERTIONS_CAUSE,),
            len(checks),
            failing,
        )
    if doubtful:
        message = f"{len(doubtful)} of {len(checks)} assertions warned or could not run"
        return AssertionHealth(ResultStatus.WARN, message, (), len(checks), ())
    return AssertionHealth(
        ResultStatus.PASS, f"All {len(checks)} assertions are passing", (), len(checks), ()
    )

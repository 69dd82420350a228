"""DataHub's Health entries for an asset."""

from __future__ import annotations

import strawberry

from incident_graph.api.enums import HealthStatus, HealthStatusType
from incident_graph.api.scalars import Long
from incident_graph.domain.checks import ResultStatus
from incident_graph.domain.health import AssertionHealth, IncidentHealth, UpstreamHealth


@strawberry.type(description="What is known of an asset's active incidents.")
class ActiveIncidentHealthDetails:
    count: int
    latest_incident_urn: str | None
    latest_incident_title: str | None
    last_activity_at: Long | None
    active_incident_urns: list[str] = strawberry.field(
        description="URNs of the active incidents, newest first (at most 100; count is exact)."
    )


@strawberry.type(description="An upstream asset with active incidents.")
class UpstreamIncidentAsset:
    urn: str
    depth: int = strawberry.field(description="Hops upstream: 1 is a direct input.")
    incident_urns: list[str]


@strawberry.type(description="What is known of active incidents upstream of an asset.")
class UpstreamIncidentHealthDetails:
    count: int = strawberry.field(description="Upstream assets with active incidents.")
    assets: list[UpstreamIncidentAsset]


@strawberry.type(description="Ours: what is known of an asset's checks (the ASSERTIONS entry).")
class AssertionHealthDetails:
    total: int = strawberry.field(description="Checks on the asset.")
    failing_assertion_urns: list[str] = strawberry.field(
        description="Checks whose latest run failed."
    )


_HEALTH_OF: dict[ResultStatus, HealthStatus] = {
    ResultStatus.FAIL: HealthStatus.FAIL,
    ResultStatus.WARN: HealthStatus.WARN,
    ResultStatus.PASS: HealthStatus.PASS,
}


@strawberry.type(description="One aspect of an asset's health.")
class Health:
    type: HealthStatusType
    status: HealthStatus
    message: str | None
    causes: list[str] | None
    active_incident_health_details: ActiveIncidentHealthDetails | None = None
    upstream_incident_health_details: UpstreamIncidentHealthDetails | None = strawberry.field(
        default=None, description="Ours: set on the UPSTREAM_INCIDENTS entry."
    )
    assertion_health_details: AssertionHealthDetails | None = strawberry.field(
        default=None, description="Ours: set on the ASSERTIONS entry."
    )

    @classmethod
    def from_assertions(cls, health: AssertionHealth) -> Health:
        return cls(
            type=HealthStatusType.ASSERTIONS,
            status=_HEALTH_OF[health.status],
            message=health.message,
            causes=list(health.causes),
            assertion_health_details=AssertionHealthDetails(
                total=health.total, failing_assertion_urns=list(health.failing)
            ),
        )

    @classmethod
    def from_upstream(cls, health: UpstreamHealth) -> Health:
        return cls(
            type=HealthStatusType.UPSTREAM_INCIDENTS,
            status=HealthStatus.FAIL if health.failing else HealthStatus.PASS,
            message=health.message,
            causes=list(health.causes),
            upstream_incident_health_details=UpstreamIncidentHealthDetails(
                count=len(health.problems),
                assets=[
                    UpstreamIncidentAsset(
                        urn=p.asset_urn, depth=p.depth, incident_urns=list(p.incident_urns)
                    )
                    for p in health.problems
                ],
            ),
        )

    @classmethod
    def from_incidents(cls, health: IncidentHealth) -> Health:
        details = health.details
        return cls(
            type=HealthStatusType.INCIDENTS,
            status=HealthStatus.FAIL if health.failing else HealthStatus.PASS,
            message=health.message,
            causes=list(health.causes),
            active_incident_health_details=ActiveIncidentHealthDetails(
                count=details.count,
                latest_incident_urn=details.latest_urn,
                latest_incident_title=details.latest_title,
                last_activity_at=(
                    None if details.last_activity_at is None else Long(details.last_activity_at)
                ),
                active_incident_urns=list(details.urns),
            ),
        )

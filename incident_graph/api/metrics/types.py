"""incidentMetrics' answer: buckets, the mix of incidents raised, and durations."""

from __future__ import annotations

import strawberry

from incident_graph.api.enums import MetricsBucket
from incident_graph.api.scalars import Long
from incident_graph.domain.incident_metrics import BucketFigures, DurationStats


@strawberry.type(description="One bucket of the range: [start, end).")
class IncidentMetricsBucket:
    start: Long
    end: Long
    raised: int = strawberry.field(description="Incidents raised in the bucket.")
    resolved: int = strawberry.field(
        description="Moves into RESOLVED in the bucket (an incident resolved twice counts twice)."
    )
    active_at_end: int = strawberry.field(description="Incidents ACTIVE at the bucket's end.")

    @classmethod
    def of(cls, figures: BucketFigures) -> IncidentMetricsBucket:
        return cls(
            start=Long(figures.start_ms),
            end=Long(figures.end_ms),
            raised=figures.raised,
            resolved=figures.resolved,
            active_at_end=figures.active_at_end,
        )


@strawberry.type(description="How many incidents have one value of a field.")
class MetricsCount:
    value: str | None = strawberry.field(description="null: the field is not set.")
    count: int


@strawberry.type(
    description=(
        "Durations in milliseconds; median and p90 by nearest rank (the value at rank "
        "ceil(p x count / 100) in ascending order); all null when count is 0."
    )
)
class DurationMetrics:
    count: int
    median_ms: Long | None
    p90_ms: Long | None
    mean_ms: float | None

    @classmethod
    def of(cls, stats: DurationStats) -> DurationMetrics:
        return cls(
            count=stats.count,
            median_ms=None if stats.median_ms is None else Long(stats.median_ms),
            p90_ms=None if stats.p90_ms is None else Long(stats.p90_ms),
            mean_ms=stats.mean_ms,
        )


@strawberry.type(
    description=(
        "Incident figures over [from, to). Buckets come from the timeline; the mix and the "
        "durations are over the incidents raised in the range, by their current values."
    )
)
class IncidentMetrics:
    from_: Long = strawberry.field(name="from")
    to: Long
    bucket: MetricsBucket
    active_at_start: int = strawberry.field(description="Incidents ACTIVE at `from`.")
    raised: int = strawberry.field(description="Incidents raised in the range.")
    resolved: int = strawberry.field(description="Moves into RESOLVED in the range.")
    buckets: list[IncidentMetricsBucket]
    by_state: list[MetricsCount]
    by_stage: list[MetricsCount]
    by_priority: list[MetricsCount]
    by_type: list[MetricsCount]
    by_source: list[MetricsCount] = strawberry.field(
        description="MANUAL, or ASSERTION_FAILURE for incidents a check raised."
    )
    by_platform: list[MetricsCount] = strawberry.field(
        description="An incident on several assets of a platform counts once for it."
    )
    by_team: list[MetricsCount] = strawberry.field(
        description="Teams (corpGroup URNs) owning the incidents' assets; once per team."
    )
    time_to_acknowledge: DurationMetrics = strawberry.field(
        description="From raise to acknowledgement, over the acknowledged incidents."
    )
    time_to_resolve: DurationMetrics = strawberry.field(
        description="From raise to the last resolution, over the incidents resolved now."
    )

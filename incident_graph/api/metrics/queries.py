"""Root field incidentMetrics."""

from __future__ import annotations

import strawberry

from incident_graph.api.context import Info
from incident_graph.api.metrics.inputs import IncidentMetricsInput
from incident_graph.api.metrics.types import (
    DurationMetrics,
    IncidentMetrics,
    IncidentMetricsBucket,
    MetricsCount,
)
from incident_graph.api.scalars import Long
from incident_graph.api.search.incident_criteria import incident_criteria
from incident_graph.domain import incident_metrics as rules
from incident_graph.store import incident_metrics as metrics_store


def _counts(found: list[tuple[str | None, int]]) -> list[MetricsCount]:
    return [MetricsCount(value=v, count=n) for v, n in found]


@strawberry.type
class MetricsQueries:
    @strawberry.field(
        description=(
            "Ours: incidents raised, resolved and active per bucket of a time range; their mix "
            "by state, stage, priority, type, source, platform and team; time to acknowledge "
            "and to resolve. Takes searchIncidents' filters."
        )
    )
    async def incident_metrics(self, info: Info, input: IncidentMetricsInput) -> IncidentMetrics:
        window = rules.window(from_ms=input.from_, to_ms=input.to, bucket=input.bucket)
        criteria = incident_criteria(input)
        async with info.context.db.reading() as session:
            counts = await metrics_store.incident_metrics(session, criteria=criteria, window=window)
        buckets = rules.bucket_figures(
            window, active_at_start=counts.active_at_start, tallies=counts.tallies
        )
        mix = counts.mix
        return IncidentMetrics(
            from_=Long(window.from_ms),
            to=Long(window.to_ms),
            bucket=window.bucket,
            active_at_start=counts.active_at_start,
            raised=counts.raised,
            resolved=sum(b.resolved for b in buckets),
            buckets=[IncidentMetricsBucket.of(b) for b in buckets],
            by_state=_counts(mix["state"]),
            by_stage=_counts(mix["stage"]),
            by_priority=_counts(mix["priority"]),
            by_type=_counts(mix["type"]),
            by_source=_counts(mix["source"]),
            by_platform=_counts(mix["platform"]),
            by_team=_counts(mix["team"]),
            time_to_acknowledge=DurationMetrics.of(counts.time_to_acknowledge),
            time_to_resolve=DurationMetrics.of(counts.time_to_resolve),
        )

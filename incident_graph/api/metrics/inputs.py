"""incidentMetrics' input: a time range, a bucket length, and searchIncidents' filters."""

from __future__ import annotations

import strawberry

from incident_graph.api.enums import MetricsBucket
from incident_graph.api.scalars import Long
from incident_graph.api.search.inputs import IncidentFiltersInput


@strawberry.input(
    description=(
        "Which incidents to measure, over which range: [from, to) in buckets starting at from. "
        "The filters are searchIncidents' own."
    )
)
class IncidentMetricsInput(IncidentFiltersInput):
    from_: Long = strawberry.field(
        name="from", description="Start of the range (epoch ms), included."
    )
    to: Long = strawberry.field(description="End of the range (epoch ms), excluded.")
    bucket: MetricsBucket = strawberry.field(
        default=MetricsBucket.DAY,
        description="Bucket length: an hour, a day or a week from `from`; the last may be shorter.",
    )

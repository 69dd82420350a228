"""The handbook's answers: similar past incidents, an asset's root causes."""

from __future__ import annotations

import strawberry

from incident_graph.api.enums import RootCauseCategory
from incident_graph.api.incidents.types import Incident


@strawberry.type(description="A past resolved incident like the one asked about, and why.")
class SimilarIncident:
    incident: Incident = strawberry.field(
        description="Its resolutionNote, rootCause, lead and timeToResolveMs say what worked."
    )
    score: float = strawberry.field(description="Higher is more alike; the sum of the reasons.")
    reasons: list[str] = strawberry.field(
        description="What it shares: same asset, upstream asset, same type, same source, "
        "similar text."
    )


@strawberry.type(description="One root cause of an asset's incidents: how often, and the latest.")
class HandbookEntry:
    category: RootCauseCategory
    count: int
    latest_resolution_note: str | None
    latest_incident: Incident

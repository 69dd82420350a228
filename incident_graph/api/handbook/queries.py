"""Root fields of the troubleshooting handbook: similarIncidents and handbook."""

from __future__ import annotations

import strawberry

from incident_graph.api.context import Info
from incident_graph.api.enums import RootCauseCategory
from incident_graph.api.handbook.types import HandbookEntry, SimilarIncident
from incident_graph.api.incidents.types import Incident
from incident_graph.services import handbook as handbook_service

DEFAULT_SIMILAR = 5


@strawberry.type
class HandbookQueries:
    @strawberry.field(
        description=(
            "Ours: resolved incidents most like this one (same asset, upstream assets, same "
            "type, same source, similar title/description/resolution note), best first."
        )
    )
    async def similar_incidents(
        self, info: Info, urn: str, count: int | None = DEFAULT_SIMILAR
    ) -> list[SimilarIncident]:
        ctx = info.context
        async with ctx.db.reading() as session:
            found = await handbook_service.similar_incidents(
                session,
                urn=urn,
                count=DEFAULT_SIMILAR if count is None else count,
                depth=ctx.settings.lineage_max_depth,
            )
        return [
            SimilarIncident(
                incident=Incident.from_row(s.incident), score=s.score, reasons=list(s.reasons)
            )
            for s in found
        ]

    @strawberry.field(
        description=(
            "Ours: root causes of an asset's resolved incidents, most frequent first, each "
            "with its latest resolution."
        )
    )
    async def handbook(self, info: Info, resource_urn: str) -> list[HandbookEntry]:
        async with info.context.db.reading() as session:
            entries = await handbook_service.handbook(session, resource_urn=resource_urn)
        return [
            HandbookEntry(
                category=RootCauseCategory(e.category),
                count=e.count,
                latest_resolution_note=e.latest.resolution_note,
                latest_incident=Incident.from_row(e.latest),
            )
            for e in entries
        ]

"""Root query fields for incidents: one by URN, any entity by URN, and the caller's own."""

from __future__ import annotations

import strawberry

from incident_graph import urns
from incident_graph.api.context import Info
from incident_graph.api.entity import Entity, find_asset
from incident_graph.api.enums import IncidentState
from incident_graph.api.incidents.types import EntityIncidentsResult, Incident
from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.paging import DEFAULT_COUNT, page
from incident_graph.store import lifecycle as lifecycle_store


async def _incident(info: Info, urn: str) -> Incident | None:
    row = await info.context.loaders.incidents.by_urn.load(urn)
    return None if row is None else Incident.from_row(row)


@strawberry.type
class IncidentQueries:
    @strawberry.field(description="An incident by URN; null when unknown.")
    async def incident(self, info: Info, urn: str) -> Incident | None:
        return await _incident(info, urn)

    @strawberry.field(description="Any known entity (asset or incident) by URN.")
    async def entity(self, info: Info, urn: str) -> Entity | None:
        kind = urns.entity_of(urn)
        if kind == "incident":
            return await _incident(info, urn)
        if kind in urns.ASSET_ENTITY_TYPES:
            return await find_asset(info, urn, kind)
        raise BadUserInputError(
            f"{urn!r} is not an asset or incident URN (urn:li:dataset:..., urn:li:incident:...)",
            field="urn",
        )


@strawberry.type
class MyIncidentQueries:
    @strawberry.field(
        description=(
            "Ours: incidents the caller leads, is assigned to or follows, most recently "
            "changed first."
        )
    )
    async def my_incidents(
        self,
        info: Info,
        state: IncidentState | None = None,
        start: int | None = 0,
        count: int | None = DEFAULT_COUNT,
    ) -> EntityIncidentsResult:
        window = page(start, count)
        async with info.context.db.reading() as session:
            total, rows = await lifecycle_store.incidents_of_user(
                session,
                user_urn=info.context.principal.urn,
                state=state,
                start=window.start,
                count=window.count,
            )
        return EntityIncidentsResult(
            start=window.start,
            count=window.count,
            total=total,
            incidents=[Incident.from_row(r) for r in rows],
        )

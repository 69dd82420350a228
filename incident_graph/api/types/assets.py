"""The data assets incidents are raised on: Dataset, Dashboard, Chart, DataFlow, DataJob."""

from __future__ import annotations

import strawberry

from incident_graph.api.context import Info
from incident_graph.api.loaders import PageKey
from incident_graph.api.types.entity import Entity, register_asset_type
from incident_graph.api.types.enums import (
    EntityType,
    IncidentPriority,
    IncidentStage,
    IncidentState,
)
from incident_graph.api.types.health import Health
from incident_graph.api.types.incident import EntityIncidentsResult, Incident
from incident_graph.domain import incidents as rules
from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.health import incident_health
from incident_graph.domain.paging import DEFAULT_COUNT, page
from incident_graph.store.incidents import PageFilter
from incident_graph.store.tables import Asset as AssetRow


@strawberry.interface(description="A data asset incidents can be raised on.")
class DataAsset(Entity):
    row: strawberry.Private[AssetRow]

    @strawberry.field(description="The asset's incidents, newest first.")
    async def incidents(
        self,
        info: Info,
        state: IncidentState | None = None,
        stage: IncidentStage | None = None,
        priority: IncidentPriority | None = None,
        assignee_urns: list[str] | None = None,
        start: int | None = 0,
        count: int | None = DEFAULT_COUNT,
    ) -> EntityIncidentsResult | None:
        window = page(start, count)
        try:
            assignees = rules.check_assignees(assignee_urns or [])
        except BadUserInputError as exc:
            raise BadUserInputError(exc.message, field="assigneeUrns") from exc
        key = PageKey(
            asset_id=self.row.id,
            flt=PageFilter(state=state, stage=stage, priority=priority, assignees=assignees),
            start=window.start,
            count=window.count,
        )
        found = await info.context.loaders.incident_page.load(key)
        return EntityIncidentsResult(
            start=window.start,
            count=len(found.incidents),
            total=found.total,
            incidents=[Incident.from_row(r) for r in found.incidents],
        )

    @strawberry.field(description="Health entries; INCIDENTS fails while any incident is active.")
    async def health(self, info: Info) -> list[Health] | None:
        active = await info.context.loaders.active_incidents.load(self.row.id)
        return [Health.from_incidents(incident_health(active))]


@strawberry.type
class Dataset(DataAsset):
    pass


@strawberry.type
class Dashboard(DataAsset):
    pass


@strawberry.type
class Chart(DataAsset):
    pass


@strawberry.type
class DataFlow(DataAsset):
    pass


@strawberry.type
class DataJob(DataAsset):
    pass


ASSET_CLASSES: dict[str, type[DataAsset]] = {
    "DATASET": Dataset,
    "DASHBOARD": Dashboard,
    "CHART": Chart,
    "DATA_FLOW": DataFlow,
    "DATA_JOB": DataJob,
}


def asset_from_row(row: AssetRow) -> DataAsset:
    return ASSET_CLASSES[row.entity_type](urn=row.urn, type=EntityType(row.entity_type), row=row)


for _entity_type in ASSET_CLASSES:
    register_asset_type(_entity_type, asset_from_row)

"""The data assets incidents are raised on: Dataset, Dashboard, Chart, DataFlow, DataJob."""

from __future__ import annotations

import strawberry

from incident_graph import urns
from incident_graph.api.access.types import actor_entity
from incident_graph.api.assets.catalog import (
    AssetProperties,
    DataPlatform,
    GlobalTags,
    Owner,
    Ownership,
    TagAssociation,
    platform_entity,
    tag_entity,
)
from incident_graph.api.assets.health import Health
from incident_graph.api.assets.loaders import LineageKey, PageKey
from incident_graph.api.assets.unmodelled import Container, DomainAssociation, GlossaryTerms
from incident_graph.api.checks.types import Assertion, EntityAssertionsResult
from incident_graph.api.context import Info
from incident_graph.api.entity import Entity
from incident_graph.api.enums import (
    EntityType,
    IncidentPriority,
    IncidentStage,
    IncidentState,
)
from incident_graph.api.filters import FilterInput
from incident_graph.api.incidents.types import EntityIncidentsResult, Incident
from incident_graph.api.operations.types import Operation
from incident_graph.api.scalars import Long
from incident_graph.auth import badge_signature
from incident_graph.domain import incidents as rules
from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.health import (
    CheckState,
    assertion_health,
    incident_health,
    upstream_health,
)
from incident_graph.domain.operations import build_filter, check_limit
from incident_graph.domain.paging import DEFAULT_COUNT, page
from incident_graph.store import operations as operation_store
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
        found = await info.context.loaders.assets.incident_page.load(key)
        return EntityIncidentsResult(
            start=window.start,
            count=window.count,
            total=found.total,
            incidents=[Incident.from_row(r) for r in found.incidents],
        )

    @strawberry.field(
        description=(
            "Health entries: INCIDENTS fails while any incident on the asset is active; "
            "UPSTREAM_INCIDENTS fails while any asset upstream of it has one; ASSERTIONS "
            "(only on assets with checks) fails while the latest run of any check failed."
        )
    )
    async def health(self, info: Info) -> list[Health] | None:
        loaders = info.context.loaders.assets
        inputs = await loaders.health.load(self.row.id)
        checks = await info.context.loaders.checks.of_asset.load(self.row.id)
        entries = [
            Health.from_incidents(incident_health(inputs.active)),
            Health.from_upstream(upstream_health(inputs.upstream, loaders.lineage_depth)),
        ]
        assertions = assertion_health(
            tuple(CheckState(c.check.urn, c.check.latest_status) for c in checks)
        )
        if assertions is not None:
            entries.append(Health.from_assertions(assertions))
        return entries

    @strawberry.field(description="The asset's assertions (checks), by name (DataHub's).")
    async def assertions(
        self, info: Info, start: int | None = 0, count: int | None = DEFAULT_COUNT
    ) -> EntityAssertionsResult | None:
        window = page(start, count)
        found = await info.context.loaders.checks.of_asset.load(self.row.id)
        chosen = found[window.start : window.start + window.count]
        return EntityAssertionsResult(
            start=window.start,
            count=len(chosen),
            total=len(found),
            assertions=[
                Assertion(urn=c.check.urn, type=EntityType.ASSERTION, row=c.check) for c in chosen
            ],
        )

    @strawberry.field(description="Ours: the checks on the asset, by name.")
    async def checks(self, info: Info) -> list[Assertion]:
        found = await info.context.loaders.checks.of_asset.load(self.row.id)
        return [Assertion(urn=c.check.urn, type=EntityType.ASSERTION, row=c.check) for c in found]

    @strawberry.field(
        description=(
            "Ours: the URL of the asset's health badge (SVG; add &format=json for shields.io's "
            "endpoint JSON), signed for this asset, to embed where no token can be sent."
        )
    )
    def badge_url(self, info: Info) -> str:
        return badge_signature.badge_url(info.context.settings, info.context.keyring, self.row.urn)

    @strawberry.field(description="Name and description.")
    def properties(self) -> AssetProperties:
        return AssetProperties(name=self.row.name, description=self.row.description)

    @strawberry.field(description="The platform, parsed from the URN where it carries one.")
    def platform(self) -> DataPlatform | None:
        return platform_entity(self.row.platform) if self.row.platform else None

    @strawberry.field(description="Owners of the asset.")
    async def ownership(self, info: Info) -> Ownership | None:
        owners = await info.context.loaders.assets.owners.load(self.row.id)
        return Ownership(owners=[Owner(owner=actor_entity(o.urn), type=o.type) for o in owners])

    @strawberry.field(description="Tags on the asset.")
    async def tags(self, info: Info) -> GlobalTags | None:
        names = await info.context.loaders.assets.tags.load(self.row.id)
        return GlobalTags(tags=[TagAssociation(tag=tag_entity(n)) for n in names])

    @strawberry.field(description="Assets this one reads from, nearest first, up to `depth` hops.")
    async def upstreams(self, info: Info, depth: int = 1) -> list[DataAsset]:
        return await _lineage(info, self.row.id, depth, upstream=True)

    @strawberry.field(
        description="Assets that read from this one, nearest first, up to `depth` hops."
    )
    async def downstreams(self, info: Info, depth: int = 1) -> list[DataAsset]:
        return await _lineage(info, self.row.id, depth, upstream=False)

    @strawberry.field(
        description="When the asset was deleted from the catalog (epoch ms), if it was."
    )
    def deleted_at(self) -> Long | None:
        return None if self.row.deleted_ms is None else Long(self.row.deleted_ms)

    @strawberry.field(description="Null: DataHub's glossary terms are not kept here.")
    def glossary_terms(self) -> GlossaryTerms | None:
        return None

    @strawberry.field(description="Null: DataHub's domains are not kept here.")
    def domain(self) -> DomainAssociation | None:
        return None

    @property
    def key_name(self) -> str:
        """The name the URN's key gives (DataHub's Dataset.name, DataJob.jobId, ...)."""
        return urns.parse_asset_urn(self.row.urn).name


async def _lineage(info: Info, asset_id: int, depth: int, *, upstream: bool) -> list[DataAsset]:
    loaders = info.context.loaders.assets
    if not 1 <= depth <= loaders.lineage_depth:
        raise BadUserInputError(
            f"depth must be between 1 and {loaders.lineage_depth}, got {depth}", field="depth"
        )
    reached = await loaders.lineage.load(
        LineageKey(asset_id=asset_id, depth=depth, upstream=upstream)
    )
    rows = await loaders.by_id.load_many([r.asset_id for r in reached])
    return [asset_from_row(row) for row in rows if row is not None]


_NO_CONTAINER = "Null: DataHub's containers (databases, schemas, folders) are not kept here."


@strawberry.type
class Dataset(DataAsset):
    @strawberry.field(description="The dataset's name in its URN (DataHub's); see properties.")
    def name(self) -> str:
        return self.key_name

    @strawberry.field(
        description="Changes to the dataset's data (DataHub's), newest first: within the "
        "times given, matching `filter` (sourceType, operationType, partition)."
    )
    async def operations(
        self,
        info: Info,
        start_time_millis: Long | None = None,
        end_time_millis: Long | None = None,
        filter: FilterInput | None = None,
        limit: int | None = None,
    ) -> list[Operation] | None:
        flt = build_filter(filter.criteria() if filter else [])
        async with info.context.db.reading() as session:
            rows = await operation_store.operations_of(
                session,
                asset_id=self.row.id,
                start_ms=start_time_millis,
                end_ms=end_time_millis,
                flt=flt,
                limit=check_limit(limit),
            )
        return [Operation(row=r) for r in rows]

    @strawberry.field(description=_NO_CONTAINER)
    def container(self) -> Container | None:
        return None


@strawberry.type
class Dashboard(DataAsset):
    @strawberry.field(description=_NO_CONTAINER)
    def container(self) -> Container | None:
        return None


@strawberry.type
class Chart(DataAsset):
    @strawberry.field(description=_NO_CONTAINER)
    def container(self) -> Container | None:
        return None


@strawberry.type
class DataFlow(DataAsset):
    @strawberry.field(description="The flow's id in its URN (DataHub's).")
    def flow_id(self) -> str:
        return self.key_name


@strawberry.type
class DataJob(DataAsset):
    @strawberry.field(description="The job's id in its URN (DataHub's).")
    def job_id(self) -> str:
        return self.key_name

    @strawberry.field(description="The flow the job's URN names; null when it is not known here.")
    async def data_flow(self, info: Info) -> DataFlow | None:
        flow = urns.data_flow_of(self.row.urn)
        row = None if flow is None else await info.context.loaders.assets.by_urn.load(flow)
        return None if row is None else DataFlow(urn=row.urn, type=EntityType.DATA_FLOW, row=row)


ASSET_CLASSES: dict[str, type[DataAsset]] = {
    "DATASET": Dataset,
    "DASHBOARD": Dashboard,
    "CHART": Chart,
    "DATA_FLOW": DataFlow,
    "DATA_JOB": DataJob,
}


def asset_from_row(row: AssetRow) -> DataAsset:
    return ASSET_CLASSES[row.entity_type](urn=row.urn, type=EntityType(row.entity_type), row=row)


@strawberry.type(description="An asset downstream of an incident's assets, with its owners.")
class ImpactedAsset:
    entity: DataAsset
    depth: int
    owners: list[Owner]


@strawberry.type
class UpsertAssetsResult:
    created: int
    updated: int

"""Root query fields for assets: each kind by URN (DataHub's), and an incident's impact."""

from __future__ import annotations

import strawberry

from incident_graph.api.access.types import actor_entity
from incident_graph.api.assets.catalog import Owner
from incident_graph.api.assets.loaders import LineageKey
from incident_graph.api.assets.types import (
    Chart,
    Dashboard,
    DataFlow,
    DataJob,
    Dataset,
    ImpactedAsset,
    asset_from_row,
)
from incident_graph.api.context import Info
from incident_graph.api.entity import find_asset
from incident_graph.domain.errors import BadUserInputError, NotFoundError


@strawberry.type
class AssetQueries:
    @strawberry.field(description="A dataset by URN; null when no incident has named it.")
    async def dataset(self, info: Info, urn: str) -> Dataset | None:
        return await find_asset(info, urn, "dataset")  # type: ignore[return-value]

    @strawberry.field(description="A dashboard by URN; null when unknown.")
    async def dashboard(self, info: Info, urn: str) -> Dashboard | None:
        return await find_asset(info, urn, "dashboard")  # type: ignore[return-value]

    @strawberry.field(description="A chart by URN; null when unknown.")
    async def chart(self, info: Info, urn: str) -> Chart | None:
        return await find_asset(info, urn, "chart")  # type: ignore[return-value]

    @strawberry.field(description="A data flow (pipeline) by URN; null when unknown.")
    async def data_flow(self, info: Info, urn: str) -> DataFlow | None:
        return await find_asset(info, urn, "dataFlow")  # type: ignore[return-value]

    @strawberry.field(description="A data job (task) by URN; null when unknown.")
    async def data_job(self, info: Info, urn: str) -> DataJob | None:
        return await find_asset(info, urn, "dataJob")  # type: ignore[return-value]


@strawberry.type
class ImpactedAssetQueries:
    @strawberry.field(description="Assets downstream of an incident's assets, and their owners.")
    async def impacted_assets(
        self, info: Info, incident_urn: str, depth: int = 3
    ) -> list[ImpactedAsset]:
        loaders = info.context.loaders
        assets = loaders.assets
        if not 1 <= depth <= assets.lineage_depth:
            raise BadUserInputError(
                f"depth must be between 1 and {assets.lineage_depth}, got {depth}", field="depth"
            )
        incident = await loaders.incidents.by_urn.load(incident_urn)
        if incident is None:
            raise NotFoundError(f"no incident {incident_urn!r}")
        sources = await loaders.incidents.assets.load(incident.id)
        source_ids = {a.id for a in sources}
        nearest: dict[int, int] = {}
        for asset in sources:
            for hop in await assets.lineage.load(LineageKey(asset.id, depth, upstream=False)):
                if hop.asset_id not in source_ids:
                    nearest[hop.asset_id] = min(hop.depth, nearest.get(hop.asset_id, hop.depth))
        ordered = sorted(nearest.items(), key=lambda item: (item[1], item[0]))
        rows = await assets.by_id.load_many([asset_id for asset_id, _ in ordered])
        owners = await assets.owners.load_many([asset_id for asset_id, _ in ordered])
        return [
            ImpactedAsset(
                entity=asset_from_row(row),
                depth=hops,
                owners=[Owner(owner=actor_entity(o.urn), type=o.type) for o in owned],
            )
            for (_, hops), row, owned in zip(ordered, rows, owners, strict=True)
            if row is not None
        ]

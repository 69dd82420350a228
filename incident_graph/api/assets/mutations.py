"""Root fields of the asset catalog: upsertAssets, deleteAsset, impactedAssets."""

from __future__ import annotations

import strawberry

from incident_graph.api.assets.catalog import Owner
from incident_graph.api.assets.loaders import LineageKey
from incident_graph.api.assets.types import DataAsset, asset_from_row
from incident_graph.api.context import Info
from incident_graph.api.entity import actor_entity
from incident_graph.api.incidents.mutations import CanWrite
from incident_graph.domain.assets import OwnershipType, build_asset
from incident_graph.domain.errors import BadUserInputError, NotFoundError
from incident_graph.services import catalog as catalog_service


@strawberry.input(description="An owner of an asset.")
class OwnerInput:
    owner_urn: str = strawberry.field(
        description="urn:li:corpuser:<name> or urn:li:corpGroup:<name>"
    )
    type: OwnershipType | None = OwnershipType.TECHNICAL_OWNER


@strawberry.input(description="An asset to register or update; omitted fields keep what is stored.")
class AssetInput:
    urn: str
    name: str | None = None
    description: str | None = None
    owners: list[OwnerInput] | None = None
    tags: list[str] | None = strawberry.field(
        default=None, description="Names or urn:li:tag:<name>."
    )
    upstream_urns: list[str] | None = strawberry.field(
        default=None, description="Assets this one reads from (its lineage inputs)."
    )


@strawberry.type
class UpsertAssetsResult:
    created: int
    updated: int


@strawberry.type(description="An asset downstream of an incident's assets, with its owners.")
class ImpactedAsset:
    entity: DataAsset
    depth: int
    owners: list[Owner]


@strawberry.type
class CatalogMutations:
    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Register or update up to 1,000 assets; all or nothing.",
    )
    async def upsert_assets(self, info: Info, input: list[AssetInput]) -> UpsertAssetsResult:
        specs = []
        for position, item in enumerate(input):
            try:
                specs.append(
                    build_asset(
                        urn=item.urn,
                        name=item.name,
                        description=item.description,
                        owners=None
                        if item.owners is None
                        else [(o.owner_urn, o.type.value if o.type else None) for o in item.owners],
                        tags=item.tags,
                        upstream_urns=item.upstream_urns,
                    )
                )
            except BadUserInputError as exc:
                raise BadUserInputError(
                    f"input[{position}]: {exc.message}", index=position
                ) from exc
        counts = await catalog_service.upsert_assets(writer=info.context.writer, specs=specs)
        return UpsertAssetsResult(created=counts.created, updated=counts.updated)

    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Remove an asset from the catalog (refused while it has active incidents).",
    )
    async def delete_asset(self, info: Info, urn: str) -> bool:
        await catalog_service.delete_asset(writer=info.context.writer, urn=urn)
        return True


@strawberry.type
class CatalogQueries:
    @strawberry.field(description="Assets downstream of an incident's assets, and their owners.")
    async def impacted_assets(
        self, info: Info, incident_urn: str, depth: int = 3
    ) -> list[ImpactedAsset]:
        loaders = info.context.loaders
        if not 1 <= depth <= loaders.lineage_depth:
            raise BadUserInputError(
                f"depth must be between 1 and {loaders.lineage_depth}, got {depth}", field="depth"
            )
        incident = await loaders.incident_by_urn.load(incident_urn)
        if incident is None:
            raise NotFoundError(f"no incident {incident_urn!r}")
        sources = await loaders.assets_of_incident.load(incident.id)
        source_ids = {a.id for a in sources}
        nearest: dict[int, int] = {}
        for asset in sources:
            for hop in await loaders.lineage.load(LineageKey(asset.id, depth, upstream=False)):
                if hop.asset_id not in source_ids:
                    nearest[hop.asset_id] = min(hop.depth, nearest.get(hop.asset_id, hop.depth))
        ordered = sorted(nearest.items(), key=lambda item: (item[1], item[0]))
        rows = await loaders.asset_by_id.load_many([asset_id for asset_id, _ in ordered])
        owners = await loaders.owners_of_asset.load_many([asset_id for asset_id, _ in ordered])
        return [
            ImpactedAsset(
                entity=asset_from_row(row),
                depth=hops,
                owners=[Owner(owner=actor_entity(o.urn), type=o.type) for o in owned],
            )
            for (_, hops), row, owned in zip(ordered, rows, owners, strict=True)
            if row is not None
        ]

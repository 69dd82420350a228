"""Root mutation fields of the asset catalog: upsertAssets, deleteAsset."""

from __future__ import annotations

import strawberry

from incident_graph.api.assets.inputs import AssetInput
from incident_graph.api.assets.types import UpsertAssetsResult
from incident_graph.api.context import Info
from incident_graph.api.permissions import CanWrite
from incident_graph.domain.assets import build_asset
from incident_graph.domain.errors import BadUserInputError
from incident_graph.services import catalog as catalog_service


@strawberry.type
class AssetMutations:
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

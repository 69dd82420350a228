"""Asset catalog write operations: upsert and delete."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.assets import AssetSpec, check_batch
from incident_graph.domain.errors import BadUserInputError, ConflictError, NotFoundError
from incident_graph.store import Writer
from incident_graph.store import catalog as catalog_store
from incident_graph.store.assets import get_asset
from incident_graph.store.catalog import UpsertCounts
from incident_graph.store.incidents import count_active_for_asset
from incident_graph.urns import InvalidUrnError, parse_asset_urn


async def upsert_assets(*, writer: Writer, specs: list[AssetSpec]) -> UpsertCounts:
    """Register or update up to 1,000 assets, all or nothing."""
    check_batch(specs)

    async def unit(session: AsyncSession) -> UpsertCounts:
        return await catalog_store.upsert_assets(session, specs=specs, now_ms=writer.clock())

    return await writer.run(unit)


async def delete_asset(*, writer: Writer, urn: str) -> None:
    """Remove an asset from the catalog; refused while it has active incidents."""
    try:
        parse_asset_urn(urn)
    except InvalidUrnError as exc:
        raise BadUserInputError(str(exc), field="urn") from exc

    async def unit(session: AsyncSession) -> None:
        asset = await get_asset(session, urn=urn, for_update=True)
        if asset is None or asset.deleted_ms is not None:
            raise NotFoundError(f"no asset {urn!r} in the catalog")
        active = await count_active_for_asset(session, asset_id=asset.id)
        if active:
            raise ConflictError(
                f"{urn!r} has {active} active incident(s); resolve them before deleting the asset",
                activeIncidents=active,
            )
        await catalog_store.mark_deleted(session, asset_id=asset.id, now_ms=writer.clock())

    await writer.run(unit)

"""Ingested aspects of assets, and hard deletes: one unit of work per proposal."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.auth.ingest_access import IngestAccess
from incident_graph.auth.privileges import run_checked
from incident_graph.domain.access import Target
from incident_graph.domain.ingest import AssetEdit
from incident_graph.store import Writer
from incident_graph.store import ingest as ingest_store
from incident_graph.urns import AssetUrn


def target(asset: AssetUrn) -> Target:
    return Target(asset.urn, asset.platform)


async def apply_asset_edit(*, writer: Writer, edit: AssetEdit, access: IngestAccess) -> None:
    """Apply one aspect to an asset (registering it when unknown), once access allows it."""

    async def unit(session: AsyncSession) -> None:
        await access.check(session, targets=[target(edit.asset)])
        await ingest_store.apply_edit(session, edit=edit, now_ms=writer.clock())

    await run_checked(writer, unit)


async def hard_delete_asset(*, writer: Writer, asset: AssetUrn, access: IngestAccess) -> int:
    """Purge an asset as GMS's delete does, active incidents or not; returns aspects removed."""

    async def unit(session: AsyncSession) -> int:
        await access.check(session, targets=[target(asset)])
        return await ingest_store.purge(session, urn=asset.urn, now_ms=writer.clock())

    return await run_checked(writer, unit)

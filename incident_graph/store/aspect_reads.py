"""What GET /aspects and /entitiesV2 answer from: an asset with its owners, tags and edges."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from incident_graph.domain.assets import OwnerSpec
from incident_graph.store.catalog import owners_by_asset, tags_by_asset
from incident_graph.store.tables import Asset, LineageEdge


@dataclass(frozen=True, slots=True)
class StoredAsset:
    row: Asset
    owners: list[OwnerSpec]
    tags: list[str]
    # (urn, entity type) of the assets on each side of its edges
    upstreams: list[tuple[str, str]]
    downstreams: list[tuple[str, str]]

    @property
    def purged(self) -> bool:
        """Hard-deleted: the key is gone too (a soft delete keeps it, marked removed)."""
        return self.row.deleted_ms is not None and self.row.updated_ms is None


async def stored_asset(session: AsyncSession, *, urn: str) -> StoredAsset | None:
    row = (await session.scalars(select(Asset).where(Asset.urn == urn))).one_or_none()
    if row is None:
        return None
    other = aliased(Asset)
    ups = await session.execute(
        select(other.urn, other.entity_type)
        .join(LineageEdge, LineageEdge.upstream_id == other.id)
        .where(LineageEdge.downstream_id == row.id)
        .order_by(other.urn)
    )
    downs = await session.execute(
        select(other.urn, other.entity_type)
        .join(LineageEdge, LineageEdge.downstream_id == other.id)
        .where(LineageEdge.upstream_id == row.id)
        .order_by(other.urn)
    )
    owners = await owners_by_asset(session, asset_ids=[row.id])
    tags = await tags_by_asset(session, asset_ids=[row.id])
    return StoredAsset(
        row=row,
        owners=owners.get(row.id, []),
        tags=tags.get(row.id, []),
        upstreams=[(u, t) for u, t in ups],
        downstreams=[(u, t) for u, t in downs],
    )

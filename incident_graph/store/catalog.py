"""The asset catalog: registered assets with owners, tags and lineage edges."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.assets import AssetSpec, OwnershipType, OwnerSpec
from incident_graph.store.assets import ensure_assets
from incident_graph.store.tables import Asset, AssetOwner, AssetTag, LineageEdge


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    created: int
    updated: int


async def upsert_assets(
    session: AsyncSession, *, specs: Sequence[AssetSpec], now_ms: int
) -> UpsertCounts:
    """Register or update assets; fields a spec leaves None keep what is stored."""
    urns_given = [s.asset.urn for s in specs]
    existing = set(
        await session.scalars(
            select(Asset.urn).where(Asset.urn.in_(urns_given), Asset.deleted_ms.is_(None))
        )
    )
    everything = [s.asset for s in specs] + [u for s in specs for u in (s.upstreams or ())]
    ids = await ensure_assets(session, assets=everything, now_ms=now_ms)
    for spec in specs:
        asset_id = ids[spec.asset.urn]
        values: dict[str, object] = {"updated_ms": now_ms, "deleted_ms": None}
        if spec.name is not None:
            values["name"] = spec.name
        if spec.description is not None:
            values["description"] = spec.description
        await session.execute(update(Asset).where(Asset.id == asset_id).values(**values))
        if spec.owners is not None:
            await _replace_owners(session, asset_id=asset_id, owners=spec.owners)
        if spec.tags is not None:
            await session.execute(delete(AssetTag).where(AssetTag.asset_id == asset_id))
            if spec.tags:
                await session.execute(
                    insert(AssetTag), [{"asset_id": asset_id, "tag": t} for t in spec.tags]
                )
        if spec.upstreams is not None:
            await session.execute(delete(LineageEdge).where(LineageEdge.downstream_id == asset_id))
            if spec.upstreams:
                await session.execute(
                    insert(LineageEdge),
                    [
                        {"downstream_id": asset_id, "upstream_id": ids[u.urn]}
                        for u in spec.upstreams
                    ],
                )
    created = sum(1 for u in urns_given if u not in existing)
    return UpsertCounts(created=created, updated=len(urns_given) - created)


async def _replace_owners(
    session: AsyncSession, *, asset_id: int, owners: Sequence[OwnerSpec]
) -> None:
    await session.execute(delete(AssetOwner).where(AssetOwner.asset_id == asset_id))
    if owners:
        await session.execute(
            insert(AssetOwner),
            [
                {
                    "asset_id": asset_id,
                    "owner_urn": o.urn,
                    "ownership_type": o.type.value,
                    "position": i,
                }
                for i, o in enumerate(owners)
            ],
        )


async def mark_deleted(session: AsyncSession, *, asset_id: int, now_ms: int) -> None:
    """Take an asset out of the catalog; its incidents stay readable."""
    await session.execute(delete(LineageEdge).where(LineageEdge.downstream_id == asset_id))
    await session.execute(delete(LineageEdge).where(LineageEdge.upstream_id == asset_id))
    await session.execute(delete(AssetOwner).where(AssetOwner.asset_id == asset_id))
    await session.execute(delete(AssetTag).where(AssetTag.asset_id == asset_id))
    await session.execute(update(Asset).where(Asset.id == asset_id).values(deleted_ms=now_ms))


async def owners_by_asset(
    session: AsyncSession, *, asset_ids: Sequence[int]
) -> dict[int, list[OwnerSpec]]:
    rows = await session.execute(
        select(AssetOwner.asset_id, AssetOwner.owner_urn, AssetOwner.ownership_type)
        .where(AssetOwner.asset_id.in_(asset_ids))
        .order_by(AssetOwner.asset_id, AssetOwner.position)
    )
    out: dict[int, list[OwnerSpec]] = defaultdict(list)
    for asset_id, urn, kind in rows:
        out[asset_id].append(OwnerSpec(urn, OwnershipType(kind)))
    return out


async def tags_by_asset(session: AsyncSession, *, asset_ids: Sequence[int]) -> dict[int, list[str]]:
    rows = await session.execute(
        select(AssetTag.asset_id, AssetTag.tag)
        .where(AssetTag.asset_id.in_(asset_ids))
        .order_by(AssetTag.asset_id, AssetTag.tag)
    )
    out: dict[int, list[str]] = defaultdict(list)
    for asset_id, tag in rows:
        out[asset_id].append(tag)
    return out

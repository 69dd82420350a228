"""Applying one ingested aspect to an asset: its columns, owners, tags and lineage edges.

Only the part an aspect names changes; lineage edges are replaced only among those that
aspect owns (see domain.ingest.AssetEdit). Soft delete (`status.removed`) only marks the
asset, so restoring it brings its owners, tags and lineage back; a hard delete purges them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.assets import OwnerSpec
from incident_graph.domain.enums import IncidentState
from incident_graph.domain.ingest import AssetEdit, ListEdit, OwnerKey
from incident_graph.store.assets import ensure_assets
from incident_graph.store.dialect import dialect_of
from incident_graph.store.tables import (
    Asset,
    AssetOwner,
    AssetTag,
    IncidentAsset,
    LineageEdge,
    core_table,
)
from incident_graph.urns import AssetUrn

DATASET: Final = "DATASET"


async def apply_edit(session: AsyncSession, *, edit: AssetEdit, now_ms: int) -> None:
    """Register the asset (and the assets it names) if unknown, then apply the edit."""
    ids = await ensure_assets(session, assets=[edit.asset, *edit.related()], now_ms=now_ms)
    asset_id = ids[edit.asset.urn]
    await _columns(session, asset_id, edit, now_ms)
    if edit.owners is not None:
        await _owners(session, asset_id, edit.owners)
    if edit.tags is not None:
        await _tags(session, asset_id, edit.tags)
    if edit.upstreams is not None:
        await _edges(
            session, asset_id, edit.upstreams, ids, upstream_side=False, only_datasets=True
        )
    if edit.job_inputs is not None:
        await _edges(
            session, asset_id, edit.job_inputs, ids, upstream_side=False, only_datasets=False
        )
    if edit.job_outputs is not None:
        await _edges(
            session, asset_id, edit.job_outputs, ids, upstream_side=True, only_datasets=True
        )


async def _columns(session: AsyncSession, asset_id: int, edit: AssetEdit, now_ms: int) -> None:
    """Name, description and removal; a hard-deleted asset comes back with any aspect."""
    row = (
        await session.execute(
            select(Asset.deleted_ms, Asset.updated_ms).where(Asset.id == asset_id).with_for_update()
        )
    ).one()
    values: dict[str, object] = {"updated_ms": now_ms}
    purged = row.deleted_ms is not None and row.updated_ms is None
    if edit.removed is not None:
        values["deleted_ms"] = (row.deleted_ms or now_ms) if edit.removed else None
    elif purged:
        values["deleted_ms"] = None  # any aspect of a hard-deleted entity brings it back
    if "name" in edit.describes:
        values["name"] = edit.name or edit.asset.name
    if "description" in edit.describes:
        values["description"] = edit.description
    await session.execute(update(Asset).where(Asset.id == asset_id).values(**values))
    if row.deleted_ms is not None and values.get("deleted_ms", row.deleted_ms) is None:
        await recount_active(session, asset_ids=[asset_id])


async def recount_active(session: AsyncSession, *, asset_ids: Sequence[int]) -> None:
    """Count an asset's active incidents afresh: counters are not kept while it is deleted."""
    links = core_table(IncidentAsset)
    assets = core_table(Asset)
    active = (
        select(func.count())
        .select_from(links)
        .where(links.c.asset_id == assets.c.id, links.c.state == IncidentState.ACTIVE)
        .scalar_subquery()
    )
    await session.execute(
        update(assets).where(assets.c.id.in_(list(asset_ids))).values(active_count=active)
    )


async def _owners(
    session: AsyncSession, asset_id: int, edit: ListEdit[OwnerSpec, OwnerKey]
) -> None:
    of_asset = AssetOwner.asset_id == asset_id
    if edit.replace is not None:
        await session.execute(delete(AssetOwner).where(of_asset))
    for urn, kind in edit.remove:
        match = [of_asset, AssetOwner.owner_urn == urn]
        if kind is not None:
            match.append(AssetOwner.ownership_type == kind)
        await session.execute(delete(AssetOwner).where(*match))
    added = [*(edit.replace or ()), *edit.add]
    if not added:
        return
    last = await session.scalar(select(func.max(AssetOwner.position)).where(of_asset))
    start = -1 if last is None else int(last)
    await session.execute(
        dialect_of(session).insert_ignore(AssetOwner),
        [
            {
                "asset_id": asset_id,
                "owner_urn": owner.urn,
                "ownership_type": owner.type,
                "position": start + 1 + i,
            }
            for i, owner in enumerate(added)
        ],
    )


async def _tags(session: AsyncSession, asset_id: int, edit: ListEdit[str, str]) -> None:
    of_asset = AssetTag.asset_id == asset_id
    if edit.replace is not None:
        await session.execute(delete(AssetTag).where(of_asset))
    if edit.remove:
        await session.execute(delete(AssetTag).where(of_asset, AssetTag.tag.in_(edit.remove)))
    added = [*(edit.replace or ()), *edit.add]
    if added:
        await session.execute(
            dialect_of(session).insert_ignore(AssetTag),
            [{"asset_id": asset_id, "tag": t} for t in dict.fromkeys(added)],
        )


async def _edges(
    session: AsyncSession,
    asset_id: int,
    edit: ListEdit[AssetUrn, AssetUrn],
    ids: dict[str, int],
    *,
    upstream_side: bool,
    only_datasets: bool,
) -> None:
    """Edges between this asset and others; `upstream_side`: this asset feeds them."""
    mine, theirs = (
        (LineageEdge.upstream_id, LineageEdge.downstream_id)
        if upstream_side
        else (LineageEdge.downstream_id, LineageEdge.upstream_id)
    )
    owned: list[ColumnElement[bool]] = [mine == asset_id]
    if only_datasets:
        owned.append(theirs.in_(select(Asset.id).where(Asset.entity_type == DATASET)))
    if edit.replace is not None:
        await session.execute(
            delete(LineageEdge).where(*owned).execution_options(synchronize_session=False)
        )
    removed = [ids[a.urn] for a in edit.remove if a.urn in ids]
    if removed:
        await session.execute(
            delete(LineageEdge)
            .where(mine == asset_id, theirs.in_(removed))
            .execution_options(synchronize_session=False)
        )
    others = [ids[a.urn] for a in (*(edit.replace or ()), *edit.add)]
    if others:
        rows = [
            {"upstream_id": asset_id, "downstream_id": other}
            if upstream_side
            else {"upstream_id": other, "downstream_id": asset_id}
            for other in dict.fromkeys(others)
        ]
        await session.execute(dialect_of(session).insert_ignore(LineageEdge), rows)


async def purge(session: AsyncSession, *, urn: str, now_ms: int) -> int:
    """Hard delete: the asset's name, owners, tags and lineage go, and its counters with them;
    its incidents stay (readable by URN). Returns the aspects removed (0: nothing stored)."""
    asset = (
        await session.scalars(select(Asset).where(Asset.urn == urn).with_for_update())
    ).one_or_none()
    if asset is None or (asset.deleted_ms is not None and asset.updated_ms is None):
        return 0
    rows = 1  # the key
    for table, condition in (
        (AssetOwner, AssetOwner.asset_id == asset.id),
        (AssetTag, AssetTag.asset_id == asset.id),
        (
            LineageEdge,
            or_(LineageEdge.downstream_id == asset.id, LineageEdge.upstream_id == asset.id),
        ),
    ):
        result = await session.execute(
            delete(table).where(condition).execution_options(synchronize_session=False)
        )
        rows += 1 if result.rowcount else 0  # type: ignore[attr-defined]
    rows += (asset.description is not None) + (asset.updated_ms is not None)
    await session.execute(
        update(Asset)
        .where(Asset.id == asset.id)
        .values(
            deleted_ms=asset.deleted_ms or now_ms,
            updated_ms=None,
            description=None,
            active_count=0,
        )
    )
    return rows

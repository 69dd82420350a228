"""The asset catalog: registered assets with owners, tags and lineage edges."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from incident_graph.domain.assets import AssetSpec, OwnershipType, OwnerSpec
from incident_graph.store.assets import ensure_assets
from incident_graph.store.dialect import dialect_of
from incident_graph.store.ingest import recount_active
from incident_graph.store.tables import Asset, AssetOwner, AssetTag, LineageEdge, core_table


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    created: int
    updated: int


async def upsert_assets(
    session: AsyncSession, *, specs: Sequence[AssetSpec], now_ms: int
) -> UpsertCounts:
    """Register or update assets; fields a spec leaves None keep what is stored.

    Set-based: a batch of any size costs a fixed number of statements (bulk loads of
    100,000 assets depend on it).
    """
    await dialect_of(session).plan_with_values(session)
    urns_given = [s.asset.urn for s in specs]
    # Registered = upserted before (updated_ms is set) and not deleted; an asset only named by
    # an incident or as someone's upstream counts as created when it is first upserted. The
    # test is made here: with only the URN in the WHERE clause the unique index is the plan.
    stored = await session.execute(
        select(Asset.urn, Asset.updated_ms, Asset.deleted_ms).where(
            dialect_of(session).among(Asset.urn, urns_given)
        )
    )
    rows = stored.all()
    existing = {urn for urn, updated, deleted in rows if updated is not None and deleted is None}
    everything = [s.asset for s in specs] + [u for s in specs for u in (s.upstreams or ())]
    ids = await ensure_assets(session, assets=everything, now_ms=now_ms)
    await _update_columns(session, specs=specs, ids=ids, now_ms=now_ms)
    returning = [ids[urn] for urn, _, deleted in rows if deleted is not None]
    if returning:  # counters are not kept while an asset is deleted
        await recount_active(session, asset_ids=returning)
    owned = [s for s in specs if s.owners is not None]
    await _replace(
        session,
        AssetOwner,
        AssetOwner.asset_id,
        [ids[s.asset.urn] for s in owned],
        [
            {
                "asset_id": ids[s.asset.urn],
                "owner_urn": o.urn,
                "ownership_type": o.type,
                "position": i,
            }
            for s in owned
            for i, o in enumerate(s.owners or ())
        ],
    )
    tagged = [s for s in specs if s.tags is not None]
    await _replace(
        session,
        AssetTag,
        AssetTag.asset_id,
        [ids[s.asset.urn] for s in tagged],
        [{"asset_id": ids[s.asset.urn], "tag": t} for s in tagged for t in s.tags or ()],
    )
    fed = [s for s in specs if s.upstreams is not None]
    await _replace(
        session,
        LineageEdge,
        LineageEdge.downstream_id,
        [ids[s.asset.urn] for s in fed],
        [
            {"downstream_id": ids[s.asset.urn], "upstream_id": ids[u.urn]}
            for s in fed
            for u in s.upstreams or ()
        ],
    )
    created = sum(1 for u in urns_given if u not in existing)
    return UpsertCounts(created=created, updated=len(urns_given) - created)


async def _update_columns(
    session: AsyncSession, *, specs: Sequence[AssetSpec], ids: dict[str, int], now_ms: int
) -> None:
    # Rows are grouped by which columns they set, so each group is one executemany.
    groups: dict[tuple[str, ...], list[dict[str, object]]] = defaultdict(list)
    for spec in specs:
        row: dict[str, object] = {"row_id": ids[spec.asset.urn]}
        if spec.name is not None:
            row["new_name"] = spec.name
        if spec.description is not None:
            row["new_description"] = spec.description
        groups[tuple(sorted(row))].append(row)
    for columns, rows in groups.items():
        values: dict[str, object] = {"updated_ms": now_ms, "deleted_ms": None}
        if "new_name" in columns:
            values["name"] = bindparam("new_name")
        if "new_description" in columns:
            values["description"] = bindparam("new_description")
        # The Core table, not the ORM entity: a plain executemany keyed by our own bind name.
        table = core_table(Asset)
        stmt = update(table).where(table.c.id == bindparam("row_id")).values(**values)
        await session.execute(stmt, rows)


async def _replace(
    session: AsyncSession,
    table: type[AssetOwner | AssetTag | LineageEdge],
    key: InstrumentedAttribute[int],
    asset_ids: list[int],
    rows: list[dict[str, object]],
) -> None:
    """Replace the child rows of these assets with `rows`."""
    if not asset_ids:
        return
    # No ORM objects of these tables are loaded here, so nothing to synchronise (the ORM would
    # otherwise fetch the deleted keys back with RETURNING).
    removal = delete(table).where(dialect_of(session).among(key, asset_ids))
    await session.execute(removal.execution_options(synchronize_session=False))
    if rows:
        # The Core table: a plain executemany, without the ORM's per-row bulk bookkeeping.
        await session.execute(insert(core_table(table)), rows)


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

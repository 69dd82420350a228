"""Walking lineage: upstream and downstream closures with recursive queries, cycles bounded."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.enums import IncidentState
from incident_graph.store.tables import Asset, Incident, IncidentAsset, LineageEdge


@dataclass(frozen=True, slots=True)
class Reached:
    asset_id: int
    depth: int


async def walk(
    session: AsyncSession, *, start_ids: Sequence[int], depth: int, upstream: bool
) -> dict[int, list[Reached]]:
    """For each start asset, the assets reachable within `depth` hops, nearest first.

    A cycle only repeats assets at greater depths, which the depth bound stops and the
    grouping below collapses, so cyclic lineage terminates and lists each asset once.
    """
    if not start_ids or depth < 1:
        return {a: [] for a in start_ids}
    near, far = (
        (LineageEdge.downstream_id, LineageEdge.upstream_id)
        if upstream
        else (LineageEdge.upstream_id, LineageEdge.downstream_id)
    )
    seed = select(near.label("root"), far.label("asset_id"), literal(1).label("depth")).where(
        near.in_(start_ids)
    )
    closure = seed.cte("closure", recursive=True)
    step = (
        select(closure.c.root, far, closure.c.depth + 1)
        .join(LineageEdge, near == closure.c.asset_id)
        .where(closure.c.depth < depth)
    )
    closure = closure.union(step)
    rows = await session.execute(
        select(closure.c.root, closure.c.asset_id, func.min(closure.c.depth))
        .join(Asset, Asset.id == closure.c.asset_id)
        .where(closure.c.asset_id != closure.c.root, Asset.deleted_ms.is_(None))
        .group_by(closure.c.root, closure.c.asset_id)
        .order_by(closure.c.root, func.min(closure.c.depth), closure.c.asset_id)
    )
    out: dict[int, list[Reached]] = {a: [] for a in start_ids}
    for root, asset_id, hops in rows:
        out[root].append(Reached(asset_id=asset_id, depth=hops))
    return out


@dataclass(frozen=True, slots=True)
class UpstreamIncident:
    asset_id: int
    asset_urn: str
    incident_urn: str
    depth: int


async def active_upstream_incidents(
    session: AsyncSession, *, asset_ids: Sequence[int], depth: int
) -> dict[int, list[UpstreamIncident]]:
    """Active incidents on each asset's upstream closure (the asset's own are not included)."""
    reached = await walk(session, start_ids=asset_ids, depth=depth, upstream=True)
    upstream_ids = {r.asset_id for rs in reached.values() for r in rs}
    if not upstream_ids:
        return {a: [] for a in asset_ids}
    rows = await session.execute(
        select(IncidentAsset.asset_id, Asset.urn, Incident.urn)
        .join(Asset, Asset.id == IncidentAsset.asset_id)
        .join(Incident, Incident.id == IncidentAsset.incident_id)
        .where(
            IncidentAsset.asset_id.in_(upstream_ids),
            IncidentAsset.state == IncidentState.ACTIVE.value,
        )
        .order_by(IncidentAsset.created_ms.desc(), Incident.id.desc())
    )
    by_asset: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for asset_id, asset_urn, incident_urn in rows:
        by_asset[asset_id].append((asset_urn, incident_urn))
    out: dict[int, list[UpstreamIncident]] = {}
    for root, hops in reached.items():
        out[root] = [
            UpstreamIncident(r.asset_id, asset_urn, incident_urn, r.depth)
            for r in hops
            for asset_urn, incident_urn in by_asset.get(r.asset_id, [])
        ]
    return out

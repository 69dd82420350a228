"""Walking lineage: upstream and downstream closures with recursive queries, cycles bounded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.store.tables import Asset, LineageEdge


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

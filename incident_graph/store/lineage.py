"""Walking lineage: upstream and downstream closures with recursive queries, cycles bounded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import CTE, Select, bindparam, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.store.tables import Asset, LineageEdge

# The walks' parameters: the assets to start from and the most hops to take.
START_IDS = "walk_start_ids"
MAX_DEPTH = "walk_max_depth"


def closure(name: str, *, upstream: bool) -> CTE:
    """(root, asset_id, depth): every asset within MAX_DEPTH hops of each START_IDS asset.

    The start asset itself is there at depth 0. A cycle only repeats assets at greater
    depths, which the bound stops, so cyclic lineage terminates; take min(depth) per asset
    for the nearest. Health and lineage pages both walk with this one query.
    """
    near, far = (
        (LineageEdge.downstream_id, LineageEdge.upstream_id)
        if upstream
        else (LineageEdge.upstream_id, LineageEdge.downstream_id)
    )
    seed = select(
        Asset.id.label("root"), Asset.id.label("asset_id"), literal(0).label("depth")
    ).where(Asset.id.in_(bindparam(START_IDS, expanding=True)))
    walked = seed.cte(name, recursive=True)
    return walked.union(
        select(walked.c.root, far, walked.c.depth + 1)
        .join(LineageEdge, near == walked.c.asset_id)
        .where(walked.c.depth < bindparam(MAX_DEPTH))
    )


def parameters(start_ids: Sequence[int], depth: int) -> dict[str, list[int] | int]:
    return {START_IDS: list(start_ids), MAX_DEPTH: depth}


@dataclass(frozen=True, slots=True)
class Reached:
    asset_id: int
    depth: int


@cache
def _walk_statement(*, upstream: bool) -> Select[Any]:
    # Built once: constructing this statement cost about as much Python time as running it.
    walked = closure("closure", upstream=upstream)
    nearest = func.min(walked.c.depth)
    return (
        select(walked.c.root, walked.c.asset_id, nearest)
        .join(Asset, Asset.id == walked.c.asset_id)
        .where(walked.c.asset_id != walked.c.root, Asset.deleted_ms.is_(None))
        .group_by(walked.c.root, walked.c.asset_id)
        .order_by(walked.c.root, nearest, walked.c.asset_id)
    )


async def walk(
    session: AsyncSession, *, start_ids: Sequence[int], depth: int, upstream: bool
) -> dict[int, list[Reached]]:
    """For each start asset, the assets reachable within `depth` hops, nearest first.

    A cycle back to a start asset does not list it among its own reach.
    """
    if not start_ids or depth < 1:
        return {a: [] for a in start_ids}
    rows = await session.execute(_walk_statement(upstream=upstream), parameters(start_ids, depth))
    out: dict[int, list[Reached]] = {a: [] for a in start_ids}
    for root, asset_id, hops in rows:
        out[root].append(Reached(asset_id=asset_id, depth=hops))
    return out

"""Everything asset health needs, for many assets, in one statement."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.enums import IncidentState
from incident_graph.domain.health import ActiveIncidents, UpstreamProblem
from incident_graph.store import lineage
from incident_graph.store.tables import Asset, Incident, IncidentAsset

# The most active incident URNs health lists per asset; the count is always exact.
HEALTH_URN_LIMIT = 100


@dataclass(frozen=True, slots=True)
class HealthInputs:
    active: ActiveIncidents
    upstream: tuple[UpstreamProblem, ...]


@cache
def _statement() -> Select[Any]:
    # Built once: constructing it cost about as much Python time as running it did.
    walked = lineage.closure("health_closure", upstream=True)
    nearest = (
        select(walked.c.root, walked.c.asset_id, func.min(walked.c.depth).label("depth"))
        .group_by(walked.c.root, walked.c.asset_id)
        .subquery()
    )
    return (
        select(
            nearest.c.root,
            nearest.c.depth,
            Asset.urn,
            Incident.urn,
            Incident.title,
            Incident.updated_ms,
        )
        .select_from(nearest)
        .join(
            IncidentAsset,
            and_(
                IncidentAsset.asset_id == nearest.c.asset_id,
                IncidentAsset.state == IncidentState.ACTIVE,
            ),
        )
        .join(Incident, Incident.id == IncidentAsset.incident_id)
        .join(Asset, Asset.id == nearest.c.asset_id)
        .where(or_(nearest.c.depth == 0, Asset.deleted_ms.is_(None)))
        .order_by(
            nearest.c.root,
            nearest.c.depth,
            Asset.urn,
            IncidentAsset.created_ms.desc(),
            Incident.id.desc(),
        )
    )


async def health_inputs(
    session: AsyncSession, *, asset_ids: Sequence[int], depth: int
) -> dict[int, HealthInputs]:
    """Each asset's own active incidents and those of its upstream closure (within `depth`).

    The walk starts at the asset itself (depth 0), so one recursive query answers both
    health entries; a cycle back to the asset collapses into depth 0 and ends at the bound.
    """
    rows = await session.execute(_statement(), lineage.parameters(asset_ids, depth))
    own: dict[int, list[tuple[str, str | None, int]]] = defaultdict(list)
    upstream: dict[int, dict[str, tuple[int, list[str]]]] = defaultdict(dict)
    for root, hops, asset_urn, incident_urn, title, updated in rows:
        if hops == 0:
            own[root].append((incident_urn, title, updated))
        else:
            upstream[root].setdefault(asset_urn, (hops, []))[1].append(incident_urn)
    return {
        asset_id: HealthInputs(
            active=_active(own.get(asset_id, [])),
            upstream=tuple(
                UpstreamProblem(asset_urn=urn, depth=hops, incident_urns=tuple(incidents))
                for urn, (hops, incidents) in upstream.get(asset_id, {}).items()
            ),
        )
        for asset_id in asset_ids
    }


def _active(items: list[tuple[str, str | None, int]]) -> ActiveIncidents:
    if not items:
        return ActiveIncidents(count=0)
    return ActiveIncidents(
        count=len(items),
        latest_urn=items[0][0],
        latest_title=items[0][1],
        last_activity_at=max(i[2] for i in items),
        urns=tuple(i[0] for i in items[:HEALTH_URN_LIMIT]),
    )

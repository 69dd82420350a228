"""Past resolved incidents for the troubleshooting handbook: candidates and root-cause tallies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.enums import IncidentState
from incident_graph.store.tables import Incident, IncidentAsset

RESOLVED = IncidentState.RESOLVED


async def resolved_on_assets(
    session: AsyncSession, *, asset_ids: Sequence[int], exclude_id: int, limit: int
) -> list[int]:
    """Ids of the latest resolved incidents on any of these assets."""
    if not asset_ids:
        return []
    rows = await session.scalars(
        select(IncidentAsset.incident_id)
        .where(
            IncidentAsset.asset_id.in_(asset_ids),
            IncidentAsset.state == RESOLVED,
            IncidentAsset.incident_id != exclude_id,
        )
        .group_by(IncidentAsset.incident_id)
        .order_by(func.max(IncidentAsset.created_ms).desc(), IncidentAsset.incident_id.desc())
        .limit(limit)
    )
    return list(rows)


async def resolved_alike(
    session: AsyncSession,
    *,
    incident_type: str,
    source_urn: str | None,
    exclude_id: int,
    limit: int,
) -> list[int]:
    """Ids of the latest resolved incidents of this type, and of those from this source."""
    found: list[int] = []
    conditions = [Incident.incident_type == incident_type]
    if source_urn is not None:
        conditions.append(Incident.source_urn == source_urn)
    for condition in conditions:
        rows = await session.scalars(
            select(Incident.id)
            .where(condition, Incident.state == RESOLVED, Incident.id != exclude_id)
            .order_by(Incident.resolved_ms.desc(), Incident.id.desc())
            .limit(limit)
        )
        found.extend(rows)
    return found


@dataclass(frozen=True, slots=True)
class RootCauseTally:
    category: str
    count: int
    latest_incident_id: int


async def root_causes_on_asset(session: AsyncSession, *, asset_id: int) -> list[RootCauseTally]:
    """Root causes of the asset's resolved incidents: how often each, and its latest incident."""
    category = Incident.root_cause_category
    ranked = (
        select(
            category.label("category"),
            Incident.id.label("incident_id"),
            func.count().over(partition_by=category).label("n"),
            func.row_number()
            .over(partition_by=category, order_by=(Incident.resolved_ms.desc(), Incident.id.desc()))
            .label("position"),
        )
        .join(IncidentAsset, IncidentAsset.incident_id == Incident.id)
        .where(
            IncidentAsset.asset_id == asset_id,
            IncidentAsset.state == RESOLVED,
            category.isnot(None),
        )
        .subquery()
    )
    rows = await session.execute(
        select(ranked.c.category, ranked.c.n, ranked.c.incident_id).where(ranked.c.position == 1)
    )
    return [RootCauseTally(str(c), int(n), int(i)) for c, n, i in rows]

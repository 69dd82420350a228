"""What the units of a batched segment read, read for all of them at once before they are planned.

A status change locks its incident and reads its assets (for the access check and the outbox
event) and its assignees (for the outbox event); a raise with a caller id looks its URN up. Run
one by one that is three statements per status change. The writer reads them for the whole
segment first (`read_segment`): the incidents by URN, locked, with one SELECT, their asset
links and their assignees with one SELECT each; `store.incidents` then answers a planned unit
from these reads instead of the database.

Reading them before the units are planned rather than as each is planned sees the same rows:
the segment's units are about different incidents (their batch keys are disjoint), a planned
unit executes no write, and the incidents are locked from the first read to the commit, so no
other transaction changes them, their assets or their assignees in between (a change of
either locks the incident first).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from functools import cache

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.events import AssetRef
from incident_graph.store.assets import REF_COLUMNS
from incident_graph.store.batch import ReadIncident, SegmentReads
from incident_graph.store.dialect import Dialect, dialect_of
from incident_graph.store.incidents import assignees_by_incident
from incident_graph.store.tables import Asset, Incident, IncidentAsset


async def read_segment(session: AsyncSession, *, urns: Collection[str]) -> SegmentReads:
    """Lock and read the incidents with these URNs, their assets and assignees: three
    statements whatever their number (one when none exists, none for no URN)."""
    if not urns:
        return SegmentReads()
    dialect = dialect_of(session)
    # Sorted, and locked in id order: concurrent transactions take the row locks in one order.
    rows = list(await session.scalars(_incidents(dialect), {"urns": sorted(urns)}))
    found: dict[str, ReadIncident | None] = dict.fromkeys(urns)
    if not rows:
        return SegmentReads(found)
    ids = [row.id for row in rows]
    links: dict[int, list[tuple[int, AssetRef]]] = defaultdict(list)
    for incident_id, asset_id, urn, name, platform, kind in await session.execute(
        _asset_refs(dialect), {"ids": ids}
    ):
        links[incident_id].append(
            (asset_id, AssetRef(urn=urn, name=name, platform=platform, type=kind))
        )
    assignees = await assignees_by_incident(session, incident_ids=ids)
    for row in rows:
        linked = links[row.id]
        found[row.urn] = ReadIncident(
            row=row,
            asset_ids=[asset_id for asset_id, _ in linked],
            assets=[ref for _, ref in linked],
            assignees=assignees.get(row.id, []),
        )
    return SegmentReads(found)


# Each built once per dialect, the values bound at execution (one list parameter each).


@cache
def _incidents(dialect: Dialect) -> Select[Incident]:
    return (
        select(Incident)
        .where(dialect.among_param(Incident.urn, "urns"))
        .order_by(Incident.id)
        .with_for_update()
        # Fresh values even when an earlier segment of the same group commit changed the rows.
        .execution_options(populate_existing=True)
    )


@cache
def _asset_refs(dialect: Dialect) -> Select[int, int, str, str, str | None, str]:
    return (
        select(IncidentAsset.incident_id, Asset.id, *REF_COLUMNS)
        .join(Asset, Asset.id == IncidentAsset.asset_id)
        .where(dialect.among_param(IncidentAsset.incident_id, "ids"))
        .order_by(IncidentAsset.incident_id, IncidentAsset.position)
    )


__all__ = ["read_segment"]

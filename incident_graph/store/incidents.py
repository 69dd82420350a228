"""Incident rows, their asset links, assignees and append-only events."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.enums import EventKind, IncidentPriority, IncidentStage, IncidentState
from incident_graph.domain.health import ActiveIncidents
from incident_graph.domain.incidents import RaiseSpec
from incident_graph.domain.lifecycle import TIMELINE_FIELDS
from incident_graph.store.dialect import insert_ignore
from incident_graph.store.tables import (
    Asset,
    Incident,
    IncidentAsset,
    IncidentAssignee,
    IncidentEvent,
)

# The most active incident URNs health lists per asset; the count is always exact.
HEALTH_URN_LIMIT = 100


@dataclass(frozen=True, slots=True)
class PageFilter:
    state: IncidentState | None = None
    stage: IncidentStage | None = None
    priority: IncidentPriority | None = None
    assignees: tuple[str, ...] = ()


async def get_incident(
    session: AsyncSession, *, urn: str, for_update: bool = False
) -> Incident | None:
    stmt = select(Incident).where(Incident.urn == urn)
    if for_update:
        # Fresh values even when an earlier unit in the same group commit changed the row.
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return (await session.scalars(stmt)).one_or_none()


async def get_incidents_by_urns(session: AsyncSession, *, urns: Sequence[str]) -> list[Incident]:
    return list(await session.scalars(select(Incident).where(Incident.urn.in_(urns))))


async def get_incidents_by_ids(session: AsyncSession, *, ids: Sequence[int]) -> list[Incident]:
    return list(await session.scalars(select(Incident).where(Incident.id.in_(ids))))


async def insert_incident(
    session: AsyncSession,
    *,
    spec: RaiseSpec,
    asset_ids: dict[str, int],
    actor: str,
    now_ms: int,
    lifecycle: dict[str, Any] | None = None,
) -> int | None:
    """Insert a raised incident; None when an incident with that URN already exists."""
    row = {
        "urn": spec.urn,
        "fingerprint": spec.fingerprint(),
        "incident_type": spec.type.value,
        "custom_type": spec.custom_type,
        "title": spec.title,
        "description": spec.description,
        "priority": spec.priority.value if spec.priority else None,
        "state": spec.status.state.value,
        "stage": spec.status.stage.value if spec.status.stage else None,
        "status_message": spec.status.message,
        "status_time_ms": now_ms,
        "status_actor": actor,
        "source_type": spec.source_type.value,
        "source_urn": spec.source_urn,
        "started_at_ms": spec.started_at,
        "created_ms": now_ms,
        "created_actor": actor,
        "updated_ms": now_ms,
        "version": 1,
    } | (lifecycle or {})
    stmt = insert_ignore(session, Incident, [row]).returning(Incident.id)
    incident_id = (await session.execute(stmt)).scalar_one_or_none()
    if incident_id is None:
        return None
    await _link_assets(
        session,
        incident_id=incident_id,
        asset_ids=[asset_ids[a.urn] for a in spec.assets],
        state=spec.status.state,
        created_ms=now_ms,
    )
    await _set_assignees(session, incident_id=incident_id, assignees=spec.assignees)
    await add_event(
        session,
        incident_id=incident_id,
        kind=EventKind.RAISED,
        actor=actor,
        now_ms=now_ms,
        # Every field the timeline tracks, so replaying the timeline rebuilds the incident.
        payload={
            "new": {TIMELINE_FIELDS[k]: row.get(k) for k in TIMELINE_FIELDS}
            | {"assignees": list(spec.assignees)}
        },
    )
    return incident_id


async def _link_assets(
    session: AsyncSession,
    *,
    incident_id: int,
    asset_ids: list[int],
    state: IncidentState,
    created_ms: int,
) -> None:
    await session.execute(
        insert(IncidentAsset),
        [
            {
                "incident_id": incident_id,
                "asset_id": asset_id,
                "position": pos,
                "state": state.value,
                "created_ms": created_ms,
            }
            for pos, asset_id in enumerate(asset_ids)
        ],
    )


async def _set_assignees(
    session: AsyncSession, *, incident_id: int, assignees: Sequence[str]
) -> None:
    await session.execute(
        delete(IncidentAssignee).where(IncidentAssignee.incident_id == incident_id)
    )
    if assignees:
        await session.execute(
            insert_ignore(
                session,
                IncidentAssignee,
                [
                    {"incident_id": incident_id, "assignee_urn": urn, "position": pos}
                    for pos, urn in enumerate(assignees)
                ],
            )
        )


async def add_event(
    session: AsyncSession,
    *,
    incident_id: int,
    kind: EventKind,
    actor: str,
    now_ms: int,
    payload: dict[str, Any],
) -> None:
    await session.execute(
        insert(IncidentEvent).values(
            incident_id=incident_id, kind=kind.value, actor=actor, time_ms=now_ms, payload=payload
        )
    )


async def apply_change(
    session: AsyncSession,
    *,
    incident: Incident,
    kind: EventKind,
    values: dict[str, Any],
    actor: str,
    now_ms: int,
    assignees: Sequence[str] | None = None,
    asset_ids: list[int] | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Set columns, and replace assignees or assets when given; one event with old and new."""
    tracked = [k for k in TIMELINE_FIELDS if k in values]
    old: dict[str, Any] = {TIMELINE_FIELDS[k]: getattr(incident, k) for k in tracked}
    new: dict[str, Any] = {TIMELINE_FIELDS[k]: values[k] for k in tracked}
    if assignees is not None:
        old["assignees"] = await assignee_urns_of(session, incident_id=incident.id)
        new["assignees"] = list(assignees)
        await _set_assignees(session, incident_id=incident.id, assignees=assignees)
    if asset_ids is not None:
        current = await session.scalars(
            select(IncidentAsset.asset_id)
            .where(IncidentAsset.incident_id == incident.id)
            .order_by(IncidentAsset.position)
        )
        old["assetIds"] = list(current)
        new["assetIds"] = asset_ids
        await session.execute(delete(IncidentAsset).where(IncidentAsset.incident_id == incident.id))
        await _link_assets(
            session,
            incident_id=incident.id,
            asset_ids=asset_ids,
            state=IncidentState(values.get("state", incident.state)),
            created_ms=incident.created_ms,
        )
    elif "state" in values and values["state"] != incident.state:
        await session.execute(
            update(IncidentAsset)
            .where(IncidentAsset.incident_id == incident.id)
            .values(state=values["state"])
        )
    await session.execute(
        update(Incident)
        .where(Incident.id == incident.id)
        .values(**values, updated_ms=now_ms, version=Incident.version + 1)
    )
    await add_event(
        session,
        incident_id=incident.id,
        kind=kind,
        actor=actor,
        now_ms=now_ms,
        payload={"old": old, "new": new} | (extra or {}),
    )


async def assignee_urns_of(session: AsyncSession, *, incident_id: int) -> list[str]:
    result = await session.scalars(
        select(IncidentAssignee.assignee_urn)
        .where(IncidentAssignee.incident_id == incident_id)
        .order_by(IncidentAssignee.position)
    )
    return list(result)


async def assignees_by_incident(
    session: AsyncSession, *, incident_ids: Sequence[int]
) -> dict[int, list[str]]:
    rows = await session.execute(
        select(IncidentAssignee.incident_id, IncidentAssignee.assignee_urn)
        .where(IncidentAssignee.incident_id.in_(incident_ids))
        .order_by(IncidentAssignee.incident_id, IncidentAssignee.position)
    )
    out: dict[int, list[str]] = defaultdict(list)
    for incident_id, urn in rows:
        out[incident_id].append(urn)
    return out


def _page_conditions(flt: PageFilter) -> list[Any]:
    conditions: list[Any] = []
    if flt.state is not None:
        conditions.append(IncidentAsset.state == flt.state.value)
    if flt.stage is not None or flt.priority is not None:
        sub = select(Incident.id)
        if flt.stage is not None:
            sub = sub.where(Incident.stage == flt.stage.value)
        if flt.priority is not None:
            sub = sub.where(Incident.priority == flt.priority.value)
        conditions.append(IncidentAsset.incident_id.in_(sub))
    if flt.assignees:
        conditions.append(
            IncidentAsset.incident_id.in_(
                select(IncidentAssignee.incident_id).where(
                    IncidentAssignee.assignee_urn.in_(flt.assignees)
                )
            )
        )
    return conditions


async def incident_pages(
    session: AsyncSession, *, asset_ids: Sequence[int], flt: PageFilter, start: int, count: int
) -> dict[int, tuple[int, list[int]]]:
    """For each asset: (total matching, incident ids of the page), newest first.

    One statement for the totals and one for every asset's page (a window function), so a
    list of assets costs two statements whatever its length.
    """
    conditions = _page_conditions(flt)
    totals_rows = await session.execute(
        select(IncidentAsset.asset_id, func.count())
        .where(IncidentAsset.asset_id.in_(asset_ids), *conditions)
        .group_by(IncidentAsset.asset_id)
    )
    totals = dict(totals_rows.all())
    pages: dict[int, tuple[int, list[int]]] = {a: (totals.get(a, 0), []) for a in asset_ids}
    wanted = [a for a in asset_ids if totals.get(a, 0) > start]
    if count == 0 or not wanted:
        return pages
    if len(wanted) == 1:
        rows = await session.execute(
            select(IncidentAsset.asset_id, IncidentAsset.incident_id)
            .where(IncidentAsset.asset_id == wanted[0], *conditions)
            .order_by(IncidentAsset.created_ms.desc(), IncidentAsset.incident_id.desc())
            .offset(start)
            .limit(count)
        )
    else:
        rank = (
            func.row_number()
            .over(
                partition_by=IncidentAsset.asset_id,
                order_by=(IncidentAsset.created_ms.desc(), IncidentAsset.incident_id.desc()),
            )
            .label("rank")
        )
        ranked = (
            select(IncidentAsset.asset_id, IncidentAsset.incident_id, rank)
            .where(IncidentAsset.asset_id.in_(wanted), *conditions)
            .subquery()
        )
        rows = await session.execute(
            select(ranked.c.asset_id, ranked.c.incident_id)
            .where(ranked.c.rank > start, ranked.c.rank <= start + count)
            .order_by(ranked.c.asset_id, ranked.c.rank)
        )
    for asset_id, incident_id in rows:
        pages[asset_id][1].append(incident_id)
    return pages


async def active_by_asset(
    session: AsyncSession, *, asset_ids: Sequence[int]
) -> dict[int, ActiveIncidents]:
    """Each asset's active incidents: exact count, latest, last activity and URNs."""
    rows = await session.execute(
        select(
            IncidentAsset.asset_id,
            Incident.urn,
            Incident.title,
            Incident.updated_ms,
        )
        .join(Incident, Incident.id == IncidentAsset.incident_id)
        .where(
            IncidentAsset.asset_id.in_(asset_ids),
            IncidentAsset.state == IncidentState.ACTIVE.value,
        )
        .order_by(IncidentAsset.asset_id, IncidentAsset.created_ms.desc(), Incident.id.desc())
    )
    grouped: dict[int, list[tuple[str, str | None, int]]] = defaultdict(list)
    for asset_id, urn, title, updated in rows:
        grouped[asset_id].append((urn, title, updated))
    out: dict[int, ActiveIncidents] = {}
    for asset_id in asset_ids:
        items = grouped.get(asset_id, [])
        if not items:
            out[asset_id] = ActiveIncidents(count=0)
            continue
        out[asset_id] = ActiveIncidents(
            count=len(items),
            latest_urn=items[0][0],
            latest_title=items[0][1],
            last_activity_at=max(i[2] for i in items),
            urns=tuple(i[0] for i in items[:HEALTH_URN_LIMIT]),
        )
    return out


async def assets_by_incident(
    session: AsyncSession, *, incident_ids: Sequence[int]
) -> dict[int, list[Asset]]:
    rows = await session.execute(
        select(IncidentAsset.incident_id, Asset)
        .join(Asset, Asset.id == IncidentAsset.asset_id)
        .where(IncidentAsset.incident_id.in_(incident_ids))
        .order_by(IncidentAsset.incident_id, IncidentAsset.position)
    )
    out: dict[int, list[Asset]] = defaultdict(list)
    for incident_id, asset in rows:
        out[incident_id].append(asset)
    return out


async def count_active_for_asset(session: AsyncSession, *, asset_id: int) -> int:
    result = await session.execute(
        select(func.count())
        .select_from(IncidentAsset)
        .where(
            IncidentAsset.asset_id == asset_id,
            IncidentAsset.state == IncidentState.ACTIVE.value,
        )
    )
    return int(result.scalar_one())

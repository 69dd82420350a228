"""Incident rows, their asset links, assignees and append-only events."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from functools import cache
from typing import Any, Final, TypedDict

from sqlalchemy import Select, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from incident_graph.domain.changes import (
    IncidentChange,
    IncidentFields,
    TimelinePayload,
    moved_to,
    timeline_entry,
    timeline_values,
)
from incident_graph.domain.enums import EventKind, IncidentPriority, IncidentStage, IncidentState
from incident_graph.domain.events import AssetRef
from incident_graph.domain.incidents import RaiseSpec
from incident_graph.store.assets import REF_COLUMNS, KnownAsset
from incident_graph.store.batch import PendingWrites, planning
from incident_graph.store.dialect import dialect_of
from incident_graph.store.tables import (
    Asset,
    Incident,
    IncidentAsset,
    IncidentAssignee,
    IncidentEvent,
    core_table,
)

# Core tables for the hot inserts: an ORM-enabled INSERT costs a bulk-persistence pass per call.
INCIDENTS: Final = core_table(Incident)
INCIDENT_ASSETS: Final = core_table(IncidentAsset)
INCIDENT_EVENTS: Final = core_table(IncidentEvent)
ASSETS: Final = core_table(Asset)


@dataclass(frozen=True, slots=True)
class PageFilter:
    state: IncidentState | None = None
    stage: IncidentStage | None = None
    priority: IncidentPriority | None = None
    assignees: tuple[str, ...] = ()


async def get_incident(session: AsyncSession, *, urn: str) -> Incident | None:
    pending = planning(session)
    if pending is not None and urn in pending.reads:
        # Read by the unit's segment before it was planned (store.batch_reads).
        read = pending.reads.incident(urn)
        return None if read is None else read.row
    return (await session.scalars(select(Incident).where(Incident.urn == urn))).one_or_none()


async def get_incidents_by_urns(session: AsyncSession, *, urns: Sequence[str]) -> list[Incident]:
    return list(await session.scalars(select(Incident).where(Incident.urn.in_(urns))))


async def get_incidents_by_ids(session: AsyncSession, *, ids: Sequence[int]) -> list[Incident]:
    return list(await session.scalars(select(Incident).where(Incident.id.in_(ids))))


def fields_of(row: Incident) -> IncidentFields:
    """The incident's changeable fields as the row holds them."""
    return IncidentFields(**{name: getattr(row, name) for name in _FIELD_NAMES})


_FIELD_NAMES: Final = tuple(f.name for f in dataclass_fields(IncidentFields))


@dataclass(slots=True)
class HeldIncident:
    """An incident a unit of work holds (locked, or just inserted), and what the unit has read
    of it: its assets and assignees are read at most once per unit, so the access check and
    the outbox share one read, and a change that replaces them keeps them current."""

    row: Incident
    _assets: list[AssetRef] | None = None
    _assignees: list[str] | None = None
    _asset_ids: list[int] | None = None

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def fields(self) -> IncidentFields:
        return fields_of(self.row)

    async def assets(self, session: AsyncSession) -> list[AssetRef]:
        """The assets the incident names, in order."""
        if self._assets is None:
            self._asset_ids, self._assets = await self._read_assets(session)
        return self._assets

    async def asset_ids(self, session: AsyncSession) -> list[int]:
        """The ids of the assets the incident names, in order (read with `assets`)."""
        if self._asset_ids is None:
            self._asset_ids, self._assets = await self._read_assets(session)
        return self._asset_ids

    async def _read_assets(self, session: AsyncSession) -> tuple[list[int], list[AssetRef]]:
        rows = list(await session.execute(_ASSET_REFS, {"incident_id": self.row.id}))
        return [asset_id for asset_id, *_ in rows], [
            AssetRef(urn=urn, name=name, platform=platform, type=kind)
            for _, urn, name, platform, kind in rows
        ]

    async def assignees(self, session: AsyncSession) -> list[str]:
        if self._assignees is None:
            self._assignees = await assignee_urns_of(session, incident_id=self.row.id)
        return self._assignees


_ASSET_REFS: Final = (
    select(Asset.id, *REF_COLUMNS)
    .join(IncidentAsset, IncidentAsset.asset_id == Asset.id)
    .where(IncidentAsset.incident_id == bindparam("incident_id"))
    .order_by(IncidentAsset.position)
)


async def lock_incident(session: AsyncSession, *, urn: str) -> HeldIncident | None:
    """The incident, locked until the unit ends (FOR UPDATE on PostgreSQL; SQLite's writer
    already holds the database's write lock)."""
    pending = planning(session)
    if pending is not None and urn in pending.reads:
        # Locked and read, with its assets and assignees, by the unit's segment before it was
        # planned (store.batch_reads).
        read = pending.reads.incident(urn)
        if read is None:
            return None
        return HeldIncident(
            read.row,
            _assets=list(read.assets),
            _assignees=list(read.assignees),
            _asset_ids=list(read.asset_ids),
        )
    stmt = (
        select(Incident)
        .where(Incident.urn == urn)
        .with_for_update()
        # Fresh values even when an earlier unit in the same group commit changed the row.
        .execution_options(populate_existing=True)
    )
    row = (await session.scalars(stmt)).one_or_none()
    return None if row is None else HeldIncident(row)


async def insert_incident(
    session: AsyncSession,
    *,
    spec: RaiseSpec,
    fields: IncidentFields,
    assets: Sequence[KnownAsset],
    actor: str,
    now_ms: int,
) -> HeldIncident | None:
    """Insert a raised incident with its assets, assignees and RAISED event; None when its URN
    exists already (a concurrent raise with the same caller id)."""
    columns = {name: getattr(fields, name) for name in _FIELD_NAMES} | {
        "urn": spec.urn,
        "fingerprint": spec.fingerprint(),
        "incident_type": spec.type,
        "custom_type": spec.custom_type,
        "source_type": spec.source_type,
        "source_urn": spec.source_urn,
        "created_ms": now_ms,
        "created_actor": actor,
        "updated_ms": now_ms,
        "version": 1,
    }
    pending = planning(session)
    if pending is not None:
        # Inserted with the segment's others; a URN taken meanwhile is found then (the
        # writer falls back to running the units one by one, and this one returns None).
        incident_id = pending.insert_incident(columns)
    else:
        # The row as parameters, not as VALUES: a statement with literal VALUES is compiled
        # anew on every call (SQLAlchemy caches no multi-row VALUES insert).
        stmt = dialect_of(session).insert_ignore(INCIDENTS).returning(INCIDENTS.c.id)
        found = (await session.execute(stmt, columns)).scalar_one_or_none()
        if found is None:
            return None
        incident_id = found
    await _link_assets(
        session,
        incident_id=incident_id,
        asset_ids=[a.id for a in assets],
        state=fields.state,
        created_ms=now_ms,
    )
    await _set_assignees(session, incident_id=incident_id, assignees=spec.assignees, replace=False)
    await add_event(
        session,
        incident_id=incident_id,
        kind=EventKind.RAISED,
        actor=actor,
        now_ms=now_ms,
        # Every field the timeline tracks, so replaying the timeline rebuilds the incident.
        payload={"new": timeline_values(fields) | {"assignees": list(spec.assignees)}},
    )
    # What was written, as the row it now is: the unit reads none of it back.
    return HeldIncident(
        Incident(id=incident_id, **columns),
        _assets=[a.ref for a in assets],
        _assignees=list(spec.assignees),
        _asset_ids=[a.id for a in assets],
    )


# Built once, on the Core table: an ORM-enabled UPDATE also syncs the session's objects,
# which showed in the profile of a raise. A deleted asset's counter is left alone (a hard
# delete zeroes it) and counted afresh when the asset comes back (store.ingest.recount_active).
_COUNT_ACTIVE = (
    update(ASSETS)
    .where(ASSETS.c.id.in_(bindparam("ids", expanding=True)), ASSETS.c.deleted_ms.is_(None))
    .values(active_count=ASSETS.c.active_count + bindparam("delta"))
)


async def _count_active(session: AsyncSession, *, asset_ids: Sequence[int], delta: int) -> None:
    """Move the assets' active-incident counters; called wherever links or states change."""
    if not asset_ids or not delta:
        return
    pending = planning(session)
    if pending is not None:
        pending.count_active(asset_ids, delta)
        return
    await session.execute(_COUNT_ACTIVE, {"ids": sorted(asset_ids), "delta": delta})


async def _link_assets(
    session: AsyncSession,
    *,
    incident_id: int,
    asset_ids: list[int],
    state: IncidentState,
    created_ms: int,
) -> None:
    if state is IncidentState.ACTIVE:
        await _count_active(session, asset_ids=asset_ids, delta=1)
    rows = [
        {
            "incident_id": incident_id,
            "asset_id": asset_id,
            "position": pos,
            "state": state,
            "created_ms": created_ms,
        }
        for pos, asset_id in enumerate(asset_ids)
    ]
    pending = planning(session)
    if pending is not None:
        pending.link_assets(rows)
        return
    await session.execute(INCIDENT_ASSETS.insert(), rows)


async def _set_assignees(
    session: AsyncSession, *, incident_id: int, assignees: Sequence[str], replace: bool = True
) -> None:
    """Set the assignee list; replace=False for a new incident, which has none to delete."""
    pending = planning(session)
    if replace:
        _not_planned(pending, "replacing assignees")
        await session.execute(
            delete(IncidentAssignee).where(IncidentAssignee.incident_id == incident_id)
        )
    if not assignees:
        return
    rows = [
        {"incident_id": incident_id, "assignee_urn": urn, "position": pos}
        for pos, urn in enumerate(assignees)
    ]
    if pending is not None:
        pending.add_assignees(rows)
        return
    await session.execute(dialect_of(session).insert_ignore(IncidentAssignee), rows)


def _not_planned(pending: PendingWrites | None, what: str) -> None:
    """Writes that read what they replace are not batched: no batchable unit makes them."""
    if pending is not None:
        msg = f"{what} cannot be planned for a batch; run the unit without batch keys"
        raise RuntimeError(msg)


async def add_event(
    session: AsyncSession,
    *,
    incident_id: int,
    kind: EventKind,
    actor: str,
    now_ms: int,
    payload: TimelinePayload,
) -> None:
    row = {
        "incident_id": incident_id,
        "kind": kind,
        "actor": actor,
        "time_ms": now_ms,
        "payload": payload,
        "moved_to": moved_to(payload),
    }
    pending = planning(session)
    if pending is not None:
        pending.add_event(row)
        return
    await session.execute(INCIDENT_EVENTS.insert(), row)


async def apply_change(
    session: AsyncSession,
    *,
    incident: HeldIncident,
    kind: EventKind,
    change: IncidentChange,
    actor: str,
    now_ms: int,
    assignees: Sequence[str] | None = None,
    assets: Sequence[KnownAsset] | None = None,
    timeline: TimelinePayload | None = None,
) -> None:
    """Set the change's fields, and replace assignees or assets when given; one timeline event
    with the old and new values (plus `timeline`'s own keys). The held row follows."""
    row = incident.row
    current = fields_of(row)
    old, new = timeline_entry(current, change)
    pending = planning(session)
    if assets is not None:
        _not_planned(pending, "replacing an incident's assets")
    if assignees is not None:
        old["assignees"] = list(await incident.assignees(session))
        new["assignees"] = list(assignees)
        await _set_assignees(session, incident_id=row.id, assignees=assignees)
        incident._assignees = list(assignees)  # noqa: SLF001 - the holder's own cache
    state = current.after(change).state
    if assets is not None:
        linked = await session.scalars(
            select(IncidentAsset.asset_id)
            .where(IncidentAsset.incident_id == row.id)
            .order_by(IncidentAsset.position)
        )
        old_ids = list(linked)
        new_ids = [a.id for a in assets]
        old["assetIds"], new["assetIds"] = old_ids, new_ids
        if current.state is IncidentState.ACTIVE:
            await _count_active(session, asset_ids=old_ids, delta=-1)
        await session.execute(delete(IncidentAsset).where(IncidentAsset.incident_id == row.id))
        await _link_assets(
            session, incident_id=row.id, asset_ids=new_ids, state=state, created_ms=row.created_ms
        )
        incident._assets = [a.ref for a in assets]  # noqa: SLF001
        incident._asset_ids = new_ids  # noqa: SLF001
    elif state is not current.state:
        delta = 1 if state is IncidentState.ACTIVE else -1
        if pending is not None:
            pending.move_links(incident_id=row.id, state=state)
            moved = await incident.asset_ids(session)
        else:
            moved = list(
                await session.scalars(
                    update(IncidentAsset)
                    .where(IncidentAsset.incident_id == row.id)
                    .values(state=state)
                    .returning(IncidentAsset.asset_id)
                )
            )
        await _count_active(session, asset_ids=moved, delta=delta)
    values = change.values() | {"updated_ms": now_ms, "version": row.version + 1}
    if pending is not None:
        pending.update_incident(row.id, values, row)
    else:
        await session.execute(update(INCIDENTS).where(INCIDENTS.c.id == row.id).values(values))
    # The held row is what the unit now knows of the incident (the outbox reads it); set as
    # loaded values, so the session has nothing to flush.
    for name, value in values.items():
        set_committed_value(row, name, value)
    await add_event(
        session,
        incident_id=row.id,
        kind=kind,
        actor=actor,
        now_ms=now_ms,
        payload=TimelinePayload(old=old, new=new) | (timeline or {}),
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


@dataclass(frozen=True, slots=True)
class _PageStatements:
    totals: Select[int, int]
    single: Select[Incident]
    ranked: Select[int, int, Incident]


class _PageParams(TypedDict, total=False):
    state: IncidentState
    stage: IncidentStage
    priority: IncidentPriority
    assignees: list[str]


def _params(flt: PageFilter) -> _PageParams:
    """Bound values for the statements of `flt`'s shape."""
    params = _PageParams()
    if flt.state is not None:
        params["state"] = flt.state
    if flt.stage is not None:
        params["stage"] = flt.stage
    if flt.priority is not None:
        params["priority"] = flt.priority
    if flt.assignees:
        params["assignees"] = list(flt.assignees)
    return params


@cache
def _page_statements(shape: frozenset[str]) -> _PageStatements:
    """The page statements for one filter shape (which filters are set), built once.

    Building them per request cost more than running them (the profile of an incident page);
    the values are bound at execution instead.
    """
    conditions: list[Any] = []
    if "state" in shape:
        conditions.append(IncidentAsset.state == bindparam("state"))
    if "stage" in shape or "priority" in shape:
        sub = select(Incident.id)
        if "stage" in shape:
            sub = sub.where(Incident.stage == bindparam("stage"))
        if "priority" in shape:
            sub = sub.where(Incident.priority == bindparam("priority"))
        conditions.append(IncidentAsset.incident_id.in_(sub))
    if "assignees" in shape:
        conditions.append(
            IncidentAsset.incident_id.in_(
                select(IncidentAssignee.incident_id).where(
                    IncidentAssignee.assignee_urn.in_(bindparam("assignees", expanding=True))
                )
            )
        )
    of_assets = IncidentAsset.asset_id.in_(bindparam("asset_ids", expanding=True))
    newest_first = (IncidentAsset.created_ms.desc(), IncidentAsset.incident_id.desc())
    ranked = (
        select(
            IncidentAsset.asset_id,
            IncidentAsset.incident_id,
            func.row_number()
            .over(partition_by=IncidentAsset.asset_id, order_by=newest_first)
            .label("position"),
            func.count().over(partition_by=IncidentAsset.asset_id).label("total"),
        )
        .where(of_assets, *conditions)
        .subquery()
    )
    return _PageStatements(
        totals=select(IncidentAsset.asset_id, func.count())
        .where(of_assets, *conditions)
        .group_by(IncidentAsset.asset_id),
        single=select(Incident)
        .join(IncidentAsset, IncidentAsset.incident_id == Incident.id)
        .where(IncidentAsset.asset_id == bindparam("asset_id"), *conditions)
        .order_by(*newest_first)
        .offset(bindparam("start"))
        .limit(bindparam("count")),
        ranked=select(ranked.c.asset_id, ranked.c.total, Incident)
        .join(Incident, Incident.id == ranked.c.incident_id)
        .where(
            ranked.c.position > bindparam("start"),
            ranked.c.position <= bindparam("start") + bindparam("count"),
        )
        .order_by(ranked.c.asset_id, ranked.c.position),
    )


async def incident_pages(
    session: AsyncSession, *, asset_ids: Sequence[int], flt: PageFilter, start: int, count: int
) -> dict[int, tuple[int, list[Incident]]]:
    """For each asset: (total matching, the page of incidents), newest first.

    One asset (a detail page): an index-only count and a LIMIT query, so the cost stays flat
    however many incidents the asset has. Several assets (a list page): one statement with
    window functions that returns every asset's page and total together.
    """
    params = _params(flt)
    statements = _page_statements(frozenset(params))
    if len(asset_ids) == 1 or count == 0:
        pages = await _totals(session, statements, asset_ids, params)
        if count and pages[asset_ids[0]][0] > start:
            found = await session.scalars(
                statements.single,
                params | {"asset_id": asset_ids[0], "start": start, "count": count},
            )
            pages[asset_ids[0]][1].extend(found)
        return pages
    pages = {a: (0, []) for a in asset_ids}
    rows = await session.execute(
        statements.ranked,
        params | {"asset_ids": list(asset_ids), "start": start, "count": count},
    )
    for asset_id, total, incident in rows:
        pages[asset_id] = (int(total), pages[asset_id][1])
        pages[asset_id][1].append(incident)
    if start:
        # Assets whose whole list lies before `start` had no row to carry their total.
        unknown = [a for a, (total, _) in pages.items() if not total]
        if unknown:
            pages.update(await _totals(session, statements, unknown, params))
    return pages


async def _totals(
    session: AsyncSession,
    statements: _PageStatements,
    asset_ids: Sequence[int],
    params: _PageParams,
) -> dict[int, tuple[int, list[Incident]]]:
    found = await session.execute(statements.totals, params | {"asset_ids": list(asset_ids)})
    totals = {int(asset_id): int(total) for asset_id, total in found}
    return {a: (totals.get(a, 0), []) for a in asset_ids}


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
            IncidentAsset.state == IncidentState.ACTIVE,
        )
    )
    return int(result.scalar_one())

"""Incident write operations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.auth.privileges import IncidentAccess, run_checked
from incident_graph.domain import lifecycle as rules
from incident_graph.domain.enums import EventKind, IncidentState, SubscriptionReason
from incident_graph.domain.errors import ConflictError, NotFoundError
from incident_graph.domain.incidents import KEEP, RaiseSpec, StatusSpec, UpdateSpec
from incident_graph.domain.ingest import Stamp
from incident_graph.domain.notifications import NotifyKind
from incident_graph.notify import outbox
from incident_graph.store import Writer
from incident_graph.store import assets as asset_store
from incident_graph.store import incidents as incident_store
from incident_graph.store import lifecycle as lifecycle_store
from incident_graph.store.tables import Incident
from incident_graph.urns import AssetUrn


async def locked(
    session: AsyncSession,
    urn: str,
    expected_version: int | None = None,
    *,
    access: IncidentAccess | None = None,
    adding: Sequence[AssetUrn] = (),
) -> Incident:
    """The incident, locked for this unit, once `access` may change it (and add `adding`);
    FORBIDDEN before CONFLICT when it moved past the expected version. No `access`: a trusted
    caller (tests, scripts)."""
    incident = await incident_store.get_incident(session, urn=urn, for_update=True)
    if incident is None:
        raise NotFoundError(f"no incident {urn!r}; check the URN returned by raiseIncident")
    if access is not None:
        await access.check_change(session, incident_id=incident.id, urn=urn, adding=adding)
    rules.check_expected_version(expected_version, incident.version)
    return incident


def lifecycle_of(incident: Incident) -> rules.Lifecycle:
    return rules.Lifecycle(
        state=IncidentState(incident.state),
        lead_urn=incident.lead_urn,
        acknowledged_ms=incident.acknowledged_ms,
    )


async def follow(
    session: AsyncSession,
    *,
    incident_id: int,
    lead: str | None,
    assignees: tuple[str, ...] | None,
    now: int,
) -> None:
    """Subscribe the lead and assignees, as the flow promises them updates."""
    if lead is not None:
        await lifecycle_store.subscribe(
            session,
            incident_id=incident_id,
            users=[lead],
            reason=SubscriptionReason.LEAD,
            now_ms=now,
        )
    if assignees:
        await lifecycle_store.subscribe(
            session,
            incident_id=incident_id,
            users=assignees,
            reason=SubscriptionReason.ASSIGNEE,
            now_ms=now,
        )


async def raise_incident(
    *,
    writer: Writer,
    spec: RaiseSpec,
    actor: str,
    require_note: bool = True,
    access: IncidentAccess | None = None,
    created: Stamp | None = None,
    status_stamp: Stamp | None = None,
) -> str:
    """Create an incident (or recognise a retried raise with the same caller id).

    `created` and `status_stamp` keep a sender's own stamps (DataHub ingestion): the incident
    is then recorded as created, and its status last updated, when and by whom they say.
    """

    async def unit(session: AsyncSession) -> str:
        if access is not None:
            await access.check_raise(session, assets=spec.assets)
        if spec.caller_id is not None:
            existing = await incident_store.get_incident(session, urn=spec.urn)
            if existing is not None:
                return _same_raise(existing, spec)
        now = writer.clock()
        at, by = (created.time_ms, created.actor) if created else (now, actor)
        planned = rules.plan_status(
            rules.Lifecycle(state=IncidentState.ACTIVE),
            spec.status,
            actor=status_stamp.actor if status_stamp else by,
            now_ms=status_stamp.time_ms if status_stamp else at,
            require_note=require_note,
        )
        assets = await asset_store.ensure_asset_rows(session, spec.assets, now)
        row = await incident_store.insert_incident(
            session,
            spec=spec,
            asset_ids={urn: asset.id for urn, asset in assets.items()},
            actor=by,
            now_ms=at,
            lifecycle=planned,
        )
        if row is None:  # a concurrent raise with the same caller id won the race
            existing = await incident_store.get_incident(session, urn=spec.urn)
            if existing is None:
                raise ConflictError(f"incident {spec.urn!r} is being created; retry")
            return _same_raise(existing, spec)
        await follow(
            session,
            incident_id=row["id"],
            lead=planned.get("lead_urn"),
            assignees=spec.assignees,
            now=now,
        )
        # Everything the event's snapshot holds was just written here: no need to read it back.
        await outbox.record_known(
            session,
            kind=NotifyKind.NEW_INCIDENT,
            incident_id=row["id"],
            fields=row,
            assignees=spec.assignees,
            assets=[assets[ref.urn] for ref in spec.assets],
            actor=actor,
            now_ms=now,
        )
        return spec.urn

    return await run_checked(writer, unit)


def _same_raise(existing: Incident, spec: RaiseSpec) -> str:
    if existing.fingerprint != spec.fingerprint():
        raise ConflictError(
            f"incident {spec.urn!r} already exists with different content; use another id, "
            "or updateIncident to change it",
            urn=spec.urn,
        )
    return spec.urn


async def update_incident_status(
    *,
    writer: Writer,
    urn: str,
    status: StatusSpec,
    actor: str,
    require_note: bool = True,
    expected_version: int | None = None,
    access: IncidentAccess | None = None,
) -> None:
    """Replace an incident's status; resolving twice and reopening are both recorded."""

    async def unit(session: AsyncSession) -> None:
        incident = await locked(session, urn, expected_version, access=access)
        now = writer.clock()
        values = rules.plan_status(
            lifecycle_of(incident), status, actor=actor, now_ms=now, require_note=require_note
        )
        notify = await outbox.update_kinds(
            session, incident=incident, values=values, assignees=None
        )
        await incident_store.apply_change(
            session,
            incident=incident,
            kind=EventKind.STATUS_CHANGED,
            values=values,
            actor=actor,
            now_ms=now,
        )
        await follow(
            session, incident_id=incident.id, lead=values.get("lead_urn"), assignees=None, now=now
        )
        for kind in notify:
            await outbox.record_change(
                session, kind=kind, incident=incident, values=values, actor=actor, now_ms=now
            )

    await run_checked(writer, unit)


def _kind(spec: UpdateSpec) -> EventKind:
    if spec.changed == ("status",):
        return EventKind.STATUS_CHANGED
    if spec.changed == ("lead",):
        return EventKind.LEAD_CHANGED
    return EventKind.UPDATED


async def update_incident(
    *,
    writer: Writer,
    urn: str,
    spec: UpdateSpec,
    actor: str,
    require_note: bool = True,
    expected_version: int | None = None,
    access: IncidentAccess | None = None,
    status_stamp: Stamp | None = None,
) -> None:
    """Change only the fields the caller gave, as one change with one timeline event;
    `status_stamp` keeps a sender's own time and actor for a status it sets."""

    async def unit(session: AsyncSession) -> None:
        incident = await locked(
            session,
            urn,
            expected_version,
            access=access,
            adding=() if spec.assets is KEEP else spec.assets,
        )
        now = writer.clock()
        values: dict[str, Any] = {}
        if spec.title is not KEEP:
            values["title"] = spec.title
        if spec.description is not KEEP:
            values["description"] = spec.description
        if spec.priority is not KEEP:
            values["priority"] = spec.priority.value if spec.priority else None
        if spec.started_at is not KEEP:
            values["started_at_ms"] = spec.started_at
        if spec.status is not KEEP:
            values |= rules.plan_status(
                lifecycle_of(incident),
                spec.status,
                actor=status_stamp.actor if status_stamp else actor,
                now_ms=status_stamp.time_ms if status_stamp else now,
                require_note=require_note,
            )
        if spec.lead is not KEEP:
            values["lead_urn"] = spec.lead  # a lead given explicitly wins over the automatic one
        asset_ids: list[int] | None = None
        if spec.assets is not KEEP:
            by_urn = await asset_store.ensure_assets(session, assets=spec.assets, now_ms=now)
            asset_ids = [by_urn[a.urn] for a in spec.assets]
        assignees = None if spec.assignees is KEEP else spec.assignees
        notify = await outbox.update_kinds(
            session,
            incident=incident,
            values=values,
            assignees=assignees,
            lead_given=spec.lead is not KEEP,
        )
        await incident_store.apply_change(
            session,
            incident=incident,
            kind=_kind(spec),
            values=values,
            actor=actor,
            now_ms=now,
            assignees=assignees,
            asset_ids=asset_ids,
        )
        await follow(
            session,
            incident_id=incident.id,
            lead=values.get("lead_urn"),
            assignees=assignees,
            now=now,
        )
        for kind in notify:
            await outbox.record(
                session, kind=kind, incident_id=incident.id, actor=actor, now_ms=now
            )

    await run_checked(writer, unit)

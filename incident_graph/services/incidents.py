"""Incident write operations."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.auth.privileges import IncidentAccess, run_checked
from incident_graph.domain import lifecycle as rules
from incident_graph.domain.changes import IncidentChange, TimelinePayload, Unset, notify_kinds
from incident_graph.domain.enums import EventKind, SubscriptionReason
from incident_graph.domain.errors import ConflictError, NotFoundError
from incident_graph.domain.events import EventExtra
from incident_graph.domain.incidents import RaiseSpec, StatusSpec, UpdateSpec
from incident_graph.domain.ingest import Stamp
from incident_graph.domain.notifications import NotifyKind
from incident_graph.notify import outbox
from incident_graph.store import Writer
from incident_graph.store import assets as asset_store
from incident_graph.store import checks as check_store
from incident_graph.store import incidents as incident_store
from incident_graph.store import lifecycle as lifecycle_store
from incident_graph.store.incidents import HeldIncident
from incident_graph.store.tables import CheckResult, Incident
from incident_graph.urns import AssetUrn


async def locked(
    session: AsyncSession,
    urn: str,
    expected_version: int | None = None,
    *,
    access: IncidentAccess | None = None,
    adding: Sequence[AssetUrn] = (),
) -> HeldIncident:
    """The incident, locked for this unit, once `access` may change it (and add `adding`);
    FORBIDDEN before CONFLICT when it moved past the expected version. No `access`: a trusted
    caller (tests, scripts)."""
    incident = await incident_store.lock_incident(session, urn=urn)
    if incident is None:
        raise NotFoundError(f"no incident {urn!r}; check the URN returned by raiseIncident")
    if access is not None:
        await access.check_change(session, incident=incident, adding=adding)
    rules.check_expected_version(expected_version, incident.row.version)
    return incident


async def follow(
    session: AsyncSession,
    *,
    incident_id: int,
    lead: str | None,
    assignees: Sequence[str] | None,
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


async def insert_raised(
    session: AsyncSession,
    *,
    spec: RaiseSpec,
    actor: str,
    now: int,
    require_note: bool = True,
    created: Stamp | None = None,
    status_stamp: Stamp | None = None,
    results: Sequence[CheckResult] = (),
    extra: EventExtra | None = None,
) -> HeldIncident | None:
    """Inside a unit: insert a raised incident (with `results` linked), subscribe its people and
    record its NEW_INCIDENT event (with `extra`); None when its URN exists already."""
    # A sender's own stamps (DataHub ingestion) stand for when and by whom it happened.
    at, by = (created.time_ms, created.actor) if created else (now, actor)
    status_at, status_by = (status_stamp.time_ms, status_stamp.actor) if status_stamp else (at, by)
    fields = rules.raised(spec, actor=status_by, now_ms=status_at, require_note=require_note)
    known = await asset_store.ensure_known(session, spec.assets, now)
    incident = await incident_store.insert_incident(
        session,
        spec=spec,
        fields=fields,
        assets=[known[a.urn] for a in spec.assets],
        actor=by,
        now_ms=at,
    )
    if incident is None:
        return None
    await follow(
        session, incident_id=incident.id, lead=fields.lead_urn, assignees=spec.assignees, now=now
    )
    await link_results(session, incident=incident, results=results, actor=actor, now=now)
    await outbox.record(
        session,
        kind=NotifyKind.NEW_INCIDENT,
        incident=incident,
        actor=actor,
        now_ms=now,
        extra=extra,
    )
    return incident


async def link_results(
    session: AsyncSession,
    *,
    incident: HeldIncident,
    results: Sequence[CheckResult],
    actor: str,
    now: int,
) -> list[int]:
    """Inside a unit: link check results to the incident, with one timeline entry naming the
    ones newly linked; returns their ids."""
    linked = await check_store.link(
        session, incident_id=incident.id, results=results, actor=actor, now_ms=now
    )
    if linked:
        await incident_store.add_event(
            session,
            incident_id=incident.id,
            kind=EventKind.CHECK_RESULTS_LINKED,
            actor=actor,
            now_ms=now,
            payload=TimelinePayload(checkResultIds=linked),
        )
    return linked


async def raise_incident(
    *,
    writer: Writer,
    spec: RaiseSpec,
    actor: str,
    require_note: bool = True,
    access: IncidentAccess | None = None,
    created: Stamp | None = None,
    status_stamp: Stamp | None = None,
    result_ids: Sequence[int] = (),
) -> str:
    """Create an incident (or recognise a retried raise with the same caller id).

    `created` and `status_stamp` keep a sender's own stamps (DataHub ingestion): the incident
    is then recorded as created, and its status last updated, when and by whom they say.
    `result_ids` are check results the incident covers (Soda's raise from results).
    """

    async def unit(session: AsyncSession) -> str:
        if access is not None:
            await access.check_raise(session, assets=spec.assets)
        if spec.caller_id is not None:
            existing = await incident_store.get_incident(session, urn=spec.urn)
            if existing is not None:
                return _same_raise(existing, spec)
        results = await check_store.get_results(session, ids=result_ids) if result_ids else []
        if len(results) != len(set(result_ids)):
            missing = sorted(set(result_ids) - {r.id for r in results})
            raise NotFoundError(
                f"no check results with ids {missing}; use the ids reportCheckResults returned"
            )
        incident = await insert_raised(
            session,
            spec=spec,
            actor=actor,
            now=writer.clock(),
            require_note=require_note,
            created=created,
            status_stamp=status_stamp,
            results=results,
        )
        if incident is None:  # a concurrent raise with the same caller id won the race
            existing = await incident_store.get_incident(session, urn=spec.urn)
            if existing is None:
                raise ConflictError(f"incident {spec.urn!r} is being created; retry")
            return _same_raise(existing, spec)
        return spec.urn

    # Linking check results reads back what it links: such a raise is not batched.
    keys = None if result_ids else incident_keys(spec.urn)
    # Only a raise with a caller id looks its URN up (a new one's is a fresh uuid).
    looked_up = () if spec.caller_id is None else (spec.urn,)
    return await run_checked(writer, unit, batch_keys=keys, incidents=looked_up)


def incident_keys(urn: str) -> frozenset[str]:
    """A batched write's keys (see `Writer.run`): a raise or status change reads and writes
    only its own incident, so units about other incidents can share its statements."""
    return frozenset({urn})


def _same_raise(existing: Incident, spec: RaiseSpec) -> str:
    if existing.fingerprint != spec.fingerprint():
        raise ConflictError(
            f"incident {spec.urn!r} already exists with different content; use another id, "
            "or updateIncident to change it",
            urn=spec.urn,
        )
    return spec.urn


async def _announce(
    session: AsyncSession,
    incident: HeldIncident,
    kinds: Sequence[NotifyKind],
    *,
    actor: str,
    now: int,
) -> None:
    for kind in kinds:
        await outbox.record(session, kind=kind, incident=incident, actor=actor, now_ms=now)


async def change_status(
    session: AsyncSession,
    *,
    incident: HeldIncident,
    status: StatusSpec,
    actor: str,
    now: int,
    require_note: bool = True,
) -> None:
    """Inside a unit: replace a held incident's status, subscribe a new lead, announce it."""
    current = incident.fields
    change = rules.plan_status(current, status, actor=actor, now_ms=now, require_note=require_note)
    await incident_store.apply_change(
        session,
        incident=incident,
        kind=EventKind.STATUS_CHANGED,
        change=change,
        actor=actor,
        now_ms=now,
    )
    await follow(session, incident_id=incident.id, lead=_set_lead(change), assignees=None, now=now)
    await _announce(session, incident, notify_kinds(current, change), actor=actor, now=now)


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
        await change_status(
            session,
            incident=incident,
            status=status,
            actor=actor,
            now=writer.clock(),
            require_note=require_note,
        )

    await run_checked(writer, unit, batch_keys=incident_keys(urn), incidents=(urn,))


def _set_lead(change: IncidentChange) -> str | None:
    """The lead a change names, if it names one (to subscribe them)."""
    return change.lead_urn if isinstance(change.lead_urn, str) else None


def _kind(spec: UpdateSpec) -> EventKind:
    if spec.changed == ("status",):
        return EventKind.STATUS_CHANGED
    if spec.changed == ("lead",):
        return EventKind.LEAD_CHANGED
    return EventKind.UPDATED


def _given(spec: UpdateSpec) -> IncidentChange:
    """The plain fields an update gives (status and lead are planned separately)."""
    return IncidentChange(
        title=spec.title,
        description=spec.description,
        priority=spec.priority,
        started_at_ms=spec.started_at,
    )


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
            adding=() if isinstance(spec.assets, Unset) else spec.assets,
        )
        now = writer.clock()
        current = incident.fields
        change = _given(spec)
        if not isinstance(spec.status, Unset):
            change = change.then(
                rules.plan_status(
                    current,
                    spec.status,
                    actor=status_stamp.actor if status_stamp else actor,
                    now_ms=status_stamp.time_ms if status_stamp else now,
                    require_note=require_note,
                )
            )
        if not isinstance(spec.lead, Unset):
            # A lead given explicitly wins over the automatic one.
            change = change.then(IncidentChange(lead_urn=spec.lead))
        assets = None
        if not isinstance(spec.assets, Unset):
            known = await asset_store.ensure_known(session, spec.assets, now)
            assets = [known[a.urn] for a in spec.assets]
        assignees = None if isinstance(spec.assignees, Unset) else spec.assignees
        before = None if assignees is None else list(await incident.assignees(session))
        kinds = notify_kinds(
            current,
            change,
            assignees_before=before,
            assignees_after=assignees,
            lead_given=not isinstance(spec.lead, Unset),
        )
        await incident_store.apply_change(
            session,
            incident=incident,
            kind=_kind(spec),
            change=change,
            actor=actor,
            now_ms=now,
            assignees=assignees,
            assets=assets,
        )
        await follow(
            session, incident_id=incident.id, lead=_set_lead(change), assignees=assignees, now=now
        )
        await _announce(session, incident, kinds, actor=actor, now=now)

    await run_checked(writer, unit)

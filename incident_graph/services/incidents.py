"""Incident write operations."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.clock import now_ms
from incident_graph.domain.errors import ConflictError, NotFoundError
from incident_graph.domain.incidents import KEEP, RaiseSpec, StatusSpec, UpdateSpec
from incident_graph.store import Writer
from incident_graph.store import assets as asset_store
from incident_graph.store import incidents as incident_store
from incident_graph.store.tables import Incident


async def _locked(session: AsyncSession, urn: str) -> Incident:
    incident = await incident_store.get_incident(session, urn=urn, for_update=True)
    if incident is None:
        raise NotFoundError(f"no incident {urn!r}; check the URN returned by raiseIncident")
    return incident


async def raise_incident(*, writer: Writer, spec: RaiseSpec, actor: str) -> str:
    """Create an incident (or recognise a retried raise with the same caller id)."""

    async def unit(session: AsyncSession) -> str:
        if spec.caller_id is not None:
            existing = await incident_store.get_incident(session, urn=spec.urn)
            if existing is not None:
                return _same_raise(existing, spec)
        now = now_ms()
        asset_ids = await asset_store.ensure_assets(session, assets=spec.assets, now_ms=now)
        incident_id = await incident_store.insert_incident(
            session, spec=spec, asset_ids=asset_ids, actor=actor, now_ms=now
        )
        if incident_id is None:  # a concurrent raise with the same caller id won the race
            existing = await incident_store.get_incident(session, urn=spec.urn)
            if existing is None:
                raise ConflictError(f"incident {spec.urn!r} is being created; retry")
            return _same_raise(existing, spec)
        return spec.urn

    return await writer.run(unit)


def _same_raise(existing: Incident, spec: RaiseSpec) -> str:
    if existing.fingerprint != spec.fingerprint():
        raise ConflictError(
            f"incident {spec.urn!r} already exists with different content; use another id, "
            "or updateIncident to change it",
            urn=spec.urn,
        )
    return spec.urn


async def update_incident_status(
    *, writer: Writer, urn: str, status: StatusSpec, actor: str
) -> None:
    """Replace an incident's status; resolving twice and reopening are both recorded."""

    async def unit(session: AsyncSession) -> None:
        incident = await _locked(session, urn)
        await incident_store.set_status(
            session, incident=incident, status=status, actor=actor, now_ms=now_ms()
        )

    await writer.run(unit)


async def update_incident(*, writer: Writer, urn: str, spec: UpdateSpec, actor: str) -> None:
    """Change only the fields the caller gave."""

    async def unit(session: AsyncSession) -> None:
        incident = await _locked(session, urn)
        now = now_ms()
        values: dict[str, Any] = {}
        if spec.title is not KEEP:
            values["title"] = spec.title
        if spec.description is not KEEP:
            values["description"] = spec.description
        if spec.priority is not KEEP:
            values["priority"] = spec.priority.value if spec.priority else None
        if spec.started_at is not KEEP:
            values["started_at_ms"] = spec.started_at
        asset_ids: list[int] | None = None
        if spec.assets is not KEEP:
            by_urn = await asset_store.ensure_assets(session, assets=spec.assets, now_ms=now)
            asset_ids = [by_urn[a.urn] for a in spec.assets]
        assignees = None if spec.assignees is KEEP else spec.assignees
        if values or assignees is not None or asset_ids is not None:
            await incident_store.update_fields(
                session,
                incident=incident,
                values=values,
                assignees=assignees,
                asset_ids=asset_ids,
                actor=actor,
                now_ms=now,
            )
        if spec.status is not KEEP:
            await session.refresh(incident)
            await incident_store.set_status(
                session, incident=incident, status=spec.status, actor=actor, now_ms=now
            )

    await writer.run(unit)

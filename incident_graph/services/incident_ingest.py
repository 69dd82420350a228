"""An ingested `incidentInfo`: raise the incident under its URN, or update it to match.

Both go through the same service functions as GraphQL's raiseIncident and updateIncident
(privileges, timeline, outbox, counters), with the sender's created and status stamps kept.
"""

from __future__ import annotations

from typing import TypedDict

from incident_graph.auth.privileges import IncidentAccess
from incident_graph.domain import incidents as rules
from incident_graph.domain.enums import IncidentPriority
from incident_graph.domain.errors import ConflictError
from incident_graph.domain.incidents import StatusSpec
from incident_graph.domain.ingest import IncidentFacts
from incident_graph.services import incidents as incident_service
from incident_graph.store import Database, Writer
from incident_graph.store import incidents as incident_store
from incident_graph.store.tables import Incident


async def _current(db: Database, urn: str) -> tuple[Incident, list[str], list[str]] | None:
    async with db.reading() as session:
        incident = await incident_store.get_incident(session, urn=urn)
        if incident is None:
            return None
        assignees = await incident_store.assignee_urns_of(session, incident_id=incident.id)
        assets = await incident_store.assets_by_incident(session, incident_ids=[incident.id])
    return incident, assignees, [a.urn for a in assets.get(incident.id, [])]


class _Differences(TypedDict, total=False):
    """build_update's arguments, for the fields the sender's view changes."""

    title: str | None
    description: str | None
    priority: IncidentPriority | None
    started_at: int | None
    assignee_urns: list[str]
    resource_urns: list[str]
    status: StatusSpec


def _differences(
    facts: IncidentFacts, incident: Incident, assignees: list[str], assets: list[str]
) -> _Differences:
    """What the sender's view changes (type and source are kept as first raised)."""
    given = _Differences()
    if facts.title != incident.title:
        given["title"] = facts.title
    if facts.description != incident.description:
        given["description"] = facts.description
    stored = incident.priority
    if facts.priority != stored:
        given["priority"] = facts.priority
    if facts.started_at != incident.started_at_ms:
        given["started_at"] = facts.started_at
    if list(facts.assignees) != assignees:
        given["assignee_urns"] = list(facts.assignees)
    if list(facts.entities) != assets:
        given["resource_urns"] = list(facts.entities)
    status = facts.status
    if (
        status.state != incident.state
        or status.stage != incident.stage
        or status.message != incident.status_message
    ):
        given["status"] = status
    return given


async def upsert_incident(
    *,
    writer: Writer,
    db: Database,
    facts: IncidentFacts,
    access: IncidentAccess,
    require_note: bool,
) -> None:
    """Create the incident, or change what differs; the same info again changes nothing."""
    actor = access.principal.urn
    current = await _current(db, facts.urn)
    if current is None:
        try:
            await incident_service.raise_incident(
                writer=writer,
                spec=facts.raise_spec(),
                actor=actor,
                require_note=require_note,
                access=access,
                created=facts.created,
                status_stamp=facts.status_stamp,
            )
        except ConflictError:
            current = await _current(db, facts.urn)  # raised meanwhile by another request
            if current is None:
                raise
        else:
            return
    given = _differences(facts, *current)
    if not given:
        return
    await incident_service.update_incident(
        writer=writer,
        urn=facts.urn,
        spec=rules.build_update(**given),
        actor=actor,
        require_note=require_note,
        access=access,
        status_stamp=facts.status_stamp,
    )

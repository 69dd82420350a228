"""The incidentEvents subscription's filter and message."""

from __future__ import annotations

import strawberry
from strawberry.types.base import StrawberryList, StrawberryOptional

from incident_graph.api.enums import LIVE_NOTIFY_KIND, IncidentPriority, IncidentState, NotifyKind
from incident_graph.api.scalars import Long


@strawberry.input(description="Which live events to receive; empty lists match all.")
class IncidentEventFilter:
    event_types: list[NotifyKind] | None = strawberry.field(
        default=None, graphql_type=StrawberryOptional(StrawberryList(LIVE_NOTIFY_KIND))
    )
    priorities: list[IncidentPriority] | None = None
    incident_urns: list[str] | None = None
    asset_urns: list[str] | None = None
    platforms: list[str] | None = None


@strawberry.type(description="A change to an incident, as notifications describe it.")
class IncidentEventMessage:
    event_id: strawberry.ID
    event_type: NotifyKind = strawberry.field(graphql_type=LIVE_NOTIFY_KIND)
    time: Long
    actor: str
    incident_urn: str
    title: str | None
    priority: IncidentPriority | None
    state: IncidentState
    stage: str | None
    link: str
    asset_urns: list[str]
    owners: list[str]
    recipients: list[str]

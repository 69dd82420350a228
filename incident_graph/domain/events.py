"""The notification event: what the outbox stores for a change, and what a destination gets
once the worker has worked out who hears about it. Typed JSON, the same shape on the wire.

Keys are in the order payloads have always had them (webhook bodies sort them anyway).
"""

from __future__ import annotations

from typing import TypedDict


class IncidentSnapshot(TypedDict):
    """The incident as it is after the change."""

    urn: str
    title: str | None
    description: str | None
    type: str
    customType: str | None
    priority: str | None
    state: str
    stage: str | None
    message: str | None
    lead: str | None
    assignees: list[str]
    created: int


class LinkedIncident(IncidentSnapshot):
    """The snapshot with the incident's stable link, once the event is expanded."""

    link: str


class AssetRef(TypedDict):
    """An asset an event (or an access check) names."""

    urn: str
    name: str
    platform: str | None
    type: str


class CheckResultRef(TypedDict):
    """A check's result an event is about (the failing run that raised an incident)."""

    id: int
    check: str
    checkName: str
    runId: str
    status: str
    time: int
    observedValue: str | None
    threshold: str | None
    message: str | None
    url: str | None


class EventExtra(TypedDict, total=False):
    """What some events carry beyond the incident: a comment and whom it mentions, or the
    check result that raised it."""

    comment: str
    commentId: int
    mentions: list[str]
    checkResult: CheckResultRef


class EventPayload(TypedDict):
    """What the outbox stores, in the change's own transaction."""

    event: str
    time: int
    actor: str
    incident: IncidentSnapshot
    assets: list[AssetRef]
    extra: EventExtra


class DownstreamOwner(TypedDict):
    owner: str
    asset: str
    depth: int


class Notification(TypedDict):
    """An expanded event: the stored payload plus who hears about it. Destinations format it."""

    event: str
    time: int
    actor: str
    incident: LinkedIncident
    assets: list[AssetRef]
    extra: EventExtra
    asset: AssetRef | None
    owners: list[str]
    downstreamOwners: list[DownstreamOwner]
    subscribers: list[str]
    eventId: int
    recipients: list[str]


__all__ = [
    "AssetRef",
    "CheckResultRef",
    "DownstreamOwner",
    "EventExtra",
    "EventPayload",
    "IncidentSnapshot",
    "LinkedIncident",
    "Notification",
]

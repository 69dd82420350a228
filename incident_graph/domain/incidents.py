"""Incident rules: what a valid raise, update and status change is. Pure; no I/O."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Final

from incident_graph import urns
from incident_graph.domain import limits
from incident_graph.domain.changes import UNSET, Unset
from incident_graph.domain.enums import (
    IncidentPriority,
    IncidentSourceType,
    IncidentStage,
    IncidentState,
    IncidentType,
    RootCauseCategory,
)
from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.text import check_optional_text

MAX_TITLE: Final = limits.TITLE
MAX_DESCRIPTION: Final = limits.LONG_TEXT
MAX_MESSAGE: Final = limits.LONG_TEXT
MAX_CUSTOM_TYPE: Final = limits.NAME
MAX_ASSETS: Final = 100
MAX_ASSIGNEES: Final = 100


@dataclass(frozen=True, slots=True)
class RootCause:
    category: RootCauseCategory
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class StatusSpec:
    state: IncidentState
    stage: IncidentStage | None = None
    message: str | None = None
    root_cause: RootCause | None = None
    # Set by OpenMetadata's "Ack" stage name: the change also acknowledges the incident.
    acknowledge: bool = False


@dataclass(frozen=True, slots=True)
class RaiseSpec:
    urn: str
    caller_id: str | None
    type: IncidentType
    custom_type: str | None
    title: str | None
    description: str | None
    assets: tuple[urns.AssetUrn, ...]
    source_type: IncidentSourceType
    source_urn: str | None
    priority: IncidentPriority | None
    assignees: tuple[str, ...]
    started_at: int | None
    status: StatusSpec

    def fingerprint(self) -> str:
        """A digest of the content, so a retried raise with a caller id can be recognised."""
        content = {
            "type": self.type,
            "customType": self.custom_type,
            "title": self.title,
            "description": self.description,
            "assets": [a.urn for a in self.assets],
            "source": [self.source_type, self.source_urn],
            "priority": self.priority,
            "assignees": list(self.assignees),
            "startedAt": self.started_at,
            "status": [self.status.state, self.status.stage, self.status.message],
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class UpdateSpec:
    """Fields an update sets; UNSET means the caller did not give that field."""

    title: str | Unset | None = UNSET
    description: str | Unset | None = UNSET
    priority: IncidentPriority | Unset | None = UNSET
    started_at: int | Unset | None = UNSET
    assignees: tuple[str, ...] | Unset = UNSET
    assets: tuple[urns.AssetUrn, ...] | Unset = UNSET
    status: StatusSpec | Unset = UNSET
    lead: str | Unset | None = UNSET
    changed: tuple[str, ...] = field(default=())


def _text(name: str, value: str | None, limit: int) -> str | None:
    return check_optional_text(name, value, limit)


def check_assets(resource_urns: list[str]) -> tuple[urns.AssetUrn, ...]:
    """Validate asset URNs, dropping duplicates but keeping the caller's order."""
    seen: dict[str, urns.AssetUrn] = {}
    for urn in resource_urns:
        if urn in seen:
            continue
        try:
            seen[urn] = urns.parse_asset_urn(urn)
        except urns.InvalidUrnError as exc:
            raise BadUserInputError(f"bad resource URN: {exc}", field="resourceUrns") from exc
    if not seen:
        raise BadUserInputError(
            "an incident needs at least one asset: give resourceUrn or a non-empty resourceUrns",
            field="resourceUrns",
        )
    if len(seen) > MAX_ASSETS:
        raise BadUserInputError(f"an incident can name at most {MAX_ASSETS} assets")
    return tuple(seen.values())


def check_assignees(assignee_urns: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for urn in assignee_urns:
        try:
            urns.parse_actor_urn(urn)
        except urns.InvalidUrnError as exc:
            raise BadUserInputError(f"bad assignee: {exc}", field="assigneeUrns") from exc
        if urn not in out:
            out.append(urn)
    if len(out) > MAX_ASSIGNEES:
        raise BadUserInputError(f"an incident can have at most {MAX_ASSIGNEES} assignees")
    return tuple(out)


def check_status(status: StatusSpec) -> StatusSpec:
    return StatusSpec(
        state=status.state,
        stage=status.stage,
        message=_text("status message", status.message, MAX_MESSAGE),
        root_cause=status.root_cause,
        acknowledge=status.acknowledge,
    )


def _check_started_at(started_at: int | None) -> int | None:
    if started_at is not None and started_at < 0:
        raise BadUserInputError(
            f"startedAt is epoch milliseconds and cannot be negative, got {started_at}",
            field="startedAt",
        )
    if started_at is not None and started_at > limits.EPOCH_MS_MAX:
        raise BadUserInputError(
            f"startedAt is epoch milliseconds up to the end of year 9999 "
            f"({limits.EPOCH_MS_MAX}), got {started_at}",
            field="startedAt",
        )
    return started_at


def check_source_urn(source_urn: str | None) -> str | None:
    """The URN of what raised the incident (an assertion, a check), if given."""
    if source_urn is None:
        return None
    try:
        urns.check_urn(source_urn)
    except urns.InvalidUrnError as exc:
        raise BadUserInputError(f"bad source URN: {exc}", field="source.sourceUrn") from exc
    return source_urn


def build_raise(
    *,
    caller_id: str | None,
    type_: IncidentType,
    custom_type: str | None,
    title: str | None,
    description: str | None,
    resource_urn: str | None,
    resource_urns: list[str] | None,
    source_type: IncidentSourceType | None,
    source_urn: str | None,
    priority: IncidentPriority | None,
    assignee_urns: list[str] | None,
    started_at: int | None,
    status: StatusSpec | None,
) -> RaiseSpec:
    """Validate a raiseIncident request into a spec, or raise BadUserInputError."""
    if type_ is IncidentType.CUSTOM:
        if custom_type is None or not custom_type.strip():
            raise BadUserInputError(
                "type CUSTOM needs a customType naming the kind of incident", field="customType"
            )
    elif custom_type is not None:
        raise BadUserInputError(
            f"customType is only allowed with type CUSTOM, not {type_.value}; drop customType "
            "or set type: CUSTOM",
            field="customType",
        )
    try:
        urn = urns.incident_urn(caller_id)
    except urns.InvalidUrnError as exc:
        raise BadUserInputError(str(exc), field="id") from exc
    requested = ([resource_urn] if resource_urn is not None else []) + list(resource_urns or [])
    return RaiseSpec(
        urn=urn,
        caller_id=caller_id,
        type=type_,
        custom_type=_text("customType", custom_type, MAX_CUSTOM_TYPE),
        title=_text("title", title, MAX_TITLE),
        description=_text("description", description, MAX_DESCRIPTION),
        assets=check_assets(requested),
        source_type=source_type or IncidentSourceType.MANUAL,
        source_urn=check_source_urn(source_urn),
        priority=priority,
        assignees=check_assignees(assignee_urns or []),
        started_at=_check_started_at(started_at),
        status=check_status(status or StatusSpec(state=IncidentState.ACTIVE)),
    )


def build_update(
    *,
    title: str | Unset | None = UNSET,
    description: str | Unset | None = UNSET,
    priority: IncidentPriority | Unset | None = UNSET,
    started_at: int | Unset | None = UNSET,
    assignee_urns: list[str] | Unset | None = UNSET,
    resource_urns: list[str] | Unset | None = UNSET,
    status: StatusSpec | Unset | None = UNSET,
    lead: str | Unset | None = UNSET,
) -> UpdateSpec:
    """Validate an updateIncident request. Null lists and a null status mean "leave as is"."""
    spec = UpdateSpec(
        title=title if title is UNSET else _text("title", title, MAX_TITLE),
        description=(
            description
            if description is UNSET
            else _text("description", description, MAX_DESCRIPTION)
        ),
        priority=priority,
        started_at=started_at if started_at is UNSET else _check_started_at(started_at),
        assignees=(
            UNSET
            if assignee_urns is UNSET or assignee_urns is None
            else check_assignees(assignee_urns)
        ),
        assets=UNSET
        if resource_urns is UNSET or resource_urns is None
        else check_assets(resource_urns),
        status=UNSET if status is UNSET or status is None else check_status(status),
        lead=lead,
    )
    changed = tuple(
        name
        for name in (
            "title",
            "description",
            "priority",
            "started_at",
            "assignees",
            "assets",
            "status",
            "lead",
        )
        if getattr(spec, name) is not UNSET
    )
    if not changed:
        raise BadUserInputError("updateIncident needs at least one field to change")
    return UpdateSpec(
        title=spec.title,
        description=spec.description,
        priority=spec.priority,
        started_at=spec.started_at,
        assignees=spec.assignees,
        assets=spec.assets,
        status=spec.status,
        lead=spec.lead,
        changed=changed,
    )

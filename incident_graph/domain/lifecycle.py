"""Lifecycle rules beyond DataHub's status: stage aliases, resolution, lead, comments. Pure."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Final

from incident_graph import urns
from incident_graph.domain import limits
from incident_graph.domain.changes import IncidentChange, IncidentFields
from incident_graph.domain.enums import IncidentStage, IncidentState, RootCauseCategory
from incident_graph.domain.errors import BadUserInputError, ConflictError
from incident_graph.domain.incidents import RaiseSpec, RootCause, StatusSpec
from incident_graph.domain.text import check_optional_text, check_text

MAX_COMMENT: Final = limits.LONG_TEXT
MAX_ROOT_CAUSE_DETAIL: Final = limits.LONG_TEXT

# Other tools' stage names, accepted on input as `stageAlias` and stored as DataHub's stages.
# OpenMetadata's "Ack" also acknowledges the incident; "Assigned" means someone is on it.
STAGE_ALIASES: Final[dict[str, tuple[IncidentState, IncidentStage]]] = {
    # Soda
    "reported": (IncidentState.ACTIVE, IncidentStage.TRIAGE),
    "investigating": (IncidentState.ACTIVE, IncidentStage.INVESTIGATION),
    "fixing": (IncidentState.ACTIVE, IncidentStage.WORK_IN_PROGRESS),
    "resolved": (IncidentState.RESOLVED, IncidentStage.FIXED),
    # OpenMetadata
    "new": (IncidentState.ACTIVE, IncidentStage.TRIAGE),
    "ack": (IncidentState.ACTIVE, IncidentStage.TRIAGE),
    "assigned": (IncidentState.ACTIVE, IncidentStage.INVESTIGATION),
}
_ACKNOWLEDGING_ALIASES: Final = frozenset({"ack"})
_KNOWN_ALIASES: Final = "Reported, Investigating, Fixing, Resolved, New, Ack, Assigned"

_MENTION = re.compile(r"@(urn:li:corpuser:[^\s(),]+)")
_TRAILING = ".,;:!?'\""


def status_with_alias(
    *,
    state: IncidentState,
    stage: IncidentStage | None,
    stage_alias: str | None,
    message: str | None,
    root_cause: RootCause | None = None,
) -> StatusSpec:
    """A status from DataHub's fields plus an optional Soda or OpenMetadata stage name."""
    if stage_alias is None:
        return StatusSpec(state=state, stage=stage, message=message, root_cause=root_cause)
    key = stage_alias.strip().lower()
    if key not in STAGE_ALIASES:
        raise BadUserInputError(
            f"unknown stageAlias {stage_alias!r}; use one of {_KNOWN_ALIASES}",
            field="stageAlias",
        )
    alias_state, alias_stage = STAGE_ALIASES[key]
    if stage is not None and stage is not alias_stage:
        raise BadUserInputError(
            f"stageAlias {stage_alias!r} means stage {alias_stage.value}, but stage is "
            f"{stage.value}; give one of them",
            field="stageAlias",
        )
    if state is not alias_state:
        raise BadUserInputError(
            f"stageAlias {stage_alias!r} goes with state {alias_state.value}, not {state.value}",
            field="stageAlias",
        )
    return StatusSpec(
        state=state,
        stage=alias_stage,
        message=message,
        root_cause=root_cause,
        acknowledge=key in _ACKNOWLEDGING_ALIASES,
    )


def check_root_cause(category: RootCauseCategory, detail: str | None) -> RootCause:
    return RootCause(
        category=category,
        detail=check_optional_text("rootCause.detail", detail, MAX_ROOT_CAUSE_DETAIL),
    )


def check_lead(lead_urn: str | None) -> str | None:
    """A lead is one user (not a group); None clears the lead."""
    if lead_urn is None:
        return None
    try:
        entity = urns.parse_actor_urn(lead_urn)
    except urns.InvalidUrnError as exc:
        raise BadUserInputError(f"bad leadUrn: {exc}", field="leadUrn") from exc
    if entity != "CORP_USER":
        raise BadUserInputError(
            f"the lead is one person: give a urn:li:corpuser: URN, not {lead_urn!r}",
            field="leadUrn",
        )
    return lead_urn


def _moves_past_triage(status: StatusSpec) -> bool:
    if status.state is IncidentState.RESOLVED:
        return True
    return status.stage is not None and status.stage is not IncidentStage.TRIAGE


def plan_status(
    current: IncidentFields,
    status: StatusSpec,
    *,
    actor: str,
    now_ms: int,
    require_note: bool,
) -> IncidentChange:
    """What a status change sets, or BadUserInputError when it is refused."""
    note = status.message.strip() if status.message else ""
    resolving = status.state is IncidentState.RESOLVED
    if resolving and require_note and not note:
        raise BadUserInputError(
            "resolving an incident needs a resolution note: put what was done in `message` "
            "(the server runs with INCIDENT_GRAPH_REQUIRE_RESOLUTION_NOTE=true)",
            field="message",
        )
    change = IncidentChange(
        state=status.state,
        stage=status.stage,
        status_message=status.message,
        status_time_ms=now_ms,
        status_actor=actor,
    )
    if resolving:
        change = replace(change, resolution_note=status.message)
        if current.state is not IncidentState.RESOLVED:
            change = replace(change, resolved_ms=now_ms, resolved_actor=actor)
    elif current.state is IncidentState.RESOLVED:
        # Reopened: the resolution no longer holds; the timeline keeps the old one.
        change = replace(change, resolved_ms=None, resolved_actor=None, resolution_note=None)
    if status.root_cause is not None:
        change = change.then(root_cause_change(status.root_cause))
    if current.lead_urn is None and _moves_past_triage(status):
        change = replace(change, lead_urn=actor)
    if status.acknowledge and current.acknowledged_ms is None:
        change = replace(change, acknowledged_ms=now_ms, acknowledged_actor=actor)
    return change


def root_cause_change(root_cause: RootCause) -> IncidentChange:
    return IncidentChange(
        root_cause_category=root_cause.category, root_cause_detail=root_cause.detail
    )


def acknowledgement(*, actor: str, now_ms: int) -> IncidentChange:
    return IncidentChange(acknowledged_ms=now_ms, acknowledged_actor=actor)


def raised(spec: RaiseSpec, *, actor: str, now_ms: int, require_note: bool) -> IncidentFields:
    """A new incident's fields: the raise's own, with its status applied as a status change
    would apply it (a raise may already be resolved, or past triage and so led)."""
    blank = IncidentFields(
        title=spec.title,
        description=spec.description,
        priority=spec.priority,
        started_at_ms=spec.started_at,
        state=IncidentState.ACTIVE,
        stage=None,
        status_message=None,
        status_time_ms=now_ms,
        status_actor=actor,
    )
    return blank.after(
        plan_status(blank, spec.status, actor=actor, now_ms=now_ms, require_note=require_note)
    )


def check_comment(text: str) -> str:
    if not text.strip():
        raise BadUserInputError("a comment needs some text", field="text")
    return check_text("text", text, MAX_COMMENT)


def mentions(text: str) -> tuple[str, ...]:
    """The users a text @mentions by URN (`@urn:li:corpuser:jdoe`), in order, once each."""
    found: list[str] = []
    for match in _MENTION.finditer(text):
        urn = match.group(1).rstrip(_TRAILING)
        try:
            urns.parse_actor_urn(urn)
        except urns.InvalidUrnError:
            continue
        if urn not in found:
            found.append(urn)
    return tuple(found)


def check_expected_version(expected: int | None, current: int) -> None:
    """Refuse a change made against a version the incident has moved on from."""
    if expected is not None and expected != current:
        raise ConflictError(
            f"the incident is at version {current}, not {expected}: it changed since you read "
            "it; read it again and retry with expectedVersion set to the current version",
            currentVersion=current,
        )


def elapsed(start_ms: int, end_ms: int | None) -> int | None:
    return None if end_ms is None else max(0, end_ms - start_ms)

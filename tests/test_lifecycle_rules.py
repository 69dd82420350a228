"""The lifecycle's state machine as pure rules (domain/lifecycle.py, domain/changes.py), without
a server: what a status change sets, what a raise starts from, what the timeline records and
which notifications a change makes."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from incident_graph.domain.changes import (
    UNSET,
    IncidentChange,
    IncidentFields,
    notify_kinds,
    timeline_entry,
    timeline_values,
)
from incident_graph.domain.enums import (
    IncidentPriority,
    IncidentStage,
    IncidentState,
    RootCauseCategory,
)
from incident_graph.domain.errors import BadUserInputError, ConflictError
from incident_graph.domain.incidents import StatusSpec
from incident_graph.domain.lifecycle import (
    acknowledgement,
    check_comment,
    check_expected_version,
    check_lead,
    check_root_cause,
    elapsed,
    mentions,
    plan_status,
    root_cause_change,
    status_with_alias,
)
from incident_graph.domain.notifications import NotifyKind

ALICE = "urn:li:corpuser:alice"
BOB = "urn:li:corpuser:bob"
T0 = 1_700_000_000_000
T1 = T0 + 60_000


def _active(**overrides: Any) -> IncidentFields:
    fields = IncidentFields(
        title="orders late",
        description=None,
        priority=IncidentPriority.HIGH,
        started_at_ms=None,
        state=IncidentState.ACTIVE,
        stage=None,
        status_message=None,
        status_time_ms=T0,
        status_actor=ALICE,
    )
    return replace(fields, **overrides)


def _status(
    state: IncidentState, stage: IncidentStage | None = None, message: str | None = None
) -> StatusSpec:
    return status_with_alias(state=state, stage=stage, stage_alias=None, message=message)


def test_resolving_records_who_and_when_once() -> None:
    change = plan_status(
        _active(),
        _status(IncidentState.RESOLVED, message="backfilled"),
        actor=BOB,
        now_ms=T1,
        require_note=False,
    )
    after = _active().after(change)
    assert (after.state, after.resolved_ms, after.resolved_actor) == (
        IncidentState.RESOLVED,
        T1,
        BOB,
    )
    assert after.resolution_note == "backfilled"
    # Resolving again keeps the first resolution's time and person, updates the note.
    again = plan_status(
        after,
        _status(IncidentState.RESOLVED, message="and verified"),
        actor=ALICE,
        now_ms=T1 + 5,
        require_note=False,
    )
    assert again.resolved_ms is UNSET
    assert again.resolved_actor is UNSET
    assert after.after(again).resolution_note == "and verified"


def test_reopening_clears_the_resolution() -> None:
    resolved = _active(
        state=IncidentState.RESOLVED,
        resolved_ms=T0,
        resolved_actor=BOB,
        resolution_note="fixed",
        lead_urn=BOB,
    )
    change = plan_status(
        resolved, _status(IncidentState.ACTIVE), actor=ALICE, now_ms=T1, require_note=True
    )
    after = resolved.after(change)
    assert (after.resolved_ms, after.resolved_actor, after.resolution_note) == (None, None, None)
    assert after.lead_urn == BOB  # the lead stays


@pytest.mark.parametrize("message", [None, "", "   "])
def test_a_resolution_note_is_required_when_the_server_says_so(message: str | None) -> None:
    with pytest.raises(BadUserInputError) as refused:
        plan_status(
            _active(),
            _status(IncidentState.RESOLVED, message=message),
            actor=BOB,
            now_ms=T1,
            require_note=True,
        )
    assert refused.value.extensions["field"] == "message"
    # Without the setting an empty note is fine.
    plan_status(
        _active(),
        _status(IncidentState.RESOLVED, message=message),
        actor=BOB,
        now_ms=T1,
        require_note=False,
    )


@pytest.mark.parametrize(
    ("state", "stage", "leads"),
    [
        (IncidentState.ACTIVE, None, False),
        (IncidentState.ACTIVE, IncidentStage.TRIAGE, False),
        (IncidentState.ACTIVE, IncidentStage.INVESTIGATION, True),
        (IncidentState.ACTIVE, IncidentStage.WORK_IN_PROGRESS, True),
        (IncidentState.RESOLVED, None, True),
    ],
)
def test_whoever_moves_an_incident_past_triage_leads_it(
    state: IncidentState, stage: IncidentStage | None, leads: bool
) -> None:
    change = plan_status(_active(), _status(state, stage), actor=BOB, now_ms=T1, require_note=False)
    assert change.lead_urn == (BOB if leads else UNSET)
    # An incident with a lead keeps it.
    led = plan_status(
        _active(lead_urn=ALICE), _status(state, stage), actor=BOB, now_ms=T1, require_note=False
    )
    assert led.lead_urn is UNSET


def test_stage_aliases_map_to_datahub_stages_and_ack_acknowledges() -> None:
    ack = status_with_alias(
        state=IncidentState.ACTIVE, stage=None, stage_alias=" Ack ", message=None
    )
    assert (ack.stage, ack.acknowledge) == (IncidentStage.TRIAGE, True)
    change = plan_status(_active(), ack, actor=BOB, now_ms=T1, require_note=False)
    assert (change.acknowledged_ms, change.acknowledged_actor) == (T1, BOB)
    # Already acknowledged: the first acknowledgement stands.
    later = plan_status(
        _active(acknowledged_ms=T0, acknowledged_actor=ALICE),
        ack,
        actor=BOB,
        now_ms=T1,
        require_note=False,
    )
    assert later.acknowledged_ms is UNSET
    fixing = status_with_alias(
        state=IncidentState.ACTIVE, stage=None, stage_alias="fixing", message=None
    )
    assert (fixing.stage, fixing.acknowledge) == (IncidentStage.WORK_IN_PROGRESS, False)


@pytest.mark.parametrize(
    ("state", "stage", "alias", "wrong"),
    [
        (IncidentState.ACTIVE, None, "closed", "unknown stageAlias"),
        (IncidentState.ACTIVE, IncidentStage.TRIAGE, "fixing", "means stage WORK_IN_PROGRESS"),
        (IncidentState.ACTIVE, None, "resolved", "goes with state RESOLVED"),
    ],
)
def test_contradicting_stage_aliases_are_refused(
    state: IncidentState, stage: IncidentStage | None, alias: str, wrong: str
) -> None:
    with pytest.raises(BadUserInputError, match=wrong):
        status_with_alias(state=state, stage=stage, stage_alias=alias, message=None)


def test_root_cause_and_acknowledgement_changes() -> None:
    change = root_cause_change(
        check_root_cause(RootCauseCategory.UPSTREAM_FAILURE, "the vendor feed was empty")
    )
    assert change.values() == {
        "root_cause_category": RootCauseCategory.UPSTREAM_FAILURE,
        "root_cause_detail": "the vendor feed was empty",
    }
    assert acknowledgement(actor=BOB, now_ms=T1).values() == {
        "acknowledged_ms": T1,
        "acknowledged_actor": BOB,
    }


def test_a_status_change_with_a_root_cause_sets_both() -> None:
    status = status_with_alias(
        state=IncidentState.RESOLVED,
        stage=IncidentStage.FIXED,
        stage_alias=None,
        message="reran",
        root_cause=check_root_cause(RootCauseCategory.CODE_CHANGE, None),
    )
    change = plan_status(_active(), status, actor=BOB, now_ms=T1, require_note=True)
    assert change.root_cause_category is RootCauseCategory.CODE_CHANGE
    assert change.root_cause_detail is None
    assert change.stage is IncidentStage.FIXED


def test_the_timeline_records_old_and_new_values_by_their_public_names() -> None:
    current = _active()
    change = plan_status(
        current,
        _status(IncidentState.ACTIVE, IncidentStage.INVESTIGATION, "looking"),
        actor=BOB,
        now_ms=T1,
        require_note=False,
    )
    old, new = timeline_entry(current, change)
    assert old == {"state": "ACTIVE", "stage": None, "message": None, "lead": None}
    assert new == {"state": "ACTIVE", "stage": "INVESTIGATION", "message": "looking", "lead": BOB}
    # The status time and actor are the event's own, not tracked fields.
    assert "status_time_ms" not in new
    assert set(timeline_values(current)) >= {"title", "priority", "resolvedAt", "lead"}


def test_notifications_a_change_makes() -> None:
    current = _active()
    investigating = plan_status(
        current,
        _status(IncidentState.ACTIVE, IncidentStage.INVESTIGATION),
        actor=BOB,
        now_ms=T1,
        require_note=False,
    )
    # The lead the rules set on their own is part of the status change, not an assignment.
    assert notify_kinds(current, investigating) == [NotifyKind.INCIDENT_STATUS_CHANGE]
    assert notify_kinds(current, IncidentChange(lead_urn=BOB), lead_given=True) == [
        NotifyKind.INCIDENT_ASSIGNED
    ]
    assert notify_kinds(
        current, IncidentChange(), assignees_before=[ALICE], assignees_after=[ALICE, BOB]
    ) == [NotifyKind.INCIDENT_ASSIGNED]
    assert (
        notify_kinds(current, IncidentChange(), assignees_before=[ALICE], assignees_after=[ALICE])
        == []
    )
    assert notify_kinds(current, IncidentChange(priority=IncidentPriority.CRITICAL)) == [
        NotifyKind.INCIDENT_PRIORITY_CHANGE
    ]
    # Setting what is already there notifies nobody.
    assert notify_kinds(current, IncidentChange(priority=IncidentPriority.HIGH)) == []


def test_later_changes_win_when_combined() -> None:
    first = IncidentChange(title="a", priority=IncidentPriority.LOW)
    combined = first.then(IncidentChange(title="b"))
    assert combined.values() == {"title": "b", "priority": IncidentPriority.LOW}
    assert combined.sets("title")
    assert not combined.sets("description")


def test_leads_comments_mentions_versions_and_durations() -> None:
    assert check_lead(None) is None
    assert check_lead(ALICE) == ALICE
    with pytest.raises(BadUserInputError, match="one person"):
        check_lead("urn:li:corpGroup:data-eng")
    with pytest.raises(BadUserInputError, match="bad leadUrn"):
        check_lead("alice")
    with pytest.raises(BadUserInputError, match="some text"):
        check_comment("  \n")
    assert mentions(f"ask @{ALICE}, then @{BOB}. @{ALICE} again; @urn:li:corpuser:") == (
        ALICE,
        BOB,
    )
    check_expected_version(None, 3)
    check_expected_version(3, 3)
    with pytest.raises(ConflictError, match="version 4, not 3"):
        check_expected_version(3, 4)
    assert elapsed(T0, None) is None
    assert elapsed(T1, T0) == 0  # a clock that stepped back never gives a negative duration
    assert elapsed(T0, T1) == 60_000

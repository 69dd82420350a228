"""Incident rules (pure): raise and update validation, fingerprints, health, paging."""

from __future__ import annotations

from typing import Any

import pytest

from incident_graph.domain import incidents as rules
from incident_graph.domain.changes import UNSET
from incident_graph.domain.enums import IncidentPriority, IncidentState, IncidentType
from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.health import ActiveIncidents, incident_health
from incident_graph.domain.paging import page

DATASET = "urn:li:dataset:(urn:li:dataPlatform:kafka,t,PROD)"


def _raise(**overrides: Any) -> rules.RaiseSpec:
    fields: dict[str, Any] = {
        "caller_id": None,
        "type_": IncidentType.OPERATIONAL,
        "custom_type": None,
        "title": "t",
        "description": None,
        "resource_urn": DATASET,
        "resource_urns": None,
        "source_type": None,
        "source_urn": None,
        "priority": None,
        "assignee_urns": None,
        "started_at": None,
        "status": None,
    } | overrides
    return rules.build_raise(**fields)


def test_raise_defaults_and_asset_union() -> None:
    spec = _raise(resource_urns=["urn:li:chart:(a,b)", DATASET])
    assert [a.urn for a in spec.assets] == [DATASET, "urn:li:chart:(a,b)"]
    assert spec.status.state is IncidentState.ACTIVE
    assert spec.source_type.value == "MANUAL"
    assert spec.urn.startswith("urn:li:incident:")


def test_fingerprint_depends_on_content_only() -> None:
    a = _raise(caller_id="k", title="x", priority=IncidentPriority.HIGH)
    b = _raise(caller_id="k", title="x", priority=IncidentPriority.HIGH)
    c = _raise(caller_id="k", title="y", priority=IncidentPriority.HIGH)
    assert a.urn == b.urn == "urn:li:incident:k"
    assert a.fingerprint() == b.fingerprint() != c.fingerprint()


def test_duplicate_assignees_collapse_and_limits_hold() -> None:
    spec = _raise(assignee_urns=["urn:li:corpuser:a", "urn:li:corpuser:a"])
    assert spec.assignees == ("urn:li:corpuser:a",)
    with pytest.raises(BadUserInputError, match="at most 100 assets"):
        _raise(resource_urns=[f"urn:li:dataset:(p{i})" for i in range(101)])


def test_update_keeps_omitted_fields() -> None:
    spec = rules.build_update(title="new", assignee_urns=[])
    assert spec.changed == ("title", "assignees")
    assert spec.description is UNSET
    assert spec.assignees == ()
    null_lists = rules.build_update(title=None, assignee_urns=None, resource_urns=None)
    assert null_lists.changed == ("title",)
    with pytest.raises(BadUserInputError, match="at least one field"):
        rules.build_update()


def test_health_rules() -> None:
    failing = incident_health(ActiveIncidents(count=3, latest_urn="u"))
    assert (failing.failing, failing.message, failing.causes) == (
        True,
        "3 active incident(s)",
        ("ACTIVE_INCIDENTS",),
    )
    passing = incident_health(ActiveIncidents(count=0))
    assert (passing.failing, passing.causes) == (False, ())


def test_paging_rules() -> None:
    assert page(None, None) == page(0, 20)
    with pytest.raises(BadUserInputError):
        page(-1, 1)
    with pytest.raises(BadUserInputError):
        page(0, 1001)

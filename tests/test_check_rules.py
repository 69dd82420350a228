"""Check rules (pure): validation with limits, policy inheritance, and what a result does."""

from __future__ import annotations

import pytest

from incident_graph.config import Settings, SettingsError
from incident_graph.domain import checks as rules
from incident_graph.domain.checks import Action, CheckPolicy, PolicyOverrides, ResultStatus
from incident_graph.domain.enums import IncidentPriority
from incident_graph.domain.errors import BadUserInputError

DATASET = "urn:li:dataset:(urn:li:dataPlatform:snowflake,db.orders,PROD)"


def _check(**overrides: object) -> rules.CheckSpec:
    fields: dict[str, object] = {
        "urn": None,
        "asset_urn": DATASET,
        "name": "orders not null",
        "type_": rules.CheckType.FIELD,
    } | overrides
    return rules.build_check(**fields)  # type: ignore[arg-type]


def test_asset_and_name_give_a_stable_urn() -> None:
    first, again = _check(), _check()
    assert first.urn == again.urn
    assert first.urn.startswith("urn:li:assertion:")
    assert _check(name="other").urn != first.urn


@pytest.mark.parametrize(
    ("overrides", "wrong"),
    [
        ({"asset_urn": None}, "give checkUrn, or assetUrn and checkName"),
        ({"urn": "urn:li:dataset:x"}, "urn:li:assertion:<id>"),
        ({"urn": "urn:li:assertion:" + "x" * 201}, "at most 200"),
        ({"asset_urn": "urn:li:incident:x"}, "bad asset URN"),
        ({"name": " "}, "cannot be blank"),
        ({"name": "n" * 501}, "the limit is 500"),
        ({"external_url": "ftp://x"}, "http:// or https://"),
    ],
)
def test_bad_checks(overrides: dict[str, object], wrong: str) -> None:
    with pytest.raises(BadUserInputError, match=wrong.replace("(", r"\(").replace(")", r"\)")):
        _check(**overrides)


def test_bad_results_and_batches() -> None:
    check = _check()
    with pytest.raises(BadUserInputError, match="runId cannot be blank"):
        rules.build_result(check=check, run_id=" ", time_ms=1, status=ResultStatus.FAIL)
    with pytest.raises(BadUserInputError, match="cannot be negative"):
        rules.build_result(check=check, run_id="r", time_ms=-1, status=ResultStatus.FAIL)
    with pytest.raises(BadUserInputError, match="the limit is 1000"):
        rules.build_result(
            check=check, run_id="r", time_ms=1, status=ResultStatus.FAIL, observed="9" * 1001
        )
    one = rules.build_result(check=check, run_id="r", time_ms=1, status=ResultStatus.FAIL)
    rules.check_batch([one] * 1000)
    with pytest.raises(BadUserInputError, match="1001 results in one request"):
        rules.check_batch([one] * 1001)
    with pytest.raises(BadUserInputError, match="at least one"):
        rules.check_batch([])


def test_policy_inherits_what_a_check_leaves_unset() -> None:
    default = CheckPolicy(priority=IncidentPriority.LOW, assignees=("urn:li:corpuser:a",))
    own = PolicyOverrides(raise_on_warn=True, auto_resolve=True, assignees=())
    assert own.over(default) == CheckPolicy(
        raise_on_fail=True,
        raise_on_warn=True,
        priority=IncidentPriority.LOW,
        auto_resolve=True,
        assignees=(),
    )
    assert PolicyOverrides().over(default) == default
    with pytest.raises(BadUserInputError, match="bad assignee"):
        rules.build_policy(
            raise_on_fail=None,
            raise_on_warn=None,
            priority=None,
            auto_resolve=None,
            assignee_urns=["bob"],
        )


@pytest.mark.parametrize(
    ("status", "policy", "active", "newest", "action"),
    [
        (ResultStatus.FAIL, CheckPolicy(), False, True, Action.RAISE),
        (ResultStatus.FAIL, CheckPolicy(), True, True, Action.ATTACH),
        (ResultStatus.FAIL, CheckPolicy(), False, False, Action.NOTHING),
        (ResultStatus.FAIL, CheckPolicy(), True, False, Action.ATTACH),
        (ResultStatus.FAIL, CheckPolicy(raise_on_fail=False), False, True, Action.NOTHING),
        (ResultStatus.WARN, CheckPolicy(), False, True, Action.NOTHING),
        (ResultStatus.WARN, CheckPolicy(raise_on_warn=True), False, True, Action.RAISE),
        (ResultStatus.PASS, CheckPolicy(), True, True, Action.NOTHING),
        (ResultStatus.PASS, CheckPolicy(auto_resolve=True), True, True, Action.RESOLVE),
        (ResultStatus.PASS, CheckPolicy(auto_resolve=True), True, False, Action.NOTHING),
        (ResultStatus.PASS, CheckPolicy(auto_resolve=True), False, True, Action.NOTHING),
        (ResultStatus.ERROR, CheckPolicy(auto_resolve=True), True, True, Action.NOTHING),
    ],
)
def test_decide(
    status: ResultStatus, policy: CheckPolicy, active: bool, newest: bool, action: Action
) -> None:
    assert rules.decide(status, policy, active=active, newest=newest) is action
    if not rules.touches_incidents(status, policy):
        # A result that touches no incident decides the same whether one is active or not.
        assert rules.decide(status, policy, active=not active, newest=newest) is Action.NOTHING


def test_default_policy_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "INCIDENT_GRAPH_CHECK_RAISE_ON_WARN": "true",
            "INCIDENT_GRAPH_CHECK_PRIORITY": "high",
            "INCIDENT_GRAPH_CHECK_ASSIGNEES": "urn:li:corpuser:a, urn:li:corpGroup:data",
        }
    )
    assert settings.check_policy == CheckPolicy(
        raise_on_warn=True,
        priority=IncidentPriority.HIGH,
        assignees=("urn:li:corpuser:a", "urn:li:corpGroup:data"),
    )
    with pytest.raises(SettingsError, match="use one of"):
        Settings.from_env({"INCIDENT_GRAPH_CHECK_PRIORITY": "urgent"})
    with pytest.raises(SettingsError, match="bad assignee"):
        Settings.from_env({"INCIDENT_GRAPH_CHECK_ASSIGNEES": "bob"})


def test_a_raised_description_fits_whatever_the_message() -> None:
    check = _check()
    long = rules.build_result(
        check=check, run_id="r", time_ms=1, status=ResultStatus.FAIL, message="m" * 50_000
    )
    assert len(rules.incident_description(long)) == rules.MAX_DESCRIPTION

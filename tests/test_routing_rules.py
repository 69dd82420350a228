"""Notification routing and on-call as pure rules (domain/notifications.py, domain/oncall.py):
which policy an event matches, quiet hours, retry backoff and who is on call, without a server."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import pytest

from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.notifications import (
    EventFacts,
    PolicyMatch,
    QuietHours,
    backoff_ms,
    build_policy,
    matches,
    quiet_until,
)
from incident_graph.domain.oncall import build_override, build_rotation, on_call

ALICE = "urn:li:corpuser:alice"
BOB = "urn:li:corpuser:bob"
CAROL = "urn:li:corpuser:carol"
ORDERS = "urn:li:dataset:(urn:li:dataPlatform:snowflake,orders,PROD)"


def _ms(text: str) -> int:
    return int(datetime.fromisoformat(text).astimezone(UTC).timestamp() * 1000)


def _facts(**overrides: object) -> EventFacts:
    fields: dict[str, object] = {
        "kind": "INCIDENT_RAISED",
        "priority": "HIGH",
        "incident_type": "FRESHNESS",
        "platforms": frozenset({"snowflake"}),
        "asset_urns": frozenset({ORDERS}),
        "tags": frozenset({"pii"}),
    } | overrides
    return EventFacts(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("match", "expected"),
    [
        (PolicyMatch(), True),
        (PolicyMatch(priorities=("HIGH", "CRITICAL")), True),
        (PolicyMatch(priorities=("LOW",)), False),
        (PolicyMatch(platforms=("bigquery", "snowflake")), True),
        (PolicyMatch(platforms=("bigquery",)), False),
        (PolicyMatch(asset_urns=(ORDERS,), tags=("pii",)), True),
        # Every non-empty list must be met, not just one of them.
        (PolicyMatch(asset_urns=(ORDERS,), tags=("finance",)), False),
        (PolicyMatch(event_types=("INCIDENT_STATUS_CHANGE",)), False),
    ],
)
def test_a_policy_matches_when_every_list_it_sets_is_met(
    match: PolicyMatch, *, expected: bool
) -> None:
    assert matches(match, _facts()) is expected


def test_an_event_without_priority_matches_only_policies_without_one() -> None:
    assert matches(PolicyMatch(), _facts(priority=None))
    assert not matches(PolicyMatch(priorities=("LOW",)), _facts(priority=None))


def test_policies_are_checked_field_by_field() -> None:
    policy = build_policy(
        name=" on-call ",
        priorities=["HIGH", "HIGH"],
        tags=["urn:li:tag:pii", " "],
        user_urns=[ALICE],
        quiet_start="22:00",
        quiet_end="07:00",
    )
    assert policy.name == "on-call"
    assert policy.match.priorities == ("HIGH",)
    assert policy.match.tags == ("pii",)
    assert policy.quiet == QuietHours(start="22:00", end="07:00", time_zone="UTC")
    for kwargs, field in [
        ({"user_urns": [ALICE], "priorities": ["URGENT"]}, "priorities"),
        ({}, "channelIds"),
        ({"user_urns": ["alice"]}, "userUrns"),
        ({"channel_ids": [1], "quiet_start": "25:00", "quiet_end": "07:00"}, "quietStart"),
        ({"channel_ids": [1], "quiet_start": "07:00", "quiet_end": "07:00"}, "quietEnd"),
        (
            {
                "channel_ids": [1],
                "quiet_start": "22:00",
                "quiet_end": "07:00",
                "quiet_time_zone": "Mars/Olympus",
            },
            "timeZone",
        ),
    ]:
        with pytest.raises(BadUserInputError) as refused:
            build_policy(name="p", **kwargs)  # type: ignore[arg-type]
        assert refused.value.extensions.get("field") == field, kwargs


def test_quiet_hours_hold_events_until_the_window_closes_in_its_time_zone() -> None:
    night = QuietHours(start="22:00", end="07:00", time_zone="Europe/Paris")
    # 23:30 in Paris (UTC+1 in December): held until 07:00 Paris the next morning.
    late = _ms("2026-12-04T23:30:00+01:00")
    assert quiet_until(night, priority="HIGH", now_ms=late) == _ms("2026-12-05T07:00:00+01:00")
    # 03:00 is inside too and opens the same morning.
    early = _ms("2026-12-05T03:00:00+01:00")
    assert quiet_until(night, priority="LOW", now_ms=early) == _ms("2026-12-05T07:00:00+01:00")
    # Outside the window, and CRITICAL at any time, go at once.
    assert quiet_until(night, priority="HIGH", now_ms=_ms("2026-12-05T12:00:00+01:00")) is None
    assert quiet_until(night, priority="CRITICAL", now_ms=late) is None
    assert quiet_until(None, priority="HIGH", now_ms=late) is None
    # A window within one day.
    lunch = QuietHours(start="12:00", end="13:00", time_zone="UTC")
    assert quiet_until(lunch, priority=None, now_ms=_ms("2026-12-05T12:59:00+00:00")) == _ms(
        "2026-12-05T13:00:00+00:00"
    )
    assert quiet_until(lunch, priority=None, now_ms=_ms("2026-12-05T13:00:00+00:00")) is None


def test_backoff_doubles_up_to_its_cap_with_half_of_it_random() -> None:
    rng = random.Random(7)  # noqa: S311 - jitter, not secrets; seeded to repeat
    for attempts, delay in [(1, 1_000), (2, 2_000), (3, 4_000), (10, 30_000)]:
        picks = [backoff_ms(attempts, base_ms=1_000, max_ms=30_000, rng=rng) for _ in range(200)]
        assert delay / 2 <= min(picks) <= max(picks) <= delay
        assert max(picks) - min(picks) > delay / 4  # the jitter spreads retries out


def test_the_rotation_hands_over_at_local_time_through_daylight_saving() -> None:
    rotation = build_rotation(
        name="data on-call",
        members=[ALICE, BOB, CAROL],
        handoff="09:00",
        length_days=7,
        time_zone_name="Europe/Paris",
        start_date="2026-10-19",
        today=date(2026, 10, 19),
    )
    assert on_call(rotation, [], _ms("2026-10-19T09:00:00+02:00")) == (ALICE, False)
    assert on_call(rotation, [], _ms("2026-10-26T08:59:00+01:00")) == (ALICE, False)
    # Summer time ended on 25 October: the handoff is still at 09:00 local.
    assert on_call(rotation, [], _ms("2026-10-26T09:00:00+01:00")) == (BOB, False)
    assert on_call(rotation, [], _ms("2026-11-02T09:00:00+01:00")) == (CAROL, False)
    assert on_call(rotation, [], _ms("2026-11-09T09:00:00+01:00")) == (ALICE, False)
    cover = build_override(
        user_urn=CAROL,
        start_ms=_ms("2026-10-20T00:00:00+02:00"),
        end_ms=_ms("2026-10-21T00:00:00+02:00"),
    )
    assert on_call(rotation, [cover], _ms("2026-10-20T12:00:00+02:00")) == (CAROL, True)
    assert on_call(rotation, [cover], _ms("2026-10-21T12:00:00+02:00")) == (ALICE, False)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"members": []}, "members"),
        ({"members": [ALICE, ALICE]}, "members"),
        ({"members": ["urn:li:corpGroup:data"]}, "members"),
        ({"handoff": "9am"}, "handoffTime"),
        ({"length_days": 0}, "lengthDays"),
        ({"time_zone_name": "Nowhere/Else"}, "timeZone"),
        ({"start_date": "19/10/2026"}, "startDate"),
    ],
)
def test_bad_rotations_are_refused_naming_the_field(kwargs: dict[str, object], field: str) -> None:
    fields: dict[str, object] = {
        "name": "r",
        "members": [ALICE],
        "handoff": "09:00",
        "length_days": 7,
        "time_zone_name": "UTC",
        "start_date": None,
        "today": date(2026, 12, 5),
    } | kwargs
    with pytest.raises(BadUserInputError) as refused:
        build_rotation(**fields)  # type: ignore[arg-type]
    assert refused.value.extensions["field"] == field
    with pytest.raises(BadUserInputError, match="after start"):
        build_override(user_urn=ALICE, start_ms=10, end_ms=10)

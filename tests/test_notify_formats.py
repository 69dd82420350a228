"""Destination formats (snapshots of the Slack and Teams payloads) and the pure routing rules."""

from __future__ import annotations

import json
import os
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.notifications import (
    EventFacts,
    NotifyKind,
    PolicyMatch,
    QuietHours,
    backoff_ms,
    build_policy,
    matches,
    quiet_until,
)
from incident_graph.notify.destinations import Message, email, slack, teams, webhook

SNAPSHOTS = Path(__file__).parent / "snapshots"
INCIDENT = "urn:li:incident:0b1c2d3e-0000-4000-8000-000000000001"

PAYLOAD: dict[str, Any] = {
    "event": "NEW_INCIDENT",
    "eventId": 7,
    "time": 1_764_000_000_000,
    "actor": "urn:li:corpuser:jdoe",
    "incident": {
        "urn": INCIDENT,
        "title": "Orders table is 6 hours late",
        "description": "The nightly load did not run.",
        "type": "FRESHNESS",
        "customType": None,
        "priority": "HIGH",
        "state": "ACTIVE",
        "stage": "TRIAGE",
        "message": None,
        "lead": None,
        "assignees": [],
        "created": 1_764_000_000_000,
        "link": "https://incidents.example.com/incidents/urn:li:incident:0b1c",
    },
    "assets": [
        {
            "urn": "urn:li:dataset:(urn:li:dataPlatform:snowflake,db.orders,PROD)",
            "name": "db.orders",
            "platform": "snowflake",
            "type": "DATASET",
        }
    ],
    "asset": {
        "urn": "urn:li:dataset:(urn:li:dataPlatform:snowflake,db.orders,PROD)",
        "name": "db.orders",
        "platform": "snowflake",
        "type": "DATASET",
    },
    "owners": ["urn:li:corpuser:ana", "urn:li:corpGroup:data-eng"],
    "downstreamOwners": [
        {"owner": "urn:li:corpuser:dan", "asset": "urn:li:dashboard:(looker,sales)", "depth": 1}
    ],
    "subscribers": [],
    "extra": {},
}


def message(**config: Any) -> Message:
    return Message(
        delivery_id=42,
        event_id=7,
        kind=NotifyKind.NEW_INCIDENT,
        payload=PAYLOAD,
        recipients=("urn:li:corpuser:ana", "urn:li:corpGroup:data-eng", "urn:li:corpuser:dan"),
        config={"url": "https://hooks.example.com/x"} | config,
    )


def check_snapshot(name: str, actual: dict[str, Any]) -> None:
    path = SNAPSHOTS / name
    text = json.dumps(actual, indent=2, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.write_text(text)
    assert path.exists(), f"{path} missing; run with UPDATE_SNAPSHOTS=1 to write it"
    assert text == path.read_text(), f"{name} changed; review, then UPDATE_SNAPSHOTS=1"


def test_slack_block_kit_snapshot() -> None:
    members = {"urn:li:corpuser:ana": "U024BE7LH"}
    check_snapshot("slack_new_incident.json", slack.format_message(message(member_ids=members)))


def test_teams_adaptive_card_snapshot() -> None:
    members = {"urn:li:corpuser:ana": "29:1abc"}
    check_snapshot("teams_new_incident.json", teams.format_message(message(member_ids=members)))


def test_webhook_signature_and_soda_names() -> None:
    raw, headers = webhook.encode(message(secret="0123456789abcdef"), now_s=1_764_000_000)
    assert headers["X-Incident-Graph-Timestamp"] == "1764000000"
    assert headers["X-Incident-Graph-Signature"] == webhook.sign(
        "0123456789abcdef", "1764000000", raw
    )
    body = json.loads(raw)
    assert (body["event"], body["eventType"], body["deliveryId"]) == (
        "NEW_INCIDENT",
        "NEW_INCIDENT",
        42,
    )
    soda = Message(
        delivery_id=1,
        event_id=7,
        kind=NotifyKind.INCIDENT_COMMENT,
        payload=PAYLOAD,
        recipients=(),
        config={"url": "https://x.io"},
        soda_event_names=True,
    )
    raw, headers = webhook.encode(soda)
    assert json.loads(raw)["event"] == "incidentUpdated"
    assert "X-Incident-Graph-Signature" not in headers


def test_email_addresses_and_subject() -> None:
    sent = message(
        smtp_from="alerts@example.com",
        recipients=["ops@example.com"],
        user_email_domain="example.com",
    )
    mail = email.compose(sent, sender="alerts@example.com", to=email.addresses(sent))
    assert mail["To"] == "ops@example.com, ana@example.com, dan@example.com"
    assert mail["Subject"] == "[HIGH] New incident: Orders table is 6 hours late"


def facts(**overrides: Any) -> EventFacts:
    base: dict[str, Any] = {
        "kind": "NEW_INCIDENT",
        "priority": "HIGH",
        "incident_type": "FRESHNESS",
        "platforms": frozenset({"snowflake"}),
        "asset_urns": frozenset({"urn:li:dataset:(urn:li:dataPlatform:snowflake,db.orders,PROD)"}),
        "tags": frozenset({"pii"}),
    }
    return EventFacts(**(base | overrides))


def test_policy_matching() -> None:
    assert matches(PolicyMatch(), facts())
    assert matches(PolicyMatch(priorities=("HIGH", "CRITICAL"), tags=("pii",)), facts())
    assert not matches(PolicyMatch(priorities=("CRITICAL",)), facts())
    assert not matches(PolicyMatch(platforms=("kafka",)), facts())
    assert not matches(PolicyMatch(event_types=("INCIDENT_COMMENT",)), facts())
    assert not matches(PolicyMatch(priorities=("LOW",)), facts(priority=None))


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).astimezone(UTC).timestamp() * 1000)


def test_quiet_hours_over_midnight_in_a_time_zone() -> None:
    night = QuietHours("22:00", "07:00", "Europe/Paris")
    # 23:30 in Paris (UTC+1 in winter): held until 07:00 Paris the next morning.
    held = quiet_until(night, priority="LOW", now_ms=ms("2026-11-25T22:30:00+00:00"))
    assert held == ms("2026-11-26T07:00:00+01:00")
    assert quiet_until(night, priority="CRITICAL", now_ms=ms("2026-11-25T22:30:00+00:00")) is None
    assert quiet_until(night, priority="LOW", now_ms=ms("2026-11-25T12:00:00+00:00")) is None
    # 05:00 Paris: held until 07:00 the same morning.
    assert quiet_until(night, priority=None, now_ms=ms("2026-11-26T04:00:00+00:00")) == ms(
        "2026-11-26T07:00:00+01:00"
    )


def test_backoff_grows_with_jitter_and_a_cap() -> None:
    rng = random.Random(1)  # noqa: S311 - a seeded jitter source, not cryptography
    delays = [backoff_ms(n, base_ms=1000, max_ms=60_000, rng=rng) for n in range(1, 10)]
    for n, delay in enumerate(delays, start=1):
        full = min(60_000, 1000 * 2 ** (n - 1))
        assert full / 2 <= delay <= full
    assert max(delays) <= 60_000


def test_policy_needs_a_target() -> None:
    with pytest.raises(BadUserInputError, match="somewhere to send"):
        build_policy(name="p")
    with pytest.raises(BadUserInputError, match="eventTypes"):
        build_policy(name="p", channel_ids=[1], event_types=["NOPE"])


def test_slack_and_teams_name_the_failing_check() -> None:
    result = {
        "id": 3,
        "check": "urn:li:assertion:soda.a1",
        "checkName": "row_count > 0",
        "runId": "nightly@2024-05-15",
        "status": "FAIL",
        "time": 1_764_000_000_000,
        "observedValue": "0",
        "threshold": None,
        "message": None,
        "url": "https://ci.example.com/runs/9",
    }
    raised = Message(
        delivery_id=42,
        event_id=7,
        kind=NotifyKind.NEW_INCIDENT,
        payload=PAYLOAD | {"extra": {"checkResult": result}},  # type: ignore[arg-type]
        recipients=(),
        config={"url": "https://hooks.example.com/x"},
    )
    line = "row_count > 0: FAIL in run nightly@2024-05-15 (observed 0)"
    blocks = slack.format_message(raised)["blocks"]
    assert {
        "type": "mrkdwn",
        "text": f"*Failing check*: {line} <https://ci.example.com/runs/9|run>",
    } in [b.get("text") for b in blocks]
    facts = teams.format_message(raised)["attachments"][0]["content"]["body"][1]["facts"]
    assert {"title": "Failing check", "value": line} in facts

"""Delivery end to end: channels and policies over GraphQL, real receivers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

from helpers import DATASET, Api
from notify_receivers import http_receiver, smtp_receiver

from incident_graph.domain.enums import Role

FAST = {
    # The receivers listen on 127.0.0.1: loopback must be allowed explicitly.
    "notify_allow_private_networks": True,
    "notify_poll_ms": 10,
    "notify_backoff_base_ms": 10,
    "notify_backoff_max_ms": 50,
    "notify_max_attempts": 5,
}
SECRET = "s3cret-s3cret-s3cret"
DOWNSTREAM = "urn:li:dashboard:(looker,sales)"

CHANNEL = """mutation($n: String!, $d: NotificationDestinationInput!) {
  createNotificationChannel(name: $n, destination: $d) { id name kind url signed sodaEventNames }
}"""
POLICY = """mutation($i: NotificationPolicyInput!) {
  createNotificationPolicy(input: $i) { id name priorities channelIds userUrns quietHours { start end timeZone } }
}"""
DELIVERIES = """query($s: DeliveryStatus) { deliveries(status: $s, count: 1000) {
  total deliveries { id status attempts lastError eventType incidentUrn recipients nextAttemptAt
    channel { name kind } attemptLog { outcome httpStatus error } } } }"""
REDELIVER = "mutation($d: ID!) { redeliver(deliveryId: $d) { id status attempts } }"
STATUS = (
    "mutation($u: String!, $i: IncidentStatusInput!) { updateIncidentStatus(urn: $u, input: $i) }"
)
UPSERT = "mutation($i: [AssetInput!]!) { upsertAssets(input: $i) { created updated } }"

ApiWith = Callable[..., AbstractAsyncContextManager[Api]]


def verify(secret: str, headers: dict[str, str], body: bytes, tolerance_s: int = 300) -> bool:
    """The README's signature check, verbatim."""
    timestamp = headers["x-incident-graph-timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance_s:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest(
        "sha256=" + expected.hexdigest(), headers["x-incident-graph-signature"]
    )


async def channel(api: Api, name: str, **destination: Any) -> str:
    data = await api.gql(CHANNEL, {"n": name, "d": destination})
    return str(data["createNotificationChannel"]["id"])


async def policy(api: Api, name: str, channels: list[str], **match: Any) -> dict[str, Any]:
    data = await api.gql(POLICY, {"i": {"name": name, "channelIds": channels} | match})
    return data["createNotificationPolicy"]  # type: ignore[no-any-return]


async def deliveries(api: Api, status: str | None = None) -> list[dict[str, Any]]:
    data = await api.gql(DELIVERIES, {"s": status})
    return data["deliveries"]["deliveries"]  # type: ignore[no-any-return]


async def until(check: Callable[[], Any], timeout: float = 20) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


async def catalog(api: Api) -> None:
    """The incident's dataset has an owner; a dashboard downstream of it has another."""
    await api.gql(
        UPSERT,
        {
            "i": [
                {"urn": DATASET, "owners": [{"ownerUrn": "urn:li:corpuser:ana"}], "tags": ["pii"]},
                {
                    "urn": DOWNSTREAM,
                    "owners": [{"ownerUrn": "urn:li:corpuser:dan"}],
                    "upstreamUrns": [DATASET],
                },
            ]
        },
    )


async def test_signed_webhook_carries_the_event(api_with: ApiWith) -> None:
    async with api_with(**FAST) as api, http_receiver() as receiver:
        await catalog(api)
        hook = await channel(api, "ops", kind="WEBHOOK", url=receiver.url(), secret=SECRET)
        await policy(api, "all", [hook])
        urn = await api.raise_incident(title="Late", priority="HIGH")
        await until(lambda: receiver.accepted)
        [request] = receiver.requests
        assert verify(SECRET, request.headers, request.body)
        assert not verify("another-secret-xx", request.headers, request.body)
        body = json.loads(request.body)
        assert body["event"] == "NEW_INCIDENT"
        assert body["incident"]["urn"] == urn
        assert body["incident"]["priority"] == "HIGH"
        assert body["incident"]["link"].endswith("/incidents/" + urn)
        assert body["asset"]["urn"] == DATASET
        assert body["owners"] == ["urn:li:corpuser:ana"]
        assert body["downstreamOwners"] == [
            {"owner": "urn:li:corpuser:dan", "asset": DOWNSTREAM, "depth": 1}
        ]
        assert body["actor"] == "urn:li:corpuser:editor-user"
        assert request.headers["x-incident-graph-delivery"] == str(body["deliveryId"])
        [delivery] = await until(lambda: deliveries(api, "DELIVERED"))
        assert delivery["attempts"] == 1
        assert delivery["recipients"] == ["urn:li:corpuser:ana", "urn:li:corpuser:dan"]
        assert [a["httpStatus"] for a in delivery["attemptLog"]] == [200]


async def test_three_failures_then_one_accepted_delivery(api_with: ApiWith) -> None:
    async with (
        api_with(**FAST) as api,
        http_receiver(respond=lambda n: 500 if n < 3 else 200) as receiver,
    ):
        hook = await channel(api, "flaky", kind="WEBHOOK", url=receiver.url())
        await policy(api, "all", [hook])
        await api.raise_incident()
        [delivery] = await until(lambda: deliveries(api, "DELIVERED"))
        assert len(receiver.accepted) == 1
        assert len(receiver.requests) == 4
        assert delivery["attempts"] == 4
        assert [(a["outcome"], a["httpStatus"]) for a in delivery["attemptLog"]] == [
            ("ERROR", 500),
            ("ERROR", 500),
            ("ERROR", 500),
            ("OK", 200),
        ]
        # Every try was the same delivery, so a receiver can deduplicate.
        assert len({r.headers["x-incident-graph-delivery"] for r in receiver.requests}) == 1


async def test_dead_after_max_attempts_then_redeliver(api_with: ApiWith) -> None:
    accept = False
    async with (
        api_with(**FAST | {"notify_max_attempts": 2}) as api,
        http_receiver(respond=lambda _n: 200 if accept else 503) as receiver,
    ):
        hook = await channel(api, "down", kind="WEBHOOK", url=receiver.url())
        await policy(api, "all", [hook])
        await api.raise_incident()
        [dead] = await until(lambda: deliveries(api, "DEAD"))
        assert dead["attempts"] == 2
        assert dead["lastError"].startswith("HTTP 503")
        await asyncio.sleep(0.1)
        assert len(receiver.requests) == 2  # dead means no more tries
        error = await api.error(REDELIVER, {"d": dead["id"]}, role=Role.VIEWER)
        assert error["extensions"]["code"] == "FORBIDDEN"
        error = await api.error(REDELIVER, {"d": "999999"})
        assert error["extensions"]["code"] == "NOT_FOUND"
        error = await api.error(REDELIVER, {"d": "x"})
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        accept = True
        await api.gql(REDELIVER, {"d": dead["id"]})
        [done] = await until(lambda: deliveries(api, "DELIVERED"))
        assert [a["outcome"] for a in done["attemptLog"]] == ["ERROR", "ERROR", "OK"]
        assert len(receiver.accepted) == 1


async def test_unreachable_receiver_is_an_error_attempt(api_with: ApiWith) -> None:
    async with api_with(**FAST | {"notify_max_attempts": 1}) as api:
        async with http_receiver() as receiver:
            url = receiver.url()
        hook = await channel(api, "gone", kind="WEBHOOK", url=url)
        await policy(api, "all", [hook])
        await api.raise_incident()
        [dead] = await until(lambda: deliveries(api, "DEAD"))
        assert dead["attemptLog"][0]["httpStatus"] is None
        assert "Connect" in dead["attemptLog"][0]["error"]


async def test_soda_event_names(api_with: ApiWith) -> None:
    async with api_with(**FAST) as api, http_receiver() as receiver:
        hook = await channel(api, "soda", kind="WEBHOOK", url=receiver.url(), sodaEventNames=True)
        await policy(api, "all", [hook])
        urn = await api.raise_incident()
        await api.gql(STATUS, {"u": urn, "i": {"state": "RESOLVED", "message": "done"}})
        await until(lambda: len(receiver.accepted) >= 2)
        events = sorted(json.loads(r.body)["eventId"] for r in receiver.requests)
        names = {
            json.loads(r.body)["eventId"]: json.loads(r.body)["event"] for r in receiver.requests
        }
        assert [names[e] for e in events] == ["incidentCreated", "incidentUpdated"]
        assert "x-incident-graph-signature" not in receiver.requests[0].headers


async def test_slack_teams_and_email_receive_their_formats(api_with: ApiWith) -> None:
    async with (
        api_with(**FAST) as api,
        http_receiver() as receiver,
        smtp_receiver() as (smtp_port, mails),
    ):
        await catalog(api)
        slack = await channel(
            api,
            "slack",
            kind="SLACK",
            url=receiver.url("/slack"),
            memberIds=[{"userUrn": "urn:li:corpuser:ana", "memberId": "U024BE7LH"}],
        )
        teams = await channel(api, "teams", kind="TEAMS", url=receiver.url("/teams"))
        mail = await channel(
            api,
            "mail",
            kind="EMAIL",
            smtpHost="127.0.0.1",
            smtpPort=smtp_port,
            smtpFrom="alerts@example.com",
            recipients=["oncall@example.com"],
            userEmailDomain="example.com",
        )
        await policy(api, "all", [slack, teams, mail])
        await api.raise_incident(title="Orders late", priority="CRITICAL")
        await until(lambda: len(receiver.accepted) == 2 and mails)
        by_path = {r.path: json.loads(r.body) for r in receiver.requests}
        blocks = by_path["/slack"]["blocks"]
        text = json.dumps(blocks)
        assert blocks[0]["text"]["text"] == "New incident: Orders late"
        assert "<@U024BE7LH>" in text  # ana is mapped to her Slack member id
        assert "@dan" in text
        assert blocks[-1]["elements"][0]["url"].startswith(
            "http://127.0.0.1:8080/incidents/urn:li:incident:"
        )
        card = by_path["/teams"]["attachments"][0]["content"]
        assert card["type"] == "AdaptiveCard"
        assert card["actions"][0]["type"] == "Action.OpenUrl"
        [(rcpt, message)] = mails
        assert sorted(rcpt) == ["ana@example.com", "dan@example.com", "oncall@example.com"]
        assert message["Subject"] == "[CRITICAL] New incident: Orders late"
        assert "Open: http://127.0.0.1:8080/incidents/urn:li:incident:" in message.get_payload()
        await until(lambda: deliveries(api, "DELIVERED"))
        done = await until(lambda: _all_delivered(api, 3))
        assert {d["channel"]["kind"] for d in done} == {"SLACK", "TEAMS", "EMAIL"}


async def _all_delivered(api: Api, n: int) -> list[dict[str, Any]] | None:
    found = await deliveries(api, "DELIVERED")
    return found if len(found) == n else None


async def test_policies_route_by_priority_platform_tag_and_type(api_with: ApiWith) -> None:
    async with api_with(**FAST) as api, http_receiver() as receiver:
        await catalog(api)
        critical = await channel(api, "critical", kind="WEBHOOK", url=receiver.url("/critical"))
        kafka = await channel(api, "kafka", kind="WEBHOOK", url=receiver.url("/kafka"))
        pii = await channel(api, "pii", kind="WEBHOOK", url=receiver.url("/pii"))
        status = await channel(api, "status", kind="WEBHOOK", url=receiver.url("/status"))
        await policy(api, "p1", [critical], priorities=["CRITICAL"])
        await policy(api, "p2", [kafka], platforms=["kafka"], incidentTypes=["FRESHNESS"])
        await policy(api, "p3", [pii], tags=["urn:li:tag:pii"])
        await policy(api, "p4", [status], eventTypes=["INCIDENT_STATUS_CHANGE"])
        urn = await api.raise_incident(priority="LOW", type="OPERATIONAL")
        await api.gql(STATUS, {"u": urn, "i": {"state": "ACTIVE", "stage": "TRIAGE"}})
        await until(lambda: len(receiver.accepted) >= 3)
        await asyncio.sleep(0.2)
        got = sorted((r.path, json.loads(r.body)["event"]) for r in receiver.requests)
        assert got == [
            ("/pii", "INCIDENT_STATUS_CHANGE"),
            ("/pii", "NEW_INCIDENT"),
            ("/status", "INCIDENT_STATUS_CHANGE"),
        ]


async def test_quiet_hours_hold_all_but_critical(api_with: ApiWith) -> None:
    now = datetime.now(UTC)
    window = {
        "start": (now - timedelta(hours=1)).strftime("%H:%M"),
        "end": (now + timedelta(hours=1)).strftime("%H:%M"),
        "timeZone": "UTC",
    }
    async with api_with(**FAST) as api, http_receiver() as receiver:
        hook = await channel(api, "night", kind="WEBHOOK", url=receiver.url())
        made = await policy(api, "night", [hook], quietHours=window)
        assert made["quietHours"] == window
        await api.raise_incident(priority="LOW", title="can wait")
        await api.raise_incident(priority="CRITICAL", title="wake up")
        await until(lambda: receiver.accepted)
        await asyncio.sleep(0.2)
        assert [json.loads(r.body)["incident"]["title"] for r in receiver.requests] == ["wake up"]
        [held] = await deliveries(api, "PENDING")
        opens = now.replace(second=0, microsecond=0) + timedelta(hours=1)
        assert abs(held["nextAttemptAt"] - opens.timestamp() * 1000) < 61_000


async def test_channel_and_policy_refusals_change_nothing(api: Api) -> None:
    hook = await channel(api, "ok", kind="WEBHOOK", url="https://hooks.example.com/x")
    refusals = [
        (CHANNEL, {"n": "a", "d": {"kind": "WEBHOOK", "url": "ftp://x"}}, "BAD_USER_INPUT"),
        (CHANNEL, {"n": "a", "d": {"kind": "WEBHOOK"}}, "BAD_USER_INPUT"),
        (
            CHANNEL,
            {"n": "a", "d": {"kind": "WEBHOOK", "url": "https://x.io", "secret": "short"}},
            "BAD_USER_INPUT",
        ),
        (
            CHANNEL,
            {"n": "a", "d": {"kind": "SLACK", "url": "https://x.io", "secret": SECRET}},
            "BAD_USER_INPUT",
        ),
        (
            CHANNEL,
            {"n": "a", "d": {"kind": "EMAIL", "smtpFrom": "a@b.co", "recipients": ["x@y.z"]}},
            "BAD_USER_INPUT",
        ),
        (
            CHANNEL,
            {
                "n": "a",
                "d": {
                    "kind": "EMAIL",
                    "smtpHost": "h",
                    "smtpFrom": "a@b.co",
                    "recipients": ["nope"],
                },
            },
            "BAD_USER_INPUT",
        ),
        (CHANNEL, {"n": " ", "d": {"kind": "WEBHOOK", "url": "https://x.io"}}, "BAD_USER_INPUT"),
        (CHANNEL, {"n": "ok", "d": {"kind": "WEBHOOK", "url": "https://x.io"}}, "CONFLICT"),
        (POLICY, {"i": {"name": "p", "channelIds": ["424242"]}}, "BAD_USER_INPUT"),
        (POLICY, {"i": {"name": "p", "channelIds": ["x"]}}, "BAD_USER_INPUT"),
        (POLICY, {"i": {"name": "p"}}, "BAD_USER_INPUT"),
        (POLICY, {"i": {"name": "p", "userUrns": ["bob"]}}, "BAD_USER_INPUT"),
        (
            POLICY,
            {"i": {"name": "p", "channelIds": [hook], "assetUrns": ["urn:li:nope"]}},
            "BAD_USER_INPUT",
        ),
        (
            POLICY,
            {
                "i": {
                    "name": "p",
                    "channelIds": [hook],
                    "quietHours": {"start": "25:00", "end": "07:00"},
                }
            },
            "BAD_USER_INPUT",
        ),
        (
            POLICY,
            {
                "i": {
                    "name": "p",
                    "channelIds": [hook],
                    "quietHours": {"start": "22:00", "end": "07:00", "timeZone": "Mars/Base"},
                }
            },
            "BAD_USER_INPUT",
        ),
    ]
    for query, variables, code in refusals:
        error = await api.error(query, variables)
        assert error["extensions"]["code"] == code, (variables, error)
        assert error["message"]
    await policy(api, "taken", [hook])
    error = await api.error(POLICY, {"i": {"name": "taken", "channelIds": [hook]}})
    assert error["extensions"]["code"] == "CONFLICT"
    for query, variables in (
        (CHANNEL, {"n": "v", "d": {"kind": "WEBHOOK", "url": "https://x.io"}}),
        (POLICY, {"i": {"name": "v", "channelIds": [hook]}}),
        (DELIVERIES, {"s": None}),
    ):
        error = await api.error(query, variables, role=Role.VIEWER)
        assert error["extensions"]["code"] == "FORBIDDEN"
    data = await api.gql("{ notificationChannels { name signed } notificationPolicies { name } }")
    assert data == {
        "notificationChannels": [{"name": "ok", "signed": False}],
        "notificationPolicies": [{"name": "taken"}],
    }

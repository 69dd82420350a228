"""Users a policy names, and whoever is on call, are told personally: by the server's email."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email.message import Message
from typing import Any

from helpers import Api
from notify_receivers import http_receiver, smtp_receiver
from test_notify_delivery import (
    FAST,
    REDELIVER,
    ApiWith,
    catalog,
    channel,
    deliveries,
    policy,
    until,
)
from test_notify_oncall import ANA, BEN, paris, schedule, who

from incident_graph.config import Settings
from incident_graph.domain.clock import FixedClock
from incident_graph.domain.enums import Role
from incident_graph.notify.worker import DeliveryWorker

CARL, DORA = "urn:li:corpuser:carl", "urn:li:corpuser:dora"
CREATE_USER = "mutation($i: CreateUserInput!) { createUser(input: $i) { urn } }"
PERSONAL = """query($s: DeliveryStatus) { deliveries(status: $s, count: 100) { deliveries {
  id status attempts lastError userUrn recipients nextAttemptAt onCallScheduleIds
  channel { name } attemptLog { outcome error } } } }"""
Mails = list[tuple[list[str], Message]]


def smtp(port: int) -> dict[str, Any]:
    return {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_from": "incidents@example.com"}


async def user(api: Api, name: str, email: str | None) -> None:
    await api.gql(CREATE_USER, {"i": {"name": name, "email": email}}, role=Role.ADMIN)


async def personal(api: Api, status: str | None = None) -> list[dict[str, Any]]:
    found = (await api.gql(PERSONAL, {"s": status}))["deliveries"]["deliveries"]
    return [d for d in found if d["channel"] is None]


def to(mails: Mails) -> list[str]:
    return sorted(a for rcpt, _ in mails for a in rcpt)


async def test_policy_users_are_mailed_personally_once(api_with: ApiWith) -> None:
    async with smtp_receiver() as (port, mails), api_with(**FAST | smtp(port)) as api:
        await catalog(api)  # ana owns the dataset, dan a dashboard downstream of it
        await user(api, "ben", "ben@example.com")
        await user(api, "dora", None)
        # No channel at all: before, this policy sent nothing.
        await api.gql(
            "mutation($i: NotificationPolicyInput!) { createNotificationPolicy(input: $i) { id } }",
            {"i": {"name": "people", "userUrns": [BEN, CARL, DORA]}},
        )
        await api.gql(
            "mutation($i: NotificationPolicyInput!) { createNotificationPolicy(input: $i) { id } }",
            {"i": {"name": "ben-again", "userUrns": [BEN], "priorities": ["HIGH"]}},
        )
        urn = await api.raise_incident(title="Orders late", priority="HIGH")
        await until(lambda: mails)
        dead = await until(lambda: _count(personal(api, "DEAD"), 2))
        [(rcpt, mail)] = mails
        # Ben once, though two policies name him; owners (ana, dan) hear through channels.
        assert rcpt == ["ben@example.com"]
        assert mail["Subject"] == "[HIGH] New incident: Orders late"
        assert mail["From"] == "incidents@example.com"
        body = mail.get_payload()
        assert urn in body
        assert f"You ({BEN}) get this" in body
        [done] = await personal(api, "DELIVERED")
        assert (done["userUrn"], done["recipients"], done["attempts"]) == (BEN, [BEN], 1)
        reasons = {d["userUrn"]: d["lastError"] for d in dead}
        assert reasons[CARL].startswith(f"{CARL} is not a known user")
        assert reasons[DORA] == f"{DORA} has no email address in the directory"
        # Dead at once: no retry can find an address nobody has given.
        assert all(d["attempts"] == 1 for d in dead)
        assert all(d["attemptLog"][0]["error"] == d["lastError"] for d in dead)
        # The admin fixes the cause and redelivers.
        await user(api, "carl", "carl@example.com")
        [carl] = [d for d in dead if d["userUrn"] == CARL]
        await api.gql(REDELIVER, {"d": carl["id"]})
        await until(lambda: len(mails) == 2)
        assert mails[1][0] == ["carl@example.com"]
        assert to(mails) == ["ben@example.com", "carl@example.com"]


async def _count(found: Any, n: int) -> list[dict[str, Any]] | None:
    got: list[dict[str, Any]] = await found
    return got if len(got) == n else None


async def test_without_smtp_the_delivery_is_dead_with_the_reason(
    api_with: ApiWith, settings: Settings
) -> None:
    async with api_with(**FAST) as api:
        await user(api, "ben", "ben@example.com")
        await api.gql(
            "mutation($i: NotificationPolicyInput!) { createNotificationPolicy(input: $i) { id } }",
            {"i": {"name": "people", "userUrns": [BEN]}},
        )
        await api.raise_incident()
        [dead] = await until(lambda: personal(api, "DEAD"))
        assert dead["userUrn"] == BEN
        assert "INCIDENT_GRAPH_SMTP_HOST" in dead["lastError"]
    # SMTP configured and the server restarted: the dead letter is redelivered.
    async with smtp_receiver() as (port, mails), api_with(**FAST | smtp(port)) as api:
        await api.gql(REDELIVER, {"d": dead["id"]})
        await until(lambda: mails)
        assert mails[0][0] == ["ben@example.com"]
        [done] = await until(lambda: personal(api, "DELIVERED"))
        assert [a["outcome"] for a in done["attemptLog"]] == ["ERROR", "OK"]
    assert settings.smtp_host is None  # the first server really had none


async def test_a_team_is_mailed_at_its_members(api_with: ApiWith) -> None:
    async with smtp_receiver() as (port, mails), api_with(**FAST | smtp(port)) as api:
        await user(api, "ben", "ben@example.com")
        await user(api, "carl", "carl@example.com")
        await user(api, "dora", None)
        await api.gql(
            'mutation { createGroup(input: {name: "data-eng"}) { urn } }', role=Role.ADMIN
        )
        await api.gql(
            "mutation($u: [String!]!) { addGroupMembers(groupUrn: "
            '"urn:li:corpGroup:data-eng", userUrns: $u) }',
            {"u": [BEN, CARL, DORA]},
            role=Role.ADMIN,
        )
        await api.gql(
            "mutation($i: NotificationPolicyInput!) { createNotificationPolicy(input: $i) { id } }",
            {"i": {"name": "team", "userUrns": ["urn:li:corpGroup:data-eng"]}},
        )
        await api.raise_incident()
        await until(lambda: mails)
        assert sorted(mails[0][0]) == ["ben@example.com", "carl@example.com"]


@asynccontextmanager
async def manual_worker(api: Api, clock: FixedClock) -> AsyncIterator[DeliveryWorker]:
    """The server's own worker is off; this one runs a round when told, at the clock's time."""
    assert api.app is not None
    worker = DeliveryWorker(
        writer=api.app.state.writer, settings=api.app.state.settings, clock=clock
    )
    try:
        yield worker
    finally:
        await worker.stop()


async def drain(worker: DeliveryWorker) -> None:
    for _ in range(10):
        if not await worker.run_once():
            return


async def test_held_event_pages_whoever_is_on_call_when_it_is_sent(api_with: ApiWith) -> None:
    async with (
        smtp_receiver() as (port, mails),
        http_receiver() as receiver,
        api_with(**FAST | smtp(port) | {"notify_worker": False}) as api,
    ):
        await user(api, "ana", "ana@example.com")
        await user(api, "ben", "ben@example.com")
        # Ana until 09:00 on 3 November (Paris), then Ben.
        sid = (
            await schedule(
                api, name="daily", members=[ANA, BEN], lengthDays=1, startDate="2026-11-02"
            )
        )["id"]
        hook = await channel(api, "pager-hook", kind="WEBHOOK", url=receiver.url())
        night = {"start": "22:00", "end": "10:00", "timeZone": "Europe/Paris"}
        await policy(api, "night", [hook], onCallScheduleIds=[sid], quietHours=night)
        event_time, opens = paris("2026-11-02T23:00"), paris("2026-11-03T10:00")
        assert (await who(api, sid, event_time))["userUrn"] == ANA
        await api.raise_incident(priority="LOW", title="can wait")
        clock = FixedClock(event_time)
        async with manual_worker(api, clock) as worker:
            await drain(worker)
            held = await deliveries(api, "PENDING")
            assert len(held) == 2  # the channel's, and the on-call person's own
            assert {d["nextAttemptAt"] for d in held} == {opens}
            [page] = await personal(api, "PENDING")
            assert (page["userUrn"], page["onCallScheduleIds"]) == (None, [sid])
            clock.set(opens - 60_000)
            await drain(worker)
            assert (receiver.requests, mails) == ([], [])
            # The window opens after the 09:00 handoff: Ben is on call now, not Ana.
            clock.set(opens)
            await drain(worker)
        [request] = receiver.requests
        assert json.loads(request.body)["recipients"] == [BEN]
        [(rcpt, _)] = mails
        assert rcpt == ["ben@example.com"]
        [sent] = await personal(api, "DELIVERED")
        assert (sent["userUrn"], sent["onCallScheduleIds"]) == (BEN, [])
        [channel_delivery] = [d for d in await deliveries(api, "DELIVERED") if d["channel"]]
        assert channel_delivery["recipients"] == [BEN]


async def test_on_call_person_named_twice_hears_once(api_with: ApiWith) -> None:
    async with (
        smtp_receiver() as (port, mails),
        api_with(**FAST | smtp(port) | {"notify_worker": False}) as api,
    ):
        await user(api, "ana", "ana@example.com")
        sid = (await schedule(api, name="solo", members=[ANA]))["id"]
        await api.gql(
            "mutation($i: NotificationPolicyInput!) { createNotificationPolicy(input: $i) { id } }",
            {"i": {"name": "named", "userUrns": [ANA]}},
        )
        await api.gql(
            "mutation($i: NotificationPolicyInput!) { createNotificationPolicy(input: $i) { id } }",
            {"i": {"name": "paged", "onCallScheduleIds": [sid]}},
        )
        await api.raise_incident(priority="HIGH")
        async with manual_worker(api, FixedClock(paris("2026-11-25T12:00"))) as worker:
            await drain(worker)
        assert to(mails) == ["ana@example.com"]
        [only] = await personal(api)
        assert (only["userUrn"], only["status"]) == (ANA, "DELIVERED")

"""A committed event wakes the delivery worker: notifications go out at once, not at the poll."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from helpers import Api
from notify_receivers import http_receiver

ApiWith = Callable[..., AbstractAsyncContextManager[Api]]

POLL_S = 60  # the worker polls once a minute, so only a wake can deliver sooner

CHANNEL = """mutation($d: NotificationDestinationInput!) {
  createNotificationChannel(name: "ops", destination: $d) { id } }"""
POLICY = """mutation($c: [ID!]!) {
  createNotificationPolicy(input: {name: "all", channelIds: $c}) { id } }"""


async def test_a_committed_event_is_delivered_without_waiting_for_the_poll(
    api_with: ApiWith,
) -> None:
    async with (
        api_with(notify_allow_private_networks=True, notify_poll_ms=POLL_S * 1000) as api,
        http_receiver() as receiver,
    ):
        hook = (await api.gql(CHANNEL, {"d": {"kind": "WEBHOOK", "url": receiver.url()}}))[
            "createNotificationChannel"
        ]["id"]
        await api.gql(POLICY, {"c": [hook]})
        latencies: list[float] = []
        for n in range(5):
            receiver.arrived.clear()
            await api.raise_incident(title=f"late {n}")
            committed = time.perf_counter()  # the response comes after the commit
            await asyncio.wait_for(receiver.arrived.wait(), timeout=10)
            latencies.append(time.perf_counter() - committed)
    assert len(receiver.accepted) == 5
    # The worker's only poll ran at start-up, before any raise; the next is a minute away. So a
    # delivery within seconds was woken by the commit. The bound is generous on purpose: how fast
    # (typically a few milliseconds) depends on the machine's load, which this test cannot control.
    shown = [round(x * 1000, 1) for x in latencies]
    assert max(latencies) < POLL_S / 6, f"commit-to-delivery latencies (ms): {shown}"

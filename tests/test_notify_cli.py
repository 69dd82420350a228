"""`incident-graph worker --once`: a separate process sends what the server left to send."""

from __future__ import annotations

import asyncio
import json

import pytest
from notify_receivers import http_receiver
from server_process import cli
from test_notify_delivery import FAST, ApiWith, channel, deliveries, policy

from incident_graph.config import Settings


async def test_worker_once_drains_what_is_due(
    api_with: ApiWith, database_url: str, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The worker process needs the server's secret key and the same egress allowance.
    monkeypatch.setenv("INCIDENT_GRAPH_NOTIFY_ALLOW_PRIVATE_NETWORKS", "true")
    if settings.secret_key_file:
        monkeypatch.setenv("INCIDENT_GRAPH_SECRET_KEY_FILE", settings.secret_key_file)
    async with (
        api_with(**FAST | {"notify_worker": False}) as api,
        http_receiver() as receiver,
    ):
        hook = await channel(api, "cli", kind="WEBHOOK", url=receiver.url())
        await policy(api, "all", [hook])
        urn = await api.raise_incident()
        # The server runs no worker here: nothing expanded into deliveries, nothing sent.
        assert api.app is not None
        assert api.app.state.delivery_worker._task is None
        assert await deliveries(api) == []
        assert receiver.requests == []
        await asyncio.to_thread(cli, database_url, "worker", "--once")
        [request] = receiver.requests
        assert json.loads(request.body)["incident"]["urn"] == urn
        [delivery] = await deliveries(api, "DELIVERED")
        assert delivery["attempts"] == 1

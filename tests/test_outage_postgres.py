"""PostgreSQL stopped under write load: 503 UNAVAILABLE with Retry-After, fast; /health up and
/ready down; recovery by itself when it is back, with every acknowledged raise kept and every
notification delivered.

The database is a private throwaway cluster (never a shared server): the test stops it.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import running_api
from helpers import Api
from notify_receivers import http_receiver
from outage_load import RaiseLoad, stored_urns
from postgres_server import PostgresServer, execute, start_cluster
from server_process import ServerProcess
from test_notify_delivery import until

from incident_graph.config import Settings
from incident_graph.notify.live import LiveEvents

# The bound on any answer while the database is down, and on recovery once it is back.
ANSWER_BOUND_S = 5.0
RECOVERY_BOUND_S = 15.0


@pytest.fixture
def cluster() -> Iterator[PostgresServer]:
    server = start_cluster()
    if server is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs PostgreSQL's binaries (initdb) for the outage test")
        pytest.skip("no PostgreSQL binaries to start a private cluster with")
    yield server
    server.stop()


async def _gql(http: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    body = (await http.post("/api/graphql", json={"query": query, "variables": variables})).json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


async def _webhook_for_everything(http: httpx.AsyncClient, url: str) -> None:
    hook = await _gql(
        http,
        "mutation($d: NotificationDestinationInput!) "
        '{ createNotificationChannel(name: "outage", destination: $d) { id } }',
        {"d": {"kind": "WEBHOOK", "url": url}},
    )
    await _gql(
        http,
        "mutation($i: NotificationPolicyInput!) { createNotificationPolicy(input: $i) { id } }",
        {"i": {"name": "all", "channelIds": [hook["createNotificationChannel"]["id"]]}},
    )


def assert_outage_answers(load: RaiseLoad, *, halted: float, restarted: float) -> None:
    """Every answer came within the bound, as 200 or as 503 UNAVAILABLE with Retry-After and a
    request id; none failed or was a 500."""
    assert load.failures == []
    statuses = {a.status for a in load.answers}
    assert statuses <= {200, 503}, statuses
    during = [a for a in load.since(halted) if a.started < restarted and a.status == 503]
    assert len(during) >= 32
    for answer in load.answers:
        assert answer.seconds < ANSWER_BOUND_S, answer
        if answer.status == 503:
            assert answer.code == "UNAVAILABLE", answer
            assert answer.retry_after is not None, answer
            assert 0 < int(answer.retry_after) <= ANSWER_BOUND_S, answer
            assert answer.request_id, answer


@pytest.mark.slow
async def test_postgres_stopped_and_started_under_sixteen_writers(
    cluster: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {
        "NOTIFY_POLL_MS": "50",
        "NOTIFY_LEASE_MS": "1000",
        "NOTIFY_BACKOFF_BASE_MS": "10",
        "NOTIFY_BACKOFF_MAX_MS": "200",
        "NOTIFY_ALLOW_PRIVATE_NETWORKS": "true",
        "SECRET_KEY_FILE": str(tmp_path / "secret.key"),
    }.items():
        monkeypatch.setenv(f"INCIDENT_GRAPH_{name}", value)
    await execute(cluster.url, "CREATE DATABASE incidents")
    url = cluster.database_url("incidents")
    async with http_receiver() as receiver:
        server = ServerProcess(url, tmp_path)
        await asyncio.to_thread(server.start)
        try:
            token = server.first_admin_token()
            assert token is not None
            headers = {"Authorization": f"Bearer {token}"}
            async with httpx.AsyncClient(
                base_url=server.base_url, headers=headers, timeout=30
            ) as http:
                await _webhook_for_everything(http, receiver.url())
                load = RaiseLoad(server.base_url, token, writers=16)
                load.start()
                await until(lambda: len(load.acknowledged) >= 50, timeout=60)

                await asyncio.to_thread(cluster.halt)
                halted = time.monotonic()
                await until(
                    lambda: sum(a.status == 503 for a in load.since(halted)) >= 32, timeout=30
                )
                health = await http.get("/health")
                ready = await http.get("/ready")
                down = await http.post("/api/graphql", json={"query": "{ __typename }"})

                await asyncio.to_thread(cluster.restart)
                restarted = time.monotonic()

                async def ready_again() -> bool:
                    return (await http.get("/ready")).status_code == 200

                await until(ready_again, timeout=RECOVERY_BOUND_S)
                recovered_s = time.monotonic() - restarted
                acknowledged_before = len(load.acknowledged)
                await until(
                    lambda: len(load.acknowledged) >= acknowledged_before + 50,
                    timeout=RECOVERY_BOUND_S,
                )
                await load.stop()

                # The notification worker resumed: every acknowledged raise was delivered.
                def delivered() -> set[str]:
                    return {
                        urn
                        for urn in load.acknowledged
                        if any(urn.encode() in r.body for r in receiver.accepted)
                    }

                await until(lambda: delivered() == set(load.acknowledged), timeout=60)
        finally:
            await asyncio.to_thread(server.stop)

    assert health.status_code == 200
    assert ready.status_code == 503
    assert down.status_code == 503
    assert down.json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
    assert down.json()["errors"][0]["extensions"]["requestId"] == down.headers["x-request-id"]
    assert recovered_s < RECOVERY_BOUND_S

    assert_outage_answers(load, halted=halted, restarted=restarted)

    stored = await stored_urns(url)
    assert set(load.acknowledged) <= stored
    assert len(load.acknowledged) == len(set(load.acknowledged)) >= 100


async def test_live_events_listen_again_once_the_database_is_back(
    cluster: PostgresServer, tmp_path: Path
) -> None:
    """The LISTEN connection dies with the server; live subscribers hear events again after."""
    await execute(cluster.url, "CREATE DATABASE live")
    settings = Settings(
        database_url=cluster.database_url("live"),
        secret_key_file=str(tmp_path / "secret.key"),
        notify_poll_ms=20,
    )
    async with running_api(settings) as api:
        assert api.app is not None
        live: LiveEvents = api.app.state.live_events
        assert live.listens
        await asyncio.to_thread(cluster.halt)
        await until(lambda: not live.listens)
        await asyncio.to_thread(cluster.restart)
        await until(lambda: live.listens, timeout=RECOVERY_BOUND_S)
        async with live.subscribe() as queue:
            urn = await _raise_when_ready(api)
            heard = await asyncio.wait_for(queue.get(), 20)
    assert heard["incident"]["urn"] == urn


async def _raise_when_ready(api: Api) -> str:
    """Raise once the pool has replaced the connections the restart broke (pre-ping)."""

    async def ready() -> bool:
        return (await api.http.get("/ready")).status_code == 200

    await until(ready, timeout=RECOVERY_BOUND_S)
    return await api.raise_incident()

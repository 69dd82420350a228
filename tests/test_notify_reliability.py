"""Never lose one: a kill mid-send, several workers at once, and 1,000 events to 3 destinations."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from helpers import DATASET
from notify_receivers import http_receiver
from server_process import ServerProcess
from test_notify_delivery import FAST, ApiWith, channel, deliveries, policy, until

from incident_graph.config import Settings
from incident_graph.domain.enums import IncidentPriority, IncidentType
from incident_graph.domain.incidents import RaiseSpec, build_raise
from incident_graph.notify.worker import DeliveryWorker
from incident_graph.services import incidents as incident_service
from incident_graph.store import Writer, connect

RAISE = "mutation($i: RaiseIncidentInput!) { raiseIncident(input: $i) }"


@pytest.mark.slow
async def test_server_killed_mid_send_delivers_after_restart(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {
        "NOTIFY_POLL_MS": "20",
        "NOTIFY_LEASE_MS": "500",
        "NOTIFY_BACKOFF_BASE_MS": "10",
        "NOTIFY_TIMEOUT_MS": "30000",
        "NOTIFY_ALLOW_PRIVATE_NETWORKS": "true",
    }.items():
        monkeypatch.setenv(f"INCIDENT_GRAPH_{name}", value)
    # The first request hangs: the server is killed while it waits for the answer.
    async with http_receiver(hang=lambda n: n == 0) as receiver:
        first = ServerProcess(database_url, tmp_path)
        await asyncio.to_thread(first.start)
        token = first.first_admin_token()
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=first.base_url, headers=headers) as http:

            async def gql(query: str, variables: dict[str, Any]) -> dict[str, Any]:
                body = (
                    await http.post("/api/graphql", json={"query": query, "variables": variables})
                ).json()
                assert "errors" not in body, body
                return body["data"]  # type: ignore[no-any-return]

            hook = await gql(
                "mutation($d: NotificationDestinationInput!) "
                '{ createNotificationChannel(name: "k", destination: $d) { id } }',
                {"d": {"kind": "WEBHOOK", "url": receiver.url()}},
            )
            await gql(
                "mutation($i: NotificationPolicyInput!) { createNotificationPolicy(input: $i) { id } }",
                {"i": {"name": "all", "channelIds": [hook["createNotificationChannel"]["id"]]}},
            )
            urn = (
                await gql(
                    RAISE,
                    {
                        "i": {
                            "type": "OPERATIONAL",
                            "resourceUrn": "urn:li:dataset:(urn:li:dataPlatform:kafka,k,PROD)",
                        }
                    },
                )
            )["raiseIncident"]
        await asyncio.wait_for(receiver.arrived.wait(), 30)
        await asyncio.to_thread(first.stop, signal.SIGKILL)
        assert first.process is not None
        assert first.process.returncode == -signal.SIGKILL

        second = ServerProcess(database_url, tmp_path)
        await asyncio.to_thread(second.start)
        try:
            await until(lambda: receiver.accepted, timeout=30)
            assert len(receiver.requests) == 2
            [a, b] = receiver.requests
            assert json.loads(a.body)["incident"]["urn"] == urn
            assert a.body == b.body  # the same delivery, sent again: receivers dedupe by its id
            async with httpx.AsyncClient(base_url=second.base_url, headers=headers) as http:
                body = (
                    await http.post(
                        "/api/graphql",
                        json={
                            "query": "{ deliveries { deliveries { status attempts attemptLog { outcome } } } }"
                        },
                    )
                ).json()
            [delivery] = body["data"]["deliveries"]["deliveries"]
            assert delivery["status"] == "DELIVERED"
            # The killed attempt never finished, so only the successful one is logged.
            assert [x["outcome"] for x in delivery["attemptLog"]] == ["OK"]
        finally:
            await asyncio.to_thread(second.stop)


async def test_several_workers_never_send_one_delivery_twice(api_with: ApiWith) -> None:
    async with (
        api_with(**FAST | {"notify_worker": False}) as api,
        http_receiver() as receiver,
    ):
        hook = await channel(api, "many", kind="WEBHOOK", url=receiver.url())
        await policy(api, "all", [hook])
        for chunk in range(4):
            await asyncio.gather(*(api.raise_incident(title=f"{chunk}-{i}") for i in range(50)))
        settings: Settings = api.app.state.settings  # type: ignore[union-attr]
        settings = settings.with_overrides(notify_batch=20, notify_lease_ms=60_000)
        dbs = [connect(settings) for _ in range(3)]
        writers = [Writer(db.write_sessions) for db in dbs]
        workers = [DeliveryWorker(writer=w, settings=settings) for w in writers]
        for w in writers:
            await w.start()
        for worker in workers:
            await worker.start()
        try:
            await until(lambda: len(receiver.accepted) >= 200, timeout=60)
            await asyncio.sleep(0.3)
        finally:
            for worker in workers:
                await worker.stop()
            for w in writers:
                await w.stop()
            for db in dbs:
                await db.dispose()
        ids = [r.headers["x-incident-graph-delivery"] for r in receiver.requests]
        assert len(ids) == 200
        assert len(set(ids)) == 200
        assert len(await deliveries(api, "DELIVERED")) == 200


ACTOR = "urn:li:corpuser:loader"


def _spec(title: str) -> RaiseSpec:
    return build_raise(
        caller_id=None,
        type_=IncidentType.OPERATIONAL,
        custom_type=None,
        title=title,
        description=None,
        resource_urn=DATASET,
        resource_urns=None,
        source_type=None,
        source_urn=None,
        priority=IncidentPriority.HIGH,
        assignee_urns=None,
        started_at=None,
        status=None,
    )


def _incident_of(path: str, body: dict[str, Any]) -> str:
    if path == "/hook":
        return str(body["incident"]["urn"])
    if path == "/slack":
        return str(body["blocks"][-2]["elements"][1]["text"])
    url = body["attachments"][0]["content"]["actions"][0]["url"]
    return unquote(url.split("/incidents/", 1)[1])


@pytest.mark.slow
async def test_a_thousand_events_to_three_destinations(
    api_with: ApiWith, backend: str, record_property: Any
) -> None:
    async with (
        api_with(**FAST | {"notify_batch": 200}) as api,
        http_receiver() as receiver,
    ):
        hook = await channel(
            api, "hook", kind="WEBHOOK", url=receiver.url("/hook"), secret="x" * 16
        )
        slack = await channel(api, "slack", kind="SLACK", url=receiver.url("/slack"))
        teams = await channel(api, "teams", kind="TEAMS", url=receiver.url("/teams"))
        await policy(api, "all", [hook, slack, teams])
        started = time.monotonic()
        # Through the service layer, many at once (group commit): the API's cost per request
        # is not what this test measures; delivery is.
        writer = api.app.state.writer  # type: ignore[union-attr]
        urns: list[str] = []
        for chunk in range(10):
            urns += await asyncio.gather(
                *(
                    incident_service.raise_incident(
                        writer=writer, spec=_spec(f"load {chunk}-{i}"), actor=ACTOR
                    )
                    for i in range(100)
                )
            )
        raised = time.monotonic() - started
        await until(lambda: len(receiver.accepted) >= 3000, timeout=240)
        elapsed = time.monotonic() - started
        got: dict[str, set[str]] = {"/hook": set(), "/slack": set(), "/teams": set()}
        for r in receiver.requests:
            got[r.path].add(_incident_of(r.path, json.loads(r.body)))
        assert {p: len(s) for p, s in got.items()} == {
            "/hook": 1000,
            "/slack": 1000,
            "/teams": 1000,
        }
        assert all(s == set(urns) for s in got.values())
        assert len(receiver.requests) == 3000  # nothing sent twice
        record_property("seconds", round(elapsed, 2))
        print(  # noqa: T201 - the figure is worth seeing with -s
            f"\n1,000 events x 3 destinations on {backend}: raised in {raised:.1f}s, all delivered in {elapsed:.1f}s"
        )

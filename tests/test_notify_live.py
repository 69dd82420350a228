"""Live updates: incidentEvents over graphql-transport-ws, with a real websocket client.

On PostgreSQL the subscriber's server runs no worker of its own, so the events can only reach
it from the other server through LISTEN/NOTIFY.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from server_process import ServerProcess
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

pytestmark = pytest.mark.slow

SUBSCRIBE = """subscription($f: IncidentEventFilter) { incidentEvents(filter: $f) {
  eventId eventType incidentUrn title priority state link assetUrns actor } }"""
DATASET = "urn:li:dataset:(urn:li:dataPlatform:kafka,live,PROD)"


def ws_url(server: ServerProcess) -> str:
    return server.base_url.replace("http://", "ws://") + "/api/graphql"


async def open_socket(server: ServerProcess, token: str | None) -> ClientConnection:
    ws = await connect(ws_url(server), subprotocols=[Subprotocol("graphql-transport-ws")])
    payload = {} if token is None else {"Authorization": f"Bearer {token}"}
    await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
    return ws


async def text_message(ws: ClientConnection) -> dict[str, Any]:
    """The next message; graphql-transport-ws sends text frames (a browser client cannot parse
    a binary one), which the websockets client returns as str."""
    frame = await asyncio.wait_for(ws.recv(), 30)
    assert isinstance(frame, str), f"a binary frame: {frame!r}"
    return json.loads(frame)  # type: ignore[no-any-return]


async def next_event(ws: ClientConnection) -> dict[str, Any]:
    while True:
        message = await text_message(ws)
        if message["type"] == "next":
            return message["payload"]["data"]["incidentEvents"]  # type: ignore[no-any-return]
        assert message["type"] in {"ping", "pong"}, message


async def raise_incident(server: ServerProcess, token: str, **fields: Any) -> str:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        body = (
            await http.post(
                "/api/graphql",
                headers={"Authorization": f"Bearer {token}"},
                json={
                    "query": "mutation($i: RaiseIncidentInput!) { raiseIncident(input: $i) }",
                    "variables": {"i": {"type": "OPERATIONAL", "resourceUrn": DATASET} | fields},
                },
            )
        ).json()
    return str(body["data"]["raiseIncident"])


async def test_incident_events_reach_subscribers(
    database_url: str, backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INCIDENT_GRAPH_NOTIFY_POLL_MS", "20")
    writer_side = ServerProcess(database_url, tmp_path)
    await asyncio.to_thread(writer_side.start)
    token = writer_side.first_admin_token()
    assert token is not None
    servers = [writer_side]
    if backend == "postgresql":
        monkeypatch.setenv("INCIDENT_GRAPH_NOTIFY_WORKER", "false")
        servers.append(ServerProcess(database_url, tmp_path))
        await asyncio.to_thread(servers[1].start)
    listening = servers[-1]
    try:
        # No token, or a bad one: closed with 4403 before any subscription.
        for bad in (None, "not-a-token"):
            ws = await open_socket(listening, bad)
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 10)
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 4403

        async with await open_socket(listening, token) as ws:
            assert (await text_message(ws))["type"] == "connection_ack"
            await ws.send(
                json.dumps(
                    {
                        "id": "1",
                        "type": "subscribe",
                        "payload": {
                            "query": SUBSCRIBE,
                            "variables": {"f": {"priorities": ["HIGH"]}},
                        },
                    }
                )
            )
            await asyncio.sleep(0.3)  # let the subscription start before the change
            await raise_incident(writer_side, token, priority="LOW", title="filtered out")
            urn = await raise_incident(writer_side, token, priority="HIGH", title="live")
            event = await next_event(ws)
            assert event["eventType"] == "NEW_INCIDENT"
            assert event["incidentUrn"] == urn
            assert (event["title"], event["priority"], event["state"]) == ("live", "HIGH", "ACTIVE")
            assert event["assetUrns"] == [DATASET]
            assert "/incidents/urn:li:incident:" in event["link"]
    finally:
        for server in servers:
            await asyncio.to_thread(server.stop)

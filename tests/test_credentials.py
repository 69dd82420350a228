"""One reading of the bearer value and one token check, for HTTP and websockets alike; refusals
are audited from that check's answer, and their pending counts are written when the app stops."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import Api
from server_process import ServerProcess
from sqlalchemy import event
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from incident_graph.api.http.bearer import bearer_secret
from incident_graph.auth.tokens import new_secret
from incident_graph.domain.enums import Role

AUDIT = "{ auditLog(count: 1000) { entries { actor operation target allowed reason } } }"
ME = "{ me { role } }"
MORE = re.compile(r"(\d+) more identical refusals")


@pytest.mark.parametrize(
    ("value", "secret"),
    [
        ("Bearer igt_abc", "igt_abc"),
        ("bearer igt_abc", "igt_abc"),
        ("BEARER   igt_abc  ", "igt_abc"),
        ("Bearer", None),
        ("Bearer    ", None),
        ("Basic igt_abc", None),
        ("igt_abc", None),
        ("", None),
    ],
)
def test_a_bearer_value_is_read_one_way(value: str, secret: str | None) -> None:
    assert bearer_secret(value) == secret


# Authorization values, with {t} for a valid token, and whether they name its user.
SHAPES = [
    ("Bearer {t}", True),
    ("bearer {t}", True),
    ("BEARER   {t}", True),
    ("Token {t}", False),
    ("{t}", False),
    ("Bearer", False),
    ("Bearer {t}x", False),
]


@pytest.mark.slow
async def test_http_and_websockets_accept_the_same_authorization_values(
    database_url: str, tmp_path: Path
) -> None:
    server = ServerProcess(database_url, tmp_path)
    await asyncio.to_thread(server.start)
    try:
        token = server.first_admin_token()
        assert token is not None
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            for shape, valid in SHAPES:
                value = shape.format(t=token)
                response = await http.post(
                    "/api/graphql", json={"query": ME}, headers={"Authorization": value}
                )
                assert (response.status_code == 200) is valid, (shape, response.text)
                # Acknowledged, or closed with 4403 before any subscription can start.
                assert await _websocket_answer(server, value) == ("ack" if valid else 4403), shape
    finally:
        await asyncio.to_thread(server.stop)


async def _websocket_answer(server: ServerProcess, authorization: str) -> str | int:
    """ "ack" when connection_init with this Authorization value is acknowledged, else the code
    the socket is closed with."""
    async with connect(
        server.base_url.replace("http://", "ws://") + "/api/graphql",
        subprotocols=[Subprotocol("graphql-transport-ws")],
    ) as ws:
        payload = {"Authorization": authorization}
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        try:
            message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        except ConnectionClosed as closed:
            return -1 if closed.rcvd is None else closed.rcvd.code
        return "ack" if message["type"] == "connection_ack" else str(message)


async def _gate_rows(api: Api, operations: set[str]) -> list[dict[str, Any]]:
    entries = (await api.gql(AUDIT, role=Role.ADMIN))["auditLog"]["entries"]
    return [e for e in entries if not e["allowed"] and e["operation"] in operations]


async def test_a_refused_token_is_looked_up_once_and_audited_as_the_client_is_told(
    api: Api,
) -> None:
    made = await api.gql(
        'mutation { createAccessToken(name: "old") { accessToken metadata { id } } }',
        role=Role.MEMBER,
    )
    secret = made["createAccessToken"]["accessToken"]
    await api.gql(
        "mutation($i: ID!) { revokeAccessToken(id: $i) }",
        {"i": made["createAccessToken"]["metadata"]["id"]},
        role=Role.MEMBER,
    )
    assert api.app is not None
    engine = api.app.state.db.read_engine.sync_engine
    lookups: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "access_tokens" in statement:
            lookups.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        response = await api.http.post(
            "/api/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {secret}"}
        )
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == (
        "the bearer token has been revoked; create a new one"
    )
    # The audit row comes from the same check: no second lookup to re-decide it.
    assert len(lookups) == 1, lookups
    [row] = await _gate_rows(api, {"POST /api/graphql"})
    assert (row["actor"], row["reason"]) == (
        "urn:li:corpuser:member-user",
        "revoked: the token was revoked",
    )


async def test_counts_still_pending_are_written_when_the_app_stops(
    api_with: Callable[..., AbstractAsyncContextManager[Api]],
) -> None:
    unknown = new_secret()
    async with api_with() as api:
        assert api.app is not None
        # A window longer than the test: only stopping can write the repeats' count.
        api.app.state.refusal_log.window_s = 3600.0
        for _ in range(3):
            response = await api.http.post(
                "/api/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {unknown}"}
            )
            assert response.status_code == 401
        assert len(await _gate_rows(api, {"POST /api/graphql"})) == 1
    left = [t for t in asyncio.all_tasks() if t.get_name() == "gate-refusal-log"]
    assert left == []
    async with api_with() as api:
        rows = await _gate_rows(api, {"POST /api/graphql"})
    reasons = sorted(r["reason"] for r in rows)
    assert len(reasons) == 2
    assert reasons[0].startswith("unknown: 2 more identical refusals within 3600 s"), reasons
    assert reasons[1] == "unknown: no such token"
    assert sum(int(m.group(1)) if (m := MORE.search(r)) else 1 for r in reasons) == 3

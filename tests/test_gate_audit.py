"""Requests the gate refuses with 401 are in the audit log, bounded: over HTTP, both databases."""

from __future__ import annotations

import asyncio
import json
import re
import secrets
from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import Api
from server_process import ServerProcess
from sqlalchemy.ext.asyncio import AsyncSession
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from incident_graph.auth.refusal_log import PER_SECOND, RefusalLog
from incident_graph.auth.tokens import hash_secret, new_secret
from incident_graph.domain.clock import now_ms
from incident_graph.domain.enums import Role
from incident_graph.store import users as user_store

AUDIT = "{ auditLog(count: 1000) { entries { actor operation target allowed reason } } }"
QUERY = "query mine { me { role } }"
MORE = re.compile(r"(\d+) more identical refusals")
NOT_ITEMISED = re.compile(r"rate limit: (\d+) refusals at the request gate")


async def refused(api: Api, secret: str | None, *, get: bool = False) -> None:
    headers = {} if secret is None else {"Authorization": f"Bearer {secret}"}
    if get:
        response = await api.http.get("/api/graphql", params={"query": QUERY}, headers=headers)
    else:
        response = await api.http.post("/api/graphql", json={"query": QUERY}, headers=headers)
    assert response.status_code == 401, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def gate_rows(api: Api) -> list[dict[str, Any]]:
    """Denied rows the gate wrote (newest first): refusals by role name an operation field."""
    entries = (await api.gql(AUDIT, role=Role.ADMIN))["auditLog"]["entries"]
    return [
        e
        for e in entries
        if not e["allowed"] and (e["operation"] in {"POST /api/graphql", "mine", "(request gate)"})
    ]


def represented(rows: Iterable[dict[str, Any]]) -> int:
    """How many refusals these rows stand for."""
    total = 0
    for row in rows:
        counted = MORE.search(row["reason"]) or NOT_ITEMISED.search(row["reason"])
        total += int(counted.group(1)) if counted else 1
    return total


def stand_still(api: Api) -> RefusalLog:
    """The app's refusal log, its clock stopped: every refusal falls in the same second."""
    assert api.app is not None
    log: RefusalLog = api.app.state.refusal_log
    log.clock = lambda: 1_000.0
    return log


async def test_each_refusal_names_who_what_and_why(api: Api) -> None:
    made = await api.gql(
        'mutation { createAccessToken(name: "laptop") { accessToken metadata { id } } }',
        role=Role.MEMBER,
    )
    revoked, revoked_id = (
        made["createAccessToken"]["accessToken"],
        made["createAccessToken"]["metadata"]["id"],
    )
    await api.gql("mutation($i: ID!) { revokeAccessToken(id: $i) }", {"i": revoked_id},
                  role=Role.MEMBER)  # fmt: skip
    expired = new_secret()

    async def expired_token(session: AsyncSession) -> int:
        user = await user_store.get_user(session, name="viewer-user")
        assert user is not None
        return await user_store.insert_token(
            session,
            user_id=user.id,
            name="old",
            token_hash=hash_secret(expired),
            now_ms=now_ms() - 10,
            expires_ms=now_ms() - 1,
        )

    assert api.app is not None
    expired_id = await api.app.state.writer.run(expired_token)
    unknown = new_secret()
    foreign = "ghp_" + secrets.token_hex(16)

    await refused(api, None)
    await refused(api, None, get=True)
    await refused(api, unknown)
    await refused(api, foreign)
    await refused(api, revoked)
    await refused(api, expired)

    rows = [(r["actor"], r["operation"], r["target"], r["reason"]) for r in await gate_rows(api)][
        ::-1
    ]
    assert rows == [
        ("anonymous", "POST /api/graphql", "no token, from 127.0.0.1", "missing: no bearer token"),
        ("anonymous", "mine", "no token, from 127.0.0.1", "missing: no bearer token"),
        (
            "anonymous",
            "POST /api/graphql",
            f"token (an igt_ token, sha256 {hash_secret(unknown)[:12]}), from 127.0.0.1",
            "unknown: no such token",
        ),
        (
            "anonymous",
            "POST /api/graphql",
            f"token (not an igt_ token, sha256 {hash_secret(foreign)[:12]}), from 127.0.0.1",
            "unknown: no such token",
        ),
        (
            "urn:li:corpuser:member-user",
            "POST /api/graphql",
            f"token {revoked_id} ('laptop'), from 127.0.0.1",
            "revoked: the token was revoked",
        ),
        (
            "urn:li:corpuser:viewer-user",
            "POST /api/graphql",
            f"token {expired_id} ('old'), from 127.0.0.1",
            "expired: the token has expired",
        ),
    ]
    log = str(await api.gql(AUDIT, role=Role.ADMIN))
    for secret in (unknown, foreign, revoked, expired):
        assert secret not in log
        assert secret[4:12] not in log


async def test_private_introspection_refusals_are_audited_too(
    api_with: Callable[..., AbstractAsyncContextManager[Api]],
) -> None:
    async with api_with(public_introspection=False) as api:
        response = await api.http.post(
            "/api/graphql", json={"query": "query schema { __schema { queryType { name } } }"}
        )
        assert response.status_code == 401
        [row] = await gate_rows(api)
        assert (row["actor"], row["target"], row["reason"]) == (
            "anonymous",
            "no token, from 127.0.0.1",
            "missing: no bearer token",
        )


async def test_identical_refusals_are_one_row_a_second_plus_a_count(api: Api) -> None:
    log = stand_still(api)
    secret = new_secret()
    for _ in range(25):
        await refused(api, secret)
    await log.stop()  # writes the counts still pending, as the server does when it stops
    rows = [r for r in await gate_rows(api) if "unknown" in r["reason"]]
    # One row for the window's first refusal, one counting the rest (newest first).
    assert [r["reason"] for r in rows] == [
        "unknown: 24 more identical refusals within 1 s of the one before, not written one by one",
        "unknown: no such token",
    ]


async def test_refusals_over_the_rate_are_counted_not_itemised(api: Api) -> None:
    """Distinct tokens are not coalesced; past PER_SECOND rows a second they are counted."""
    log = stand_still(api)
    burst = 4 * PER_SECOND
    await asyncio.gather(*(refused(api, new_secret()) for _ in range(burst)))
    await log.stop()
    rows = await gate_rows(api)
    itemised = [r for r in rows if r["reason"] == "unknown: no such token"]
    assert len(itemised) == PER_SECOND
    [counted] = [r for r in rows if NOT_ITEMISED.search(r["reason"])]
    assert represented([counted]) == burst - PER_SECOND
    assert len(rows) == PER_SECOND + 1


@pytest.mark.slow
async def test_refused_websockets_are_audited_the_same_way(
    database_url: str, tmp_path: Path
) -> None:
    server = ServerProcess(database_url, tmp_path)
    await asyncio.to_thread(server.start)
    try:
        token = server.first_admin_token()
        assert token is not None
        unknown = new_secret()
        for secret in (None, unknown):
            async with connect(
                server.base_url.replace("http://", "ws://") + "/api/graphql",
                subprotocols=[Subprotocol("graphql-transport-ws")],
            ) as ws:
                payload = {} if secret is None else {"Authorization": f"Bearer {secret}"}
                await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
                with pytest.raises(ConnectionClosed) as closed:
                    await asyncio.wait_for(ws.recv(), 10)
                assert closed.value.rcvd is not None
                assert closed.value.rcvd.code == 4403
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            response = await http.post(
                "/api/graphql", json={"query": AUDIT}, headers={"Authorization": f"Bearer {token}"}
            )
        rows = [
            (e["actor"], e["target"], e["reason"])
            for e in response.json()["data"]["auditLog"]["entries"]
            if e["operation"] == "websocket /api/graphql"
        ]
        assert rows[::-1] == [
            ("anonymous", "no token, from 127.0.0.1", "missing: no bearer token"),
            (
                "anonymous",
                f"token (an igt_ token, sha256 {hash_secret(unknown)[:12]}), from 127.0.0.1",
                "unknown: no such token",
            ),
        ]
    finally:
        await asyncio.to_thread(server.stop)

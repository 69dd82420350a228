"""MANAGE_INCIDENTS is checked inside the write's own unit of work, over HTTP, both databases.

Deterministic, no timing: every writer task is held busy, so the units that requests hand to
the writer queue up in a known order. A change queued *before* an incident write (a revoked
grant, a demotion, new assets on the incident, a new grant) must decide that write, although
it had not committed when the write's request arrived. A check read before the unit (as it
used to be) would decide on the older state and let the write through (or refuse it).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest
from helpers import Api, new_user, until, writer_held

from incident_graph.domain.enums import Role
from incident_graph.store import Writer

ASSET = "urn:li:dataset:(urn:li:dataPlatform:hive,sales.orders,PROD)"
OTHER = "urn:li:dataset:(urn:li:dataPlatform:kafka,clicks,PROD)"
MEMBER = "urn:li:corpuser:mo"

RAISE = "mutation($i: RaiseIncidentInput!) { raiseIncident(input: $i) }"
STATUS = (
    "mutation($u: String!) { updateIncidentStatus(urn: $u, "
    'input: {state: ACTIVE, stage: INVESTIGATION, message: "looking"}) }'
)
GRANT = "mutation($i: PrivilegeGrantInput!) { grantPrivilege(input: $i) { id } }"
REVOKE = "mutation($i: PrivilegeGrantInput!) { revokePrivilege(input: $i) }"
ON_ASSET = {"granteeUrn": MEMBER, "scope": "ASSET", "resource": ASSET}
AUDIT = "{ auditLog(count: 100) { entries { actor operation target allowed reason } } }"
INCIDENTS = (
    "query($u: String!) { dataset(urn: $u) { incidents(count: 100) { incidents { title } } } }"
)


@pytest.fixture
async def api(api_with: Callable[..., AbstractAsyncContextManager[Api]]) -> AsyncIterator[Api]:
    """The app without its delivery worker: the worker's units would queue on the writer too,
    and the test counts the units queued to know its own are."""
    async with api_with(notify_worker=False) as client:
        yield client


async def granted_member_token(api: Api, *, granted: bool) -> str:
    token = await new_user(api, "mo", "MEMBER")
    if granted:
        await api.gql(GRANT, {"i": ON_ASSET}, role=Role.ADMIN)
    return token


async def in_order(
    api: Api, first: Awaitable[httpx.Response], then: Awaitable[httpx.Response]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Queue `first`'s unit, then `then`'s, while the writer is held; then let it run both."""
    assert api.app is not None
    writer: Writer = api.app.state.writer
    async with writer_held(writer) as release:
        one = asyncio.ensure_future(first)
        await until(lambda: writer.pending == 1, "the first request's unit is queued")
        two = asyncio.ensure_future(then)
        await until(lambda: writer.pending == 2 or two.done(), "the second unit is queued")
        release()
        answers = await asyncio.gather(one, two)
    return answers[0].json(), answers[1].json()


def post(api: Api, token: str, query: str, variables: dict[str, Any]) -> Awaitable[httpx.Response]:
    return api.http.post(
        "/api/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )


async def titles(api: Api) -> list[str]:
    """Titles of the incidents on ASSET; the asset itself exists only once one was raised."""
    dataset = (await api.gql(INCIDENTS, {"u": ASSET}))["dataset"]
    return [] if dataset is None else [i["title"] for i in dataset["incidents"]["incidents"]]


def code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or [{}]
    return errors[0].get("extensions", {}).get("code")  # type: ignore[no-any-return]


async def denied(api: Api) -> list[dict[str, Any]]:
    entries = (await api.gql(AUDIT, role=Role.ADMIN))["auditLog"]["entries"]
    return [e for e in entries if not e["allowed"] and e["actor"] == MEMBER]


async def test_a_revoke_queued_before_the_write_refuses_it(api: Api) -> None:
    token = await granted_member_token(api, granted=True)
    revoked, raised = await in_order(
        api,
        post(api, api.tokens[Role.ADMIN], REVOKE, {"i": ON_ASSET}),
        post(api, token, RAISE, {"i": {"type": "FRESHNESS", "resourceUrn": ASSET, "title": "x"}}),
    )
    assert revoked == {"data": {"revokePrivilege": True}}
    assert code(raised) == "FORBIDDEN", raised
    assert raised["errors"][0]["extensions"]["asset"] == ASSET
    # Nothing was written, and the refusal is in the audit log all the same.
    assert await titles(api) == []
    [entry] = await denied(api)
    assert (entry["operation"], entry["target"]) == ("raiseIncident", ASSET)
    assert "MANAGE_INCIDENTS" in entry["reason"]


async def test_a_demotion_queued_before_the_write_refuses_it(api: Api) -> None:
    token = await granted_member_token(api, granted=True)
    demoted, raised = await in_order(
        api,
        post(
            api,
            api.tokens[Role.ADMIN],
            'mutation { setUserRole(urn: "%s", role: VIEWER) }' % MEMBER,
            {},
        ),
        post(api, token, RAISE, {"i": {"type": "FRESHNESS", "resourceUrn": ASSET, "title": "x"}}),
    )
    assert demoted == {"data": {"setUserRole": True}}
    assert code(raised) == "FORBIDDEN", raised
    assert "viewer" in raised["errors"][0]["message"]
    assert await titles(api) == []
    assert [e["operation"] for e in await denied(api)] == ["raiseIncident"]


async def test_assets_added_before_the_write_are_checked_too(api: Api) -> None:
    token = await granted_member_token(api, granted=True)
    urn = await api.raise_incident(resourceUrn=ASSET, title="target")
    before = await api.incident(urn)
    moved, changed = await in_order(
        api,
        post(
            api,
            api.tokens[Role.EDITOR],
            "mutation($u: String!, $r: [String!]) "
            "{ updateIncident(urn: $u, input: {resourceUrns: $r}) }",
            {"u": urn, "r": [ASSET, OTHER]},
        ),
        post(api, token, STATUS, {"u": urn}),
    )
    assert moved == {"data": {"updateIncident": True}}
    assert code(changed) == "FORBIDDEN", changed
    assert changed["errors"][0]["extensions"]["asset"] == OTHER
    after = await api.incident(urn)
    assert after["incidentStatus"] == before["incidentStatus"]
    assert after["version"] == before["version"] + 1  # the editor's change only
    [entry] = await denied(api)
    assert (entry["operation"], entry["target"]) == ("updateIncidentStatus", urn)


async def test_a_grant_queued_before_the_write_allows_it(api: Api) -> None:
    token = await granted_member_token(api, granted=False)
    granted, raised = await in_order(
        api,
        post(api, api.tokens[Role.ADMIN], GRANT, {"i": ON_ASSET}),
        post(api, token, RAISE, {"i": {"type": "FRESHNESS", "resourceUrn": ASSET, "title": "y"}}),
    )
    assert "errors" not in granted, granted
    assert "errors" not in raised, raised
    assert await titles(api) == ["y"]
    assert await denied(api) == []

"""Changing a user's role: setUserRole over HTTP and `incident-graph user set-role`, both
databases. Admin only, audited, never demoting the last admin, effective on the next request."""

from __future__ import annotations

import asyncio
import subprocess
from typing import Any

import pytest
from helpers import Api, new_user
from server_process import cli

from incident_graph.domain.enums import Role

SET_ROLE = "mutation($u: String!, $r: UserRole!) { setUserRole(urn: $u, role: $r) }"
ME = "{ me { role } }"
AUDIT = "{ auditLog(count: 100) { entries { actor operation target allowed reason } } }"
ADMIN = "urn:li:corpuser:admin-user"


async def as_token(api: Api, token: str, query: str, variables: Any = None) -> dict[str, Any]:
    response = await api.http.post(
        "/api/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    return response.json()  # type: ignore[no-any-return]


async def role_changes(api: Api) -> list[tuple[str, str, bool]]:
    entries = (await api.gql(AUDIT, role=Role.ADMIN))["auditLog"]["entries"]
    return [
        (e["actor"], e["target"], e["allowed"]) for e in entries if e["operation"] == "setUserRole"
    ]


async def test_an_admin_changes_a_role_and_it_applies_on_the_next_request(api: Api) -> None:
    token = await new_user(api, "ada", "VIEWER")
    raise_ = 'mutation { raiseIncident(input: {type: SQL, resourceUrn: "%s"}) }' % (
        "urn:li:dataset:(urn:li:dataPlatform:hive,orders,PROD)"
    )
    assert (await as_token(api, token, raise_))["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    done = await api.gql(SET_ROLE, {"u": "urn:li:corpuser:ada", "r": "EDITOR"}, role=Role.ADMIN)
    assert done == {"setUserRole": True}
    # The same token, the very next request: the role is read per request, not per token.
    assert (await as_token(api, token, ME))["data"] == {"me": {"role": "EDITOR"}}
    assert "errors" not in await as_token(api, token, raise_)
    # Asking for the role it already has changes nothing and writes nothing.
    await api.gql(SET_ROLE, {"u": "ada", "r": "EDITOR"}, role=Role.ADMIN)
    assert await role_changes(api) == [(ADMIN, "urn:li:corpuser:ada: viewer -> editor", True)]


async def test_bad_requests_are_refused_and_change_nothing(api: Api) -> None:
    await new_user(api, "bo", "MEMBER")
    cases: list[tuple[str, dict[str, Any], Role, str]] = [
        (SET_ROLE, {"u": "urn:li:corpuser:bo", "r": "ADMIN"}, Role.EDITOR, "FORBIDDEN"),
        (SET_ROLE, {"u": "urn:li:corpuser:bo", "r": "ADMIN"}, Role.MEMBER, "FORBIDDEN"),
        (SET_ROLE, {"u": "urn:li:corpuser:bo", "r": "OWNER"}, Role.ADMIN, "BAD_USER_INPUT"),
        ('mutation { setUserRole(urn: "bo", role: OWNER) }', {}, Role.ADMIN, "BAD_USER_INPUT"),
        (SET_ROLE, {"u": "urn:li:corpuser:ghost", "r": "EDITOR"}, Role.ADMIN, "NOT_FOUND"),
        (SET_ROLE, {"u": "urn:li:corpGroup:bo", "r": "EDITOR"}, Role.ADMIN, "BAD_USER_INPUT"),
        (SET_ROLE, {"u": "two words", "r": "EDITOR"}, Role.ADMIN, "BAD_USER_INPUT"),
    ]
    for query, variables, role, code in cases:
        error = await api.error(query, variables, role=role)
        assert error["extensions"]["code"] == code, (variables, error)
    error = await api.error(SET_ROLE, {"u": "ghost", "r": "EDITOR"}, role=Role.ADMIN)
    assert error["extensions"]["urn"] == "urn:li:corpuser:ghost"
    user = await api.gql('{ corpUser(urn: "urn:li:corpuser:bo") { username } }')
    assert user == {"corpUser": {"username": "bo"}}
    assert await role_changes(api) == [
        ("urn:li:corpuser:member-user", "urn:li:corpuser:bo", False),
        ("urn:li:corpuser:editor-user", "urn:li:corpuser:bo", False),
    ]


async def test_the_last_admin_cannot_be_demoted(api: Api) -> None:
    error = await api.error(SET_ROLE, {"u": ADMIN, "r": "EDITOR"}, role=Role.ADMIN)
    assert error["extensions"] == {"code": "CONFLICT", "urn": ADMIN}
    assert "last admin" in error["message"]
    assert (await api.gql(ME, role=Role.ADMIN))["me"]["role"] == "ADMIN"

    token = await new_user(api, "cy", "MEMBER")
    await api.gql(SET_ROLE, {"u": "cy", "r": "ADMIN"}, role=Role.ADMIN)
    # Two admins: one may step down (here, demoting itself), leaving the other as the last.
    await api.gql(SET_ROLE, {"u": ADMIN, "r": "MEMBER"}, role=Role.ADMIN)
    assert (await api.gql(ME, role=Role.ADMIN))["me"]["role"] == "MEMBER"
    refused = await as_token(api, token, SET_ROLE, {"u": "cy", "r": "VIEWER"})
    assert refused["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert (await as_token(api, token, ME))["data"]["me"]["role"] == "ADMIN"


async def test_two_admins_demoting_each_other_at_once_leave_one(api: Api) -> None:
    """Both requests run at the same time (on PostgreSQL possibly in two transactions at
    once): exactly one wins and one admin is left. The other gets CONFLICT when its check
    ran before the winner's change committed (it would demote the last admin), FORBIDDEN
    when after (it is no longer an admin): both are right, and neither changes anything."""
    other = await new_user(api, "di", "ADMIN")
    first, second = await asyncio.gather(
        as_token(api, api.tokens[Role.ADMIN], SET_ROLE, {"u": "di", "r": "VIEWER"}),
        as_token(api, other, SET_ROLE, {"u": ADMIN, "r": "VIEWER"}),
    )
    codes = sorted(
        b["errors"][0]["extensions"]["code"] if "errors" in b else "OK" for b in (first, second)
    )
    assert codes in (["CONFLICT", "OK"], ["FORBIDDEN", "OK"]), (first, second)
    roles = [
        (await as_token(api, t, ME))["data"]["me"]["role"] for t in (api.tokens[Role.ADMIN], other)
    ]
    assert sorted(roles) == ["ADMIN", "VIEWER"]


async def run_cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a thread: the app under test keeps running (its background writers would
    otherwise sit mid-transaction, holding SQLite's write lock, while the loop is blocked)."""
    return await asyncio.to_thread(cli, database_url, *args)


async def test_the_command_line_changes_roles_the_same_way(api: Api, database_url: str) -> None:
    token = await new_user(api, "eve", "MEMBER")
    changed = await run_cli(
        database_url, "user", "set-role", "--name", "urn:li:corpuser:eve", "--role", "editor"
    )
    assert changed.stdout.strip() == "urn:li:corpuser:eve: role changed from member to editor"
    again = await run_cli(database_url, "user", "set-role", "--name", "eve", "--role", "editor")
    assert again.stdout.strip() == "urn:li:corpuser:eve already has role editor"
    assert (await as_token(api, token, ME))["data"] == {"me": {"role": "EDITOR"}}

    for args in (
        ("user", "set-role", "--name", "admin-user", "--role", "viewer"),
        ("token", "create", "--user", "admin-user", "--role", "viewer"),
    ):
        with pytest.raises(subprocess.CalledProcessError) as failed:
            await run_cli(database_url, *args)
        assert failed.value.returncode == 2
        assert "urn:li:corpuser:admin-user is the last admin" in failed.value.stderr
    with pytest.raises(subprocess.CalledProcessError) as failed:
        await run_cli(database_url, "user", "set-role", "--name", "ghost", "--role", "viewer")
    assert "no user urn:li:corpuser:ghost" in failed.value.stderr

    # `token create --role` on an existing user is the same change, audited the same way.
    await run_cli(database_url, "token", "create", "--user", "eve", "--role", "viewer")
    assert (await as_token(api, token, ME))["data"] == {"me": {"role": "VIEWER"}}
    assert await role_changes(api) == [
        ("urn:li:corpuser:cli", "urn:li:corpuser:eve: editor -> viewer", True),
        ("urn:li:corpuser:cli", "urn:li:corpuser:eve: member -> editor", True),
    ]

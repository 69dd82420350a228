"""Users, teams, me, tokens with expiry and revocation, and admin-only refusals, over HTTP."""

from __future__ import annotations

from typing import Any

import httpx
from helpers import Api
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.auth.tokens import hash_secret, new_secret
from incident_graph.domain.clock import now_ms
from incident_graph.domain.enums import Role
from incident_graph.store import users as user_store

CREATE_USER = "mutation($i: CreateUserInput!) { createUser(input: $i) { urn username } }"
CREATE_GROUP = "mutation($i: CreateGroupInput!) { createGroup(input: $i) { urn name } }"
ADD = "mutation($g: String!, $u: [String!]!) { addGroupMembers(groupUrn: $g, userUrns: $u) }"
REMOVE = "mutation($g: String!, $u: [String!]!) { removeGroupMembers(groupUrn: $g, userUrns: $u) }"
USER = "query($u: String!) { corpUser(urn: $u) { urn username displayName email groups { urn } } }"
GROUP = "query($u: String!) { corpGroup(urn: $u) { urn displayName members { username } } }"
ME = """{ me { user { urn } role tokenId groups { urn }
  privileges { privilege scope resource viaRole grantee { ... on CorpGroup { urn } } } } }"""
NEW_TOKEN = """mutation($n: String!, $d: Int, $u: String) {
  createAccessToken(name: $n, expiresInDays: $d, userUrn: $u) {
    accessToken metadata { id name user { urn } createdAt expiresAt revokedAt } } }"""
LIST = "{ listAccessTokens { id name expiresAt revokedAt } }"
AUDIT = "{ auditLog { total entries { actor operation target allowed reason } } }"


async def with_token(
    api: Api, token: str, query: str, variables: dict[str, Any] | None = None
) -> httpx.Response:
    return await api.http.post(
        "/api/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
    )


async def test_users_groups_and_me(api: Api) -> None:
    made = await api.gql(
        CREATE_USER,
        {"i": {"name": "ada", "displayName": "Ada L", "email": "ada@example.com"}},
        role=Role.ADMIN,
    )
    assert made == {"createUser": {"urn": "urn:li:corpuser:ada", "username": "ada"}}
    await api.gql(CREATE_GROUP, {"i": {"name": "urn:li:corpGroup:data-eng", "displayName": "DE"}},
                  role=Role.ADMIN)  # fmt: skip
    await api.gql(ADD, {"g": "urn:li:corpGroup:data-eng", "u": ["ada", "urn:li:corpuser:ada"]},
                  role=Role.ADMIN)  # fmt: skip
    user = (await api.gql(USER, {"u": "urn:li:corpuser:ada"}, role=Role.VIEWER))["corpUser"]
    assert user == {
        "urn": "urn:li:corpuser:ada",
        "username": "ada",
        "displayName": "Ada L",
        "email": "ada@example.com",
        "groups": [{"urn": "urn:li:corpGroup:data-eng"}],
    }
    group = await api.gql(GROUP, {"u": "urn:li:corpGroup:data-eng"}, role=Role.VIEWER)
    assert group["corpGroup"] == {
        "urn": "urn:li:corpGroup:data-eng",
        "displayName": "DE",
        "members": [{"username": "ada"}],
    }
    assert (await api.gql(USER, {"u": "urn:li:corpuser:nobody"}))["corpUser"] is None

    grant = "mutation($i: PrivilegeGrantInput!) { grantPrivilege(input: $i) { id } }"
    await api.gql(grant, {"i": {"granteeUrn": "urn:li:corpGroup:data-eng", "scope": "PLATFORM",
                                "resource": "snowflake"}}, role=Role.ADMIN)  # fmt: skip
    token = (await api.gql(NEW_TOKEN, {"n": "laptop", "u": "urn:li:corpuser:ada"},
                           role=Role.ADMIN))["createAccessToken"]["accessToken"]  # fmt: skip
    me = (await with_token(api, token, ME)).json()["data"]["me"]
    assert me["user"] == {"urn": "urn:li:corpuser:ada"}
    assert me["role"] == "MEMBER"
    assert me["groups"] == [{"urn": "urn:li:corpGroup:data-eng"}]
    assert me["privileges"] == [
        {
            "privilege": "MANAGE_INCIDENTS",
            "scope": "PLATFORM",
            "resource": "snowflake",
            "viaRole": False,
            "grantee": {"urn": "urn:li:corpGroup:data-eng"},
        }
    ]
    editor = (await api.gql(ME))["me"]
    assert [(p["privilege"], p["scope"], p["viaRole"]) for p in editor["privileges"]] == [
        ("MANAGE_INCIDENTS", "GLOBAL", True),
        ("INGEST_METADATA", "GLOBAL", True),
    ]

    await api.gql(REMOVE, {"g": "urn:li:corpGroup:data-eng", "u": ["ada"]}, role=Role.ADMIN)
    me = (await with_token(api, token, ME)).json()["data"]["me"]
    assert me["groups"] == []
    assert me["privileges"] == []


async def test_directory_refusals_change_nothing(api: Api) -> None:
    await api.gql(CREATE_USER, {"i": {"name": "bo"}}, role=Role.ADMIN)
    cases: list[tuple[str, dict[str, Any] | None, Role, str]] = [
        (CREATE_USER, {"i": {"name": "bo"}}, Role.ADMIN, "CONFLICT"),
        (CREATE_USER, {"i": {"name": "two words"}}, Role.ADMIN, "BAD_USER_INPUT"),
        (CREATE_USER, {"i": {"name": "cy", "email": "nope"}}, Role.ADMIN, "BAD_USER_INPUT"),
        (CREATE_USER, {"i": {"name": "cy"}}, Role.EDITOR, "FORBIDDEN"),
        (CREATE_GROUP, {"i": {"name": "g"}}, Role.MEMBER, "FORBIDDEN"),
        (ADD, {"g": "urn:li:corpGroup:none", "u": ["bo"]}, Role.ADMIN, "NOT_FOUND"),
        (AUDIT, None, Role.EDITOR, "FORBIDDEN"),
    ]
    for query, variables, role, code in cases:
        error = await api.error(query, variables, role=role)
        assert error["extensions"]["code"] == code, (query, variables, error)
    await api.gql(CREATE_GROUP, {"i": {"name": "g"}}, role=Role.ADMIN)
    error = await api.error(ADD, {"g": "urn:li:corpGroup:g", "u": ["bo", "ghost"]}, role=Role.ADMIN)
    assert error["extensions"] == {"code": "NOT_FOUND", "urn": "urn:li:corpuser:ghost"}
    group = await api.gql(GROUP, {"u": "urn:li:corpGroup:g"})
    assert group["corpGroup"]["members"] == []  # bo was not added either
    assert (await api.gql(USER, {"u": "urn:li:corpuser:cy"}))["corpUser"] is None

    log = (await api.gql(AUDIT, role=Role.ADMIN))["auditLog"]["entries"]
    refused = [(e["actor"], e["operation"]) for e in log if not e["allowed"]]
    assert refused == [
        ("urn:li:corpuser:editor-user", "auditLog"),
        ("urn:li:corpuser:member-user", "createGroup"),
        ("urn:li:corpuser:editor-user", "createUser"),
    ]
    done = [e["operation"] for e in log if e["allowed"]]
    assert done == ["createGroup", "createUser"]


async def test_tokens_list_revoke_and_expire(api: Api) -> None:
    made = (await api.gql(NEW_TOKEN, {"n": "ci", "d": 30}, role=Role.MEMBER))["createAccessToken"]
    meta = made["metadata"]
    assert made["accessToken"].startswith("igt_")
    assert meta["user"] == {"urn": "urn:li:corpuser:member-user"}
    assert meta["expiresAt"] - meta["createdAt"] == 30 * 86_400_000
    listed = (await with_token(api, made["accessToken"], LIST)).json()["data"]["listAccessTokens"]
    assert [t["name"] for t in listed] == ["cli", "ci"]  # own tokens only, no secrets
    assert "accessToken" not in str(listed)

    error = await api.error(NEW_TOKEN, {"n": "x", "u": "urn:li:corpuser:admin-user"},
                            role=Role.MEMBER)  # fmt: skip
    assert error["extensions"]["code"] == "FORBIDDEN"
    error = await api.error(NEW_TOKEN, {"n": "x", "d": 0}, role=Role.MEMBER)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"

    revoke = "mutation($i: ID!) { revokeAccessToken(id: $i) }"
    # Someone else's token is not yours to revoke.
    error = await api.error(revoke, {"i": meta["id"]}, role=Role.VIEWER)
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert (await with_token(api, made["accessToken"], "{ me { role } }")).status_code == 200
    await api.gql(revoke, {"i": meta["id"]}, role=Role.MEMBER)
    refused = await with_token(api, made["accessToken"], "{ me { role } }")
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "revoked" in refused.json()["errors"][0]["message"]

    # An expired token (written directly: no one waits a day in a test).
    secret = new_secret()

    async def expired(session: AsyncSession) -> None:
        user = await user_store.get_user(session, name="member-user")
        assert user is not None
        await user_store.insert_token(
            session,
            user_id=user.id,
            name="old",
            token_hash=hash_secret(secret),
            now_ms=now_ms() - 10,
            expires_ms=now_ms() - 1,
        )

    assert api.app is not None
    await api.app.state.writer.run(expired)
    refused = await with_token(api, secret, "{ me { role } }")
    assert refused.status_code == 401
    assert "expired" in refused.json()["errors"][0]["message"]


LIST_USERS = """query($i: ListUsersInput!) { listUsers(input: $i) {
  start count total users { username displayName email role } } }"""


async def test_admins_list_users_by_name_with_their_roles(api: Api) -> None:
    for name, shown, email, role in (
        ("ana", "Ana Lopez", "ana@example.com", "EDITOR"),
        ("bo", None, "bo@data.example.org", "VIEWER"),
        ("cy", "Cy 100%_done", None, "MEMBER"),
    ):
        await api.gql(
            CREATE_USER,
            {"i": {"name": name, "displayName": shown, "email": email, "role": role}},
            role=Role.ADMIN,
        )
    everyone = (await api.gql(LIST_USERS, {"i": {}}, role=Role.ADMIN))["listUsers"]
    # The four role users the tests start with, and the three made here, by name.
    names = [u["username"] for u in everyone["users"]]
    assert names == sorted(names)
    assert everyone["total"] == 7 == len(names)
    by_name = {u["username"]: u for u in everyone["users"]}
    assert by_name["ana"] == {
        "username": "ana",
        "displayName": "Ana Lopez",
        "email": "ana@example.com",
        "role": "EDITOR",
    }
    assert by_name["admin-user"]["role"] == "ADMIN"

    async def found(**given: Any) -> tuple[int, list[str]]:
        result = (await api.gql(LIST_USERS, {"i": given}, role=Role.ADMIN))["listUsers"]
        return result["total"], [u["username"] for u in result["users"]]

    assert await found(query="LOPEZ") == (1, ["ana"])  # the display name, any case
    assert await found(query="data.example") == (1, ["bo"])  # the email
    assert await found(query="-user") == (
        4,
        [f"{r}-user" for r in sorted(r.value.lower() for r in Role)],
    )
    # LIKE's wildcards are plain characters in a query.
    assert await found(query="100%_") == (1, ["cy"])
    assert await found(query="%") == (1, ["cy"])
    assert await found(query="  ") == (7, sorted(names))
    assert await found(start=5, count=1) == (7, [sorted(names)[5]])
    assert await found(start=9, count=5) == (7, [])


async def test_only_admins_list_users_and_bad_queries_are_refused(api: Api) -> None:
    for role in (Role.EDITOR, Role.MEMBER, Role.VIEWER):
        error = await api.error(LIST_USERS, {"i": {}}, role=role)
        assert error["extensions"]["code"] == "FORBIDDEN", error
    # A non-admin reading a user may not see its role either.
    error = await api.error(
        'query { corpUser(urn: "urn:li:corpuser:admin-user") { username role } }', role=Role.EDITOR
    )
    assert error["extensions"]["code"] == "FORBIDDEN"
    for given, words in (
        ({"query": "x" * 321}, "the limit is 320"),
        ({"query": "a\u0000b"}, "NUL"),
        ({"count": 1001}, "count must be between 0 and 1000"),
        ({"start": -1}, "start must be 0 or more"),
    ):
        error = await api.error(LIST_USERS, {"i": given}, role=Role.ADMIN)
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert words in error["message"]

"""Who may change which incidents: role x grant scope x operation, over HTTP, both databases."""

from __future__ import annotations

from typing import Any

from helpers import Api

from incident_graph.domain.enums import Role

ASSET = "urn:li:dataset:(urn:li:dataPlatform:hive,sales.orders,PROD)"
OTHER = "urn:li:dataset:(urn:li:dataPlatform:kafka,clicks,PROD)"
SCOPES = ("none", "asset", "platform", "global", "owner-user", "owner-group")
ROLES = (Role.ADMIN, Role.EDITOR, Role.MEMBER, Role.VIEWER)

CREATE_USER = "mutation($i: CreateUserInput!) { createUser(input: $i) { urn } }"
TOKEN = (
    "mutation($n: String!, $u: String) { createAccessToken(name: $n, userUrn: $u) { accessToken } }"
)
GRANT = "mutation($i: PrivilegeGrantInput!) { grantPrivilege(input: $i) { id scope resource } }"
SNAPSHOT = (
    """query($u: String!) { incident(urn: $u) {
    version title priority acknowledged { time } rootCause { category }
    incidentStatus { state message } comments { total }
    entities { urn }
} dataset(urn: "%s") { incidents(count: 1000) { total } } }"""
    % ASSET
)

OPERATIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "raiseIncident": (
        "mutation($i: RaiseIncidentInput!) { raiseIncident(input: $i) }",
        {"i": {"type": "FRESHNESS", "resourceUrn": ASSET, "title": "late"}},
    ),
    "updateIncident": (
        "mutation($u: String!) { updateIncident(urn: $u, input: {priority: HIGH}) }",
        {},
    ),
    "updateIncidentStatus": (
        (
            "mutation($u: String!) { updateIncidentStatus(urn: $u, "
            'input: {state: ACTIVE, stage: INVESTIGATION, message: "looking"}) }'
        ),
        {},
    ),
    "addIncidentComment": (
        'mutation($u: String!) { addIncidentComment(urn: $u, text: "on it") }',
        {},
    ),
    "acknowledgeIncident": ("mutation($u: String!) { acknowledgeIncident(urn: $u) }", {}),
    "setIncidentRootCause": (
        "mutation($u: String!) { setIncidentRootCause(urn: $u, rootCause: {category: OTHER}) }",
        {},
    ),
}


def allowed(role: Role, scope: str) -> bool:
    if role in {Role.ADMIN, Role.EDITOR}:
        return True
    return role is Role.MEMBER and scope != "none"


async def call(api: Api, token: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = await api.http.post(
        "/api/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def admin(api: Api, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    return await api.gql(query, variables, role=Role.ADMIN)


async def people(api: Api) -> dict[tuple[Role, str], str]:
    """One user per (role, scope), holding MANAGE_INCIDENTS on ASSET in that way; their tokens."""
    await admin(api, 'mutation { createGroup(input: {name: "owners"}) { urn } }')
    tokens: dict[tuple[Role, str], str] = {}
    group_members: list[str] = []
    user_owners: list[dict[str, str]] = []
    for role in ROLES:
        for scope in SCOPES:
            name = f"{role.value}-{scope}"
            urn = f"urn:li:corpuser:{name}"
            await admin(api, CREATE_USER, {"i": {"name": name, "role": role.name}})
            data = await admin(api, TOKEN, {"n": "matrix", "u": urn})
            tokens[(role, scope)] = data["createAccessToken"]["accessToken"]
            grant = {
                "asset": {"scope": "ASSET", "resource": ASSET},
                "platform": {"scope": "PLATFORM", "resource": "urn:li:dataPlatform:hive"},
                "global": {"scope": "GLOBAL"},
            }.get(scope)
            if grant is not None:
                await admin(api, GRANT, {"i": {"granteeUrn": urn, **grant}})
            if scope == "owner-user":
                user_owners.append({"ownerUrn": urn})
            if scope == "owner-group":
                group_members.append(urn)
    await admin(
        api,
        'mutation($m: [String!]!) { addGroupMembers(groupUrn: "urn:li:corpGroup:owners", '
        "userUrns: $m) }",
        {"m": group_members},
    )
    await api.gql(
        "mutation($i: [AssetInput!]!) { upsertAssets(input: $i) { created } }",
        {"i": [{"urn": ASSET, "owners": [*user_owners, {"ownerUrn": "urn:li:corpGroup:owners"}]}]},
    )
    return tokens


async def test_permission_matrix(api: Api) -> None:
    tokens = await people(api)
    target = await api.raise_incident(resourceUrn=ASSET, title="target")
    expected_denials = 0
    wrong: list[str] = []
    for operation, (query, extra) in OPERATIONS.items():
        for role in ROLES:
            for scope in SCOPES:
                before = await api.gql(SNAPSHOT, {"u": target}, role=Role.VIEWER)
                body = await call(api, tokens[(role, scope)], query, {"u": target} | extra)
                after = await api.gql(SNAPSHOT, {"u": target}, role=Role.VIEWER)
                cell = f"{operation} by {role.value} with grant {scope}"
                if allowed(role, scope):
                    if "errors" in body:
                        wrong.append(f"{cell}: refused: {body['errors'][0]['message']}")
                    continue
                expected_denials += 1
                errors = body.get("errors") or [{}]
                if errors[0].get("extensions", {}).get("code") != "FORBIDDEN":
                    wrong.append(f"{cell}: not FORBIDDEN: {body}")
                elif role is Role.MEMBER and ASSET not in errors[0]["message"]:
                    wrong.append(f"{cell}: message does not name the asset: {errors[0]}")
                if before != after:
                    wrong.append(f"{cell}: a refused call changed {before} into {after}")
    assert not wrong, "\n".join(wrong)

    log = await admin(
        api, "{ auditLog(count: 1000) { total entries { actor operation target allowed } } }"
    )
    denied = [e for e in log["auditLog"]["entries"] if not e["allowed"]]
    assert len(denied) == expected_denials == 6 * 7
    assert {"actor": "urn:li:corpuser:viewer-global", "operation": "acknowledgeIncident",
            "target": target, "allowed": False} in denied  # fmt: skip
    member = [e for e in denied if e["actor"] == "urn:li:corpuser:member-none"]
    assert {e["operation"] for e in member} == set(OPERATIONS)


async def test_every_asset_is_needed(api: Api) -> None:
    """An incident on several assets needs the privilege on all; updates that add assets too."""
    await admin(api, CREATE_USER, {"i": {"name": "pat"}})
    token = (await admin(api, TOKEN, {"n": "t", "u": "urn:li:corpuser:pat"}))["createAccessToken"][
        "accessToken"
    ]
    await admin(api, GRANT, {"i": {"granteeUrn": "urn:li:corpuser:pat", "scope": "ASSET",
                                   "resource": ASSET}})  # fmt: skip
    raise_both = OPERATIONS["raiseIncident"][0]
    body = await call(
        api, token, raise_both, {"i": {"type": "SQL", "resourceUrns": [ASSET, OTHER]}}
    )
    assert body["errors"][0]["extensions"] == {
        "code": "FORBIDDEN",
        "operation": "raiseIncident",
        "asset": OTHER,
    }
    nothing = await api.gql("query($u: String!) { dataset(urn: $u) { urn } }", {"u": ASSET})
    assert nothing == {"dataset": None}  # not even the asset was registered

    mine = (await call(api, token, raise_both, {"i": {"type": "SQL", "resourceUrn": ASSET}}))[
        "data"
    ]["raiseIncident"]
    widen = "mutation($u: String!, $r: [String!]) { updateIncident(urn: $u, input: {resourceUrns: $r}) }"
    body = await call(api, token, widen, {"u": mine, "r": [ASSET, OTHER]})
    assert body["errors"][0]["extensions"]["asset"] == OTHER
    assert [e["urn"] for e in (await api.incident(mine))["entities"]] == [ASSET]

    both = (await admin(api, raise_both, {"i": {"type": "SQL", "resourceUrns": [ASSET, OTHER]}}))[
        "raiseIncident"
    ]
    comment = 'mutation($u: String!) { addIncidentComment(urn: $u, text: "x") }'
    body = await call(api, token, comment, {"u": both})
    assert OTHER in body["errors"][0]["message"]

    # Granting the platform of the other asset completes the set.
    await admin(api, GRANT, {"i": {"granteeUrn": "urn:li:corpuser:pat", "scope": "PLATFORM",
                                   "resource": "kafka"}})  # fmt: skip
    assert "errors" not in await call(api, token, comment, {"u": both})
    assert "errors" not in await call(api, token, widen, {"u": mine, "r": [ASSET, OTHER]})

    # Revoking takes effect on the next request.
    revoke = "mutation($i: PrivilegeGrantInput!) { revokePrivilege(input: $i) }"
    await admin(api, revoke, {"i": {"granteeUrn": "urn:li:corpuser:pat", "scope": "PLATFORM",
                                    "resource": "kafka"}})  # fmt: skip
    body = await call(api, token, comment, {"u": both})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_members_cannot_change_the_catalog(api: Api) -> None:
    """Owners decide privileges, so only editors and admins may change them."""
    body = await api.post(
        'mutation { upsertAssets(input: [{urn: "%s", owners: [{ownerUrn: '
        '"urn:li:corpuser:member-user"}]}]) { created } }' % ASSET,
        role=Role.MEMBER,
    )
    error = body.json()["errors"][0]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "editor or admin" in error["message"]

"""The first admin's command line: users, teams, members and grants, seen through the API."""

from __future__ import annotations

import subprocess

import pytest
from helpers import Api
from server_process import cli

from incident_graph.domain.enums import Role

ASSET = "urn:li:dataset:(urn:li:dataPlatform:hive,orders,PROD)"


async def test_user_group_member_and_grant_commands(api: Api, database_url: str) -> None:
    made = cli(database_url, "user", "create", "--name", "kim", "--email", "kim@example.com")
    assert made.stdout.strip() == "user urn:li:corpuser:kim created (member)"
    cli(database_url, "group", "create", "--name", "sre", "--display-name", "SRE")
    cli(database_url, "group", "add-member", "--group", "sre", "--user", "kim")
    granted = cli(
        database_url, "grant", "--to", "urn:li:corpGroup:sre", "--scope", "platform",
        "--resource", "hive",
    )  # fmt: skip
    assert "MANAGE_INCIDENTS on hive (PLATFORM) to urn:li:corpGroup:sre" in granted.stdout
    token = cli(database_url, "token", "create", "--user", "kim").stdout.strip().splitlines()[-1]

    with pytest.raises(subprocess.CalledProcessError) as failed:
        cli(database_url, "group", "add-member", "--group", "sre", "--user", "ghost")
    assert failed.value.returncode == 2
    assert "no user urn:li:corpuser:ghost" in failed.value.stderr

    user = await api.gql(
        '{ corpUser(urn: "urn:li:corpuser:kim") { email groups { urn displayName } } }'
    )
    assert user["corpUser"] == {
        "email": "kim@example.com",
        "groups": [{"urn": "urn:li:corpGroup:sre", "displayName": "SRE"}],
    }
    raised = await api.http.post(
        "/api/graphql",
        json={
            "query": f'mutation {{ raiseIncident(input: {{type: SQL, resourceUrn: "{ASSET}"}}) }}'
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert "errors" not in raised.json(), raised.json()
    log = await api.gql("{ auditLog { entries { actor operation } } }", role=Role.ADMIN)
    assert {"actor": "urn:li:corpuser:cli", "operation": "grantPrivilege"} in log["auditLog"][
        "entries"
    ]

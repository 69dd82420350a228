"""The CLI and a real server process: serve, tokens, restart, curl and DataHub's SDK."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from server_process import ServerProcess, cli

from incident_graph.api.schema import sdl

ROOT = Path(__file__).resolve().parent.parent
DATASET = "urn:li:dataset:(urn:li:dataPlatform:kafka,SampleKafkaDataset,PROD)"


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(database_url=database_url, workdir=tmp_path).start()
    yield process
    process.stop()


def _post(
    server: ServerProcess, token: str, query: str, variables: dict[str, object] | None = None
) -> httpx.Response:
    return httpx.post(
        f"{server.base_url}/api/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


def test_serve_prints_graphiql_url_and_first_admin_token_once(
    server: ServerProcess, database_url: str, tmp_path: Path
) -> None:
    assert f"GraphiQL: {server.base_url}/api/graphiql" in server.stdout_lines
    token = server.first_admin_token()
    assert token is not None
    assert token.startswith("igt_")
    assert len(token) >= 40
    raised = _post(
        server, token, 'mutation { raiseIncident(input: {type: SQL, resourceUrn: "%s"}) }' % DATASET
    )
    urn = raised.json()["data"]["raiseIncident"]
    server.stop()
    # Restarted on the same database: no new admin token, and the data is still there.
    again = ServerProcess(database_url=database_url, workdir=tmp_path).start()
    try:
        assert again.first_admin_token() is None
        read = _post(
            again,
            token,
            "query($u: String!) { incident(urn: $u) { urn incidentType } }",
            {"u": urn},
        )
        assert read.json()["data"]["incident"] == {"urn": urn, "incidentType": "SQL"}
    finally:
        again.stop()


def test_token_create_last_line_and_roles_and_revoke(
    server: ServerProcess, database_url: str
) -> None:
    created = cli(database_url, "token", "create", "--user", "airflow", "--role", "editor")
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("igt_")
    token_id = created.stderr.split("token id ", 1)[1].split()[0]
    ok = _post(
        server,
        token,
        'mutation { raiseIncident(input: {type: VOLUME, resourceUrn: "%s"}) }' % DATASET,
    )
    assert ok.json()["data"]["raiseIncident"].startswith("urn:li:incident:")

    viewer = (
        cli(database_url, "token", "create", "--user", "dashboards").stdout.strip().splitlines()[-1]
    )
    refused = _post(
        server,
        viewer,
        'mutation { raiseIncident(input: {type: VOLUME, resourceUrn: "%s"}) }' % DATASET,
    )
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    cli(database_url, "token", "revoke", "--id", token_id)
    revoked = _post(server, token, "{ __typename }")
    assert revoked.status_code == 401
    assert "revoked" in revoked.json()["errors"][0]["message"]


def test_token_create_refuses_bad_names(database_url: str) -> None:
    with pytest.raises(subprocess.CalledProcessError) as failed:
        cli(database_url, "token", "create", "--user", "two words")
    assert failed.value.returncode == 2
    assert "bad user name" in failed.value.stderr


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_datahub_guide_curl_raise_verbatim(server: ServerProcess) -> None:
    token = server.first_admin_token()
    # The Beta guide's curl command with only the address and token filled in.
    command = (
        f"curl --location --request POST '{server.base_url}/api/graphql' \\\n"
        f"--header 'Authorization: Bearer {token}' \\\n"
        "--header 'Content-Type: application/json' \\\n"
        """--data-raw '{"query":"mutation raiseIncident {\\n  raiseIncident(input: {\\n    type: OPERATIONAL\\n    title: \\"Dataset Failed Quality Checks\\"\\n    description: \\"Dataset failed 2/6 Quality Checks for suite run id xy123mksj812pk23.\\"\\n    resourceUrn: \\"urn:li:dataset:(urn:li:dataPlatform:kafka,SampleKafkaDataset,PROD)\\"\\n  })\\n}","variables":{}}'"""
    )
    result = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, check=True, timeout=30
    )
    assert '"raiseIncident":"urn:li:incident:' in result.stdout


def test_datahub_python_sdk_execute_graphql(server: ServerProcess) -> None:
    graph_client = pytest.importorskip("datahub.ingestion.graph.client")
    from datahub.configuration.common import GraphError

    token = server.first_admin_token()
    graph = graph_client.DataHubGraph(
        graph_client.DatahubClientConfig(server=server.base_url, token=token)
    )
    graph.test_connection()  # reads GET /config, as the SDK's CLI and get_default_graph() do
    urn = graph.execute_graphql(
        'mutation { raiseIncident(input: {type: OPERATIONAL, title: "t", resourceUrn: "%s"}) }'
        % DATASET
    )["raiseIncident"]
    page = graph.execute_graphql(
        "query($urn: String!) { dataset(urn: $urn) { incidents(state: ACTIVE, start: 0, count: 10) "
        "{ total incidents { urn status { state } } } } }",
        variables={"urn": DATASET},
    )
    assert page["dataset"]["incidents"]["incidents"] == [
        {"urn": urn, "status": {"state": "ACTIVE"}}
    ]
    resolved = graph.execute_graphql(
        'mutation($u: String!) { updateIncidentStatus(urn: $u, input: {state: RESOLVED, message: "ok"}) }',
        variables={"u": urn},
    )
    assert resolved == {"updateIncidentStatus": "true"}
    with pytest.raises(GraphError, match="NOT_FOUND"):
        graph.execute_graphql(
            'mutation { updateIncidentStatus(urn: "urn:li:incident:nope", input: {state: RESOLVED}) }'
        )


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_schema_graphql_matches_export_schema(database_url: str) -> None:
    exported = cli(database_url, "export-schema").stdout
    assert exported == sdl()
    committed = (ROOT / "schema.graphql").read_text()
    assert committed == exported, (
        "schema.graphql is stale: run `incident-graph export-schema > schema.graphql`"
    )


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.empty_database
def test_migrate_command(database_url: str) -> None:
    assert "migrated" in cli(database_url, "migrate").stdout


def test_bad_database_url_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(subprocess.CalledProcessError) as failed:
        cli("mysql://nope", "migrate", cwd=tmp_path)
    assert "INCIDENT_GRAPH_DATABASE_URL" in failed.value.stderr


async def test_sixteen_concurrent_clients_while_another_process_writes(
    server: ServerProcess, database_url: str
) -> None:
    """16 clients raise at once over real HTTP while the CLI writes from its own process."""
    import asyncio

    token = server.first_admin_token()
    query = (
        'mutation($t: String!) { raiseIncident(input: {type: FRESHNESS, title: $t, resourceUrn: "%s"}) }'
        % DATASET
    )

    async def client(n: int) -> list[str]:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as http:
            urns = []
            for i in range(10):
                response = await http.post(
                    "/api/graphql",
                    json={"query": query, "variables": {"t": f"{n}-{i}"}},
                    headers={"Authorization": f"Bearer {token}"},
                )
                body = response.json()
                assert "errors" not in body, body
                urns.append(body["data"]["raiseIncident"])
            return urns

    cli_writes = asyncio.to_thread(
        lambda: [cli(database_url, "token", "create", "--user", f"u{i}") for i in range(3)]
    )
    results = await asyncio.gather(*(client(n) for n in range(16)), cli_writes)
    urns = {u for batch in results[:16] for u in batch}
    assert len(urns) == 160
    total = _post(server, token, '{ dataset(urn: "%s") { incidents { total } } }' % DATASET)
    assert total.json()["data"]["dataset"]["incidents"]["total"] == 160
    assert "database is locked" not in server.output()

"""A real incident-graph server for DataHub's own clients (SDK, CLI), one per database.

The SDK and CLI are synchronous and speak HTTP, so a test module shares one server process
per database (module scope); each test uses URNs of its own.
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from datahub.emitter.rest_emitter import DatahubRestEmitter
from datahub.ingestion.graph.client import DatahubClientConfig, DataHubGraph
from postgres_server import PostgresServer, execute
from server_process import ServerProcess, cli

# DataHub's SDK and CLI would otherwise try to report usage to DataHub's telemetry service.
os.environ["DATAHUB_TELEMETRY_ENABLED"] = "false"


@dataclass
class Gms:
    server: ServerProcess
    token: str
    database_url: str

    @property
    def url(self) -> str:
        return self.server.base_url

    def emitter(self, token: str | None = None) -> DatahubRestEmitter:
        # No retries: a refusal must show at once (the emitter retries only 429 and 5xx).
        return DatahubRestEmitter(self.url, token=token or self.token, retry_max_times=0)

    def graph(self) -> DataHubGraph:
        return DataHubGraph(DatahubClientConfig(server=self.url, token=self.token))

    def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = httpx.post(
            f"{self.url}/api/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=30,
        )
        body = response.json()
        assert "errors" not in body, body
        return body["data"]  # type: ignore[no-any-return]

    def post(self, path: str, body: Any, token: str | None = "") -> httpx.Response:
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token or self.token}"
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        return httpx.post(f"{self.url}{path}", content=content, headers=headers, timeout=30)

    def token_for(self, user: str, role: str) -> str:
        made = cli(self.database_url, "token", "create", "--user", user, "--role", role)
        return made.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def gms(
    request: pytest.FixtureRequest,
    postgres: PostgresServer | None,
    session_tag: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Gms]:
    """A server for the test module on a fresh database of each kind, stopped (and its
    database dropped) after."""
    backend = str(request.param)
    workdir = tmp_path_factory.mktemp(f"gms-{backend}")
    name = f"igt_{session_tag}_{uuid.uuid4().hex[:10]}"
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{workdir}/gms.db"
    else:
        if postgres is None:
            pytest.skip("no PostgreSQL server could be found or started")
        asyncio.run(execute(postgres.url, f'CREATE DATABASE "{name}"'))
        url = postgres.database_url(name)
    server = ServerProcess(database_url=url, workdir=workdir).start()
    try:
        token = server.first_admin_token()
        assert token is not None
        yield Gms(server=server, token=token, database_url=url)
    finally:
        server.stop()
        if backend == "postgresql" and postgres is not None:
            asyncio.run(execute(postgres.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

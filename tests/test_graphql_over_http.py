"""GraphQL over HTTP as its spec says: the media type negotiated from Accept, status codes by
media type, and every request error in GraphQL's JSON shape with a code and a request id.
graphql-http's own audit runs against a real server when Node is present."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import Api
from server_process import ServerProcess, cli

from incident_graph.domain.enums import Role

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
AUDIT_SCRIPT = Path(__file__).with_name("graphql_http_audit.mjs")
# The conformance audits graphql-http 1.x runs against a server.
AUDIT_COUNT = 61


async def _post(api: Api, body: bytes | dict[str, Any], accept: str | None) -> httpx.Response:
    headers = api.headers(Role.ADMIN) | {"Content-Type": JSON}
    if accept is not None:
        headers["Accept"] = accept
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return await api.http.post("/api/graphql", content=content, headers=headers)


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, JSON),
        ("*/*", JSON),
        (JSON, JSON),
        ("application/*", JSON),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, {JSON};q=0.9", GRAPHQL_RESPONSE),
        (f"{JSON}, {GRAPHQL_RESPONSE}", JSON),
        (f"{JSON};q=0.5, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        ("text/html", JSON),
    ],
)
async def test_media_type_follows_accept(api: Api, accept: str | None, media_type: str) -> None:
    response = await _post(api, {"query": "{ __typename }"}, accept)
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.json() == {"data": {"__typename": "Query"}}


# (what is wrong, body): GraphQL's own request errors, found before execution.
REQUEST_ERRORS = [
    ("syntax", {"query": "{"}),
    ("validation", {"query": "{ noSuchField }"}),
    ("variable coercion", {"query": "query($n: Int!) { __typename }", "variables": {"n": "x"}}),
    (
        "NUL in a variable",
        {"query": "query($s: String) { __typename }", "variables": {"s": "\x00"}},
    ),
]


@pytest.mark.parametrize(("what", "body"), REQUEST_ERRORS, ids=[r[0] for r in REQUEST_ERRORS])
async def test_request_errors_are_400_without_data_in_graphql_response_json(
    api: Api, what: str, body: dict[str, Any]
) -> None:
    strict = await _post(api, body, GRAPHQL_RESPONSE)
    assert strict.status_code == 400, what
    assert strict.headers["content-type"] == GRAPHQL_RESPONSE
    assert "data" not in strict.json()
    assert strict.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert strict.headers["x-request-id"]
    # application/json: 200 for anything GraphQL answered, as DataHub's clients expect.
    plain = await _post(api, body, JSON)
    assert plain.status_code == 200, what
    assert plain.headers["content-type"] == JSON
    assert plain.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_execution_errors_are_200_with_data_in_both(api: Api) -> None:
    body = {"query": '{ dataset(urn: "urn:li:dataset:(abc") { urn } __typename }'}
    for accept in (GRAPHQL_RESPONSE, JSON):
        response = await _post(api, body, accept)
        assert response.status_code == 200
        assert response.json()["data"] == {"dataset": None, "__typename": "Query"}
        assert response.json()["errors"][0]["path"] == ["dataset"]


# Bodies that are not a GraphQL request at all: refused before GraphQL runs.
MALFORMED = [
    ("empty query", {"query": ""}),
    ("null query", {"query": None}),
    ("number query", {"query": 42}),
    ("no query", {}),
    ("variables a number", {"query": "{ __typename }", "variables": 42}),
    ("variables a list", {"query": "{ __typename }", "variables": [1]}),
    ("variables a string", {"query": "{ __typename }", "variables": "{}"}),
    ("operationName a number", {"query": "{ __typename }", "operationName": 42}),
    ("extensions a string", {"query": "{ __typename }", "extensions": "x"}),
    ("unknown operation", {"query": "query A { __typename }", "operationName": "B"}),
    ("not JSON", b'{"query": '),
    ("a JSON string", b'"{ __typename }"'),
]


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, JSON, None])
@pytest.mark.parametrize(("what", "body"), MALFORMED, ids=[m[0] for m in MALFORMED])
async def test_malformed_requests_answer_400_in_graphql_shape(
    api: Api, what: str, body: bytes | dict[str, Any], accept: str | None
) -> None:
    response = await _post(api, body, accept)
    assert response.status_code == 400, (what, response.text)
    assert response.headers["content-type"] == (accept or JSON)
    assert response.headers["x-request-id"]
    errors = response.json()["errors"]
    assert len(errors) == 1
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert errors[0]["message"]


async def test_a_mutation_over_get_is_refused_in_graphql_shape(api: Api) -> None:
    response = await api.http.get(
        "/api/graphql",
        params={"query": 'mutation { subscribeToIncident(urn: "urn:li:incident:x") }'},
        headers=api.headers(Role.ADMIN) | {"Accept": GRAPHQL_RESPONSE},
    )
    assert response.status_code in {400, 405}
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def _install_graphql_http(into: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: the graphql-http audit needs Node and npm")
    subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--prefix", str(into), "graphql-http@1"],
        check=True,
        capture_output=True,
        timeout=300,
    )


@pytest.mark.slow
def test_graphql_http_audit_passes_every_audit(database_url: str, tmp_path: Path) -> None:
    """graphql-http's auditServer: all of its GraphQL-over-HTTP audits, none warn or error."""
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs Node for the graphql-http audit")
        pytest.skip("Node is not installed: the graphql-http audit cannot run")
    modules = tmp_path / "npm"
    _install_graphql_http(modules)
    server = ServerProcess(database_url=database_url, workdir=tmp_path).start()
    try:
        token = cli(database_url, "token", "create", "--user", "audit", "--role", "admin")
        secret = token.stdout.strip().splitlines()[-1]
        run = subprocess.run(
            [node, str(AUDIT_SCRIPT), str(modules), f"{server.base_url}/api/graphql", secret],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        server.stop()
    results = json.loads(run.stdout)
    failed = [r for r in results if r["status"] != "ok"]
    assert failed == []
    assert len(results) == AUDIT_COUNT

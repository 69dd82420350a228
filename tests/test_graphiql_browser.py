"""GraphiQL in a real headless Chromium: the page renders under its CSP, takes a token (in its
Headers tab, or in the token bar), runs a query against the server and shows the data; with a
private schema it asks for a token before anything; a notification link opens its incident."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from browser import Page, chromium_or_skip, open_page
from helpers import DATASET
from server_process import ServerProcess

pytestmark = pytest.mark.slow

TITLE = "Shown in GraphiQL"


def _raise_incident(server: ServerProcess, token: str) -> str:
    response = httpx.post(
        f"{server.base_url}/api/graphql",
        json={
            "query": "mutation($i: RaiseIncidentInput!) { raiseIncident(input: $i) }",
            "variables": {"i": {"type": "OPERATIONAL", "title": TITLE, "resourceUrn": DATASET}},
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    return str(response.json()["data"]["raiseIncident"])


async def test_graphiql_runs_a_query_with_a_token(database_url: str, tmp_path: Path) -> None:
    chromium = chromium_or_skip()
    server = ServerProcess(database_url, tmp_path).start()
    try:
        token = server.first_admin_token()
        assert token is not None
        urn = _raise_incident(server, token)
        graphiql = f"{server.base_url}/api/graphiql"
        query = 'query shown { incident(urn: "%s") { urn title } }' % urn
        async with open_page(chromium, tmp_path / "profile") as page:
            # GraphiQL 3 keeps the Headers tab and the editor text in local storage; fill it
            # from another page of the same origin, before GraphiQL first runs.
            await page.goto(f"{server.base_url}/health")
            headers = json.dumps({"Authorization": f"Bearer {token}"})
            await page.evaluate(
                f"localStorage.setItem('graphiql:headers', {json.dumps(headers)});"
                f"localStorage.setItem('graphiql:query', {json.dumps(query)});"
            )
            await page.goto(graphiql)
            await page.wait_for("!!document.querySelector('.graphiql-execute-button')")
            editor = await page.wait_for(
                "document.querySelector('.graphiql-query-editor .CodeMirror')"
                "?.CodeMirror.getValue()"
            )
            assert urn in editor
            await page.evaluate("document.querySelector('.graphiql-execute-button').click()")
            result = await page.wait_for(
                "(() => { const t = document.querySelector('.result-window')?.innerText || '';"
                f" return t.includes({json.dumps(TITLE)}) && t; }})()"
            )
            assert urn in result
            await page.screenshot(tmp_path / "graphiql.png")
            # The schema loaded too (the docs explorer and autocompletion need it).
            await page.wait_for("!document.querySelector('.graphiql-spinner')")
            # No CSP violation, script error or failed request; GraphiQL's page declares an
            # inline icon, so a favicon 404 can only come from the JSON page visited first.
            errors = [e for e in page.console_errors() if not e.endswith("/favicon.ico")]
            assert errors == []
        assert (tmp_path / "graphiql.png").stat().st_size > 10_000
    finally:
        server.stop()


ALL_EDITORS = (
    "Array.from(document.querySelectorAll('.CodeMirror')).map(e => e.CodeMirror.getValue())"
)
RESULT = (
    "(() => { const t = document.querySelector('.result-window')?.innerText || '';"
    f" return t.includes({json.dumps(TITLE)}) && t; }})()"
)


async def _use_token(page: Page, token: str) -> None:
    await page.evaluate(
        f"document.getElementById('token-input').value = {json.dumps(token)};"
        "document.getElementById('token-use').click()"
    )


def _graphql_requests(page: Page) -> list[dict[str, Any]]:
    """Requests the page sent to /api/graphql, in order (from the DevTools Network events)."""
    return [
        e["params"]["request"]
        for e in page.events
        if e.get("method") == "Network.requestWillBeSent"
        and e["params"]["request"]["url"].endswith("/api/graphql")
        and e["params"]["request"]["method"] == "POST"
    ]


async def test_private_graphiql_asks_for_a_token_before_anything(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chromium = chromium_or_skip()
    monkeypatch.setenv("INCIDENT_GRAPH_PUBLIC_INTROSPECTION", "false")
    server = ServerProcess(database_url, tmp_path).start()
    try:
        token = server.first_admin_token()
        assert token is not None
        urn = _raise_incident(server, token)
        link = f"{server.base_url}/api/graphiql?incident={quote(urn, safe='')}"
        async with open_page(chromium, tmp_path / "profile") as page:
            await page.send("Network.enable")
            await page.goto(link)
            await page.wait_for("!!document.getElementById('locked')")
            assert await page.evaluate("!document.querySelector('.graphiql-container')")

            await _use_token(page, "igt_not-a-real-token")
            reason = await page.wait_for("document.getElementById('locked-reason')?.innerText")
            assert reason.startswith("UNAUTHENTICATED: the bearer token is not valid")
            assert await page.evaluate("!document.querySelector('.graphiql-container')")
            assert await page.evaluate("sessionStorage.length") == 0

            await _use_token(page, token)
            await page.wait_for("!!document.querySelector('.graphiql-execute-button')")
            status = await page.evaluate("document.getElementById('token-status').innerText")
            assert status == "signed in as urn:li:corpuser:admin (ADMIN)"
            # The link's incident is ready in the editor, its URN in the variables.
            editors = await page.wait_for(
                f"(() => {{ const v = {ALL_EDITORS};"
                " return v.some(t => t.includes('incident(urn: $urn)')) && v; })()"
            )
            assert {"urn": urn} in [json.loads(t) for t in editors if t.strip().startswith("{")]
            await page.evaluate("document.querySelector('.graphiql-execute-button').click()")
            assert urn in await page.wait_for(RESULT)
            await page.wait_for("!document.querySelector('.graphiql-spinner')")

            # The token lives in this tab's sessionStorage only, never in localStorage.
            assert await page.evaluate("sessionStorage.getItem('incident-graph:token')") == token
            assert token not in await page.evaluate("JSON.stringify(localStorage)")
            # Nothing went to the API before a token, the bad one was refused, and every
            # request from then on (introspection included) carried the accepted token.
            sent = _graphql_requests(page)
            assert "whoAmI" in sent[0]["postData"]
            assert sent[0]["headers"]["Authorization"] == "Bearer igt_not-a-real-token"
            assert all(r["headers"].get("Authorization") == f"Bearer {token}" for r in sent[1:])
            assert any("IntrospectionQuery" in r.get("postData", "") for r in sent[1:])

            # Opened again in the same tab, the page signs in by itself.
            await page.goto(link)
            await page.wait_for("!!document.querySelector('.graphiql-execute-button')")
            errors = [e for e in page.console_errors() if "status of 401" not in e]
            assert errors == []

        # The server saw one refusal: the bad token, never a tokenless request.
        audit = httpx.post(
            f"{server.base_url}/api/graphql",
            json={"query": "{ auditLog { entries { actor operation reason allowed } } }"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ).json()["data"]["auditLog"]["entries"]
        refused = [(e["actor"], e["reason"]) for e in audit if not e["allowed"]]
        assert refused == [("anonymous", "unknown: no such token")]
    finally:
        server.stop()


async def test_a_notification_link_opens_its_incident(database_url: str, tmp_path: Path) -> None:
    """Public schema: GraphiQL starts at once; the link's query runs with the bar's token."""
    chromium = chromium_or_skip()
    server = ServerProcess(database_url, tmp_path).start()
    try:
        token = server.first_admin_token()
        assert token is not None
        urn = _raise_incident(server, token)
        async with open_page(chromium, tmp_path / "profile") as page:
            await page.goto(f"{server.base_url}/api/graphiql?incident={quote(urn, safe='')}")
            await page.wait_for("!!document.querySelector('.graphiql-execute-button')")
            editors = await page.wait_for(
                f"(() => {{ const v = {ALL_EDITORS};"
                " return v.some(t => t.includes('incident(urn: $urn)')) && v; })()"
            )
            assert {"urn": urn} in [json.loads(t) for t in editors if t.strip().startswith("{")]
            await _use_token(page, token)
            await page.wait_for(
                "document.getElementById('token-status').innerText.startsWith('signed in')"
            )
            await page.evaluate("document.querySelector('.graphiql-execute-button').click()")
            assert urn in await page.wait_for(RESULT)
            assert page.console_errors() == []
    finally:
        server.stop()

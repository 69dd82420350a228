"""GraphiQL in a real headless Chromium: the page renders under its CSP, takes a token in
its Headers tab, runs a query against the server and shows the data."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from browser import chromium_or_skip, open_page
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

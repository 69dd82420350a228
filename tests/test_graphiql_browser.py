"""GraphiQL in a real headless Chromium: the page renders under its CSP, takes a token (in its
Headers tab, or in the token bar), runs a query against the server and shows the data; with a
private schema it asks for a token before anything; a notification link opens its incident."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import pytest_asyncio
from browser import ARTIFACTS, Console, chromium
from helpers import DATASET
from playwright.async_api import Browser, Page, Request, expect
from server_process import ServerProcess

# One browser for the module, on the module's event loop.
pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="module")]

TITLE = "Shown in GraphiQL"
ALL_EDITORS = (
    "Array.from(document.querySelectorAll('.CodeMirror')).map(e => e.CodeMirror.getValue())"
)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


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


def _start(database_url: str, tmp_path: Path) -> tuple[ServerProcess, str, str]:
    server = ServerProcess(database_url, tmp_path).start()
    token = server.first_admin_token()
    assert token is not None
    return server, token, _raise_incident(server, token)


async def _editors(page: Page) -> list[str]:
    await page.wait_for_function(
        f"{ALL_EDITORS}.some(t => t.includes('incident(urn: $urn)'))", timeout=20_000
    )
    return list(await page.evaluate(ALL_EDITORS))


async def _result(page: Page) -> str:
    result = page.locator(".result-window")
    await expect(result).to_contain_text(TITLE, timeout=20_000)
    return await result.inner_text()


async def _use_token(page: Page, token: str) -> None:
    await page.fill("#token-input", token)
    await page.click("#token-use")


async def test_graphiql_runs_a_query_with_a_token(
    browser: Browser, database_url: str, tmp_path: Path
) -> None:
    server, token, urn = _start(database_url, tmp_path)
    try:
        page = await browser.new_page()
        console = Console(page)
        # GraphiQL keeps the Headers tab and the editor text in local storage; fill it from
        # another page of the same origin, before GraphiQL first runs.
        await page.goto(f"{server.base_url}/health")
        headers = json.dumps({"Authorization": f"Bearer {token}"})
        query = 'query shown { incident(urn: "%s") { urn title } }' % urn
        await page.evaluate(
            "([h, q]) => { localStorage.setItem('graphiql:headers', h);"
            " localStorage.setItem('graphiql:query', q); }",
            [headers, query],
        )
        await page.goto(f"{server.base_url}/api/graphiql")
        editor = page.locator(".graphiql-query-editor .CodeMirror")
        await expect(editor).to_be_visible(timeout=20_000)
        assert urn in await page.evaluate(
            "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue()"
        )
        await page.click(".graphiql-execute-button")
        assert urn in await _result(page)
        # The schema loaded too (the docs explorer and autocompletion need it).
        await expect(page.locator(".graphiql-spinner")).to_have_count(0, timeout=20_000)
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / f"graphiql-{database_url.split(':', maxsplit=1)[0]}.png"
        await page.screenshot(path=shot)
        assert shot.stat().st_size > 10_000
        # No CSP violation, script error or failed request; GraphiQL's page declares an
        # inline icon, so a favicon 404 can only come from the JSON page visited first.
        assert [e for e in console.errors if not e.endswith("/favicon.ico")] == []
        await page.close()
    finally:
        server.stop()


async def test_private_graphiql_asks_for_a_token_before_anything(
    browser: Browser, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INCIDENT_GRAPH_PUBLIC_INTROSPECTION", "false")
    server, token, urn = _start(database_url, tmp_path)
    try:
        link = f"{server.base_url}/api/graphiql?incident={quote(urn, safe='')}"
        page = await browser.new_page()
        console = Console(page)
        sent: list[Request] = []
        page.on(
            "request",
            lambda r: (
                sent.append(r) if r.url.endswith("/api/graphql") and r.method == "POST" else None
            ),
        )
        await page.goto(link)
        await expect(page.locator("#locked")).to_be_visible()
        await expect(page.locator(".graphiql-container")).to_have_count(0)

        await _use_token(page, "igt_not-a-real-token")
        reason = page.locator("#locked-reason")
        await expect(reason).to_contain_text("UNAUTHENTICATED: the bearer token is not valid")
        assert (await reason.inner_text()).startswith(
            "UNAUTHENTICATED: the bearer token is not valid"
        )
        await expect(page.locator(".graphiql-container")).to_have_count(0)
        assert await page.evaluate("sessionStorage.length") == 0

        await _use_token(page, token)
        await expect(page.locator(".graphiql-execute-button")).to_be_visible(timeout=20_000)
        await expect(page.locator("#token-status")).to_have_text(
            "signed in as urn:li:corpuser:admin (ADMIN)"
        )
        # The link's incident is ready in the editor, its URN in the variables.
        editors = await _editors(page)
        assert {"urn": urn} in [json.loads(t) for t in editors if t.strip().startswith("{")]
        await page.click(".graphiql-execute-button")
        assert urn in await _result(page)
        await expect(page.locator(".graphiql-spinner")).to_have_count(0, timeout=20_000)

        # The token lives in this tab's sessionStorage only, never in localStorage.
        assert await page.evaluate("sessionStorage.getItem('incident-graph:token')") == token
        assert token not in await page.evaluate("JSON.stringify(localStorage)")
        # Nothing went to the API before a token, the bad one was refused, and every
        # request from then on (introspection included) carried the accepted token.
        headers: list[dict[str, Any]] = [await r.all_headers() for r in sent]
        assert "whoAmI" in (sent[0].post_data or "")
        assert headers[0]["authorization"] == "Bearer igt_not-a-real-token"
        assert all(h.get("authorization") == f"Bearer {token}" for h in headers[1:])
        assert any("IntrospectionQuery" in (r.post_data or "") for r in sent[1:])

        # Opened again in the same tab, the page signs in by itself.
        await page.goto(link)
        await expect(page.locator(".graphiql-execute-button")).to_be_visible(timeout=20_000)
        assert [e for e in console.errors if "status of 401" not in e] == []
        await page.close()

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


async def test_a_notification_link_opens_its_incident(
    browser: Browser, database_url: str, tmp_path: Path
) -> None:
    """Public schema: GraphiQL starts at once; the link's query runs with the bar's token."""
    server, token, urn = _start(database_url, tmp_path)
    try:
        page = await browser.new_page()
        console = Console(page)
        await page.goto(f"{server.base_url}/api/graphiql?incident={quote(urn, safe='')}")
        await expect(page.locator(".graphiql-execute-button")).to_be_visible(timeout=20_000)
        editors = await _editors(page)
        assert {"urn": urn} in [json.loads(t) for t in editors if t.strip().startswith("{")]
        await _use_token(page, token)
        await expect(page.locator("#token-status")).to_contain_text("signed in")
        await page.click(".graphiql-execute-button")
        assert urn in await _result(page)
        assert console.errors == []
        await page.close()
    finally:
        server.stop()

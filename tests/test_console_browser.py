"""The web console end to end: a real server per database and one headless Chromium for the
module. Each page's main flow runs as a person would click it; every page is photographed at
desktop and phone sizes (test-artifacts/) and checked with axe-core."""

from __future__ import annotations

import asyncio
import re
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote, unquote

import httpx
import pytest
import pytest_asyncio
from browser import Console, chromium, screenshots, serious_violations
from playwright.async_api import Browser, BrowserContext, Locator, Page, expect
from postgres_server import PostgresServer, execute
from server_process import ServerProcess

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="module")]

RAW = "urn:li:dataset:(urn:li:dataPlatform:kafka,raw_orders,PROD)"
ORDERS = "urn:li:dataset:(urn:li:dataPlatform:kafka,orders,PROD)"
SALES = "urn:li:dashboard:(looker,sales)"
BACKENDS = ("sqlite", "postgresql")
WAIT = 20_000  # ms: live updates and refetches arrive well within this on a loaded machine


class Receiver(ThreadingHTTPServer):
    """A webhook receiver on 127.0.0.1 that refuses (500) until told to accept."""

    accepting = False
    received = 0


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.received += 1
        self.send_response(200 if self.server.accepting else 500)
        self.end_headers()

    def log_message(self, *_: Any) -> None:
        return


@dataclass
class Site:
    server: ServerProcess
    receiver: Receiver
    tokens: dict[str, str]  # admin, viewer, member
    backend: str

    @property
    def url(self) -> str:
        return self.server.base_url

    def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = httpx.post(
            f"{self.url}/api/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {self.tokens['admin']}"},
            timeout=30,
        ).json()
        assert "errors" not in body, body
        return body["data"]  # type: ignore[no-any-return]

    def raise_incident(self, title: str, asset: str = ORDERS, **fields: Any) -> str:
        data = self.gql(
            "mutation($i: RaiseIncidentInput!) { raiseIncident(input: $i) }",
            {"i": {"type": "OPERATIONAL", "title": title, "resourceUrn": asset} | fields},
        )
        return str(data["raiseIncident"])


def _seed(site: Site) -> None:
    """Assets with lineage, owners and tags; a viewer and a member; a webhook that fails."""
    site.gql(
        "mutation($a: [AssetInput!]!) { upsertAssets(input: $a) { created } }",
        {
            "a": [
                {"urn": RAW, "name": "raw_orders"},
                {
                    "urn": ORDERS,
                    "name": "orders",
                    "description": "Every order, cleaned.",
                    "upstreamUrns": [RAW],
                    "owners": [{"ownerUrn": "urn:li:corpuser:admin"}],
                    "tags": ["pii"],
                },
                {"urn": SALES, "name": "Sales dashboard", "upstreamUrns": [ORDERS]},
            ]
        },
    )
    for name, role in (("vera", "VIEWER"), ("max", "MEMBER")):
        site.gql(
            "mutation($i: CreateUserInput!) { createUser(input: $i) { urn } }",
            {"i": {"name": name, "role": role}},
        )
        created = site.gql(
            'mutation($u: String!) { createAccessToken(name: "console", userUrn: $u)'
            " { accessToken } }",
            {"u": f"urn:li:corpuser:{name}"},
        )
        site.tokens[role.lower()] = created["createAccessToken"]["accessToken"]
    channel = site.gql(
        "mutation($d: NotificationDestinationInput!) {"
        ' createNotificationChannel(name: "ops hook", destination: $d) { id } }',
        {"d": {"kind": "WEBHOOK", "url": f"http://127.0.0.1:{site.receiver.server_port}/hook"}},
    )["createNotificationChannel"]["id"]
    site.gql(
        "mutation($c: ID!) { createNotificationPolicy("
        'input: {name: "new incidents", eventTypes: [NEW_INCIDENT], channelIds: [$c]}) { id } }',
        {"c": channel},
    )


@pytest.fixture(scope="module", params=BACKENDS)
def site(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    postgres: PostgresServer | None,
) -> Iterator[Site]:
    """One server for the module on a fresh database; deliveries die on their first failure."""
    backend = str(request.param)
    workdir = tmp_path_factory.mktemp(f"console-{backend}")
    if backend == "sqlite":
        database_url = f"sqlite+aiosqlite:///{workdir}/console.db"
    elif postgres is None:
        pytest.skip("no PostgreSQL server could be found or started")
    else:
        name = f"igt_console_{uuid.uuid4().hex[:10]}"
        _run(execute(postgres.url, f'CREATE DATABASE "{name}"'))
        database_url = postgres.database_url(name)
    receiver = Receiver(("127.0.0.1", 0), _Handler)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("INCIDENT_GRAPH_NOTIFY_POLL_MS", "20")
        env.setenv("INCIDENT_GRAPH_NOTIFY_MAX_ATTEMPTS", "1")
        env.setenv("INCIDENT_GRAPH_NOTIFY_ALLOW_PRIVATE_NETWORKS", "true")
        env.setenv("INCIDENT_GRAPH_SECRET_KEY_FILE", str(workdir / "secret.key"))
        server = ServerProcess(database_url, workdir).start()
    try:
        token = server.first_admin_token()
        assert token is not None
        built = Site(server=server, receiver=receiver, tokens={"admin": token}, backend=backend)
        _seed(built)
        yield built
    finally:
        server.stop()
        receiver.shutdown()
        if backend == "postgresql" and postgres is not None:
            _run(execute(postgres.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _run(coroutine: Any) -> None:
    """Outside the module's event loop (fixtures set up before it runs)."""
    asyncio.run(coroutine)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


@pytest_asyncio.fixture(loop_scope="module")
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A fresh browser profile per test (sessionStorage, so sign-in, starts empty)."""
    opened = await browser.new_context(viewport={"width": 1280, "height": 800})
    opened.set_default_timeout(WAIT)
    yield opened
    await opened.close()


async def sign_in(context: BrowserContext, site: Site, role: str = "admin") -> Page:
    page = await context.new_page()
    await page.goto(f"{site.url}/")
    await page.get_by_label("Access token").fill(site.tokens[role])
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Incidents", exact=True)).to_be_visible()
    return page


async def check_page(page: Page, name: str, site: Site) -> None:
    """Photograph the page at both sizes and let axe-core look at it."""
    shots = await screenshots(page, f"console-{name}-{site.backend}")
    assert all(shot.stat().st_size > 5_000 for shot in shots)
    assert await serious_violations(page) == []


def asset_address(site: Site, urn: str) -> str:
    return f"{site.url}/assets/{quote(urn, safe=':,()')}"


def field(scope: Page | Locator, label: str) -> Locator:
    """The input labelled exactly so; a required field's label ends in an asterisk."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$")).first


async def choose(page: Page, scope: Locator, label: str, option: str) -> None:
    """Pick an option in one of the component library's selects (its list opens in a portal)."""
    await field(scope, label).click()
    await page.get_by_role("option", name=option, exact=True).click()


async def test_on_call_flow(context: BrowserContext, site: Site) -> None:
    """Raise on an asset page, see it arrive live in the hub, acknowledge, comment, resolve
    with a note and a root cause, and the asset's badge turns healthy again."""
    hub = await sign_in(context, site)
    hub_console = Console(hub)
    await expect(hub.locator("[data-live=connected]")).to_be_visible()

    asset = await sign_in(context, site)
    console = Console(asset)
    await asset.goto(asset_address(site, ORDERS))
    await expect(asset.get_by_role("heading", name="orders")).to_be_visible()
    header_health = asset.locator("[data-health]").first
    await expect(header_health).to_have_attribute("data-health", "PASS")
    await expect(asset.get_by_text("Every order, cleaned.")).to_be_visible()
    await expect(asset.get_by_text("pii", exact=True)).to_be_visible()
    await expect(asset.get_by_role("link", name="raw_orders")).to_be_visible()
    await expect(asset.get_by_role("link", name="Sales dashboard")).to_be_visible()
    await check_page(asset, "asset-healthy", site)

    title = f"Orders late {site.backend}"
    await asset.get_by_role("button", name="Raise incident").click()
    dialog = asset.get_by_role("dialog", name="Raise an incident")
    await dialog.get_by_label("Title").fill(title)
    await dialog.get_by_label("Description").fill("The nightly load did not arrive.")
    await choose(asset, dialog, "Priority", "high")
    await dialog.get_by_role("button", name="Raise", exact=True).click()
    await expect(dialog).to_be_hidden()
    await expect(header_health).to_have_attribute("data-health", "FAIL")
    await expect(asset.get_by_role("row").filter(has_text=title)).to_be_visible()

    # The hub was open all along: the incident arrives through the subscription.
    row = hub.get_by_role("row").filter(has_text=title)
    await expect(row).to_be_visible()
    await expect(row.get_by_text("just changed")).to_be_visible()
    await expect(row.get_by_text("high")).to_be_visible()
    await check_page(hub, "hub", site)

    await asset.get_by_role("link", name="Open the new incident").click()
    await _respond(asset, site, title)
    incident = asset

    # Back on the asset: healthy again, the incident under Resolved.
    await incident.get_by_role("link", name="orders").first.click()
    await expect(incident.locator("[data-health]").first).to_have_attribute("data-health", "PASS")
    await incident.get_by_text("Resolved", exact=True).click()
    await expect(incident.get_by_role("row").filter(has_text=title)).to_be_visible()
    await check_page(incident, "asset", site)
    assert console.errors == []
    assert hub_console.errors == []


async def _respond(incident: Page, site: Site, title: str) -> None:
    """On the incident's page: acknowledge, comment with a mention, resolve with a note."""
    await expect(incident.get_by_role("heading", name=title)).to_be_visible()
    await incident.get_by_role("button", name="Acknowledge").click()
    await expect(incident.locator("[data-kind=ACKNOWLEDGED]")).to_be_visible()
    await expect(incident.get_by_role("button", name="Acknowledge")).to_be_hidden()

    await incident.get_by_label("Comment").fill(
        "Looking at the loader now, @urn:li:corpuser:vera please watch the dashboard."
    )
    await incident.get_by_role("button", name="Add comment").click()
    comment = incident.locator("[data-kind=COMMENTED]")
    await expect(comment).to_contain_text("Looking at the loader now")
    await expect(comment.get_by_text("@vera")).to_be_visible()
    await expect(incident.get_by_text("vera (mentioned)")).to_be_visible()
    await expect(incident.get_by_test_id("impacted-assets")).to_contain_text("Sales dashboard")
    await check_page(incident, "incident-active", site)

    await incident.get_by_role("button", name="Resolve", exact=True).click()
    dialog = incident.get_by_role("dialog", name="Resolve the incident")
    await dialog.get_by_label("Resolution note").fill("Re-ran the nightly load.")
    await choose(incident, dialog, "Root cause", "infrastructure")
    await dialog.get_by_role("button", name="Resolve incident").click()
    await expect(dialog).to_be_hidden()
    await expect(incident.locator("[data-state=RESOLVED]").first).to_be_visible()
    await expect(incident.get_by_test_id("resolution-note")).to_have_text(
        "Re-ran the nightly load."
    )
    await expect(incident.get_by_role("button", name="Reopen")).to_be_visible()
    await expect(incident.get_by_test_id("handbook")).to_contain_text("infrastructure")
    await check_page(incident, "incident-resolved", site)


async def test_hub_filters_live_in_the_url_and_search_has_facets(
    context: BrowserContext, site: Site
) -> None:
    disk = site.raise_incident(f"Disk full {site.backend}", RAW, priority="CRITICAL")
    drift = site.raise_incident(f"Schema drift {site.backend}", SALES, priority="LOW")
    site.gql(
        'mutation($u: String!) { updateIncidentStatus(urn: $u, input: {state: RESOLVED, message: "Reverted."}) }',
        {"u": drift},
    )
    page = await sign_in(context, site)
    console = Console(page)
    rows = page.get_by_test_id("incident-table").locator("tbody tr")

    # A shared link opens its view.
    await page.goto(f"{site.url}/?priority=CRITICAL")
    await expect(page.locator(f'tr[data-urn="{disk}"]')).to_be_visible()
    await expect(page.locator(f'tr[data-urn="{drift}"]')).to_have_count(0)
    assert all("critical" in text.lower() for text in await rows.all_inner_texts())

    # Changing a filter changes the URL, so the view can be shared again.
    await page.get_by_role("button", name="Clear filters").click()
    await expect(page.locator(f'tr[data-urn="{drift}"]')).to_be_visible()
    await page.get_by_label("Search titles and notes").fill("schema drift")
    await page.get_by_role("button", name="Search", exact=True).click()
    await expect(page).to_have_url(re.compile(r"\?q=schema\+drift$"))
    await expect(rows).to_have_count(1)
    await expect(page.locator(f'tr[data-urn="{drift}"]')).to_be_visible()
    # The input sits under the pills box that takes the click, as a person clicks it.
    await page.get_by_role("combobox", name="State", exact=True).click(force=True)
    await page.get_by_role("option", name=re.compile(r"^resolved \(\d+\)$")).click()
    await page.keyboard.press("Escape")
    await expect(page).to_have_url(re.compile(r"q=schema\+drift&state=RESOLVED"))
    await expect(page.locator(f'tr[data-urn="{drift}"]')).to_be_visible()
    await page.get_by_role("combobox", name="Sort by").click()
    await page.get_by_role("option", name="priority").click()
    await expect(page).to_have_url(re.compile(r"sort=PRIORITY"))
    # Soda's lead filter: resolving moved the drift past triage, so whoever resolved it leads
    # it; the disk incident is still in triage, led by nobody.
    await page.goto(f"{site.url}/?lead={quote('urn:li:corpuser:admin', safe='')}")
    await expect(page.locator(f'tr[data-urn="{drift}"]')).to_be_visible()
    await expect(page.locator(f'tr[data-urn="{disk}"]')).to_have_count(0)

    # Search: the "Has Active Incidents" filter and facets, each asset with its health.
    await page.get_by_role("link", name="Search assets").click()
    await expect(page.get_by_role("heading", name="Search assets")).to_be_visible()
    await page.get_by_label("Has Active Incidents").check()
    await expect(page).to_have_url(re.compile(r"/search\?active=true$"))
    raw_row = page.locator(f'tr[data-urn="{RAW}"]')
    await expect(raw_row).to_be_visible()
    await expect(raw_row.locator("[data-health]")).to_have_attribute("data-health", "FAIL")
    await expect(page.locator(f'tr[data-urn="{SALES}"]')).to_have_count(0)
    facets = page.get_by_role("region", name="Facets")
    await facets.get_by_label(re.compile(r"^kafka \(\d+\)$")).check()
    await expect(page).to_have_url(re.compile(r"f=platform%3Akafka"))
    await expect(raw_row).to_be_visible()
    await check_page(page, "search", site)
    await page.goto(f"{site.url}/?state=ACTIVE")
    await expect(page.locator(f'tr[data-urn="{disk}"]')).to_be_visible()
    assert console.errors == []


async def test_viewers_see_no_write_controls_and_refusals_show_the_servers_words(
    context: BrowserContext, site: Site
) -> None:
    urn = site.raise_incident(f"Lag on raw {site.backend}", RAW)
    incident_address = f"{site.url}/incidents/{urn}"

    viewer = await sign_in(context, site, "viewer")
    await viewer.goto(incident_address)
    await expect(viewer.get_by_role("heading", name=f"Lag on raw {site.backend}")).to_be_visible()
    await expect(viewer.get_by_role("heading", name="Respond")).to_have_count(0)
    await expect(viewer.get_by_role("button", name="Acknowledge")).to_have_count(0)
    await expect(viewer.get_by_label("Comment")).to_have_count(0)
    # Following is open to every role.
    await viewer.get_by_role("button", name="Follow").click()
    await expect(viewer.get_by_role("button", name="Unfollow")).to_be_visible()
    await expect(viewer.get_by_text("vera (subscribed)")).to_be_visible()
    await viewer.goto(asset_address(site, RAW))
    await expect(viewer.get_by_role("heading", name="raw_orders")).to_be_visible()
    await expect(viewer.get_by_role("button", name="Raise incident")).to_have_count(0)
    await expect(viewer.get_by_role("button", name="Resolve")).to_have_count(0)

    # A member writes only where granted: the server refuses, the page says why.
    member = await sign_in(context, site, "member")
    await member.goto(incident_address)
    await member.get_by_role("button", name="Acknowledge").click()
    refusal = member.get_by_role("alert")
    await expect(refusal).to_contain_text("FORBIDDEN")
    expected = httpx.post(
        f"{site.url}/api/graphql",
        json={"query": 'mutation { acknowledgeIncident(urn: "%s") }' % urn},
        headers={"Authorization": f"Bearer {site.tokens['member']}"},
        timeout=30,
    ).json()["errors"][0]["message"]
    await expect(refusal).to_contain_text(expected)
    await check_page(member, "refused", site)

    # Signing out forgets the token: the next load asks for one.
    await member.get_by_role("button", name="Sign out").click()
    await expect(member.get_by_label("Access token")).to_be_visible()
    assert await member.evaluate("sessionStorage.getItem('incident-graph:token')") is None
    await member.reload()
    await expect(member.get_by_label("Access token")).to_be_visible()


def _me(site: Site, token: str) -> httpx.Response:
    return httpx.post(
        f"{site.url}/api/graphql",
        json={"query": "{ me { role user { urn } } }"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


async def test_admin_tokens_users_and_dead_letters(context: BrowserContext, site: Site) -> None:
    page = await sign_in(context, site)
    console = Console(page)
    await page.get_by_role("link", name="Admin").click()
    await expect(page.get_by_role("heading", name="Administration")).to_be_visible()

    # Tokens: the secret is shown once and works; revoked, it is refused.
    await page.get_by_label("New token's name").fill("ci-bot")
    await page.get_by_role("button", name="Create token").click()
    secret = (await page.get_by_test_id("new-token").inner_text()).strip()
    assert _me(site, secret).json()["data"]["me"]["user"]["urn"] == "urn:li:corpuser:admin"
    row = page.locator('tr[data-token="ci-bot"]')
    await row.get_by_role("button", name="Revoke ci-bot").click()
    await expect(row).to_contain_text("revoked")
    assert _me(site, secret).status_code == 401
    await check_page(page, "admin-tokens", site)

    # Users and roles.
    await page.get_by_role("tab", name="Users and roles").click()
    await field(page, "User name").fill(f"nina{site.backend}")
    await page.get_by_role("button", name="Create user").click()
    await expect(page.get_by_text("User created")).to_be_visible()
    # Every user is listed with their role; finding one narrows the list.
    users = page.get_by_test_id("users")
    await expect(users.locator('tr[data-user="vera"]')).to_contain_text("vera")
    await page.get_by_label("Find users").fill(f"nina{site.backend}")
    await expect(users.locator("tbody tr")).to_have_count(1)
    nina_row = users.locator(f'tr[data-user="nina{site.backend}"]')
    await expect(nina_row.get_by_label(f"Role for nina{site.backend}")).to_have_value("member")
    await nina_row.get_by_label(f"Role for nina{site.backend}").click()
    await page.get_by_role("option", name="viewer", exact=True).click()
    await nina_row.get_by_role("button", name="Set role").click()
    # The list is read again: the row shows the stored role, with nothing left to save.
    await expect(nina_row.get_by_role("button", name="Set role")).to_be_disabled()
    await expect(nina_row.get_by_label(f"Role for nina{site.backend}")).to_have_value("viewer")
    nina = site.gql(
        'mutation($u: String!) { createAccessToken(name: "t", userUrn: $u) { accessToken } }',
        {"u": f"urn:li:corpuser:nina{site.backend}"},
    )["createAccessToken"]["accessToken"]
    assert _me(site, nina).json()["data"]["me"]["role"] == "VIEWER"
    await check_page(page, "admin-users", site)

    # Dead letters: the webhook refused a new incident's message; once it accepts again,
    # Redeliver sends it.
    urn = site.raise_incident(f"Hook down {site.backend}", RAW)
    dead = await _dead_delivery(site, urn)
    await page.get_by_role("tab", name="Dead letters").click()
    row = page.locator(f'tr[data-delivery="{dead}"]')
    await expect(row).to_contain_text("new incident")
    await expect(row).to_contain_text("ops hook")
    await check_page(page, "admin-dead-letters", site)
    site.receiver.accepting = True
    await row.get_by_role("button", name="Redeliver").click()
    await expect(page.get_by_role("status")).to_contain_text(f"Delivery {dead} is")
    await _delivered(site, dead)
    site.receiver.accepting = False
    assert console.errors == []


DELIVERIES = "{ deliveries(status: %s, count: 200) { deliveries { id incidentUrn status } } }"


async def _dead_delivery(site: Site, incident: str) -> str:
    """The delivery of the incident's new-incident message, once it has died (bounded wait)."""
    for _ in range(200):
        for delivery in site.gql(DELIVERIES % "DEAD")["deliveries"]["deliveries"]:
            if delivery["incidentUrn"] == incident:
                return str(delivery["id"])
        await asyncio.sleep(0.05)
    raise AssertionError("the delivery did not die")


async def _delivered(site: Site, delivery: str) -> None:
    for _ in range(200):
        ids = [d["id"] for d in site.gql(DELIVERIES % "DELIVERED")["deliveries"]["deliveries"]]
        if delivery in ids:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the redelivered message was not delivered")


PAYMENTS = "urn:li:dataset:(urn:li:dataPlatform:snowflake,payments,PROD)"


async def test_checks_raise_from_results_then_link_and_unlink(
    context: BrowserContext, site: Site
) -> None:
    """An asset's checks with their latest runs; warnings raised as one incident from the
    selected runs (no policy raised them), then linked and unlinked on the incident's page."""
    reported = site.gql(
        "mutation($r: [CheckResultInput!]!) { reportCheckResults(input: $r) { id action } }",
        {
            "r": [
                {
                    "assetUrn": PAYMENTS,
                    "checkName": name,
                    "type": kind,
                    "platform": "soda",
                    "runId": f"scan-{site.backend}-1",
                    "timestampMillis": 1_764_900_000_000,
                    "status": status,
                    "observedValue": observed,
                    "threshold": threshold,
                }
                for name, kind, status, observed, threshold in (
                    ("row count", "VOLUME", "WARN", "812", "> 1000"),
                    ("freshness", "FRESHNESS", "WARN", "26h", "< 24h"),
                    ("no duplicates", "FIELD", "PASS", "0", "= 0"),
                )
            ]
        },
    )["reportCheckResults"]
    assert [r["action"] for r in reported] == ["NOTHING"] * 3

    page = await sign_in(context, site)
    console = Console(page)
    await page.goto(asset_address(site, PAYMENTS))
    checks = page.get_by_test_id("asset-checks")
    await expect(checks.get_by_role("row")).to_have_count(4)  # the header and three checks
    await expect(checks.get_by_role("row").filter(has_text="row count")).to_contain_text(
        "observed 812 (threshold > 1000)"
    )
    # A passing run cannot be selected; the two warnings can.
    await expect(checks.get_by_role("checkbox")).to_have_count(2)
    await check_page(page, "asset-checks", site)
    await page.get_by_label("Select the failing run of row count").check()
    await page.get_by_label("Select the failing run of freshness").check()
    await page.get_by_role("button", name="Raise incident from 2 results").click()
    await page.get_by_role("link", name="Open the new incident").click()
    await expect(
        page.get_by_role("heading", name="Failing checks: freshness, row count")
    ).to_be_visible()
    # DataHub's raise needs a type: a freshness and a volume check share none.
    raised = unquote(page.url.rsplit("/incidents/", 1)[1])
    found = site.gql("query($u: String!) { incident(urn: $u) { incidentType } }", {"u": raised})
    assert found["incident"]["incidentType"] == "OPERATIONAL"

    linked = page.get_by_test_id("incident-check-results")
    await expect(page.get_by_role("heading", name="Check results (2)")).to_be_visible()
    await expect(linked).to_contain_text("row count")
    await expect(linked).to_contain_text("freshness")
    await expect(page.locator("[data-kind=CHECK_RESULTS_LINKED]").first).to_be_visible()
    await check_page(page, "incident-check-results", site)

    await page.get_by_role("button", name=re.compile(r"^Unlink run .* of freshness$")).click()
    await expect(page.get_by_role("heading", name="Check results (1)")).to_be_visible()
    await expect(linked).not_to_contain_text("freshness")
    # The unlinked run is offered again, and links back.
    await choose(
        page,
        page.locator("body"),
        "Link a check's latest run",
        f"freshness: warn, run scan-{site.backend}-1",
    )
    await page.get_by_role("button", name="Link", exact=True).click()
    await expect(page.get_by_role("heading", name="Check results (2)")).to_be_visible()
    assert console.errors == []


METRICS_RAISED = "query($i: IncidentMetricsInput!) { incidentMetrics(input: $i) { raised } }"


async def test_metrics_page_and_the_badge_to_embed(context: BrowserContext, site: Site) -> None:
    site.raise_incident(f"Late load {site.backend}", ORDERS, priority="HIGH")
    page = await sign_in(context, site)
    console = Console(page)

    # The metrics page: the last 24 hours by the hour, as the API counts them.
    await page.get_by_role("link", name="Metrics").click()
    await expect(page.get_by_role("heading", name="Metrics", exact=True)).to_be_visible()
    await page.get_by_text("24 hours", exact=True).click()
    await expect(page).to_have_url(re.compile(r"/incident-metrics\?range=24h&bucket=HOUR$"))
    hour = 3_600_000
    to = -(-int(await page.evaluate("Date.now()")) // hour) * hour
    expected = site.gql(METRICS_RAISED, {"i": {"from": to - 24 * hour, "to": to}})
    raised = expected["incidentMetrics"]["raised"]
    assert raised >= 1
    await expect(page.locator('[data-stat="raised"]')).to_have_text(str(raised))
    await expect(page.get_by_test_id("metrics-chart")).to_be_visible()
    await page.get_by_text("The figures as a table").click()
    await expect(page.get_by_test_id("metrics-buckets").locator("tbody tr")).to_have_count(24)
    priorities = page.locator('[data-mix="Priority"]')
    await expect(priorities.get_by_text("high", exact=True)).to_be_visible()
    await check_page(page, "metrics", site)
    # Another bucket length is a new address: one day's bucket for the 24 hours.
    await page.get_by_text("a day", exact=True).click()
    await expect(page).to_have_url(re.compile(r"range=24h&bucket=DAY$"))
    await expect(page.get_by_test_id("metrics-buckets").locator("tbody tr")).to_have_count(1)

    # The asset page shows its badge and the snippet to embed it; the URL works without a token.
    await page.goto(asset_address(site, ORDERS))
    embed = page.get_by_test_id("badge-embed")
    image = embed.get_by_role("img", name="Data health badge of this asset")
    await expect(image).to_be_visible()
    # Loaded and drawn: the server answered the page's own request with the SVG.
    await page.wait_for_function(
        "() => { const i = document.querySelector('[data-testid=badge-embed] img');"
        " return i !== null && i.complete && i.naturalWidth > 40; }"
    )
    snippet = await embed.locator("pre").first.inner_text()
    url = re.fullmatch(r"!\[data health\]\((.+)\)", snippet.strip())
    assert url is not None
    badge_url = site.gql("query($u: String!) { dataset(urn: $u) { badgeUrl } }", {"u": ORDERS})[
        "dataset"
    ]["badgeUrl"]
    assert url.group(1) == badge_url
    fetched = httpx.get(f"{site.url}{httpx.URL(badge_url).raw_path.decode()}", timeout=30)
    assert fetched.status_code == 200
    assert "active incident" in fetched.text
    await check_page(page, "asset-badge", site)
    assert console.errors == []

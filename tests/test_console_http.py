"""The web console over HTTP: one page for every console address, under its own CSP; the
shipped bundle is served, fits the first-load budget and matches the sources in web/."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import Api

from incident_graph.api.http.console import BUNDLE

ROOT = Path(__file__).resolve().parent.parent
ADDRESSES = (
    "/",
    "/incidents?state=ACTIVE&priority=HIGH",
    "/incidents/urn:li:incident:0b1c2d3e",
    "/assets/urn:li:dataset:(urn:li:dataPlatform:kafka,orders,PROD)",
    "/assets/urn%3Ali%3Adataset%3A(urn%3Ali%3AdataPlatform%3As3,a%2Fb%2Fc,PROD)",
    "/search?q=orders&active=true",
    "/admin?tab=dead",
)
FIRST_LOAD_BUDGET = 300 * 1024
SCRIPT = re.compile(r'<script[^>]+src="([^"]+)"')
LINKED = re.compile(r'<link[^>]+href="(/console/[^"]+)"')


@pytest.mark.parametrize("address", ADDRESSES)
async def test_every_console_address_answers_with_the_console(api: Api, address: str) -> None:
    page = await api.http.get(address)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<div id="root">' in page.text
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    csp = page.headers["content-security-policy"]
    assert "script-src 'self';" in csp
    assert "unsafe-eval" not in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "connect-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp


@pytest.mark.parametrize("address", ["/incidentsx", "/console", "/console/assets/missing.js"])
async def test_other_addresses_stay_not_found(api: Api, address: str) -> None:
    assert (await api.http.get(address)).status_code == 404


async def test_bundle_files_are_served_compressed_to_keep(api: Api) -> None:
    page = (await api.http.get("/")).text
    files = SCRIPT.findall(page) + LINKED.findall(page)
    assert any(f.endswith(".js") for f in files)
    assert any(f.endswith(".css") for f in files)
    for address in files:
        shipped = (BUNDLE / address.removeprefix("/console/")).read_bytes()
        for encoding in ("gzip, deflate, br", "identity"):
            served = await api.http.get(address, headers={"Accept-Encoding": encoding})
            assert served.status_code == 200, address
            kind = "javascript" if address.endswith(".js") else "css"
            assert kind in served.headers["content-type"]
            assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
            assert served.headers["x-content-type-options"] == "nosniff"
            assert served.headers["vary"] == "Accept-Encoding"
            assert served.content == shipped  # httpx undoes the gzip
            if encoding == "identity":
                assert "content-encoding" not in served.headers
            else:
                assert served.headers["content-encoding"] == "gzip"
                assert int(served.headers["content-length"]) < len(shipped) / 2


async def test_first_load_fits_the_budget(api: Api) -> None:
    """Every script the page loads before it can render, as sent compressed: under 300 KB."""
    page = (await api.http.get("/")).text
    scripts = [a for a in SCRIPT.findall(page) + LINKED.findall(page) if a.endswith(".js")]
    assert scripts
    sent = 0
    for address in scripts:
        served = await api.http.get(address, headers={"Accept-Encoding": "gzip"})
        sent += int(served.headers["content-length"])
    assert sent < FIRST_LOAD_BUDGET, f"{sent / 1024:.0f} KB of compressed JavaScript"


def test_shipped_console_is_built_from_the_sources() -> None:
    """web/ changed without a rebuild: scripts/build-console, then commit the bundle."""
    checked = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "console_sources.py"), "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr

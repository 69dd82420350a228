"""Headless Chromium through Playwright for Python, for the page tests.

`playwright install` cannot download browsers here: Playwright drives Debian's chromium package
through `executable_path`. Screenshots land in test-artifacts/ (gitignored); the accessibility
check runs axe-core (bundled by the axe-playwright-python package) on the page as it stands.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, ConsoleMessage, Page, async_playwright

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
BLOCKING = {"serious", "critical"}


def chromium_or_skip() -> str:
    """The chromium binary; in CI a missing browser fails the test instead of skipping it."""
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs Debian's chromium package (scripts/test installs it as root)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """One headless browser; as root, Chromium's sandbox cannot start, so it runs without."""
    executable = chromium_or_skip()
    args = ["--disable-gpu", "--disable-quic", "--disable-background-networking"]
    if os.geteuid() == 0:
        args.append("--no-sandbox")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=executable, headless=True, args=args
        )
        try:
            yield browser
        finally:
            await browser.close()


class Console:
    """Errors a page reports: uncaught exceptions, console errors (CSP violations included)."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("console", self._message)

    def _message(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"{message.text} {message.location.get('url', '')}".strip())


async def screenshots(page: Page, name: str) -> list[Path]:
    """The page at desktop and phone sizes, full height, as test artifacts."""
    ARTIFACTS.mkdir(exist_ok=True)
    saved = []
    original = page.viewport_size
    await page.evaluate("window.scrollTo(0, 0)")
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        await page.set_viewport_size(size)  # type: ignore[arg-type]
        path = ARTIFACTS / f"{name}-{label}.png"
        await page.screenshot(path=path, full_page=True, animations="disabled")
        saved.append(path)
    if original is not None:
        await page.set_viewport_size(original)
    return saved


async def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page, one line each."""
    results = await Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(f"{n['target']}: {n.get('failureSummary', '')}" for n in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def artifact_name(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")

"""Writers that raise incidents over real HTTP without pause, recording every answer, for the
outage and shutdown tests."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

RAISE = "mutation($i: RaiseIncidentInput!) { raiseIncident(input: $i) }"


@dataclass(frozen=True)
class Answer:
    status: int
    seconds: float
    code: str | None
    retry_after: str | None
    request_id: str | None
    started: float


@dataclass
class RaiseLoad:
    """`writers` clients raising incidents until `stop`; `acknowledged` holds every URN the
    server answered 200 for, `answers` every answer, `failures` requests that got no answer."""

    base_url: str
    token: str
    writers: int = 16
    acknowledged: list[str] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    # A client that got 503 waits as Retry-After asks (as a well-behaved client does).
    honour_retry_after: bool = True
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._writer(n)) for n in range(self.writers)]

    async def stop(self) -> None:
        self.stopping.set()
        await asyncio.gather(*self._tasks)

    def since(self, started: float) -> list[Answer]:
        return [a for a in self.answers if a.started >= started]

    async def _writer(self, n: int) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        async with httpx.AsyncClient(base_url=self.base_url, headers=headers, timeout=30) as http:
            sequence = 0
            while not self.stopping.is_set():
                sequence += 1
                variables = {
                    "i": {
                        "type": "OPERATIONAL",
                        "title": f"writer {n} raise {sequence}",
                        "resourceUrn": f"urn:li:dataset:(urn:li:dataPlatform:kafka,w{n},PROD)",
                    }
                }
                started = time.monotonic()
                try:
                    response = await http.post(
                        "/api/graphql", json={"query": RAISE, "variables": variables}
                    )
                except httpx.TransportError as exc:
                    self.failures.append(f"{type(exc).__name__}: {exc}")
                    continue
                self._record(response, started)
                if response.status_code == 503 and self.honour_retry_after:
                    pause = float(response.headers.get("retry-after", "1"))
                    # A backoff, not a synchronisation: stopping ends it at once.
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.stopping.wait(), pause)

    def _record(self, response: httpx.Response, started: float) -> None:
        body: dict[str, Any] = {}
        if "json" in response.headers.get("content-type", ""):
            body = response.json()
        errors = body.get("errors") or [{}]
        data = body.get("data") or {}
        self.answers.append(
            Answer(
                status=response.status_code,
                seconds=time.monotonic() - started,
                code=None
                if data.get("raiseIncident")
                else errors[0].get("extensions", {}).get("code"),
                retry_after=response.headers.get("retry-after"),
                request_id=response.headers.get("x-request-id"),
                started=started,
            )
        )
        if response.status_code == 200 and data.get("raiseIncident"):
            self.acknowledged.append(str(data["raiseIncident"]))


async def stored_urns(database_url: str) -> set[str]:
    """The incident URNs the database holds, read on a connection of its own."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            return set((await conn.execute(text("SELECT urn FROM incidents"))).scalars())
    finally:
        await engine.dispose()

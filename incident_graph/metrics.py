"""Prometheus metrics for one app instance, served at /metrics."""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from typing import Final

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Label values are bounded: unknown paths are counted as "other".
KNOWN_PATHS: Final = frozenset(
    {
        "/api/graphql",
        "/api/v2/graphql",
        "/api/graphiql",
        "/health",
        "/ready",
        "/config",
        "/metrics",
        "/aspects",
        "/entities",
    }
)
# Paths that end in a URN, counted under one label each.
URN_PATHS: Final = ("/aspects/", "/entitiesV2/", "/badge/")
# Distinct (entity type, aspect) label pairs kept for unmodelled aspects; the rest: "other".
MAX_UNMODELLED_LABELS: Final = 500
_LABEL: Final = re.compile(r"[A-Za-z][A-Za-z0-9_.]{0,99}")


def path_label(path: str) -> str:
    if path in KNOWN_PATHS:
        return path
    for prefix in URN_PATHS:
        if path.startswith(prefix):
            return prefix + "{urn}"
    return "other"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "incident_graph_http_requests",
            "HTTP requests answered",
            ["path", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "incident_graph_http_request_seconds",
            "Time to answer an HTTP request",
            ["path"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )
        self.write_batch = Histogram(
            "incident_graph_write_batch_units",
            "Units of work committed together by the group-commit writer",
            registry=self.registry,
            buckets=(1, 2, 4, 8, 16, 32, 64, 128),
        )
        self.ingest_proposals = Counter(
            "incident_graph_ingest_proposals",
            "Ingested proposals (DataHub REST ingestion) by outcome: stored or failed",
            ["outcome"],
            registry=self.registry,
        )
        self.ingest_unmodelled = Counter(
            "incident_graph_ingest_unmodelled_aspects",
            "Ingested aspects accepted but not stored (aspects or entity types not modelled)",
            ["entity_type", "aspect"],
            registry=self.registry,
        )
        self._unmodelled_labels: set[tuple[str, str]] = set()
        # Run before each scrape: series read from elsewhere (the database) brought up to date.
        self._refreshers: list[Callable[[], Awaitable[None]]] = []

    def refresh_before_scrape(self, refresh: Callable[[], Awaitable[None]]) -> None:
        self._refreshers.append(refresh)

    def count_unmodelled(self, entity_type: str, aspect: str, n: int = 1) -> None:
        labels = (entity_type, aspect)
        if labels not in self._unmodelled_labels:
            fits = all(_LABEL.fullmatch(v) for v in labels)
            if not fits or len(self._unmodelled_labels) >= MAX_UNMODELLED_LABELS:
                labels = ("other", "other")
            self._unmodelled_labels.add(labels)
        self.ingest_unmodelled.labels(*labels).inc(n)

    async def endpoint(self, _: Request) -> Response:
        for refresh in self._refreshers:
            await refresh()
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)

    def middleware(self, app: ASGIApp) -> ASGIApp:
        async def measured(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            path = path_label(scope["path"])
            status = 500
            started = time.perf_counter()

            async def capture(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                await send(message)

            try:
                await app(scope, receive, capture)
            finally:
                self.latency.labels(path).observe(time.perf_counter() - started)
                self.requests.labels(path, scope["method"], str(status)).inc()

        return measured

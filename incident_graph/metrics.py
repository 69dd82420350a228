"""Prometheus metrics for one app instance, served at /metrics."""

from __future__ import annotations

import time
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
    {"/api/graphql", "/api/graphiql", "/health", "/ready", "/config", "/metrics"}
)


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

    async def endpoint(self, _: Request) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)

    def middleware(self, app: ASGIApp) -> ASGIApp:
        async def measured(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            path = scope["path"] if scope["path"] in KNOWN_PATHS else "other"
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

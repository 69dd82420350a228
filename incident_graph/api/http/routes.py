"""Plain HTTP routes: liveness, readiness, DataHub's /config probe, GraphiQL."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from incident_graph import __version__
from incident_graph.config import Settings
from incident_graph.store import Database, Writer
from incident_graph.store.migrate import current_revision, head_revision

STATIC: Final = Path(__file__).parent / "static"
# Security headers for the one HTML page; GraphiQL needs inline styles from its bundle.
HTML_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}


async def health(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def ready(request: Request) -> Response:
    db: Database = request.app.state.db
    try:
        async with db.read_engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        revision = await current_revision(db.read_engine)
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready", said plainly
        return JSONResponse(
            {"status": "unavailable", "reason": type(exc).__name__}, status_code=503
        )
    head = head_revision()
    if revision != head:
        return JSONResponse(
            {"status": "unavailable", "reason": f"database at {revision}, code expects {head}"},
            status_code=503,
        )
    writer: Writer = request.app.state.writer
    health = writer.health
    if not health.running:
        return JSONResponse(
            {
                "status": "unavailable",
                "reason": f"the writer is restarting after: {health.last_failure}",
                "writerRestarts": health.restarts,
            },
            status_code=503,
        )
    return JSONResponse({"status": "ready", "revision": revision})


async def datahub_config(_: Request) -> Response:
    # DataHub's Python SDK reads /config before its first call and insists on noCode "true".
    return JSONResponse(
        {
            "noCode": "true",
            "serverType": "incident-graph",
            "versions": {"incident-graph": {"version": __version__}},
        }
    )


async def graphiql(request: Request) -> Response:
    # The page stays public (a browser cannot send a bearer header when it opens a page; the
    # page holds no data). It is told whether the schema is public, so that when it is not,
    # start.js asks for a token before GraphiQL starts and introspects.
    settings: Settings = request.app.state.settings
    page = (STATIC / "graphiql.html").read_text(encoding="utf-8")
    if not settings.public_introspection:
        page = page.replace(
            'data-public-introspection="true"', 'data-public-introspection="false"', 1
        )
    return HTMLResponse(page, headers=HTML_HEADERS)


def http_routes() -> list[Route | Mount]:
    return [
        Route("/health", health),
        Route("/ready", ready),
        Route("/config", datahub_config),
        Route("/api/graphiql", graphiql),
        Mount(
            "/api/graphiql/static",
            StaticFiles(directory=STATIC),
            name="graphiql-static",
        ),
    ]

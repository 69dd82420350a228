"""The hand-written baseline scripts/bench.py measures the GraphQL server against.

Bare Starlette + SQLAlchemy Core over incident-graph's own tables, doing the SQL a careful
hand-written endpoint would for each benchmarked operation, and nothing more: check the bearer
token (the server must too); insert an incident with its asset and link rows and its history
event, one transaction and one commit per request; replace a status; page an asset's incidents
with the same index-backed count and page query; the health of many assets in one query; the
hasActiveIncidents search page with its total (a window count, as the server does). The
connection set-up matches the server's: on SQLite WAL with synchronous=FULL and one write
connection, on PostgreSQL a pool of 10 (+10 overflow).

Run: BENCH_DATABASE_URL=... uvicorn --app-dir scripts --factory bench_baseline_app:create_app
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from sqlalchemy import JSON, bindparam, event, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

AUTH = text(
    "SELECT t.revoked_ms, t.expires_ms, u.name, u.role FROM access_tokens t "
    "JOIN users u ON u.id = t.user_id WHERE t.token_hash = :h"
)
INSERT_ASSET = text(
    "INSERT INTO assets (urn, entity_type, platform, name, created_ms) "
    "VALUES (:urn, :entity_type, :platform, :name, :now) ON CONFLICT DO NOTHING"
)
ASSET_ID = text("SELECT id FROM assets WHERE urn = :urn")
INSERT_INCIDENT = text(
    "INSERT INTO incidents (urn, fingerprint, incident_type, title, state, status_time_ms, "
    "status_actor, source_type, created_ms, created_actor, updated_ms, version) "
    "VALUES (:urn, :fingerprint, 'OPERATIONAL', :title, 'ACTIVE', :now, :actor, 'MANUAL', "
    ":now, :actor, :now, 1) RETURNING id"
)
INSERT_LINK = text(
    "INSERT INTO incident_assets (incident_id, asset_id, position, state, created_ms) "
    "VALUES (:incident_id, :asset_id, 0, :state, :now)"
)
INSERT_EVENT = text(
    "INSERT INTO incident_events (incident_id, kind, actor, time_ms, payload) "
    "VALUES (:incident_id, :kind, :actor, :now, :payload)"
).bindparams(bindparam("payload", type_=JSON))
SET_STATUS = text(
    "UPDATE incidents SET state = :state, stage = NULL, status_message = :message, "
    "status_time_ms = :now, status_actor = :actor, updated_ms = :now, version = version + 1 "
    "WHERE id = :id"
)
SET_LINK_STATE = text("UPDATE incident_assets SET state = :state WHERE incident_id = :id")
PAGE_TOTAL = text(
    "SELECT count(*) FROM incident_assets WHERE asset_id = :asset_id AND state = :state"
)
PAGE = text(
    "SELECT i.urn, i.title FROM incident_assets ia JOIN incidents i ON i.id = ia.incident_id "
    "WHERE ia.asset_id = :asset_id AND ia.state = :state "
    "ORDER BY ia.created_ms DESC, ia.incident_id DESC LIMIT :count OFFSET :start"
)
ASSETS_BY_URN = text("SELECT id, urn FROM assets WHERE urn IN :urns").bindparams(
    bindparam("urns", expanding=True)
)
ACTIVE_OF_ASSETS = text(
    "SELECT ia.asset_id, i.urn, i.title, i.updated_ms FROM incident_assets ia "
    "JOIN incidents i ON i.id = ia.incident_id "
    "WHERE ia.asset_id IN :ids AND ia.state = 'ACTIVE' "
    "ORDER BY ia.asset_id, ia.created_ms DESC, i.id DESC"
).bindparams(bindparam("ids", expanding=True))
HAS_ACTIVE = (
    "EXISTS (SELECT 1 FROM incident_assets ia WHERE ia.asset_id = a.id AND ia.state = 'ACTIVE')"
)
SEARCH_WHERE = f"a.deleted_ms IS NULL AND a.entity_type IN ('DATASET') AND {HAS_ACTIVE}"
# The page and the total in one statement; no facets (the benchmark's query selects none).
SEARCH_PAGE = text(
    f"SELECT a.urn, a.entity_type, count(*) OVER () AS total FROM assets a WHERE {SEARCH_WHERE} "
    "ORDER BY a.urn LIMIT :count OFFSET :start"
)
SEARCH_TOTAL = text(f"SELECT count(*) FROM assets a WHERE {SEARCH_WHERE}")


def _json(data: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(data), status_code=status, media_type="application/json")


def _now() -> int:
    return int(time.time() * 1000)


def _sqlite_engine(url: str, pool_size: int) -> AsyncEngine:
    engine = create_async_engine(url, pool_size=pool_size, max_overflow=0, pool_timeout=60)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine


class Baseline:
    def __init__(self, url: str) -> None:
        self.postgres = url.startswith("postgresql")
        if self.postgres:
            self.read = self.write = create_async_engine(url, pool_size=10, max_overflow=10)
        else:
            self.read = _sqlite_engine(url, pool_size=8)
            # One write connection: requests queue for it instead of meeting a locked database.
            self.write = _sqlite_engine(url, pool_size=1)

    async def dispose(self) -> None:
        await self.read.dispose()
        if self.write is not self.read:
            await self.write.dispose()

    async def _actor(self, conn: AsyncConnection, request: Request) -> str | None:
        scheme, _, secret = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secret:
            return None
        digest = hashlib.sha256(secret.strip().encode()).hexdigest()
        row = (await conn.execute(AUTH, {"h": digest})).first()
        if row is None or row.revoked_ms is not None:
            return None
        if row.expires_ms is not None and row.expires_ms <= _now():
            return None
        return f"urn:li:corpuser:{row.name}"

    async def raise_incident(self, request: Request) -> Response:
        body = orjson.loads(await request.body())
        asset_urn: str = body["resourceUrn"]
        title: str | None = body.get("title")
        # urn:li:dataset:(urn:li:dataPlatform:<platform>,<name>,<ENV>)
        platform_part, name, _env = asset_urn.split(":(", 1)[1].rstrip(")").split(",")
        platform = platform_part.rsplit(":", 1)[1]
        urn = f"urn:li:incident:{uuid.uuid4()}"
        fingerprint = hashlib.sha256(orjson.dumps([title, asset_urn])).hexdigest()
        now = _now()
        async with self.read.connect() as conn:
            actor = await self._actor(conn, request)
        if actor is None:
            return _json({"error": "unauthenticated"}, 401)
        async with self.write.begin() as conn:
            await conn.execute(
                INSERT_ASSET,
                {
                    "urn": asset_urn,
                    "entity_type": "DATASET",
                    "platform": platform,
                    "name": name,
                    "now": now,
                },
            )
            asset_id = (await conn.execute(ASSET_ID, {"urn": asset_urn})).scalar_one()
            incident_id = (
                await conn.execute(
                    INSERT_INCIDENT,
                    {
                        "urn": urn,
                        "fingerprint": fingerprint,
                        "title": title,
                        "now": now,
                        "actor": actor,
                    },
                )
            ).scalar_one()
            await conn.execute(
                INSERT_LINK,
                {"incident_id": incident_id, "asset_id": asset_id, "state": "ACTIVE", "now": now},
            )
            await conn.execute(
                INSERT_EVENT,
                {
                    "incident_id": incident_id,
                    "kind": "RAISED",
                    "actor": actor,
                    "now": now,
                    "payload": {"new": {"state": "ACTIVE", "stage": None, "title": title}},
                },
            )
        return _json({"urn": urn})

    async def update_status(self, request: Request) -> Response:
        body = orjson.loads(await request.body())
        state: str = body["state"]
        message: str | None = body.get("message")
        async with self.read.connect() as conn:
            actor = await self._actor(conn, request)
        if actor is None:
            return _json({"error": "unauthenticated"}, 401)
        lock = " FOR UPDATE" if self.postgres else ""
        find = text(
            f"SELECT id, state, stage, status_message FROM incidents WHERE urn = :urn{lock}"
        )
        now = _now()
        async with self.write.begin() as conn:
            row = (await conn.execute(find, {"urn": body["urn"]})).first()
            if row is None:
                return _json({"error": "not found"}, 404)
            params = {"id": row.id, "state": state, "message": message, "now": now, "actor": actor}
            await conn.execute(SET_STATUS, params)
            if row.state != state:
                await conn.execute(SET_LINK_STATE, {"id": row.id, "state": state})
            old = {"state": row.state, "stage": row.stage, "message": row.status_message}
            new = {"state": state, "stage": None, "message": message}
            await conn.execute(
                INSERT_EVENT,
                {
                    "incident_id": row.id,
                    "kind": "STATUS_CHANGED",
                    "actor": actor,
                    "now": now,
                    "payload": {"old": old, "new": new},
                },
            )
        return _json({"ok": True})

    async def incident_page(self, request: Request) -> Response:
        q = request.query_params
        start, count, state = int(q.get("start", 0)), int(q.get("count", 10)), q["state"]
        async with self.read.connect() as conn:
            if await self._actor(conn, request) is None:
                return _json({"error": "unauthenticated"}, 401)
            asset_id = (await conn.execute(ASSET_ID, {"urn": q["urn"]})).scalar_one_or_none()
            if asset_id is None:
                return _json(None)
            args = {"asset_id": asset_id, "state": state}
            total = (await conn.execute(PAGE_TOTAL, args)).scalar_one()
            rows = (await conn.execute(PAGE, {**args, "start": start, "count": count})).all()
        incidents = [{"urn": r.urn, "title": r.title} for r in rows]
        return _json(
            {"start": start, "count": len(incidents), "total": total, "incidents": incidents}
        )

    async def health(self, request: Request) -> Response:
        urns: list[str] = orjson.loads(await request.body())["urns"]
        async with self.read.connect() as conn:
            if await self._actor(conn, request) is None:
                return _json({"error": "unauthenticated"}, 401)
            ids = dict((await conn.execute(ASSETS_BY_URN, {"urns": urns})).all())
            rows = (await conn.execute(ACTIVE_OF_ASSETS, {"ids": list(ids)})).all()
        active: dict[int, list[Any]] = defaultdict(list)
        for row in rows:
            active[row.asset_id].append(row)
        by_urn = {urn: asset_id for asset_id, urn in ids.items()}
        out: dict[str, Any] = {}
        for urn in urns:
            asset_id = by_urn.get(urn)
            if asset_id is None:
                out[urn] = None
                continue
            items = active.get(asset_id, [])
            out[urn] = [
                {
                    "type": "INCIDENTS",
                    "status": "FAIL" if items else "PASS",
                    "message": f"{len(items)} active incident(s)"
                    if items
                    else "No active incidents",
                    "causes": ["ACTIVE_INCIDENTS"] if items else [],
                    "activeIncidentHealthDetails": {
                        "count": len(items),
                        "latestIncidentUrn": items[0].urn if items else None,
                        "latestIncidentTitle": items[0].title if items else None,
                        "lastActivityAt": max(i.updated_ms for i in items) if items else None,
                        "activeIncidentUrns": [i.urn for i in items[:100]],
                    },
                }
            ]
        return _json(out)

    async def search(self, request: Request) -> Response:
        body = orjson.loads(await request.body())
        start, count = int(body.get("start", 0)), int(body.get("count", 10))
        async with self.read.connect() as conn:
            if await self._actor(conn, request) is None:
                return _json({"error": "unauthenticated"}, 401)
            rows = (await conn.execute(SEARCH_PAGE, {"start": start, "count": count})).all()
            total = rows[0].total if rows else (await conn.execute(SEARCH_TOTAL)).scalar_one()
        return _json(
            {
                "start": start,
                "count": len(rows),
                "total": total,
                "searchResults": [
                    {"entity": {"urn": r.urn, "type": r.entity_type}, "matchedFields": []}
                    for r in rows
                ],
            }
        )

    async def ready(self, _: Request) -> Response:
        async with self.read.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return _json({"status": "ready"})


def create_app() -> Starlette:
    baseline = Baseline(os.environ["BENCH_DATABASE_URL"])

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        await baseline.dispose()

    return Starlette(
        routes=[
            Route("/raise", baseline.raise_incident, methods=["POST"]),
            Route("/status", baseline.update_status, methods=["POST"]),
            Route("/incidents", baseline.incident_page),
            Route("/health", baseline.health, methods=["POST"]),
            Route("/search", baseline.search, methods=["POST"]),
            Route("/ready", baseline.ready),
        ],
        lifespan=lifespan,
    )

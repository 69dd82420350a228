"""Bulk seeding for scripts/bench.py: assets and incidents written straight into the tables.

Going through the API would take longer than the benchmark itself at a million incidents, so
the base rows go in with one executemany per chunk (SQLite) or COPY (PostgreSQL), and filler
rows are generated inside the database (a recursive CTE, generate_series). The rows carry the
values the server itself would store for a raise (state copied into incident_assets, times
in epoch milliseconds), so the server reads them like its own. Incident events are not
seeded: no benchmarked read touches them.

Layout, by asset index (asset id = index + 1):
- [0, page_assets): "page" assets, each with `per_page_asset` incidents, every other one ACTIVE;
  the incident-page workload reads these, so its answer is the same at every table size;
- the next `base_incidents - page_assets * per_page_asset` assets: one incident each, every
  other one ACTIVE; the health and updateIncidentStatus workloads use these;
- the rest: filler, where `grow_to` spreads incidents (one in ten ACTIVE) to reach a table size.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import asyncpg

PLATFORMS = ("hive", "snowflake", "kafka", "postgres", "s3")
ACTOR = "urn:li:corpuser:bench"
CHUNK = 50_000
FILL_CHUNK = 100_000

ASSET_COLUMNS = ("id", "urn", "entity_type", "platform", "name", "created_ms")
INCIDENT_COLUMNS = (
    "id",
    "urn",
    "fingerprint",
    "incident_type",
    "title",
    "priority",
    "state",
    "status_time_ms",
    "status_actor",
    "source_type",
    "created_ms",
    "created_actor",
    "updated_ms",
    "version",
)
Row = tuple[object, ...]
# Seeded rows bypass the server's writes, which keep each asset's active-incident count.
ACTIVE_COUNT_SQL = (
    "UPDATE assets SET active_count = (SELECT count(*) FROM incident_assets "
    "WHERE incident_assets.asset_id = assets.id AND incident_assets.state = 'ACTIVE')"
)
LINK_COLUMNS = ("incident_id", "asset_id", "position", "state", "created_ms")


def asset_urn(index: int) -> str:
    platform = PLATFORMS[index % len(PLATFORMS)]
    return f"urn:li:dataset:(urn:li:dataPlatform:{platform},bench.table_{index:07d},PROD)"


@dataclass(frozen=True, slots=True)
class Plan:
    assets: int
    page_assets: int
    per_page_asset: int
    base_incidents: int

    @property
    def singles(self) -> int:
        return self.base_incidents - self.page_assets * self.per_page_asset

    @property
    def filler_start(self) -> int:
        return self.page_assets + self.singles

    def check(self) -> None:
        if self.singles < 50 or self.filler_start >= self.assets:
            raise ValueError(f"plan {self} leaves too few single or filler assets")


@dataclass(slots=True)
class Seeded:
    """What the workloads need to know about the seeded data."""

    page_asset_urns: list[str]
    single_asset_urns: list[str]
    single_incident_urns: list[str]
    incidents: int = 0
    seconds: float = 0.0


def _asset_rows(count: int, now: int) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for i in range(count):
        name = f"bench.table_{i:07d}"
        chunk.append((i + 1, asset_urn(i), "DATASET", PLATFORMS[i % len(PLATFORMS)], name, now))
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _incident(incident_id: int, asset_id: int, active: bool, now: int) -> tuple[Row, Row]:
    state = "ACTIVE" if active else "RESOLVED"
    created = now + incident_id
    urn = f"urn:li:incident:{uuid.uuid4()}"
    incident = (
        incident_id,
        urn,
        uuid.uuid4().hex * 2,  # any 64 hex characters: no seeded incident is raised again
        "OPERATIONAL",
        f"bench incident {incident_id}",
        "MEDIUM",
        state,
        created,
        ACTOR,
        "MANUAL",
        created,
        ACTOR,
        created,
        1,
    )
    return incident, (incident_id, asset_id, 0, state, created)


@dataclass(frozen=True, slots=True)
class Fill:
    """`count` filler incidents from `first_id`: round robin over filler assets, 1 in 10 ACTIVE."""

    plan: Plan
    first_id: int
    count: int
    offset: int
    now: int

    def args(self, first: int, last: int) -> dict[str, object]:
        return {
            "first": first,
            "last": last,
            "first_id": self.first_id,
            "offset": self.offset,
            "now": self.now,
            "actor": ACTOR,
            "filler_id": self.plan.filler_start + 1,
            "span": self.plan.assets - self.plan.filler_start,
        }


class _Target:
    """One database's bulk writes."""

    async def assets(self, rows: list[Row]) -> None:
        raise NotImplementedError

    async def incidents(self, incidents: list[Row], links: list[Row]) -> None:
        raise NotImplementedError

    async def scalar(self, sql: str) -> int:
        raise NotImplementedError

    async def fill(self, fill: Fill) -> None:
        """Generate filler incidents and their links inside the database (no row transfer)."""
        raise NotImplementedError

    async def finish(self) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError


class _Sqlite(_Target):
    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None, timeout=60)
        self.conn.execute("PRAGMA busy_timeout=60000")
        # Seed rows are not acknowledged writes: skip the fsyncs (this connection only).
        self.conn.execute("PRAGMA synchronous=OFF")

    def _many(self, table: str, columns: tuple[str, ...], rows: list[Row]) -> None:
        marks = ",".join("?" * len(columns))
        self.conn.executemany(f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})", rows)

    async def assets(self, rows: list[Row]) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self._many("assets", ASSET_COLUMNS, rows)
        self.conn.execute("COMMIT")

    async def incidents(self, incidents: list[Row], links: list[Row]) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self._many("incidents", INCIDENT_COLUMNS, incidents)
        self._many("incident_assets", LINK_COLUMNS, links)
        self.conn.execute("COMMIT")

    async def scalar(self, sql: str) -> int:
        return int(self.conn.execute(sql).fetchone()[0] or 0)

    async def fill(self, fill: Fill) -> None:
        for first in range(fill.first_id, fill.first_id + fill.count, FILL_CHUNK):
            last = min(first + FILL_CHUNK, fill.first_id + fill.count) - 1
            args = fill.args(first, last)
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute(
                "WITH RECURSIVE g(id) AS (SELECT :first UNION ALL SELECT id + 1 FROM g "
                "WHERE id < :last) "
                f"INSERT INTO incidents ({','.join(INCIDENT_COLUMNS)}) SELECT id, "
                "'urn:li:incident:' || lower(hex(randomblob(16))), lower(hex(randomblob(32))), "
                "'OPERATIONAL', 'bench incident ' || id, 'MEDIUM', "
                "CASE WHEN (id - :first_id + :offset) % 10 = 0 THEN 'ACTIVE' ELSE 'RESOLVED' END, "
                ":now + id, :actor, 'MANUAL', :now + id, :actor, :now + id, 1 FROM g",
                args,
            )
            self.conn.execute(
                f"INSERT INTO incident_assets ({','.join(LINK_COLUMNS)}) "
                "SELECT id, :filler_id + (id - :first_id + :offset) % :span, 0, state, created_ms "
                "FROM incidents WHERE id BETWEEN :first AND :last",
                args,
            )
            self.conn.execute("COMMIT")

    async def finish(self) -> None:
        # The server keeps each asset's active-incident count as it writes; seeded rows
        # bypass it, so count them here.
        self.conn.execute(ACTIVE_COUNT_SQL)
        self.conn.commit()
        # Keep the WAL from holding the whole seed until the server's next checkpoint.
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def close(self) -> None:
        self.conn.close()


class _Postgres(_Target):
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def assets(self, rows: list[Row]) -> None:
        await self.conn.copy_records_to_table("assets", records=rows, columns=ASSET_COLUMNS)

    async def incidents(self, incidents: list[Row], links: list[Row]) -> None:
        async with self.conn.transaction():
            await self.conn.copy_records_to_table(
                "incidents", records=incidents, columns=INCIDENT_COLUMNS
            )
            await self.conn.copy_records_to_table(
                "incident_assets", records=links, columns=LINK_COLUMNS
            )

    async def scalar(self, sql: str) -> int:
        return int(await self.conn.fetchval(sql) or 0)

    async def fill(self, fill: Fill) -> None:
        for first in range(fill.first_id, fill.first_id + fill.count, FILL_CHUNK):
            last = min(first + FILL_CHUNK, fill.first_id + fill.count) - 1
            a = fill.args(first, last)
            async with self.conn.transaction():
                await self.conn.execute(
                    f"INSERT INTO incidents ({','.join(INCIDENT_COLUMNS)}) SELECT g, "
                    "'urn:li:incident:' || gen_random_uuid(), md5(g::text) || md5((-g)::text), "
                    "'OPERATIONAL', 'bench incident ' || g, 'MEDIUM', "
                    "CASE WHEN (g - $3 + $4) % 10 = 0 THEN 'ACTIVE' ELSE 'RESOLVED' END, "
                    "$5 + g, $6, 'MANUAL', $5 + g, $6, $5 + g, 1 "
                    "FROM generate_series($1::bigint, $2::bigint) g",
                    first,
                    last,
                    a["first_id"],
                    a["offset"],
                    a["now"],
                    a["actor"],
                )
                await self.conn.execute(
                    f"INSERT INTO incident_assets ({','.join(LINK_COLUMNS)}) "
                    "SELECT id, $3 + (id - $4 + $5) % $6, 0, state, created_ms "
                    "FROM incidents WHERE id BETWEEN $1 AND $2",
                    first,
                    last,
                    a["filler_id"],
                    a["first_id"],
                    a["offset"],
                    a["span"],
                )

    async def finish(self) -> None:
        await self.conn.execute(ACTIVE_COUNT_SQL)
        # Ids were given explicitly, so move the sequences past them; then let the planner
        # see the new sizes, as autovacuum would soon after a load like this.
        for table in ("assets", "incidents"):
            await self.conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        await self.conn.execute("ANALYZE assets, incidents, incident_assets")

    async def close(self) -> None:
        await self.conn.close()


async def _open(database_url: str) -> _Target:
    if database_url.startswith("sqlite"):
        return _Sqlite(database_url.split("///", 1)[1])
    dsn = database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    conn = await asyncpg.connect(dsn, timeout=10)
    # Seed rows are not acknowledged writes: skip the WAL flush waits (this session only).
    await conn.execute("SET synchronous_commit = off")
    return _Postgres(conn)


async def _add_incidents(
    target: _Target,
    placements: Iterator[tuple[int, bool]],
    first_id: int,
    now: int,
    *,
    keep_urns: bool,
) -> tuple[int, list[str]]:
    """Insert one incident per (asset index, active) placement; returns count and URNs."""
    incidents: list[Row] = []
    links: list[Row] = []
    urns: list[str] = []
    next_id = first_id
    for asset_index, active in placements:
        incident, link = _incident(next_id, asset_index + 1, active, now)
        incidents.append(incident)
        links.append(link)
        if keep_urns:
            urns.append(str(incident[1]))
        next_id += 1
        if len(incidents) == CHUNK:
            await target.incidents(incidents, links)
            incidents, links = [], []
    if incidents:
        await target.incidents(incidents, links)
    return next_id - first_id, urns


def _base_placements(plan: Plan) -> Iterator[tuple[int, bool]]:
    # Interleaved across page assets, so each asset's incidents span the whole time range.
    for n in range(plan.per_page_asset):
        for a in range(plan.page_assets):
            yield a, n % 2 == 0
    for s in range(plan.singles):
        yield plan.page_assets + s, s % 2 == 0


async def seed_base(database_url: str, plan: Plan) -> Seeded:
    """Assets and the base incidents, into a migrated database with no incidents yet."""
    plan.check()
    started = time.perf_counter()
    now = int(time.time() * 1000) - 10_000_000
    target = await _open(database_url)
    try:
        if await target.scalar("SELECT count(*) FROM incidents"):
            raise RuntimeError("seed_base needs a database without incidents")
        for rows in _asset_rows(plan.assets, now):
            await target.assets(rows)
        _, urns = await _add_incidents(target, _base_placements(plan), 1, now, keep_urns=True)
        await target.finish()
        total = await target.scalar("SELECT count(*) FROM incidents")
    finally:
        await target.close()
    single_start = plan.page_assets * plan.per_page_asset
    return Seeded(
        page_asset_urns=[asset_urn(i) for i in range(plan.page_assets)],
        single_asset_urns=[asset_urn(plan.page_assets + s) for s in range(plan.singles)],
        single_incident_urns=urns[single_start:],
        incidents=total,
        seconds=time.perf_counter() - started,
    )


async def grow_to(database_url: str, plan: Plan, total: int) -> tuple[int, float]:
    """Add filler incidents until the table holds `total`; returns (count, seconds)."""
    started = time.perf_counter()
    now = int(time.time() * 1000) - 10_000_000
    target = await _open(database_url)
    try:
        have = await target.scalar("SELECT count(*) FROM incidents")
        if have < total:
            first_id = await target.scalar("SELECT max(id) FROM incidents") + 1
            await target.fill(Fill(plan, first_id, total - have, have, now))
            await target.finish()
        count = await target.scalar("SELECT count(*) FROM incidents")
    finally:
        await target.close()
    return count, time.perf_counter() - started

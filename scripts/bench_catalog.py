"""Catalog-scale benchmark (issue: assets, owners and lineage at catalog scale).

On SQLite and then PostgreSQL: loads 100,000 assets with owners, tags and 3 upstream edges
each (300,000 lineage edges) through `incident-graph assets load`, timing it; adds 1,000,000
incidents in bulk inside the database (one in ten ACTIVE, spread over the assets); starts the
real server; then, from one client, times each read workload and prints p50/p99 and each
figure as a ratio to a trivial `{ __typename }` request measured in the same run (the floor
of any request on this machine, so the ratios hold when the machine is noisy).

    .venv/bin/python scripts/bench_catalog.py                     # full size, both databases
    .venv/bin/python scripts/bench_catalog.py --quick             # small sizes, seconds
    .venv/bin/python scripts/bench_catalog.py --backend sqlite --requests 300

Traffic goes to 127.0.0.1 only; every process started is stopped and the PostgreSQL database
dropped on the way out.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from bench import (
    HOST,
    PROCESSES,
    Database,
    _percentile,
    create_database,
    drop_database,
    run_each_backend,
    start_graphql_server,
)
from bench_seed import ACTIVE_COUNT_SQL

ROOT = Path(__file__).resolve().parent.parent
PLATFORMS = ("hive", "snowflake", "kafka", "postgres", "s3")
TYPES = ("FRESHNESS", "VOLUME", "FIELD", "SQL", "OPERATIONAL")
PRIORITIES = ("LOW", "MEDIUM", "HIGH", "CRITICAL")


def asset_urn(i: int) -> str:
    return f"urn:li:dataset:(urn:li:dataPlatform:{PLATFORMS[i % 5]},catalog.table_{i:07d},PROD)"


LAYERS = 5


def layer_of(i: int, assets: int) -> int:
    return i * LAYERS // assets


def health_asset(assets: int) -> int:
    """An asset in the fourth layer: three levels of lineage above it."""
    return 3 * assets // LAYERS + 7


def write_assets_file(path: Path, assets: int, rng: random.Random) -> None:
    """Assets in JSON Lines with owners, a tag and lineage in five layers (raw -> ... -> marts).

    Every asset past the first layer reads from 3 or 4 assets of the layer before (3.75 on
    average: 300,000 edges for 100,000 assets), so an asset in layer k has k levels upstream.
    """
    bounds = [layer * assets // LAYERS for layer in range(LAYERS + 1)]
    with path.open("w") as out:
        for i in range(assets):
            layer = layer_of(i, assets)
            upstreams: list[int] = []
            if layer:
                low, high = bounds[layer - 1], bounds[layer]
                upstreams = sorted({rng.randrange(low, high) for _ in range(3 + (i % 4 != 0))})
            out.write(
                json.dumps(
                    {
                        "urn": asset_urn(i),
                        "name": f"catalog.table_{i:07d}",
                        "description": f"table {i} of the {PLATFORMS[i % 5]} warehouse",
                        "owners": [{"owner": f"urn:li:corpuser:owner{i % 997}"}],
                        "tags": [f"tier{i % 3}"],
                        "upstreamUrns": [asset_urn(u) for u in upstreams],
                    }
                )
                + "\n"
            )


def _incident_select(now: int, assets: int, incidents: int, series: str) -> str:
    """SELECT of bulk incident rows from a number series `n(i)`; the same text on both DBs.

    Raised one millisecond apart in id order, as a live server raises them (newest last).
    """
    types = " ".join(f"WHEN {k} THEN '{t}'" for k, t in enumerate(TYPES))
    priorities = " ".join(f"WHEN {k} THEN '{p}'" for k, p in enumerate(PRIORITIES))
    start = now - incidents
    return f"""
        SELECT i + 1, 'urn:li:incident:catalog-' || i, 'bench',
               CASE i % 5 {types} END,
               'late partition ' || (i % 5000) || ' on table ' || (i % {assets}),
               'rows missing after load ' || i,
               CASE i % 4 {priorities} END,
               CASE WHEN i % 10 = 0 THEN 'ACTIVE' ELSE 'RESOLVED' END,
               {start} + i, 'urn:li:corpuser:bench', 'MANUAL',
               {start} + i, 'urn:li:corpuser:bench', {start} + i, 1
        FROM {series}"""


INCIDENT_COLUMNS = (
    "id, urn, fingerprint, incident_type, title, description, priority, state, "
    "status_time_ms, status_actor, source_type, created_ms, created_actor, updated_ms, version"
)
# Spread incidents over the assets with a multiplicative hash so neighbours differ; asset ids
# are not dense on PostgreSQL (ON CONFLICT spends sequence values), so go by rank.
LINK_INSERT = """
    INSERT INTO incident_assets (incident_id, asset_id, position, state, created_ms)
    SELECT i.id, a.id, 0, i.state, i.created_ms
    FROM incidents AS i
    JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM assets) AS a
      ON a.k = (i.id * 7919) % {assets}"""


async def add_incidents(db: Database, incidents: int, assets: int) -> float:
    started = time.perf_counter()
    now = int(time.time() * 1000)
    if db.url.startswith("sqlite"):
        conn = sqlite3.connect(db.url.split("///", 1)[1])
        conn.execute("PRAGMA synchronous=OFF")
        series = (
            "(WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n "
            f"WHERE i < {incidents - 1}) SELECT i FROM n)"
        )
        rows = _incident_select(now, assets, incidents, series)
        conn.execute(f"INSERT INTO incidents ({INCIDENT_COLUMNS}) {rows}")
        conn.execute(LINK_INSERT.format(assets=assets))
        conn.execute(ACTIVE_COUNT_SQL)
        conn.commit()
        conn.execute("ANALYZE")
        conn.close()
    else:
        dsn = db.url.replace("postgresql+asyncpg://", "postgresql://", 1)
        conn_pg = await asyncpg.connect(dsn, timeout=10)
        try:
            await conn_pg.execute("SET synchronous_commit = off")
            series = f"generate_series(0, {incidents - 1}) AS n(i)"
            await conn_pg.execute(
                f"INSERT INTO incidents ({INCIDENT_COLUMNS}) "
                + _incident_select(now, assets, incidents, series)
            )
            await conn_pg.execute(LINK_INSERT.format(assets=assets))
            await conn_pg.execute(ACTIVE_COUNT_SQL)
            await conn_pg.execute(
                "SELECT setval(pg_get_serial_sequence('incidents', 'id'), "
                "(SELECT max(id) FROM incidents))"
            )
            # VACUUM too: otherwise autovacuum takes on the million new rows during the timed
            # reads (p99 noise), and index-only scans find no page marked all-visible.
            await conn_pg.execute("VACUUM ANALYZE")
        finally:
            await conn_pg.close()
    return time.perf_counter() - started


SEARCH_ACTIVE = (
    '{ searchAcrossEntities(input: {query: "*", start: 0, count: 20, orFilters: [{and: '
    '[{field: "hasActiveIncidents", values: ["true"]}]}]}) '
    "{ total searchResults { entity { urn } } } }"
)
SEARCH_INCIDENTS = (
    '{ searchIncidents(input: {query: "partition", states: [ACTIVE], start: 0, count: 20}) '
    "{ total totalIsLowerBound incidents { urn title } } }"
)
SEARCH_INCIDENTS_FACETS = SEARCH_INCIDENTS.replace(
    "incidents { urn title }",
    "incidents { urn title } facets { field aggregations { value count } }",
)
SEARCH_INCIDENTS_NO_QUERY = (
    "{ searchIncidents(input: {states: [ACTIVE], sort: {field: CREATED, order: DESC}, "
    "start: 0, count: 20}) { total totalIsLowerBound incidents { urn title } } }"
)
HEALTH = "query($u: String!) { dataset(urn: $u) { health { type status message } } }"
PAGE_OF_100 = (
    '{ searchAcrossEntities(input: {query: "*", count: 100}) { searchResults { entity { urn '
    "... on DataAsset { health { status } incidents(count: 5) { total incidents { urn } } } } } } }"
)


async def time_requests(
    client: httpx.AsyncClient, body: dict[str, Any] | None, requests: int, deadline: float
) -> dict[str, float]:
    """One client, one request at a time: p50/p99 in milliseconds."""
    latencies: list[float] = []
    for n in range(requests + requests // 10):
        if time.monotonic() > deadline:
            break
        started = time.perf_counter()
        response = await client.post("/api/graphql", json=body)
        elapsed = time.perf_counter() - started
        payload = response.json()
        if "errors" in payload:
            raise RuntimeError(f"{body}: {payload['errors'][0]['message']}")
        if n >= requests // 10:  # the first tenth warms caches
            latencies.append(elapsed)
    latencies.sort()
    return {
        "requests": len(latencies),
        "p50_ms": round(_percentile(latencies, 0.5) * 1000, 2),
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 2),
    }


async def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    db = await create_database(backend, workdir)
    result: dict[str, Any] = {"assets": args.assets, "incidents": args.incidents}
    try:
        assets_file = workdir / "assets.jsonl"
        write_assets_file(assets_file, args.assets, random.Random(11))
        env = os.environ | {"INCIDENT_GRAPH_DATABASE_URL": db.url}
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "incident_graph", "assets", "load", str(assets_file)],
            env=env,
            cwd=workdir,
            check=True,
            capture_output=True,
            timeout=1800,
        )
        result["assets_load_s"] = round(time.perf_counter() - started, 1)
        result["incidents_seed_s"] = round(await add_incidents(db, args.incidents, args.assets), 1)
        server, token = await start_graphql_server(db.url, workdir)
        try:
            deadline = time.monotonic() + args.seconds
            headers = {"Authorization": f"Bearer {token}"}
            async with httpx.AsyncClient(
                base_url=f"http://{HOST}:{server.port}", headers=headers, timeout=60
            ) as client:
                floor = await time_requests(
                    client, {"query": "{ __typename }"}, args.requests, deadline
                )
                workloads: dict[str, dict[str, Any] | None] = {
                    "trivial request (floor)": {"query": "{ __typename }"},
                    "hasActiveIncidents search page": {"query": SEARCH_ACTIVE},
                    "searchIncidents page": {"query": SEARCH_INCIDENTS},
                    "searchIncidents page with facets": {"query": SEARCH_INCIDENTS_FACETS},
                    "searchIncidents page, no query": {"query": SEARCH_INCIDENTS_NO_QUERY},
                    "health, 3 levels upstream": {
                        "query": HEALTH,
                        "variables": {"u": asset_urn(health_asset(args.assets))},
                    },
                    "page of 100 assets with health + incidents": {"query": PAGE_OF_100},
                }
                figures: dict[str, Any] = {}
                for label, body in workloads.items():
                    try:
                        measured = (
                            floor
                            if label.endswith("(floor)")
                            else await time_requests(
                                client, body, args.requests, time.monotonic() + args.seconds
                            )
                        )
                    except RuntimeError as exc:
                        figures[label] = {"error": str(exc)[:200]}
                        continue
                    measured["p99_vs_floor"] = round(
                        measured["p99_ms"] / max(floor["p99_ms"], 1e-6), 1
                    )
                    figures[label] = measured
                result["workloads"] = figures
        finally:
            PROCESSES.stop(server.proc)
    finally:
        await drop_database(db)
    return result


def print_table(backend: str, result: dict[str, Any]) -> None:
    print(
        f"\n{backend}: {result['assets']:,} assets, {result['incidents']:,} incidents; "
        f"assets load {result['assets_load_s']} s, incident seeding {result['incidents_seed_s']} s"
    )
    print(f"  {'workload':46} {'p50 ms':>8} {'p99 ms':>8} {'p99 / floor':>12}")
    for label, f in result.get("workloads", {}).items():
        if "error" in f:
            print(f"  {label:46} {'error: ' + f['error']}")
        else:
            print(f"  {label:46} {f['p50_ms']:8.2f} {f['p99_ms']:8.2f} {f['p99_vs_floor']:11.1f}x")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300, help="timed requests per workload")
    parser.add_argument("--seconds", type=float, default=60, help="time bound per workload")
    parser.add_argument(
        "--quick", action="store_true", help="2,000 assets, 20,000 incidents, 50 requests"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.assets, args.incidents, args.requests, args.seconds = 2_000, 20_000, 50, 20
    if args.assets < 10 or args.incidents < 1:
        parser.error("need at least 10 assets and 1 incident")
    return args


def main(argv: list[str] | None = None) -> int:
    return run_each_backend("catalog", parse_args(argv), run_backend, print_table)


if __name__ == "__main__":
    raise SystemExit(main())

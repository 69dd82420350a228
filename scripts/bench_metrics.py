"""incidentMetrics benchmark (issue 17): 90 days of metrics over 1,000,000 incidents.

On SQLite and then PostgreSQL: migrates a fresh database, writes 10,000 assets (each owned by
one of 40 teams) and 1,000,000 incidents raised evenly over 120 days, with their timelines
(a RAISED event each, ACKNOWLEDGED for 7 in 10, a STATUS_CHANGED into RESOLVED for 9 in 10,
payloads shaped as the server writes them), in bulk SQL inside the database; starts the real
server; then, from one client, times a single-incident read and incidentMetrics over the last
90 days (by day, by week, by hour, and by day with a filter), and prints each as a ratio to
the single-incident read measured in the same run.

    .venv/bin/python scripts/bench_metrics.py                    # full size, both databases
    .venv/bin/python scripts/bench_metrics.py --quick            # 20,000 incidents, seconds
    .venv/bin/python scripts/bench_metrics.py --backend sqlite --requests 5

Traffic goes to 127.0.0.1 only; every process started is stopped and the PostgreSQL database
dropped on the way out.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from bench import (
    HOST,
    PROCESSES,
    Database,
    create_database,
    drop_database,
    run_each_backend,
    start_graphql_server,
)
from bench_catalog import time_requests
from bench_seed import ACTIVE_COUNT_SQL

ROOT = Path(__file__).resolve().parent.parent
DAY_MS = 86_400_000
SPAN_DAYS = 120
WINDOW_DAYS = 90
TEAMS = 40
ACTOR = "urn:li:corpuser:bench"
PLATFORMS = ("hive", "snowflake", "kafka", "postgres", "s3")
TYPES = ("FRESHNESS", "VOLUME", "FIELD", "SQL", "OPERATIONAL")
PRIORITIES = ("LOW", "MEDIUM", "HIGH", "CRITICAL")


def _case(expr: str, values: tuple[str, ...]) -> str:
    whens = " ".join(f"WHEN {k} THEN '{v}'" for k, v in enumerate(values))
    return f"CASE {expr} % {len(values)} {whens} END"


def statements(
    *, now: int, incidents: int, assets: int, series: Callable[[int], str], as_json: str
) -> list[str]:
    """The seeding SQL, the same on both databases but for the number series and the JSON
    cast. Incident i is raised at start + i * span / n; 1 in 10 stays ACTIVE; 7 in 10 are
    acknowledged within the hour; the rest resolved within three days."""
    start = now - SPAN_DAYS * DAY_MS
    step = SPAN_DAYS * DAY_MS // incidents
    created = f"({start} + i * {step})"
    resolved = f"({created} + ((i * 7919) % 259200) * 1000)"
    acknowledged = f"CASE WHEN i % 10 < 7 THEN {created} + (i % 3600) * 1000 END"
    raised_payload = (
        '\'{"new": {"title": "late partition \' || (id - 1) || \'", "description": null, '
        '"priority": "\' || priority || \'", "startedAt": null, "state": "ACTIVE", '
        '"stage": null, "message": null, "lead": null, "acknowledgedAt": null, '
        '"acknowledgedBy": null, "resolvedAt": null, "resolvedBy": null, '
        '"resolutionNote": null, "rootCauseCategory": null, "rootCauseDetail": null, '
        '"assignees": []}}\''
    )
    ack_payload = (
        '\'{"old": {"acknowledgedAt": null, "acknowledgedBy": null}, "new": '
        '{"acknowledgedAt": \' || acknowledged_ms || \', "acknowledgedBy": "' + ACTOR + "\"}}'"
    )
    resolve_payload = (
        '\'{"old": {"state": "ACTIVE", "stage": null, "message": null, '
        '"resolvedAt": null, "resolvedBy": null, "resolutionNote": null}, "new": '
        '{"state": "RESOLVED", "stage": "FIXED", "message": "fixed", '
        '"resolvedAt": \' || resolved_ms || \', "resolvedBy": "' + ACTOR + '", '
        '"resolutionNote": "fixed"}}\''
    )
    asset_series, incident_series = series(assets), series(incidents)
    platform = _case("i", PLATFORMS)
    return [
        (
            "INSERT INTO assets (id, urn, entity_type, platform, name, created_ms) "
            f"SELECT i + 1, 'urn:li:dataset:(urn:li:dataPlatform:' || {platform} || "
            f"',bench.table_' || i || ',PROD)', 'DATASET', {platform}, 'bench.table_' || i, "
            f"{start} FROM {asset_series}"
        ),
        (
            "INSERT INTO asset_owners (asset_id, owner_urn, ownership_type, position) "
            f"SELECT i + 1, 'urn:li:corpGroup:team' || (i % {TEAMS}), 'TECHNICAL_OWNER', 0 "
            f"FROM {asset_series}"
        ),
        (
            "INSERT INTO incidents (id, urn, fingerprint, incident_type, title, priority, state, "
            "stage, status_time_ms, status_actor, source_type, created_ms, created_actor, "
            "updated_ms, version, acknowledged_ms, acknowledged_actor, resolved_ms, "
            "resolved_actor, resolution_note) "
            f"SELECT i + 1, 'urn:li:incident:bench-' || i, 'bench', {_case('i', TYPES)}, "
            f"'late partition ' || i, {_case('i', PRIORITIES)}, "
            "CASE WHEN i % 10 = 0 THEN 'ACTIVE' ELSE 'RESOLVED' END, "
            "CASE WHEN i % 10 = 0 THEN NULL ELSE 'FIXED' END, "
            f"{created}, '{ACTOR}', "
            "CASE WHEN i % 20 = 1 THEN 'ASSERTION_FAILURE' ELSE 'MANUAL' END, "
            f"{created}, '{ACTOR}', {created}, 1, {acknowledged}, "
            f"CASE WHEN i % 10 < 7 THEN '{ACTOR}' END, "
            f"CASE WHEN i % 10 = 0 THEN NULL ELSE {resolved} END, "
            f"CASE WHEN i % 10 = 0 THEN NULL ELSE '{ACTOR}' END, "
            "CASE WHEN i % 10 = 0 THEN NULL ELSE 'fixed' END "
            f"FROM {incident_series}"
        ),
        (
            "INSERT INTO incident_assets (incident_id, asset_id, position, state, created_ms) "
            f"SELECT id, 1 + (id * 7919) % {assets}, 0, state, created_ms FROM incidents"
        ),
        # The timeline in time order, so event ids follow time as a live server's do.
        (
            "INSERT INTO incident_events (incident_id, kind, actor, time_ms, payload, moved_to) "
            "SELECT incident_id, kind, actor, time_ms, payload, moved_to FROM ("
            f"SELECT id AS incident_id, 'RAISED' AS kind, '{ACTOR}' AS actor, "
            f"created_ms AS time_ms, {as_json.format(raised_payload)} AS payload, "
            "'ACTIVE' AS moved_to FROM incidents UNION ALL "
            f"SELECT id, 'ACKNOWLEDGED', '{ACTOR}', acknowledged_ms, "
            f"{as_json.format(ack_payload)}, NULL "
            "FROM incidents WHERE acknowledged_ms IS NOT NULL UNION ALL "
            f"SELECT id, 'STATUS_CHANGED', '{ACTOR}', resolved_ms, "
            f"{as_json.format(resolve_payload)}, 'RESOLVED' "
            "FROM incidents WHERE resolved_ms IS NOT NULL) AS e ORDER BY time_ms"
        ),
        ACTIVE_COUNT_SQL,
    ]


async def seed(db: Database, incidents: int, assets: int) -> float:
    started = time.perf_counter()
    now = int(time.time() * 1000)
    if db.url.startswith("sqlite"):
        conn = sqlite3.connect(db.url.split("///", 1)[1])
        conn.execute("PRAGMA synchronous=OFF")

        def series(n: int) -> str:
            return (
                "(WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n "
                f"WHERE i < {n - 1}) SELECT i FROM n)"
            )

        for sql in statements(
            now=now, incidents=incidents, assets=assets, series=series, as_json="{}"
        ):
            conn.execute(sql)
        conn.commit()
        conn.execute("ANALYZE")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
    else:
        dsn = db.url.replace("postgresql+asyncpg://", "postgresql://", 1)
        pg = await asyncpg.connect(dsn, timeout=10)
        try:
            await pg.execute("SET synchronous_commit = off")

            def pg_series(n: int) -> str:
                # bigint: i * 7919 passes 2^31 at a million.
                return f"generate_series(0::bigint, {n - 1}) AS n(i)"

            for sql in statements(
                now=now, incidents=incidents, assets=assets, series=pg_series, as_json="({})::json"
            ):
                await pg.execute(sql)
            for table in ("assets", "incidents", "incident_events"):
                await pg.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            # As after a load autovacuum would: statistics, and pages marked all-visible.
            await pg.execute("VACUUM ANALYZE")
        finally:
            await pg.close()
    return time.perf_counter() - started


METRICS = """query($i: IncidentMetricsInput!) { incidentMetrics(input: $i) {
    activeAtStart raised resolved
    buckets { start raised resolved activeAtEnd }
    byState { value count } byStage { value count } byPriority { value count }
    byType { value count } bySource { value count } byPlatform { value count }
    byTeam { value count }
    timeToAcknowledge { count medianMs p90Ms meanMs }
    timeToResolve { count medianMs p90Ms meanMs }
} }"""
ONE_INCIDENT = """query($u: String!) { incident(urn: $u) {
    urn title priority incidentStatus { state stage } created { time } } }"""


def _metrics(frm: int, to: int, **more: Any) -> dict[str, Any]:
    return {"query": METRICS, "variables": {"i": {"from": frm, "to": to} | more}}


async def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    db = await create_database(backend, workdir)
    result: dict[str, Any] = {"incidents": args.incidents, "assets": args.assets}
    try:
        env = os.environ | {"INCIDENT_GRAPH_DATABASE_URL": db.url}
        subprocess.run(
            [sys.executable, "-m", "incident_graph", "migrate"],
            env=env,
            cwd=workdir,
            check=True,
            capture_output=True,
            timeout=300,
        )
        result["seed_s"] = round(await seed(db, args.incidents, args.assets), 1)
        server, token = await start_graphql_server(db.url, workdir)
        try:
            to = (int(time.time() * 1000) // DAY_MS) * DAY_MS
            frm = to - WINDOW_DAYS * DAY_MS
            headers = {"Authorization": f"Bearer {token}"}
            async with httpx.AsyncClient(
                base_url=f"http://{HOST}:{server.port}", headers=headers, timeout=600
            ) as client:
                single = {
                    "query": ONE_INCIDENT,
                    "variables": {"u": f"urn:li:incident:bench-{args.incidents // 2}"},
                }
                workloads: dict[str, tuple[dict[str, Any], int]] = {
                    "single-incident read": (single, args.requests * 20),
                    "incidentMetrics 90 days by DAY": (_metrics(frm, to), args.requests),
                    "incidentMetrics 90 days by WEEK": (
                        _metrics(frm, to, bucket="WEEK"),
                        args.requests,
                    ),
                    "incidentMetrics 90 days by HOUR": (
                        _metrics(frm, to, bucket="HOUR"),
                        args.requests,
                    ),
                    "incidentMetrics 90 days, CRITICAL on snowflake": (
                        _metrics(frm, to, priorities=["CRITICAL"], platforms=["snowflake"]),
                        args.requests,
                    ),
                }
                figures: dict[str, Any] = {}
                for label, (body, requests) in workloads.items():
                    measured = await time_requests(
                        client, body, requests, time.monotonic() + args.seconds
                    )
                    figures[label] = measured
                floor = figures["single-incident read"]
                for measured in figures.values():
                    measured["p50_vs_single"] = round(
                        measured["p50_ms"] / max(floor["p50_ms"], 1e-6), 1
                    )
                answer = (await client.post("/api/graphql", json=_metrics(frm, to))).json()
                m = answer["data"]["incidentMetrics"]
                result["answer"] = {
                    "raised": m["raised"],
                    "resolved": m["resolved"],
                    "activeAtStart": m["activeAtStart"],
                    "timeToResolve": m["timeToResolve"],
                }
                result["workloads"] = figures
        finally:
            PROCESSES.stop(server.proc)
    finally:
        await drop_database(db)
    return result


def print_table(backend: str, result: dict[str, Any]) -> None:
    print(
        f"\n{backend}: {result['incidents']:,} incidents on {result['assets']:,} assets, "
        f"seeded in {result['seed_s']} s; 90-day answer: {result.get('answer')}"
    )
    print(f"  {'workload':50} {'n':>5} {'p50 ms':>9} {'p99 ms':>9} {'p50 / single':>13}")
    for label, f in result.get("workloads", {}).items():
        print(
            f"  {label:50} {f['requests']:5} {f['p50_ms']:9.2f} {f['p99_ms']:9.2f} "
            f"{f['p50_vs_single']:12.1f}x"
        )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument(
        "--requests",
        type=int,
        default=10,
        help="timed metrics requests per workload (the single read gets 20 times as many)",
    )
    parser.add_argument("--seconds", type=float, default=120, help="time bound per workload")
    parser.add_argument("--quick", action="store_true", help="20,000 incidents, 1,000 assets")
    args = parser.parse_args(argv)
    if args.quick:
        args.assets, args.incidents, args.seconds = 1_000, 20_000, 20
    if args.assets < TEAMS or args.incidents < 1000:
        parser.error(f"need at least {TEAMS} assets and 1,000 incidents")
    return args


def main(argv: list[str] | None = None) -> int:
    return run_each_backend("metrics", parse_args(argv), run_backend, print_table)


if __name__ == "__main__":
    raise SystemExit(main())

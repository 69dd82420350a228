"""Benchmark: `datahub ingest` into incident-graph, against a bare insert of the same rows.

    .venv/bin/python scripts/bench_ingest.py                 # SQLite, 10,000 proposals
    .venv/bin/python scripts/bench_ingest.py --postgres URL  # postgresql+asyncpg://... (empty db)

The run: 10,000 proposals (datasetProperties and ownership of 5,000 datasets) in a `file`
source, sent by the `datahub-rest` sink to a real `incident-graph serve`, timed from the
CLI's start to its exit. The baseline inserts the same asset and owner rows into a migrated
database of the same kind, 100 datasets per transaction (the sink's batch), with plain SQL
and no HTTP, parsing or checks. Printed: proposals/second for each and their ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import asyncpg  # noqa: E402
from server_process import ServerProcess, cli  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

DATASETS = 5_000
BATCH = 100


def urn(i: int) -> str:
    return f"urn:li:dataset:(urn:li:dataPlatform:snowflake,bench.public.table_{i},PROD)"


def proposals() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for i in range(DATASETS):
        for aspect, value in (
            ("datasetProperties", {"name": f"table_{i}", "description": f"table number {i}"}),
            ("ownership", {"owners": [{"owner": f"urn:li:corpuser:u{i % 50}", "type": "NONE"}]}),
        ):
            out.append(
                {
                    "entityType": "dataset",
                    "entityUrn": urn(i),
                    "changeType": "UPSERT",
                    "aspectName": aspect,
                    "aspect": {"value": json.dumps(value), "contentType": "application/json"},
                }
            )
    return out


def run_ingest(database_url: str, workdir: Path) -> float:
    server = ServerProcess(database_url=database_url, workdir=workdir).start()
    try:
        token = server.first_admin_token()
        if token is None:  # an existing database: make a token
            token = cli(database_url, "token", "create", "--user", "bench", "--role", "editor")
            token = token.stdout.strip().splitlines()[-1]
        source = workdir / "mcps.json"
        source.write_text(json.dumps(proposals()))
        recipe = workdir / "recipe.yml"
        recipe.write_text(
            f"source:\n  type: file\n  config:\n    path: {source}\n"
            f"sink:\n  type: datahub-rest\n  config:\n    server: {server.base_url}\n"
            f"    token: {token}\n"
        )
        started = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-m", "datahub", "ingest", "-c", str(recipe)],
            capture_output=True,
            text=True,
            env=os.environ | {"DATAHUB_TELEMETRY_ENABLED": "false"},
            check=False,
        )
        elapsed = time.perf_counter() - started
        if run.returncode != 0:
            raise SystemExit(f"datahub ingest failed:\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}")
        return elapsed
    finally:
        server.stop()


async def run_baseline(database_url: str) -> float:
    cli(database_url, "migrate")
    engine = create_async_engine(database_url)
    now = int(time.time() * 1000)
    asset_sql = text(
        "INSERT INTO assets (urn, entity_type, platform, name, description, created_ms, "
        "updated_ms, active_count) VALUES (:urn, 'DATASET', 'snowflake', :name, :description, "
        ":now, :now, 0)"
    )
    owner_sql = text(
        "INSERT INTO asset_owners (asset_id, owner_urn, ownership_type, position) "
        "SELECT id, :owner, 'NONE', 0 FROM assets WHERE urn = :urn"
    )
    started = time.perf_counter()
    for first in range(0, DATASETS, BATCH):
        rows = range(first, min(first + BATCH, DATASETS))
        async with engine.begin() as conn:
            await conn.execute(
                asset_sql,
                [
                    {
                        "urn": urn(i),
                        "name": f"table_{i}",
                        "description": f"table number {i}",
                        "now": now,
                    }
                    for i in rows
                ],
            )
            await conn.execute(
                owner_sql, [{"owner": f"urn:li:corpuser:u{i % 50}", "urn": urn(i)} for i in rows]
            )
    elapsed = time.perf_counter() - started
    await engine.dispose()
    return elapsed


def fresh_postgres(url: str, suffix: str) -> str:
    """A new database next to the one named in `url` (dropped by hand afterwards)."""
    base = url.replace("postgresql+asyncpg://", "postgresql://")
    root, _, _name = base.rpartition("/")
    name = f"bench_ingest_{suffix}_{int(time.time())}"

    async def create() -> None:
        conn = await asyncpg.connect(f"{root}/postgres")
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()

    asyncio.run(create())
    return url.rpartition("/")[0] + f"/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", help="postgresql+asyncpg://user@host/db to bench on")
    args = parser.parse_args()
    total = DATASETS * 2
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if args.postgres:
            ingest_url = fresh_postgres(args.postgres, "server")
            baseline_url = fresh_postgres(args.postgres, "baseline")
        else:
            ingest_url = f"sqlite+aiosqlite:///{workdir}/ingest.db"
            baseline_url = f"sqlite+aiosqlite:///{workdir}/baseline.db"
        ingest_s = run_ingest(ingest_url, workdir)
        baseline_s = asyncio.run(run_baseline(baseline_url))
    database = "PostgreSQL" if args.postgres else "SQLite"
    ingest_rate, baseline_rate = total / ingest_s, total / baseline_s
    print(f"{database}: {total} proposals ({DATASETS} datasets x 2 aspects)")
    print(f"datahub ingest -> incident-graph: {ingest_s:7.2f} s  {ingest_rate:8.0f} proposals/s")
    print(f"bare inserts of the same rows:    {baseline_s:7.2f} s  {baseline_rate:8.0f} rows/s")
    print(f"ratio (ingest / baseline): {ingest_rate / baseline_rate:.2f}x")


if __name__ == "__main__":
    main()

"""Benchmark the GraphQL server against a hand-written Starlette + SQLAlchemy baseline.

One command, on SQLite and then PostgreSQL: starts `incident-graph serve` and the baseline app
(scripts/bench_baseline_app.py, under uvicorn), one process each on ephemeral 127.0.0.1 ports,
over the same throwaway database; seeds it in bulk (scripts/bench_seed.py); drives both with
the same requests from an async load generator with N keep-alive connections; prints, for each
workload, requests/s of each, their ratio (GraphQL / baseline) and p50/p99 latency; and writes
the figures as JSON under bench-results/.

    .venv/bin/python scripts/bench.py                  # full run, both databases
    .venv/bin/python scripts/bench.py --quick --backend sqlite   # smoke run, seconds
    .venv/bin/python scripts/bench.py --profile DIR    # also py-spy the server per workload

The load generator speaks HTTP/1.1 over raw asyncio streams: on a 2-core machine the client
shares the CPU with the server, and httpx's per-request cost would cap the baseline before the
baseline's own limits show (`--client httpx` runs it with httpx instead, for comparison).
Every loop is bounded by a count and a deadline; every process started is stopped on exit,
Ctrl-C and errors included, and the PostgreSQL database is dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from bench_seed import Plan, Seeded, grow_to, seed_base

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
HOST = "127.0.0.1"
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# Requests rendered up front per workload and side, then cycled.
REQUEST_POOL = 4096
MAX_REQUESTS = 1_000_000
DEFAULT_BIG = 1_000_000

PAGE_QUERY = (
    "query($urn: String!) { dataset(urn: $urn) { incidents(state: ACTIVE, start: 0, count: 10) "
    "{ start count total incidents { urn title } } } }"
)
RAISE_QUERY = "mutation($input: RaiseIncidentInput!) { raiseIncident(input: $input) }"
STATUS_QUERY = (
    "mutation($urn: String!, $input: IncidentStatusInput!) "
    "{ updateIncidentStatus(urn: $urn, input: $input) }"
)
# No facets: the server computes facets only when they are selected, and has more of them
# than a hand-written endpoint would; this measures the filtered page and its total.
SEARCH_QUERY = (
    'query { searchAcrossEntities(input: {types: [DATASET], query: "*", start: 0, count: 10, '
    'orFilters: [{and: [{field: "hasActiveIncidents", values: ["true"]}]}]}) '
    "{ start count total searchResults { entity { urn type } } } }"
)
HEALTH_ASSETS = 50
HEALTH_FIELDS = (
    "health { type status message causes activeIncidentHealthDetails "
    "{ count latestIncidentUrn latestIncidentTitle lastActivityAt activeIncidentUrns } }"
)
HEALTH_QUERY = (
    "query("
    + ", ".join(f"$u{i}: String!" for i in range(HEALTH_ASSETS))
    + ") { "
    + " ".join(f"a{i}: dataset(urn: $u{i}) {{ {HEALTH_FIELDS} }}" for i in range(HEALTH_ASSETS))
    + " }"
)


# ---------------------------------------------------------------------------------------------
# Processes: every one started is registered, and stopped however the run ends.


class Processes:
    def __init__(self) -> None:
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, args: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
        with log.open("wb") as out:
            proc = subprocess.Popen(
                args,
                env=env,
                cwd=log.parent,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                # Its own session: a Ctrl-C reaches only this script, which then stops it.
                start_new_session=True,
            )
        self.running.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen[bytes], timeout: float = 20) -> None:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        if proc in self.running:
            self.running.remove(proc)

    def stop_all(self) -> None:
        for proc in list(reversed(self.running)):
            self.stop(proc)


PROCESSES = Processes()
# PostgreSQL databases created and not yet dropped; the last resort drops them on the way out.
UNDROPPED: set[str] = set()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


async def wait_ready(proc: subprocess.Popen[bytes], url: str, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{url}: process exited:\n{log.read_text()[-3000:]}")
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} not ready after {timeout:.0f}s:\n{log.read_text()[-3000:]}")


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    port: int
    log: Path


async def start_graphql_server(
    database_url: str, workdir: Path, *, workers: int = 1
) -> tuple[Server, str | None]:
    """`python -m incident_graph serve`; returns it and the first admin token it printed."""
    port = free_port()
    log = workdir / f"graphql-server-{workers}w.log"
    env = os.environ | {
        "INCIDENT_GRAPH_DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
        # The health workload asks for 50 assets in one query, over the default alias limit.
        "INCIDENT_GRAPH_MAX_ALIASES": str(HEALTH_ASSETS),
    }
    command = [sys.executable, "-m", "incident_graph", "serve", "--host", HOST, "--port", str(port)]
    proc = PROCESSES.start([*command, "--workers", str(workers)], env=env, log=log)
    await wait_ready(proc, f"http://{HOST}:{port}/ready", log, timeout=90)
    lines = log.read_text().splitlines()
    marks = [i for i, line in enumerate(lines) if line.startswith("First admin token")]
    token = lines[marks[0] + 1].strip() if marks else None
    return Server(f"graphql-{workers}w", proc, port, log), token


def _require_token(token: str | None) -> str:
    if token is None:
        raise RuntimeError("the server printed no admin token; was the database not empty?")
    return token


async def start_baseline(database_url: str, workdir: Path) -> Server:
    port = free_port()
    log = workdir / "baseline.log"
    env = os.environ | {"BENCH_DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
    proc = PROCESSES.start(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--app-dir",
            str(SCRIPTS),
            "--factory",
            "bench_baseline_app:create_app",
            "--host",
            HOST,
            "--port",
            str(port),
        ],
        env=env,
        log=log,
    )
    await wait_ready(proc, f"http://{HOST}:{port}/ready", log, timeout=60)
    return Server("baseline", proc, port, log)


# ---------------------------------------------------------------------------------------------
# Load generation


@dataclass(frozen=True, slots=True)
class Call:
    method: str
    path: str
    body: bytes


def render(call: Call, port: int, token: str) -> bytes:
    head = (
        f"{call.method} {call.path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        f"Authorization: Bearer {token}\r\n"
    )
    if call.method == "POST":
        head += f"Content-Type: application/json\r\nContent-Length: {len(call.body)}\r\n"
    return (head + "\r\n").encode() + call.body


class RawConnection:
    """One keep-alive HTTP/1.1 connection; just enough of the protocol for these servers."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(HOST, self.port)

    async def send(self, raw: bytes) -> tuple[int, bytes]:
        assert self.reader is not None
        assert self.writer is not None
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = -1
        chunked = False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            lowered = name.strip().lower()
            if lowered == b"content-length":
                length = int(value)
            elif lowered == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
        if chunked:
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
                if size == 0:
                    await self.reader.readuntil(b"\r\n")
                    break
                parts.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            return status, b"".join(parts)
        return status, await self.reader.readexactly(max(length, 0))

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()


class HttpxConnection:
    def __init__(self, client: httpx.AsyncClient, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    async def send(self, call: Call) -> tuple[int, bytes]:
        response = await self.client.request(
            call.method, call.path, content=call.body or None, headers=self.headers
        )
        return response.status_code, response.content


@dataclass
class Figures:
    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    first_error: str | None = None
    cpu_ms_per_request: float = float("nan")


@dataclass
class Sample:
    """One measured stretch of load: every latency, and how long the stretch lasted."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    first_error: str | None = None
    # The server process's CPU over the whole stretch (warm-up included) and the requests it
    # answered meanwhile: CPU per request, which a busy neighbour disturbs far less than req/s.
    cpu_seconds: float = 0.0
    completed: int = 0


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1)))
    return sorted_values[index]


def figures(samples: list[Sample]) -> Figures:
    latencies = sorted(x for s in samples for x in s.latencies)
    seconds = max(sum(s.seconds for s in samples), 1e-9)
    return Figures(
        requests=len(latencies),
        errors=sum(s.errors for s in samples),
        seconds=round(seconds, 3),
        rps=round(len(latencies) / seconds, 1),
        p50_ms=round(_percentile(latencies, 0.50) * 1000, 2),
        p99_ms=round(_percentile(latencies, 0.99) * 1000, 2),
        first_error=next((s.first_error for s in samples if s.first_error), None),
        cpu_ms_per_request=round(
            1000 * sum(s.cpu_seconds for s in samples) / max(sum(s.completed for s in samples), 1),
            3,
        ),
    )


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process `pid` (Linux /proc), in seconds."""
    after_name = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # Fields 14 and 15 of stat (utime, stime); after the name, the list starts at field 3.
    return (int(after_name[11]) + int(after_name[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Load:
    concurrency: int
    duration: float
    warmup: float
    client: str
    rounds: int = 1


async def drive(
    port: int,
    token: str,
    calls: list[Call],
    load: Load,
    *,
    graphql: bool,
    offset: int = 0,
    pid: int | None = None,
) -> Sample:
    """N connections send the calls in turn: `warmup` seconds unmeasured, then `duration`.
    With `pid`, the server process's CPU time per answered request is recorded too."""
    counter = itertools.count(offset)
    sample = Sample()
    last_end = 0.0
    started = time.perf_counter()
    measure_from = started + load.warmup
    deadline = measure_from + load.duration
    rendered = [render(c, port, token) for c in calls] if load.client == "raw" else []

    async def worker(send: Callable[[int], Any]) -> None:
        nonlocal last_end
        while True:
            i = next(counter)
            begin = time.perf_counter()
            if i - offset >= MAX_REQUESTS or begin >= deadline:
                return
            status, body = await send(i % len(calls))
            end = time.perf_counter()
            sample.completed += 1
            bad = status != 200 or (graphql and b'"errors"' in body)
            # Counted by completion, so requests slower than the window still count.
            if end >= measure_from:
                sample.latencies.append(end - begin)
                last_end = max(last_end, end)
                if bad:
                    sample.errors += 1
                    sample.first_error = sample.first_error or f"{status}: {body[:300]!r}"

    async def bounded(workers: list[Any]) -> None:
        # Requests still running `grace` seconds after the deadline are abandoned, not
        # counted: a workload slower than the window cannot stretch the run.
        tasks = [asyncio.ensure_future(w) for w in workers]
        _, pending = await asyncio.wait(tasks, timeout=load.warmup + load.duration + grace)
        for task in pending:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def run() -> None:
        if load.client == "raw":
            conns = [RawConnection(port) for _ in range(load.concurrency)]
            await asyncio.gather(*(c.open() for c in conns))
            try:
                await bounded([worker(lambda i, c=c: c.send(rendered[i])) for c in conns])
            finally:
                await asyncio.gather(*(c.close() for c in conns))
        else:
            limits = httpx.Limits(
                max_connections=load.concurrency, max_keepalive_connections=load.concurrency
            )
            async with httpx.AsyncClient(
                base_url=f"http://{HOST}:{port}", limits=limits, timeout=60
            ) as client:
                conn = HttpxConnection(client, token)
                await bounded(
                    [worker(lambda i: conn.send(calls[i])) for _ in range(load.concurrency)]
                )

    grace = max(2.0, load.duration)
    cpu_before = 0.0 if pid is None else cpu_seconds(pid)
    await asyncio.wait_for(run(), timeout=load.warmup + load.duration + grace + 30)
    if pid is not None:
        sample.cpu_seconds = cpu_seconds(pid) - cpu_before
    sample.seconds = max(last_end - measure_from, 0.0)
    return sample


# ---------------------------------------------------------------------------------------------
# Workloads: the same parameters rendered once as GraphQL and once for the baseline.


@dataclass
class Workload:
    key: str
    label: str
    graphql: list[Call]
    baseline: list[Call]


def _gql(query: str, variables: dict[str, Any] | None = None) -> Call:
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    return Call("POST", "/api/graphql", json.dumps(body).encode())


def _post(path: str, data: dict[str, Any]) -> Call:
    return Call("POST", path, json.dumps(data).encode())


def page_workload(key: str, label: str, seeded: Seeded, rng: random.Random) -> Workload:
    urns = [rng.choice(seeded.page_asset_urns) for _ in range(REQUEST_POOL)]
    return Workload(
        key,
        label,
        [_gql(PAGE_QUERY, {"urn": u}) for u in urns],
        [
            Call("GET", "/incidents?" + str(httpx.QueryParams(urn=u, state="ACTIVE")), b"")
            for u in urns
        ],
    )


def health_workload(seeded: Seeded, rng: random.Random) -> Workload:
    picks = [rng.sample(seeded.single_asset_urns, HEALTH_ASSETS) for _ in range(REQUEST_POOL)]
    return Workload(
        "health_50",
        f"health of {HEALTH_ASSETS} assets",
        [_gql(HEALTH_QUERY, {f"u{i}": u for i, u in enumerate(p)}) for p in picks],
        [_post("/health", {"urns": p}) for p in picks],
    )


def search_workload(assets: int) -> Workload:
    return Workload(
        "search_has_active",
        f"searchAcrossEntities hasActiveIncidents, {assets:,} assets",
        [_gql(SEARCH_QUERY)],
        [_post("/search", {"start": 0, "count": 10})],
    )


def raise_workload(seeded: Seeded, rng: random.Random) -> Workload:
    pool = seeded.single_asset_urns[:1000]
    urns = [rng.choice(pool) for _ in range(REQUEST_POOL)]
    return Workload(
        "raise_incident",
        "raiseIncident",
        [
            _gql(
                RAISE_QUERY, {"input": {"type": "OPERATIONAL", "title": "bench", "resourceUrn": u}}
            )
            for u in urns
        ],
        [_post("/raise", {"resourceUrn": u, "title": "bench"}) for u in urns],
    )


def status_workload(seeded: Seeded, rng: random.Random) -> Workload:
    picks = [
        (rng.choice(seeded.single_incident_urns), rng.choice(("ACTIVE", "RESOLVED")))
        for _ in range(REQUEST_POOL)
    ]
    return Workload(
        "update_incident_status",
        "updateIncidentStatus",
        [
            _gql(STATUS_QUERY, {"urn": u, "input": {"state": s, "message": "bench"}})
            for u, s in picks
        ],
        [_post("/status", {"urn": u, "state": s, "message": "bench"}) for u, s in picks],
    )


# ---------------------------------------------------------------------------------------------
# Profiling: py-spy against the server while it serves one workload (a separate, unmeasured pass)


def _frame_key(frame: str) -> tuple[str, str]:
    """'func (path/to/module.py:12)' -> ('func (module path)', 'package')."""
    name, _, where = frame.partition(" (")
    path = where.rsplit(":", 1)[0]
    for marker in ("site-packages/", "/lib/python3.11/", str(ROOT) + "/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    package = path.split("/", 1)[0].removesuffix(".py") if "/" in path else path
    return f"{name} ({path})", package


def summarise_profile(raw: Path, top: int = 15) -> dict[str, Any]:
    """Self-time by function and by package from py-spy's collapsed stacks."""
    by_function: Counter[str] = Counter()
    by_package: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        total += count
        leaf, package = _frame_key(frames[-1])
        by_function[leaf] += count
        by_package[package] += count
        for key in {_frame_key(f)[0] for f in frames}:
            inclusive[key] += count

    def share(counter: Counter[str]) -> list[tuple[str, float]]:
        return [(k, round(100 * v / max(total, 1), 1)) for k, v in counter.most_common(top)]

    return {
        "samples": total,
        "self_by_package_pct": share(by_package),
        "self_by_function_pct": share(by_function),
        "inclusive_by_function_pct": share(inclusive),
    }


async def profile(
    server: Server, token: str, workload: Workload, load: Load, out_dir: Path
) -> dict[str, Any]:
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    raw = out_dir / f"{workload.key}.{server.name}.collapsed.txt"
    seconds = max(2, round(load.duration))
    log = out_dir / f"{workload.key}.py-spy.log"
    spy = PROCESSES.start(
        [
            py_spy,
            "record",
            "--pid",
            str(server.proc.pid),
            "--duration",
            str(seconds),
            "--rate",
            "100",
            "--gil",  # only the thread holding the GIL: where the one core of Python time goes
            "--format",
            "raw",
            "--output",
            str(raw),
        ],
        env=dict(os.environ),
        log=log,
    )
    await asyncio.sleep(0.5)  # py-spy attaches before the load starts
    sample = await drive(
        server.port,
        token,
        workload.graphql,
        Load(load.concurrency, seconds + 1, 0, load.client),
        graphql=True,
    )
    for _ in range(300):
        if spy.poll() is not None:
            break
        await asyncio.sleep(0.1)
    PROCESSES.stop(spy)
    if not raw.exists():
        return {"error": f"py-spy wrote no profile: {log.read_text()[-500:]}"}
    summary = summarise_profile(raw)
    summary["rps_while_profiled"] = figures([sample]).rps
    summary["collapsed_stacks"] = str(raw)
    return summary


# ---------------------------------------------------------------------------------------------
# A run on one database


@dataclass
class Sizes:
    plan: Plan
    big: int


def sizes_for(args: argparse.Namespace) -> Sizes:
    if args.quick:
        plan = Plan(assets=3_000, page_assets=10, per_page_asset=20, base_incidents=1_000)
        return Sizes(plan, args.big or 5_000)
    plan = Plan(assets=100_000, page_assets=50, per_page_asset=100, base_incidents=10_000)
    return Sizes(plan, args.big or DEFAULT_BIG)


@dataclass
class Database:
    url: str
    drop: str | None = None  # PostgreSQL database to drop afterwards


async def postgres_reason_unavailable() -> str | None:
    try:
        conn = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=3)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        return f"no PostgreSQL on 127.0.0.1:5432 as user postgres ({type(exc).__name__}: {exc})"
    await conn.close()
    return None


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=10)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def stop_leftovers() -> None:
    """Stop the servers a run started and drop the databases it made, whatever ended it."""
    PROCESSES.stop_all()
    for name in list(UNDROPPED):
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def run_each_backend(
    kind: str,
    args: argparse.Namespace,
    run_backend: Callable[[str, argparse.Namespace, Path], Awaitable[dict[str, Any]]],
    print_table: Callable[[str, dict[str, Any]], None],
) -> int:
    """The main() of a benchmark that seeds each database in a scratch folder of its own: run
    them (PostgreSQL only when a server answers), print each one's table, then write
    bench-results/<kind>-<time>.json."""

    async def run_all() -> dict[str, Any]:
        backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
        results: dict[str, Any] = {}
        with tempfile.TemporaryDirectory(prefix=f"ig-bench-{kind}-") as tmp:
            for backend in backends:
                if backend == "postgresql" and (reason := await postgres_reason_unavailable()):
                    print(f"\npostgresql: skipped ({reason})")
                    continue
                workdir = Path(tmp) / backend
                workdir.mkdir()
                results[backend] = await run_backend(backend, args, workdir)
                print_table(backend, results[backend])
        return results

    try:
        results = asyncio.run(run_all())
    finally:
        stop_leftovers()
    out = ROOT / "bench-results" / f"{kind}-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"args": vars(args), "results": results}, indent=2))
    print(f"\nwritten: {out.relative_to(ROOT)}")
    return 0


async def create_database(backend: str, workdir: Path) -> Database:
    if backend == "sqlite":
        return Database(f"sqlite+aiosqlite:///{workdir}/bench.db")
    name = f"ig_bench_{uuid.uuid4().hex[:10]}"
    await _admin(f'CREATE DATABASE "{name}"')
    UNDROPPED.add(name)
    return Database(f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}", drop=name)


async def drop_database(db: Database) -> None:
    if db.drop:
        await _admin(f'DROP DATABASE IF EXISTS "{db.drop}" WITH (FORCE)')
        UNDROPPED.discard(db.drop)
        db.drop = None


@dataclass
class BackendResult:
    workloads: dict[str, dict[str, Any]] = field(default_factory=dict)
    seeding: dict[str, Any] = field(default_factory=dict)
    profiles: dict[str, Any] = field(default_factory=dict)
    pids: dict[str, int] = field(default_factory=dict)


def _fmt_row(
    label: str, gql: Figures, base: Figures, ratio: float, cpu_ratio: float | None = None
) -> str:
    flag = "  ERRORS" if gql.errors or base.errors else ""
    cpu = (
        ""
        if cpu_ratio is None
        else f" {gql.cpu_ms_per_request:>6.2f}/{base.cpu_ms_per_request:<6.2f} {cpu_ratio:>5.2f}x"
    )
    return (
        f"  {label:<52} {gql.rps:>9.1f} {base.rps:>9.1f} {ratio:>6.2f}x "
        f"{gql.p50_ms:>7.1f}/{gql.p99_ms:<7.1f} {base.p50_ms:>7.1f}/{base.p99_ms:<7.1f}{cpu}{flag}"
    )


async def run_backend(backend: str, args: argparse.Namespace, load: Load) -> BackendResult:
    sizes = sizes_for(args)
    plan = sizes.plan
    workdir = Path(tempfile.mkdtemp(prefix=f"ig-bench-{backend}-"))
    db = await create_database(backend, workdir)
    result = BackendResult()
    servers: list[Server] = []
    rng = random.Random(7)
    print(f"\n== {backend}: workdir {workdir}", flush=True)
    try:
        server, first_token = await start_graphql_server(db.url, workdir)
        servers.append(server)
        token = _require_token(first_token)
        baseline = await start_baseline(db.url, workdir)
        servers.append(baseline)
        result.pids = {s.name: s.proc.pid for s in servers}
        seeded = await seed_base(db.url, plan)
        result.seeding["base"] = {
            "assets": plan.assets,
            "incidents": seeded.incidents,
            "seconds": round(seeded.seconds, 1),
        }
        print(
            f"  seeded {plan.assets:,} assets, {seeded.incidents:,} incidents "
            f"in {seeded.seconds:.1f}s",
            flush=True,
        )
        print(
            f"  {'workload':<52} {'gql/s':>9} {'base/s':>9} {'ratio':>7} "
            f"{'gql p50/p99 ms':>15} {'base p50/p99 ms':>15} {'cpu ms/req':>13} {'cpu':>6}",
            flush=True,
        )

        async def measure(workload: Workload, **extra: Any) -> None:
            # Alternate the two sides in short rounds, so a noisy neighbour hits both alike.
            gql_samples: list[Sample] = []
            base_samples: list[Sample] = []
            for r in range(load.rounds):
                warmup = load.warmup if r == 0 else min(load.warmup, 0.3)
                per_round = Load(load.concurrency, load.duration / load.rounds, warmup, load.client)
                offset = r * 997  # each round starts elsewhere in the (shared) request list
                gql_samples.append(
                    await drive(
                        server.port,
                        token,
                        workload.graphql,
                        per_round,
                        graphql=True,
                        offset=offset,
                        pid=server.proc.pid,
                    )
                )
                base_samples.append(
                    await drive(
                        baseline.port,
                        token,
                        workload.baseline,
                        per_round,
                        graphql=False,
                        offset=offset,
                        pid=baseline.proc.pid,
                    )
                )
            gql, base = figures(gql_samples), figures(base_samples)
            ratio = round(gql.rps / base.rps, 3) if base.rps else float("nan")
            cpu_ratio = round(base.cpu_ms_per_request / gql.cpu_ms_per_request, 3)
            result.workloads[workload.key] = {
                "label": workload.label,
                "graphql": asdict(gql),
                "baseline": asdict(base),
                "ratio": ratio,
                "cpu_ratio": cpu_ratio,
                **extra,
            }
            print(_fmt_row(workload.label, gql, base, ratio, cpu_ratio), flush=True)
            if args.profile and workload.key in args.profile_workloads:
                out = Path(args.profile).resolve() / backend
                out.mkdir(parents=True, exist_ok=True)
                result.profiles[workload.key] = await profile(server, token, workload, load, out)

        base_n = seeded.incidents
        page_label = "incidents(ACTIVE, 0, 10) of an asset, {:,} incidents"
        await measure(
            page_workload("incident_page_base", page_label.format(base_n), seeded, rng),
            incidents=base_n,
        )
        await measure(health_workload(seeded, rng))
        await measure(search_workload(plan.assets), assets=plan.assets)
        await measure(raise_workload(seeded, rng))
        await measure(status_workload(seeded, rng))
        total, seconds = await grow_to(db.url, plan, sizes.big)
        result.seeding["big"] = {"incidents": total, "seconds": round(seconds, 1)}
        print(f"  grew to {total:,} incidents in {seconds:.1f}s", flush=True)
        await measure(
            page_workload("incident_page_big", page_label.format(total), seeded, rng),
            incidents=total,
        )
        if backend == "postgresql" and args.workers > 1:
            await compare_workers(db.url, workdir, server, token, args, load, seeded, rng, result)
    except BaseException:
        for s in servers:
            print(f"-- {s.name} log tail:\n{s.log.read_text()[-2000:]}", file=sys.stderr)
        raise
    finally:
        for s in reversed(servers):
            PROCESSES.stop(s.proc)
        await drop_database(db)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return result


async def compare_workers(
    url: str,
    workdir: Path,
    single: Server,
    token: str,
    args: argparse.Namespace,
    load: Load,
    seeded: Seeded,
    rng: random.Random,
    result: BackendResult,
) -> None:
    """The same workloads against `serve --workers N` and the one-process server, alternating."""
    many, _ = await start_graphql_server(url, workdir, workers=args.workers)
    try:
        print(
            f"  {'workers: ' + str(args.workers) + ' vs 1':<52} {str(args.workers) + 'w/s':>9} "
            f"{'1w/s':>9} {'ratio':>7} {'p50/p99 ms':>15} {'1w p50/p99 ms':>15}",
            flush=True,
        )
        label = "incidents(ACTIVE, 0, 10) of an asset"
        for workload in (
            page_workload("workers_page", label, seeded, rng),
            raise_workload(seeded, rng),
        ):
            sides: dict[str, list[Sample]] = {"many": [], "single": []}
            for r in range(load.rounds):
                warmup = load.warmup if r == 0 else min(load.warmup, 0.3)
                per_round = Load(load.concurrency, load.duration / load.rounds, warmup, load.client)
                for name, server in (("many", many), ("single", single)):
                    sample = await drive(
                        server.port,
                        token,
                        workload.graphql,
                        per_round,
                        graphql=True,
                        offset=r * 997,
                    )
                    sides[name].append(sample)
            m, one = figures(sides["many"]), figures(sides["single"])
            ratio = round(m.rps / one.rps, 3) if one.rps else float("nan")
            result.workloads[f"workers_{workload.key}"] = {
                "label": f"{workload.label}, {args.workers} workers vs 1",
                "workers": asdict(m),
                "single": asdict(one),
                "ratio": ratio,
            }
            print(_fmt_row(f"{workload.label} ({args.workers}w)", m, one, ratio), flush=True)
    finally:
        PROCESSES.stop(many.proc)


# ---------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--quick", action="store_true", help="tiny data and 1s runs: a smoke test")
    p.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    p.add_argument("--duration", type=float, help="measured seconds per workload and side")
    p.add_argument("--warmup", type=float, help="unmeasured seconds before each measurement")
    p.add_argument("--concurrency", type=int, default=16, help="connections (default 16)")
    p.add_argument(
        "--big",
        type=int,
        help=f"incidents for the large incident-page run (default {DEFAULT_BIG:,}; quick 5,000)",
    )
    p.add_argument(
        "--rounds", type=int, help="alternate GraphQL and baseline this many times (default 3)"
    )
    p.add_argument("--client", choices=["raw", "httpx"], default="raw")
    p.add_argument("--out", help="JSON result path (default bench-results/bench-<time>.json)")
    p.add_argument("--profile", metavar="DIR", help="also py-spy the server; stacks go to DIR")
    p.add_argument(
        "--profile-workloads",
        default="raise_incident,incident_page_big",
        help="comma-separated workload keys to profile",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=2,
        help="on PostgreSQL, also compare `serve --workers N` with one process (1 skips)",
    )
    p.add_argument("--keep", action="store_true", help="keep the work directory (logs, SQLite)")
    p.add_argument("--timeout", type=float, default=1800, help="give up after this many seconds")
    args = p.parse_args(argv)
    args.duration = args.duration or (1.0 if args.quick else 5.0)
    args.warmup = args.warmup if args.warmup is not None else (0.3 if args.quick else 1.0)
    args.rounds = args.rounds or (1 if args.quick else 3)
    args.profile_workloads = set(args.profile_workloads.split(","))
    if args.concurrency < 1 or args.duration <= 0:
        p.error("--concurrency and --duration must be positive")
    return args


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    load = Load(args.concurrency, args.duration, args.warmup, args.client, args.rounds)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    report: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "config": {
            "quick": args.quick,
            "concurrency": args.concurrency,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "client": args.client,
            "rounds": args.rounds,
            "big": sizes_for(args).big,
        },
        "backends": {},
    }
    started = time.perf_counter()
    for backend in backends:
        if backend == "postgresql":
            reason = await postgres_reason_unavailable()
            if reason:
                print(f"\n== postgresql: SKIPPED: {reason}", flush=True)
                report["backends"][backend] = {"skipped": reason}
                continue
        outcome = await run_backend(backend, args, load)
        report["backends"][backend] = asdict(outcome)
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def on_signal(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        report = asyncio.run(asyncio.wait_for(main_async(args), timeout=args.timeout))
    finally:
        stop_leftovers()
    out = (
        Path(args.out)
        if args.out
        else ROOT / "bench-results" / time.strftime("bench-%Y%m%d-%H%M%S.json")
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {out} ({report['seconds']}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

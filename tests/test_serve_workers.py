"""`incident-graph serve --workers N`: several processes on one PostgreSQL database."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from server_process import ServerProcess

DATASET = "urn:li:dataset:(urn:li:dataPlatform:hive,workers.events,PROD)"
RAISE = 'mutation($t: String!) { raiseIncident(input: {type: SQL, title: $t, resourceUrn: "%s"}) }'
COUNT = "query($u: String!) { dataset(urn: $u) { incidents(start: 0, count: 0) { total } } }"


def _workers(pid: int) -> list[int]:
    """The server processes uvicorn spawned (not multiprocessing's resource tracker)."""
    children = [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return [c for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_two_worker_processes_serve_one_database(database_url: str, tmp_path: Path) -> None:
    server = ServerProcess(
        database_url=database_url, workdir=tmp_path, extra_args=("--workers", "2")
    )
    server.start()
    try:
        assert server.process is not None
        token = server.first_admin_token()
        assert token is not None
        headers = {"Authorization": f"Bearer {token}"}

        def raise_one(n: int) -> str:
            # A fresh connection each time, so the kernel spreads them over both workers.
            r = httpx.post(
                f"{server.base_url}/api/graphql",
                json={"query": RAISE % DATASET, "variables": {"t": f"load {n}"}},
                headers=headers | {"Connection": "close"},
                timeout=30,
            )
            assert r.status_code == 200, r.text
            return str(r.json()["data"]["raiseIncident"])

        with ThreadPoolExecutor(8) as pool:
            urns = list(pool.map(raise_one, range(60)))
        assert len(set(urns)) == 60
        workers = _workers(server.process.pid)
        assert len(workers) == 2, workers
        total = httpx.post(
            f"{server.base_url}/api/graphql",
            json={"query": COUNT, "variables": {"u": DATASET}},
            headers=headers,
            timeout=30,
        ).json()["data"]["dataset"]["incidents"]["total"]
        assert total == 60
    finally:
        server.stop()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_workers_on_sqlite_are_refused_with_the_reason(database_url: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "incident_graph", "serve", "--port", "0", "--workers", "2"],
        env={"INCIDENT_GRAPH_DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "serve --workers needs PostgreSQL" in done.stderr

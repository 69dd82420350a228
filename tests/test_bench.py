"""The benchmark harness works: a quick SQLite run exits 0 and reports every workload's ratio.

Benchmarks are not timed tests: this checks the harness (servers start and stop, seeding,
load, the JSON report), never the figures themselves.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKLOADS = {
    "raise_incident",
    "update_incident_status",
    "incident_page_base",
    "incident_page_big",
    "health_50",
    "search_has_active",
}


@pytest.mark.slow
def test_quick_bench_reports_every_ratio(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "bench.py"),
            "--quick",
            "--backend",
            "sqlite",
            "--out",
            str(out),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=150,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(out.read_text())
    workloads = report["backends"]["sqlite"]["workloads"]
    assert set(workloads) == WORKLOADS
    for name, figures in workloads.items():
        assert math.isfinite(figures["ratio"]), name
        assert figures["ratio"] > 0, name
        for side in ("graphql", "baseline"):
            assert figures[side]["requests"] > 0, (name, side)
            assert figures[side]["errors"] == 0, (name, side, figures[side]["first_error"])
            assert figures[side]["p99_ms"] >= figures[side]["p50_ms"], (name, side)
    assert "ratio" in run.stdout
    assert report["backends"]["sqlite"]["seeding"]["big"]["incidents"] == 5_000
    # Every server it started has been stopped.
    for pid in report["backends"]["sqlite"]["pids"].values():
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)

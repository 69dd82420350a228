"""`pip install .` must carry everything the server needs at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_wheel_carries_migrations_and_graphiql_assets(tmp_path: Path, backend: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(tmp_path.glob("incident_graph-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    package = ROOT / "incident_graph"
    needed = [
        *package.glob("store/migrations/versions/*.py"),
        package / "store/migrations/env.py",
        package / "store/migrations/script.py.mako",
        *package.glob("api/http/static/*.*"),
        *package.glob("api/http/static/vendor/*"),
    ]
    missing = [str(p.relative_to(ROOT)) for p in needed if str(p.relative_to(ROOT)) not in names]
    assert not missing
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert (
        "incident-graph = incident_graph.cli:main"
        in zipfile.ZipFile(wheel).read(entry_points).decode()
    )

"""incident-graph backup and restore: a consistent copy taken while the server writes, restored
into a fresh database; a database that holds rows is replaced only with --force."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from conftest import running_api
from outage_load import stored_urns
from server_process import run_cli
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from test_notify_delivery import until

from incident_graph.config import Settings

ASSETS = [f"urn:li:dataset:(urn:li:dataPlatform:kafka,backup{n},PROD)" for n in range(4)]


async def _cli(database_url: str, *args: str, cwd: Path) -> tuple[int, str, str]:
    """The real CLI as a child process, awaited, so this process's writers run meanwhile."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INCIDENT_GRAPH_")}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "incident_graph", *args),
        env=env | {"INCIDENT_GRAPH_DATABASE_URL": database_url},
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def _inconsistencies(database_url: str) -> list[str]:
    """What a torn copy would show: an incident without its asset link or timeline, or an
    asset whose active-incident counter disagrees with its links."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            unlinked = await conn.scalars(
                text(
                    "SELECT urn FROM incidents i WHERE NOT EXISTS "
                    "(SELECT 1 FROM incident_assets l WHERE l.incident_id = i.id) OR NOT EXISTS "
                    "(SELECT 1 FROM incident_events e WHERE e.incident_id = i.id)"
                )
            )
            miscounted = await conn.scalars(
                text(
                    "SELECT a.urn FROM assets a WHERE a.active_count <> (SELECT count(*) FROM "
                    "incident_assets l JOIN incidents i ON i.id = l.incident_id "
                    "WHERE l.asset_id = a.id AND i.state = 'ACTIVE')"
                )
            )
            return [*unlinked, *miscounted]
    finally:
        await engine.dispose()


async def test_backup_while_writing_restores_a_consistent_snapshot(
    settings: Settings,
    fresh_database_url: str,
    tmp_path: Path,
) -> None:
    backup = tmp_path / "incidents.backup"
    acknowledged: list[str] = []
    stopping = asyncio.Event()
    async with running_api(settings) as api:

        async def writer(n: int) -> None:
            while not stopping.is_set():
                acknowledged.append(await api.raise_incident(resourceUrn=ASSETS[n % 4]))

        writers = [asyncio.create_task(writer(n)) for n in range(8)]
        await until(lambda: len(acknowledged) >= 40)
        before = set(acknowledged)
        code, out, err = await _cli(settings.database_url, "backup", str(backup), cwd=tmp_path)
        during = len(acknowledged) - len(before)
        stopping.set()
        await asyncio.gather(*writers)
    assert code == 0, err
    assert out.strip().endswith(f"written to {backup}")
    assert during > 0, "no write happened while the backup ran"

    target = fresh_database_url
    restored_run = run_cli(target, "restore", str(backup), cwd=tmp_path)
    assert restored_run.returncode == 0, restored_run.stderr
    restored = await stored_urns(target)
    assert before <= restored <= await stored_urns(settings.database_url)
    assert await _inconsistencies(target) == []
    # The restored database serves: the server migrates it and reads what it holds.
    async with running_api(settings.with_overrides(database_url=target)) as api:
        urn = min(before)
        read = await api.gql("query($u: String!) { incident(urn: $u) { urn } }", {"u": urn})
        assert read["incident"]["urn"] == urn


async def test_restore_replaces_a_database_holding_rows_only_with_force(
    settings: Settings, tmp_path: Path
) -> None:
    backup = tmp_path / "incidents.backup"
    async with running_api(settings) as api:
        kept = await api.raise_incident()
        assert run_cli(settings.database_url, "backup", str(backup), cwd=tmp_path).returncode == 0
        later = await api.raise_incident()

    refused = run_cli(settings.database_url, "restore", str(backup), cwd=tmp_path)
    assert refused.returncode == 1
    line = refused.stderr.strip()
    assert "\n" not in line
    assert "is not empty" in line
    assert "pass --force" in line
    assert await stored_urns(settings.database_url) >= {kept, later}

    forced = run_cli(settings.database_url, "restore", "--force", str(backup), cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    stored = await stored_urns(settings.database_url)
    assert kept in stored
    assert later not in stored

    again = run_cli(settings.database_url, "backup", str(backup), cwd=tmp_path)
    assert again.returncode == 1
    assert again.stderr.strip().endswith("exists already: choose a new file name for the backup")


def test_restore_refuses_what_is_not_a_backup(
    backend: str, fresh_database_url: str, tmp_path: Path
) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("not a backup\n")
    refused = run_cli(fresh_database_url, "restore", str(other), cwd=tmp_path)
    assert refused.returncode == 1
    expected = "is not a SQLite backup" if backend == "sqlite" else "is not a PostgreSQL backup"
    assert expected in refused.stderr
    assert "Traceback" not in refused.stderr


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_postgres_backup_without_pg_dump_names_the_command(
    database_url: str, tmp_path: Path
) -> None:
    backup = tmp_path / "incidents.backup"
    env_path = os.environ.get("PATH", "")
    try:
        os.environ["PATH"] = str(tmp_path)  # a PATH where pg_dump is not
        result = run_cli(database_url, "backup", str(backup), cwd=tmp_path)
    finally:
        os.environ["PATH"] = env_path
    assert result.returncode == 1
    line = result.stderr.strip()
    assert "\n" not in line
    assert "pg_dump is not on PATH" in line
    assert f"run: pg_dump --format=custom --no-owner --file={backup}" in line
    assert not backup.exists()

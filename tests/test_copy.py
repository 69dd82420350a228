"""incident-graph copy --to URL: SQLite to PostgreSQL and back, every table row for row, and
the copies serve (search finds what was copied, new rows get new ids)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import running_api
from database_rows import ROWS_PER_TABLE, fill_every_table, table_rows
from helpers import DATASET
from server_process import run_cli

from incident_graph.config import Settings
from incident_graph.store import connect
from incident_graph.store import copy as copy_module
from incident_graph.store.tables import Base

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)

SEARCH = """query($q: String!) {
  searchIncidents(input: {query: $q, start: 0, count: 10}) { total incidents { urn } }
}"""


async def _seed(source: str) -> str:
    """A SQLite database as the server leaves it (a raise, a comment, a token), plus synthetic
    rows in every table; the raised incident's URN."""
    async with running_api(Settings(database_url=source)) as api:
        urn = await api.raise_incident(
            title="Orders table late again", description="nightly load ✓ did not run"
        )
        await api.gql(
            'mutation($u: String!) { addIncidentComment(urn: $u, text: "looking") }',
            {"u": urn},
        )
    await fill_every_table(source)
    return urn


async def _serves(database_url: str, tmp_path: Path, urn: str) -> None:
    """The copy answers a full-text search with the copied incident, and takes new rows."""
    settings = Settings(database_url=database_url, secret_key_file=str(tmp_path / "key"))
    async with running_api(settings) as api:
        found = await api.gql(SEARCH, {"q": "orders late"})
        assert [i["urn"] for i in found["searchIncidents"]["incidents"]] == [urn]
        assert (await api.raise_incident(resourceUrn=DATASET)).startswith("urn:li:incident:")


async def test_sqlite_to_postgresql_and_back_row_for_row(
    fresh_database_url: str, tmp_path: Path
) -> None:
    source = f"sqlite+aiosqlite:///{tmp_path}/source.db"
    back = f"sqlite+aiosqlite:///{tmp_path}/back.db"
    urn = await _seed(source)
    original = await table_rows(source)
    assert all(len(rows) >= ROWS_PER_TABLE for rows in original.values())

    to_postgres = run_cli(source, "copy", "--to", fresh_database_url, cwd=tmp_path)
    assert to_postgres.returncode == 0, to_postgres.stderr
    total = sum(len(rows) for rows in original.values())
    assert to_postgres.stdout.strip().startswith(f"copied {total} rows to postgresql")
    assert await table_rows(fresh_database_url) == original

    to_sqlite = run_cli(fresh_database_url, "copy", "--to", back, cwd=tmp_path)
    assert to_sqlite.returncode == 0, to_sqlite.stderr
    assert await table_rows(back) == original
    assert set(original) == {t.name for t in Base.metadata.sorted_tables}

    await _serves(fresh_database_url, tmp_path, urn)
    await _serves(back, tmp_path, urn)


async def test_copy_into_a_database_holding_rows_needs_force(
    fresh_database_url: str, tmp_path: Path
) -> None:
    source = f"sqlite+aiosqlite:///{tmp_path}/source.db"
    await _seed(source)
    assert run_cli(source, "copy", "--to", fresh_database_url, cwd=tmp_path).returncode == 0
    copied = await table_rows(fresh_database_url)

    refused = run_cli(source, "copy", "--to", fresh_database_url, cwd=tmp_path)
    assert refused.returncode == 1
    assert "is not empty" in refused.stderr
    assert "pass --force" in refused.stderr
    assert await table_rows(fresh_database_url) == copied

    forced = run_cli(source, "copy", "--force", "--to", fresh_database_url, cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert await table_rows(fresh_database_url) == copied


async def test_copy_in_batches_smaller_than_a_table(
    fresh_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tables larger than a batch arrive whole, through many batches."""
    monkeypatch.setattr(copy_module, "BATCH", 2)
    source = f"sqlite+aiosqlite:///{tmp_path}/source.db"
    await _seed(source)
    original = await table_rows(source)
    assert max(len(rows) for rows in original.values()) > 2 * copy_module.BATCH
    source_db = connect(Settings(database_url=source))
    target_db = connect(Settings(database_url=fresh_database_url))
    try:
        report = await copy_module.copy_database(source_db, target_db)
    finally:
        await source_db.dispose()
        await target_db.dispose()
    assert report.rows == {table: len(rows) for table, rows in original.items()}
    assert await table_rows(fresh_database_url) == original

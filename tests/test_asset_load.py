"""`incident-graph assets load FILE`: JSON Lines, streamed; bad lines reported by number."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from server_process import cli

from incident_graph.config import Settings
from incident_graph.services.asset_load import load_lines
from incident_graph.store import Writer, connect
from incident_graph.store.migrate import upgrade


def _line(i: int, **extra: object) -> str:
    return json.dumps(
        {"urn": f"urn:li:dataset:(urn:li:dataPlatform:hive,db.t{i},PROD)", "name": f"t{i}"} | extra
    )


def test_load_reports_counts_and_rejected_lines(database_url: str, tmp_path: Path) -> None:
    lines = [
        _line(0, owners=["urn:li:corpuser:ann"], tags=["pii"]),
        _line(1, upstreamUrns=["urn:li:dataset:(urn:li:dataPlatform:hive,db.t0,PROD)"]),
        "{not json",
        "",
        json.dumps({"urn": "urn:li:dataset:(broken"}),
        _line(2, owners=[{"owner": "urn:li:corpGroup:eng", "type": "DATA_STEWARD"}]),
        json.dumps({"name": "no urn"}),
        _line(3, tags="not-a-list"),
    ]
    path = tmp_path / "assets.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(subprocess.CalledProcessError) as failed:
        cli(database_url, "assets", "load", str(path))
    out, err = failed.value.stdout, failed.value.stderr
    assert failed.value.returncode == 1
    assert "loaded 3 assets (3 new, 0 updated), rejected 4" in out
    for number in (3, 5, 7, 8):
        assert f"line {number}:" in err
    # Loading a clean file again only updates.
    path.write_text("\n".join([lines[0], lines[1], lines[5]]) + "\n")
    again = cli(database_url, "assets", "load", str(path))
    assert "loaded 3 assets (0 new, 3 updated), rejected 0" in again.stdout


async def test_load_in_batches_with_repeated_urns(settings: Settings) -> None:
    db = connect(settings)
    await upgrade(db.write_engine)
    writer = Writer(db.write_sessions)
    await writer.start()
    try:
        lines = [_line(i) for i in range(2500)] + [_line(7, name="renamed")]
        report = await load_lines(writer=writer, lines=lines)
    finally:
        await writer.stop()
        await db.dispose()
    assert (report.created, report.updated, report.rejected) == (2500, 1, [])

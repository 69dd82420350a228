"""SQLite when it cannot be used: another process holding the write lock past the busy timeout,
and a damaged file. Both answer 503 UNAVAILABLE with Retry-After, and change nothing."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from helpers import DATASET, Api

from incident_graph.domain.enums import Role

RAISE = "mutation($i: RaiseIncidentInput!) { raiseIncident(input: $i) }"
BUSY_TIMEOUT_MS = 300

# Holds SQLite's write lock (BEGIN IMMEDIATE) until a line arrives on stdin.
HOLD_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _path(database_url: str) -> str:
    return database_url.removeprefix("sqlite+aiosqlite:///")


@contextmanager
def write_lock_held(path: str) -> Iterator[None]:
    """Another process holds the database's write lock for as long as the block runs."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, path],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdin is not None
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=30)


def _titles(path: str) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute("SELECT title FROM incidents ORDER BY id")]


def _assert_unavailable(response: Any) -> dict[str, Any]:
    assert response.status_code == 503, response.text
    assert 0 < int(response.headers["retry-after"]) <= 5
    assert response.headers["x-request-id"]
    error: dict[str, Any] = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAVAILABLE"
    assert error["extensions"]["requestId"] == response.headers["x-request-id"]
    return error


def _description(text: str) -> dict[str, object]:
    """A DataHub proposal setting the dataset's description."""
    return {
        "entityType": "dataset",
        "entityUrn": DATASET,
        "changeType": "UPSERT",
        "aspectName": "datasetProperties",
        "aspect": {"value": json.dumps({"description": text}), "contentType": "application/json"},
    }


def _assert_gms_unavailable(response: Any) -> None:
    """DataHub's REST ingestion answers an outage 503 in GMS's error shape, with Retry-After."""
    assert response.status_code == 503, response.text
    assert 0 < int(response.headers["retry-after"]) <= 5
    assert response.headers["x-request-id"]
    assert response.json()["status"] == 503


async def test_write_lock_held_past_the_busy_timeout_is_unavailable_and_stores_nothing(
    api_with: Callable[..., AbstractAsyncContextManager[Api]], database_url: str
) -> None:
    path = _path(database_url)
    async with api_with(sqlite_busy_timeout_ms=BUSY_TIMEOUT_MS) as api:
        await api.raise_incident(title="before")
        with write_lock_held(path):
            # DataHub's emitters retry a 503, where a 4xx per proposal would be dropped.
            ingest = await api.http.post(
                "/aspects?action=ingestProposalBatch",
                json={"proposals": [_description("refused while locked")]},
                headers=api.headers(Role.EDITOR),
            )
            started = time.monotonic()
            refused = await api.post(
                RAISE, {"i": {"type": "SQL", "title": "refused", "resourceUrn": DATASET}}
            )
            waited = time.monotonic() - started
            # Reads go on meanwhile (WAL): only writes wait for the lock.
            read = await api.gql(
                "query($u: String!) { dataset(urn: $u) { incidents { total } } }",
                {"u": DATASET},
                role=Role.VIEWER,
            )
        error = _assert_unavailable(refused)
        assert "INCIDENT_GRAPH_SQLITE_BUSY_TIMEOUT_MS" in error["message"]
        _assert_gms_unavailable(ingest)
        assert BUSY_TIMEOUT_MS / 1000 <= waited < 5
        assert read["dataset"]["incidents"]["total"] == 1
        # The lock is free again: writes work, and the refused ones never land later.
        await api.raise_incident(title="after")
        described = await api.gql(
            "query($u: String!) { dataset(urn: $u) { properties { description } } }",
            {"u": DATASET},
        )
    assert _titles(path) == ["before", "after"]
    assert (described["dataset"]["properties"] or {}).get("description") is None


async def test_damaged_file_is_unavailable_not_a_plain_500(
    api_with: Callable[..., AbstractAsyncContextManager[Api]], database_url: str
) -> None:
    path = _path(database_url)
    async with api_with() as api:
        await api.raise_incident(title="before")
        for damaged in (path, path + "-wal"):
            size = Path(damaged).stat().st_size
            with Path(damaged).open("r+b") as file:
                file.write(os.urandom(size))
        checked = await api.post("{ __typename }")
        ingest = await api.http.post(
            "/aspects?action=ingestProposalBatch",
            json={"proposals": [_description("after the damage")]},
            headers=api.headers(Role.EDITOR),
        )
        write = await api.post(RAISE, {"i": {"type": "SQL", "resourceUrn": DATASET}})
        ready = await api.http.get("/ready")
        health = await api.http.get("/health")
    for response in (checked, write):
        error = _assert_unavailable(response)
        assert "file is not a database" in error["message"]
    _assert_gms_unavailable(ingest)
    assert ready.status_code == 503
    assert health.status_code == 200

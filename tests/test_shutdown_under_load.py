"""SIGTERM under write load: the server answers the requests it has taken and commits its
writer's queue before it exits, so no acknowledged write is lost."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import pytest
from outage_load import RaiseLoad, stored_urns
from server_process import ServerProcess
from test_notify_delivery import until


@pytest.mark.slow
async def test_sigterm_under_sixteen_writers_loses_no_acknowledged_write(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INCIDENT_GRAPH_SECRET_KEY_FILE", str(tmp_path / "secret.key"))
    server = ServerProcess(database_url, tmp_path)
    await asyncio.to_thread(server.start)
    assert server.process is not None
    token = server.first_admin_token()
    assert token is not None
    load = RaiseLoad(server.base_url, token, writers=16)
    load.start()
    try:
        await until(lambda: len(load.acknowledged) >= 100, timeout=60)
        terminated = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(server.process.wait, 60)
    finally:
        await load.stop()
        server.stop()

    # uvicorn re-raises the signal once it has shut down cleanly, so the status is SIGTERM's;
    # the lifespan's end (writer queue committed, pools closed) is in its log.
    assert code == -signal.SIGTERM, server.output()[-3000:]
    assert "Application shutdown complete." in server.output()
    # Requests in flight when the signal came were answered, not dropped.
    drained = [a for a in load.answers if a.started < terminated < a.started + a.seconds]
    assert drained, "no request was in flight at SIGTERM"
    assert {a.status for a in drained} == {200}
    assert {a.status for a in load.answers} == {200}
    stored = await stored_urns(database_url)
    assert set(load.acknowledged) <= stored
    assert len(load.acknowledged) >= 100

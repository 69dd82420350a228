"""Find a PostgreSQL server for the tests, or start a throwaway one from Debian's binaries.

Order: INCIDENT_GRAPH_TEST_POSTGRES_URL; a server on 127.0.0.1:5432 (user postgres, trust
auth); else a temporary cluster. None when there is no way to get one.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg

LOCAL_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


@dataclass
class PostgresServer:
    url: str  # SQLAlchemy URL of the maintenance database
    cleanup_dir: str | None = None
    pg_ctl: str | None = None
    run_as: list[str] | None = None
    # The postgres options of a cluster started here, to start it again after `halt()`.
    options: str | None = None

    def database_url(self, name: str) -> str:
        return self.url.rsplit("/", 1)[0] + "/" + name

    def dsn(self, name: str) -> str:
        """asyncpg's address of database `name`."""
        return _dsn(self.database_url(name))

    def halt(self) -> None:
        """Stop a cluster started here as an operator would (`pg_ctl stop -m fast`): open
        sessions are ended, and the port refuses connections until `restart()`."""
        self._pg_ctl("-m", "fast", "stop")

    def restart(self) -> None:
        """Start a halted cluster again, on the same port and data."""
        self._pg_ctl("-l", f"{self.cleanup_dir}/log", "-o", self.options or "", "start")

    def _pg_ctl(self, *args: str) -> None:
        if not (self.cleanup_dir and self.pg_ctl):
            raise RuntimeError("only a cluster started by these tests can be stopped")
        subprocess.run(
            [*(self.run_as or []), self.pg_ctl, "-D", f"{self.cleanup_dir}/data", "-w", *args],
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        if self.cleanup_dir and self.pg_ctl:
            subprocess.run(
                [
                    *(self.run_as or []),
                    self.pg_ctl,
                    "-D",
                    f"{self.cleanup_dir}/data",
                    "-m",
                    "immediate",
                    "stop",
                ],
                check=False,
                capture_output=True,
            )
            shutil.rmtree(self.cleanup_dir, ignore_errors=True)


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _answers(url: str) -> bool:
    try:
        conn = await asyncpg.connect(_dsn(url), timeout=3)
    except (TimeoutError, OSError, asyncpg.PostgresError):
        return False
    await conn.close()
    return True


async def execute(url: str, sql: str) -> None:
    conn = await asyncpg.connect(_dsn(url), timeout=10)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_cluster() -> PostgresServer | None:
    """A private throwaway cluster (never a shared server): what find_server falls back to,
    and what tests that stop the database use."""
    initdbs = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not initdbs:
        return None
    bindir = initdbs[-1].parent
    root = tempfile.mkdtemp(prefix="ig-pg-")
    run_as: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(root, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    options = f"-h 127.0.0.1 -p {port} -k {root} -c fsync=off"
    subprocess.run(
        [*run_as, f"{bindir}/initdb", "-D", f"{root}/data", "-U", "postgres", "-A", "trust"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *run_as,
            f"{bindir}/pg_ctl",
            "-D",
            f"{root}/data",
            "-l",
            f"{root}/log",
            "-w",
            "-o",
            options,
            "start",
        ],
        check=True,
        capture_output=True,
    )
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres"
    deadline = time.monotonic() + 30
    while not asyncio.run(_answers(url)):
        if time.monotonic() > deadline:
            return None
        time.sleep(0.2)
    return PostgresServer(
        url=url, cleanup_dir=root, pg_ctl=f"{bindir}/pg_ctl", run_as=run_as, options=options
    )


def find_server() -> PostgresServer | None:
    given = os.environ.get("INCIDENT_GRAPH_TEST_POSTGRES_URL")
    if given:
        return PostgresServer(url=given) if asyncio.run(_answers(given)) else None
    if asyncio.run(_answers(LOCAL_URL)):
        return PostgresServer(url=LOCAL_URL)
    return start_cluster()

"""Run `incident-graph serve` as a real process for end-to-end tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(database_url: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI to completion with the test's environment; raises on a non-zero exit."""
    return _run(os.environ | {"INCIDENT_GRAPH_DATABASE_URL": database_url}, args, cwd, check=True)


def run_cli(database_url: str | None, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI to completion in an environment of no other INCIDENT_GRAPH_ settings; its
    exit status is the caller's to check."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INCIDENT_GRAPH_")}
    if database_url is not None:
        env["INCIDENT_GRAPH_DATABASE_URL"] = database_url
    return _run(env, args, cwd, check=False)


def _run(
    env: dict[str, str], args: tuple[str, ...], cwd: Path | None, *, check: bool
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "incident_graph", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=check,
        timeout=300,
    )


@dataclass
class ServerProcess:
    database_url: str
    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[str] | None = None
    stdout_lines: list[str] = field(default_factory=list)
    extra_args: tuple[str, ...] = ()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerProcess:
        env = os.environ | {"INCIDENT_GRAPH_DATABASE_URL": self.database_url}
        out = (self.workdir / f"serve-{self.port}.out").open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                *("-m", "incident_graph", "serve", "--port", str(self.port)),
                *self.extra_args,
            ],
            env=env,
            cwd=self.workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.output()}")
            try:
                if httpx.get(f"{self.base_url}/ready", timeout=1).status_code == 200:
                    self.stdout_lines = self.output().splitlines()
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not become ready: {self.output()}")

    def output(self) -> str:
        return (self.workdir / f"serve-{self.port}.out").read_text()

    def first_admin_token(self) -> str | None:
        lines = self.stdout_lines
        for i, line in enumerate(lines):
            if line.startswith("First admin token"):
                return lines[i + 1].strip()
        return None

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

"""Backups of a PostgreSQL database with PostgreSQL's own tools: pg_dump and pg_restore.

pg_dump reads the whole database in one repeatable-read transaction, so the file is one
consistent moment while the servers go on writing. Where the tools are not installed the
message names the command to run, so an operator can take the backup from another machine.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import shutil
from pathlib import Path

from sqlalchemy.engine import make_url

from incident_graph.store.backup import BackupError

_HEADER = b"PGDMP"


def _connection(url: str) -> tuple[list[str], dict[str, str]]:
    """libpq options for the URL's server and user, and the environment carrying its password
    (never on a command line, where `ps` would show it)."""
    parsed = make_url(url)
    options = [f"--host={parsed.host or '127.0.0.1'}", f"--port={parsed.port or 5432}"]
    if parsed.username:
        options.append(f"--username={parsed.username}")
    env = {"PGPASSWORD": parsed.password} if parsed.password else {}
    return options, env


async def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not on PATH (PostgreSQL's client tools, the server's major "
            f"version or newer): install them, or run: {shlex.join(command)}"
        )
    process = await asyncio.create_subprocess_exec(
        *command,
        env=os.environ | env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await process.communicate()
    if process.returncode != 0:
        reason = stderr.decode(errors="replace").strip().splitlines() or ["no message"]
        raise BackupError(f"{command[0]} failed: {reason[-1]}")


def _discard(file: Path) -> None:
    """A failed backup leaves no partial file that could pass for a backup."""
    file.unlink(missing_ok=True)


class PostgresBackup:
    async def backup(self, url: str, file: Path) -> None:
        options, env = _connection(url)
        database = make_url(url).database or "postgres"
        command = [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            f"--file={file}",
            *options,
            f"--dbname={database}",
        ]
        try:
            await _run(command, env)
        except BackupError:
            _discard(file)
            raise

    async def restore(self, url: str, file: Path) -> None:
        with file.open("rb") as handle:
            if handle.read(len(_HEADER)) != _HEADER:
                raise BackupError(
                    f"{file} is not a PostgreSQL backup (pg_dump's custom format); a SQLite "
                    "backup is restored into SQLite, and incident-graph copy --to URL moves "
                    "between the two"
                )
        options, env = _connection(url)
        database = make_url(url).database or "postgres"
        # --clean --if-exists replaces the (empty, or forced) tables; one transaction, so a
        # restore that fails leaves the database as it was.
        command = [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            *options,
            f"--dbname={database}",
            str(file),
        ]
        await _run(command, env)


__all__ = ["PostgresBackup"]

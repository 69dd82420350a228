"""The CLI answers what the user can fix with one line on stderr and a non-zero exit, never a
traceback: missing files, bad URLs, unreachable or unreadable databases, bad arguments."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest
from postgres_server import PostgresServer
from server_process import free_port, run_cli

from incident_graph.cli_errors import explain

# Every command that opens the database, with arguments that are otherwise fine.
COMMANDS: list[tuple[str, ...]] = [
    ("migrate",),
    ("serve", "--port", "0"),
    ("token", "create", "--user", "airflow"),
    ("token", "revoke", "--id", "1"),
    ("user", "create", "--name", "ana"),
    ("user", "set-role", "--name", "ana", "--role", "editor"),
    ("group", "create", "--name", "team"),
    ("group", "add-member", "--group", "team", "--user", "ana"),
    ("grant", "--to", "urn:li:corpuser:ana", "--scope", "global"),
    (
        "worker",
        "--once",
    ),
]


def one_line(result: subprocess.CompletedProcess[str], *, code: int) -> str:
    """The failure's single stderr line, after checking the exit status and the absence of a
    traceback."""
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def unreachable_url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/no/such/directory/incidents.db"
    # A port nothing listens on.
    return f"postgresql+asyncpg://postgres:s3cret@127.0.0.1:{free_port()}/incidents"


@pytest.mark.parametrize("command", COMMANDS, ids="-".join)
def test_unreachable_database_is_one_line_for_every_command(
    backend: str, command: tuple[str, ...], tmp_path: Path
) -> None:
    url = unreachable_url(backend, tmp_path)
    line = one_line(run_cli(url, *command, cwd=tmp_path), code=1)
    if backend == "sqlite":
        assert "unable to open database file" in line
    else:
        assert "cannot reach the database" in line
        assert "Connect call failed" in line
        # The password never reaches a terminal or a log.
        assert "s3cret" not in line
        assert "postgres:***@" in line
    assert "INCIDENT_GRAPH_DATABASE_URL" in line


def test_unreadable_database_is_one_line(
    backend: str, tmp_path: Path, postgres: PostgresServer | None
) -> None:
    if backend == "sqlite":
        broken = tmp_path / "broken.db"
        broken.write_bytes(b"this is not a database" + bytes(range(256)) * 64)
        url = f"sqlite+aiosqlite:///{broken}"
        expected = "file is not a database"
    else:
        if postgres is None:
            pytest.skip("no PostgreSQL server could be found or started")
        url = postgres.database_url("ig_no_such_database")
        expected = 'database "ig_no_such_database" does not exist'
    for command in (("migrate",), ("token", "create", "--user", "airflow")):
        line = one_line(run_cli(url, *command, cwd=tmp_path), code=1)
        assert expected in line, line


def test_missing_input_file_is_one_line(database_url: str, tmp_path: Path) -> None:
    line = one_line(run_cli(database_url, "assets", "load", "missing.jsonl", cwd=tmp_path), code=1)
    assert line == "incident-graph: cannot open missing.jsonl: No such file or directory"
    directory = one_line(run_cli(database_url, "assets", "load", ".", cwd=tmp_path), code=1)
    assert directory == "incident-graph: cannot open .: Is a directory"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://root@localhost/incidents", "use sqlite+aiosqlite:///path.db"),
        ("postgresql+asyncpg://postgres@127.0.0.1:port/x", "is not a database URL"),
    ],
)
def test_bad_database_url_is_one_line(url: str, expected: str, tmp_path: Path) -> None:
    line = one_line(run_cli(url, "migrate", cwd=tmp_path), code=2)
    assert line.startswith("incident-graph: INCIDENT_GRAPH_DATABASE_URL=")
    assert expected in line


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("token", "create"),
            (
                "incident-graph token create: the following arguments are required: --user "
                "(see incident-graph token create --help)"
            ),
        ),
        (
            ("serve", "--workers", "0"),
            (
                "incident-graph serve: argument --workers: must be 1 or more, not 0 "
                "(see incident-graph serve --help)"
            ),
        ),
        (("token", "revoke", "--id", "one"), "argument --id: invalid int value: 'one'"),
        (("launch",), "argument command: invalid choice: 'launch'"),
    ],
)
def test_bad_arguments_are_one_line(args: tuple[str, ...], expected: str, tmp_path: Path) -> None:
    line = one_line(run_cli(None, *args, cwd=tmp_path), code=2)
    assert expected in line


def test_only_what_the_user_can_fix_loses_its_traceback() -> None:
    """A server that does not answer is one line; an error nobody expected is a bug and keeps
    its traceback (explain gives no line for it)."""
    request = httpx.Request("GET", "http://127.0.0.1:9/api/graphql")
    refused = httpx.ConnectError("[Errno 111] Connection refused", request=request)
    explained = explain(refused, database_url=None)
    assert explained is not None
    assert explained.message == (
        "cannot reach http://127.0.0.1:9/api/graphql: [Errno 111] Connection refused"
    )
    assert explained.exit_code == 1
    assert explain(KeyError("surprise"), database_url=None) is None
    assert explain(ZeroDivisionError(), database_url="sqlite+aiosqlite:///x.db") is None

"""Shared fixtures: every behaviour runs on SQLite and on PostgreSQL, over HTTP to the real app."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest
from helpers import Api
from postgres_databases import PostgresDatabases
from postgres_server import PostgresServer, find_server

from incident_graph.app import create_app
from incident_graph.config import Settings
from incident_graph.domain.clock import Clock, now_ms
from incident_graph.domain.enums import Role
from incident_graph.services.users import create_token
from incident_graph.store.database import connect
from incident_graph.store.migrate import upgrade

BACKENDS = ["sqlite", "postgresql"]
# The `gms` fixture: a real server for DataHub's own clients (tests/datahub_gms.py).
pytest_plugins = ["datahub_gms"]


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer | None]:
    server = find_server()
    if server is None and os.environ.get("CI") == "true":
        pytest.fail("CI needs PostgreSQL: no server on 127.0.0.1:5432 and no initdb to start one")
    yield server
    if server is not None:
        server.stop()


@pytest.fixture(scope="session")
def session_tag() -> str:
    return uuid.uuid4().hex[:8]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def _migrate(url: str) -> None:
    db = connect(Settings(database_url=url))
    try:
        await upgrade(db.write_engine)
    finally:
        await db.dispose()  # no connection may stay open on a PostgreSQL template


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per test process; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_databases(
    postgres: PostgresServer | None, session_tag: str
) -> Iterator[PostgresDatabases | None]:
    if postgres is None:
        yield None
        return
    databases = PostgresDatabases(postgres, session_tag, migrate=_migrate)
    yield databases
    databases.close()


@pytest.fixture
def database_url(
    request: pytest.FixtureRequest,
    backend: str,
    tmp_path: Path,
    postgres_databases: PostgresDatabases | None,
) -> Iterator[str]:
    """A database of the test's own, migrated to the latest revision and holding no rows, or
    not even migrated for tests marked `empty_database`. Nobody pays for the migrations twice:
    SQLite copies a migrated file; PostgreSQL reuses emptied databases made from a migrated
    template (see postgres_databases.py)."""
    empty = request.node.get_closest_marker("empty_database") is not None
    if backend == "sqlite":
        path = tmp_path / "test.db"
        if not empty:
            shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    if postgres_databases is None:
        pytest.skip("no PostgreSQL server could be found or started")
    name = postgres_databases.take(empty=empty)
    yield postgres_databases.server.database_url(name)
    postgres_databases.give_back(name, reuse=not empty)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    if database_url.startswith("sqlite"):
        return Settings(database_url=database_url)  # the secret key file sits by the database
    # On PostgreSQL the key file would default to the working directory: keep it per test.
    return Settings(database_url=database_url, secret_key_file=str(tmp_path / "secret.key"))


@asynccontextmanager
async def running_api(settings: Settings, clock: Clock = now_ms) -> AsyncIterator[Api]:
    """The real ASGI app (lifespan run, so migrated and with its writer) and a token per role;
    every write records `clock`'s time."""
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        writer = app.state.writer
        tokens = {
            role: (await create_token(writer=writer, user=f"{role.value}-user", role=role)).secret
            for role in Role
        }
        async with Api.connect(app, tokens) as client:
            yield client


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[Api]:
    async with running_api(settings) as client:
        yield client


@pytest.fixture
def api_with(settings: Settings) -> Callable[..., AbstractAsyncContextManager[Api]]:
    """Like `api`, with some settings overridden: `async with api_with(max_aliases=2) as api:`."""

    def start(**overrides: object) -> AbstractAsyncContextManager[Api]:
        return running_api(settings.with_overrides(**overrides))

    return start


@pytest.fixture
def fresh_database_url(
    backend: str, tmp_path: Path, postgres_databases: PostgresDatabases | None
) -> Iterator[str]:
    """A new database, not even migrated: a restore's or a copy's target; a PostgreSQL one is
    dropped after the test."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/fresh.db"
        return
    if postgres_databases is None:
        pytest.skip("no PostgreSQL server could be found or started")
    name = postgres_databases.take(empty=True)
    yield postgres_databases.server.database_url(name)
    postgres_databases.give_back(name, reuse=False)

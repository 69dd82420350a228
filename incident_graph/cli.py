"""Command line: serve, migrate, token, user, group, grant, assets load, results load, gate,
worker, backup, restore, copy, export-schema."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

from incident_graph import cli_pipeline
from incident_graph.cli_errors import OneLineParser, explain, quiet_closed_loop_threads
from incident_graph.config import Settings
from incident_graph.domain.enums import Role
from incident_graph.services import users as user_service
from incident_graph.services.users import CLI_ACTOR, IssuedToken
from incident_graph.store import Database, Writer, connect
from incident_graph.store.dialect import dialect_for
from incident_graph.store.migrate import upgrade

T = TypeVar("T")


async def _with_writer(settings: Settings, work: Callable[[Writer], Awaitable[T]]) -> T:
    """Migrate, then run one piece of work on a short-lived writer."""
    db = connect(settings)
    try:
        await upgrade(db.write_engine)
        writer = Writer(db.write_sessions)
        await writer.start()
        try:
            return await work(writer)
        finally:
            await writer.stop()
    finally:
        await db.dispose()


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn  # noqa: PLC0415 - only `serve` needs the server

    from incident_graph.app import create_app, settle_heap  # noqa: PLC0415

    settings = settings.with_overrides(
        host=args.host or settings.host, port=args.port if args.port is not None else settings.port
    )
    refusal = dialect_for(settings.database_url).workers_refusal
    if args.workers > 1 and refusal is not None:
        print(
            f"serve --workers needs PostgreSQL (INCIDENT_GRAPH_DATABASE_URL=postgresql+asyncpg://"
            f"...): {refusal}; on SQLite run one process",
            file=sys.stderr,
        )
        return 2
    admin = asyncio.run(_with_writer(settings, lambda w: user_service.bootstrap_admin(writer=w)))
    print(f"incident-graph {settings.database_url}")
    print(f"GraphiQL: {settings.base_url}/api/graphiql")
    print(f"GraphQL endpoint: {settings.base_url}/api/graphql")
    if admin is not None:
        print("First admin token (shown once; keep it safe):")
        print(admin.secret)
    sys.stdout.flush()
    if args.workers > 1:
        # Each worker process builds its own app from the environment: pass it the address.
        os.environ["INCIDENT_GRAPH_HOST"] = settings.host
        os.environ["INCIDENT_GRAPH_PORT"] = str(settings.port)
        uvicorn.run(
            "incident_graph.app:serving_app",
            factory=True,
            workers=args.workers,
            host=settings.host,
            port=settings.port,
            log_level=settings.log_level,
            proxy_headers=False,
        )
        return 0
    app = create_app(settings)
    settle_heap()
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        proxy_headers=False,
    )
    uvicorn.Server(config).run()
    return 0


def _migrate(settings: Settings, _: argparse.Namespace) -> int:
    async def run() -> None:
        db = connect(settings)
        try:
            await upgrade(db.write_engine)
        finally:
            await db.dispose()

    asyncio.run(run())
    print("database migrated to head")
    return 0


def _token_create(settings: Settings, args: argparse.Namespace) -> int:
    role = Role(args.role) if args.role else None
    issued: IssuedToken = asyncio.run(
        _with_writer(
            settings,
            lambda w: user_service.create_token(
                writer=w, user=args.user, role=role, label=args.name
            ),
        )
    )
    if issued.role_changed_from is not None:
        print(
            f"role of {issued.user} changed from {issued.role_changed_from.value} "
            f"to {issued.role.value}",
            file=sys.stderr,
        )
    print(f"token id {issued.token_id} for {issued.user} ({issued.role.value})", file=sys.stderr)
    print(issued.secret)
    return 0


def _token_revoke(settings: Settings, args: argparse.Namespace) -> int:
    asyncio.run(
        _with_writer(settings, lambda w: user_service.revoke_token(writer=w, token_id=args.id))
    )
    print(f"token {args.id} revoked")
    return 0


def _user_create(settings: Settings, args: argparse.Namespace) -> int:
    from incident_graph.domain.directory import build_person  # noqa: PLC0415
    from incident_graph.services import directory as directory_service  # noqa: PLC0415

    spec = build_person(
        name=args.name, display_name=args.display_name, email=args.email, group=False
    )
    asyncio.run(
        _with_writer(
            settings,
            lambda w: directory_service.create_user(
                writer=w, spec=spec, role=Role(args.role), actor=CLI_ACTOR
            ),
        )
    )
    print(f"user urn:li:corpuser:{spec.name} created ({args.role})")
    return 0


def _user_set_role(settings: Settings, args: argparse.Namespace) -> int:
    from incident_graph.domain.directory import name_of  # noqa: PLC0415

    name = name_of(args.name, group=False)
    role = Role(args.role)
    old = asyncio.run(
        _with_writer(
            settings,
            lambda w: user_service.set_user_role(writer=w, user=name, role=role, actor=CLI_ACTOR),
        )
    )
    if old is None:
        print(f"urn:li:corpuser:{name} already has role {role.value}")
    else:
        print(f"urn:li:corpuser:{name}: role changed from {old.value} to {role.value}")
    return 0


def _group_create(settings: Settings, args: argparse.Namespace) -> int:
    from incident_graph.domain.directory import build_person  # noqa: PLC0415
    from incident_graph.services import directory as directory_service  # noqa: PLC0415

    spec = build_person(name=args.name, display_name=args.display_name, email=None, group=True)
    asyncio.run(
        _with_writer(
            settings,
            lambda w: directory_service.create_group(writer=w, spec=spec, actor=CLI_ACTOR),
        )
    )
    print(f"group urn:li:corpGroup:{spec.name} created")
    return 0


def _group_members(settings: Settings, args: argparse.Namespace) -> int:
    from incident_graph.services import directory as directory_service  # noqa: PLC0415

    add = args.group_command == "add-member"
    asyncio.run(
        _with_writer(
            settings,
            lambda w: directory_service.change_members(
                writer=w, group=args.group, users=args.user, add=add, actor=CLI_ACTOR
            ),
        )
    )
    print(f"{len(args.user)} user(s) {'added to' if add else 'removed from'} {args.group}")
    return 0


def _grant(settings: Settings, args: argparse.Namespace) -> int:
    from incident_graph.domain.access import GrantScope, Privilege, build_grant  # noqa: PLC0415
    from incident_graph.services import grants as grant_service  # noqa: PLC0415

    spec = build_grant(
        privilege=Privilege(args.privilege.upper()),
        grantee_urn=args.to,
        scope=GrantScope(args.scope.upper()),
        resource=args.resource,
    )
    asyncio.run(
        _with_writer(settings, lambda w: grant_service.grant(writer=w, spec=spec, actor=CLI_ACTOR))
    )
    print(f"granted {grant_service.describe(spec)}")
    return 0


def _assets_load(settings: Settings, args: argparse.Namespace) -> int:
    from incident_graph.services.asset_load import LoadReport, load_lines  # noqa: PLC0415

    interactive = sys.stderr.isatty()

    def progress(report: LoadReport) -> None:
        if interactive:
            done = report.created + report.updated
            sys.stderr.write(
                f"\r{report.lines} lines read, {done} loaded, {len(report.rejected)} rejected"
            )
            sys.stderr.flush()

    with Path(args.file).open(encoding="utf-8") as lines:
        report = asyncio.run(
            _with_writer(settings, lambda w: load_lines(writer=w, lines=lines, progress=progress))
        )
    if interactive:
        sys.stderr.write("\n")
    for number, reason in report.rejected:
        print(f"line {number}: {reason}", file=sys.stderr)
    print(
        f"loaded {report.created + report.updated} assets "
        f"({report.created} new, {report.updated} updated), rejected {len(report.rejected)}"
    )
    return 1 if report.rejected else 0


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    from incident_graph.notify.worker import DeliveryWorker  # noqa: PLC0415 - only `worker`

    async def run(writer: Writer) -> None:
        worker = DeliveryWorker(writer=writer, settings=settings)
        if args.once:
            while await worker.run_once():
                pass
            await worker.stop()
            return
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await worker.start()
        print("delivery worker running; stop it with SIGTERM or Ctrl-C", flush=True)
        await stop.wait()
        await worker.stop()

    asyncio.run(_with_writer(settings, run))
    return 0


async def _on_database(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    """Run one piece of work on the configured database (not migrated: as found)."""
    db = connect(settings)
    try:
        return await work(db)
    finally:
        await db.dispose()


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    from incident_graph.store.backup import backup, shown  # noqa: PLC0415

    asyncio.run(_on_database(settings, lambda db: backup(db, Path(args.file))))
    print(f"backup of {shown(settings.database_url)} written to {args.file}")
    return 0


def _restore(settings: Settings, args: argparse.Namespace) -> int:
    from incident_graph.store.backup import restore, shown  # noqa: PLC0415

    asyncio.run(_on_database(settings, lambda db: restore(db, Path(args.file), force=args.force)))
    print(f"{args.file} restored into {shown(settings.database_url)}")
    return 0


def _copy(settings: Settings, args: argparse.Namespace) -> int:
    from incident_graph.config import parse_database_url  # noqa: PLC0415
    from incident_graph.store.backup import shown  # noqa: PLC0415
    from incident_graph.store.copy import copy_database  # noqa: PLC0415

    target_settings = settings.with_overrides(database_url=parse_database_url(args.to, "--to"))

    async def run(source: Database) -> int:
        report = await _on_database(
            target_settings,
            lambda target: copy_database(
                source,
                target,
                force=args.force,
                progress=lambda table, rows: print(f"{table}: {rows} rows", file=sys.stderr),
            ),
        )
        return report.total

    total = asyncio.run(_on_database(settings, run))
    print(f"copied {total} rows to {shown(args.to)}")
    return 0


def _export_schema(_: Settings, __: argparse.Namespace) -> int:
    from incident_graph.api.schema import sdl  # noqa: PLC0415 - builds the whole schema

    sys.stdout.write(sdl())
    return 0


def _user_parser(sub: argparse._SubParsersAction[OneLineParser]) -> None:
    user = sub.add_parser("user", help="manage users")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    user_create = user_sub.add_parser("create", help="create a user (no token: see token create)")
    user_create.add_argument("--name", required=True, help="user name or urn:li:corpuser:<name>")
    user_create.add_argument("--display-name", help="the name to show")
    user_create.add_argument("--email", help="the user's email address")
    user_create.add_argument(
        "--role", choices=[r.value for r in Role], default=Role.MEMBER.value, help="default member"
    )
    user_create.set_defaults(run=_user_create)
    set_role = user_sub.add_parser(
        "set-role", help="give a user another role (refused for the last admin)"
    )
    set_role.add_argument("--name", required=True, help="user name or urn:li:corpuser:<name>")
    set_role.add_argument("--role", required=True, choices=[r.value for r in Role])
    set_role.set_defaults(run=_user_set_role)


def _moving_parsers(sub: argparse._SubParsersAction[OneLineParser]) -> None:
    backup = sub.add_parser("backup", help="write a consistent backup while the server runs")
    backup.add_argument("file", help="the backup file to write (must not exist)")
    backup.set_defaults(run=_backup)
    restore = sub.add_parser("restore", help="restore a backup into an empty database")
    restore.add_argument("file", help="a file written by incident-graph backup")
    restore.add_argument("--force", action="store_true", help="replace what the database holds")
    restore.set_defaults(run=_restore)
    copy = sub.add_parser(
        "copy", help="copy every table to another database (SQLite <-> PostgreSQL)"
    )
    copy.add_argument("--to", required=True, help="the target database URL (migrated if fresh)")
    copy.add_argument("--force", action="store_true", help="replace what the target holds")
    copy.set_defaults(run=_copy)


def _parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="incident-graph", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="migrate the database and start the server")
    serve.add_argument("--host", help="address to listen on (INCIDENT_GRAPH_HOST)")
    serve.add_argument("--port", type=int, help="port to listen on (INCIDENT_GRAPH_PORT)")
    serve.add_argument(
        "--workers",
        type=_positive,
        default=1,
        help="server processes sharing the port (default 1); more than one needs PostgreSQL",
    )
    serve.set_defaults(run=_serve)

    sub.add_parser("migrate", help="migrate the database to the latest schema").set_defaults(
        run=_migrate
    )

    token = sub.add_parser("token", help="manage access tokens")
    token_sub = token.add_subparsers(dest="token_command", required=True)
    create = token_sub.add_parser("create", help="create a token; prints it on the last line")
    create.add_argument("--user", required=True, help="user name (created if new)")
    create.add_argument(
        "--role", choices=[r.value for r in Role], help="new users default to viewer"
    )
    create.add_argument("--name", default="cli", help="a label for the token")
    create.set_defaults(run=_token_create)
    revoke = token_sub.add_parser("revoke", help="revoke a token by id")
    revoke.add_argument("--id", type=int, required=True, help="the token id printed at creation")
    revoke.set_defaults(run=_token_revoke)

    _user_parser(sub)

    group = sub.add_parser("group", help="manage teams")
    group_sub = group.add_subparsers(dest="group_command", required=True)
    group_create = group_sub.add_parser("create", help="create a team")
    group_create.add_argument("--name", required=True, help="name or urn:li:corpGroup:<name>")
    group_create.add_argument("--display-name", help="the name to show")
    group_create.set_defaults(run=_group_create)
    for verb, what in (("add-member", "add users to"), ("remove-member", "take users out of")):
        members = group_sub.add_parser(verb, help=f"{what} a team")
        members.add_argument("--group", required=True, help="name or urn:li:corpGroup:<name>")
        members.add_argument(
            "--user", required=True, action="append", help="user name or URN; repeatable"
        )
        members.set_defaults(run=_group_members)

    grant = sub.add_parser("grant", help="grant a privilege to a user or team")
    grant.add_argument(
        "--to", required=True, help="urn:li:corpuser:<name> or urn:li:corpGroup:<name>"
    )
    grant.add_argument("--scope", required=True, choices=["global", "platform", "asset"])
    grant.add_argument("--resource", help="platform name or asset URN (not for global)")
    grant.add_argument(
        "--privilege",
        default="manage_incidents",
        choices=["manage_incidents", "ingest_metadata"],
        help="MANAGE_INCIDENTS (the default) or INGEST_METADATA (DataHub REST ingestion)",
    )
    grant.set_defaults(run=_grant)

    assets = sub.add_parser("assets", help="manage the asset catalog")
    assets_sub = assets.add_subparsers(dest="assets_command", required=True)
    load = assets_sub.add_parser("load", help="upsert assets from a JSON Lines file")
    load.add_argument("file", help="one AssetInput-shaped JSON object per line")
    load.set_defaults(run=_assets_load)

    worker = sub.add_parser(
        "worker", help="send notifications (the server runs one too, unless NOTIFY_WORKER=false)"
    )
    worker.add_argument("--once", action="store_true", help="send what is due, then exit")
    worker.set_defaults(run=_worker)

    _moving_parsers(sub)
    cli_pipeline.add_parsers(sub)
    sub.add_parser("export-schema", help="print the GraphQL SDL").set_defaults(run=_export_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    quiet_closed_loop_threads()
    database_url: str | None = None
    try:
        settings = Settings.from_env()
        database_url = settings.database_url
        code: int = args.run(settings, args)
    except Exception as exc:
        explained = explain(exc, database_url=database_url)
        if explained is None:
            raise  # a bug of ours: its traceback is what a report needs
        print(f"incident-graph: {explained.message}", file=sys.stderr)
        return explained.exit_code
    except KeyboardInterrupt:
        return 130  # the shell's status for Ctrl-C; the user knows why it stopped
    return code

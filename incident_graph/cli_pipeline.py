"""The CLI's pipeline commands: `results load` (Soda scan results) and `gate`."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

import orjson

from incident_graph.cli_errors import OneLineParser
from incident_graph.config import Settings
from incident_graph.domain.checks import Action
from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.soda import Naming, parse_scan


def _results_load(settings: Settings, args: argparse.Namespace) -> int:
    from incident_graph.cli import _with_writer  # noqa: PLC0415 - the CLI's own helper
    from incident_graph.services.results_load import load_scan  # noqa: PLC0415
    from incident_graph.services.users import CLI_ACTOR  # noqa: PLC0415

    try:
        data = orjson.loads(Path(args.file).read_bytes())
    except orjson.JSONDecodeError as exc:
        raise BadUserInputError(f"{args.file} is not JSON: {exc}") from exc
    naming = Naming(platform=args.platform, prefix=args.prefix, env=args.env, run_id=args.run_id)
    scan = parse_scan(data, naming)
    report = asyncio.run(
        _with_writer(
            settings,
            lambda w: load_scan(
                writer=w,
                scan=scan,
                actor=CLI_ACTOR,
                default_policy=settings.check_policy,
                require_note=settings.require_resolution_note,
            ),
        )
    )
    for position, reason in report.rejected:
        print(f"check {position}: {reason}", file=sys.stderr)
    acted = report.actions
    print(
        f"loaded {report.stored + report.retried} results of run {scan.run_id} "
        f"({report.stored} new, {report.retried} already stored): {acted[Action.RAISE]} "
        f"incidents raised, {acted[Action.ATTACH]} attached, {acted[Action.RESOLVE]} resolved; "
        f"rejected {len(report.rejected)}"
    )
    return 1 if report.rejected else 0


def _gate(settings: Settings, args: argparse.Namespace) -> int:
    from incident_graph.health_gate import check, render  # noqa: PLC0415

    verdict = check(
        args.urns,
        server=args.server or settings.base_url,
        token=args.token or os.environ.get("INCIDENT_GRAPH_TOKEN"),
        upstream=args.upstream,
    )
    out, err = render(verdict, as_json=args.json)
    if out:
        print(out)
    if err:
        print(err, file=sys.stderr)
    return verdict.exit_code


def add_parsers(sub: argparse._SubParsersAction[OneLineParser]) -> None:
    results = sub.add_parser("results", help="load check results")
    results_sub = results.add_subparsers(dest="results_command", required=True)
    load = results_sub.add_parser("load", help="load Soda Core scan results (soda scan -srf)")
    load.add_argument("file", help="the scan results JSON file")
    load.add_argument("--platform", help="the datasets' platform (default: each data source)")
    load.add_argument("--prefix", default="", help="put before table names, e.g. shop.public.")
    load.add_argument("--env", default="PROD", help="the datasets' environment (default PROD)")
    load.add_argument("--run-id", help="the run id (default: scan definition @ start time)")
    load.set_defaults(run=_results_load)

    gate = sub.add_parser(
        "gate", help="exit 0 if the assets are healthy, 1 (with reasons) if not, 2 if unknown"
    )
    gate.add_argument("urns", nargs="+", metavar="URN", help="the assets a step reads")
    gate.add_argument("--upstream", action="store_true", help="also fail on unhealthy upstreams")
    gate.add_argument("--server", help="the server's URL (default: INCIDENT_GRAPH_PUBLIC_URL)")
    gate.add_argument("--token", help="an access token (default: INCIDENT_GRAPH_TOKEN)")
    gate.add_argument("--json", action="store_true", help="print the verdict as JSON")
    gate.set_defaults(run=_gate)

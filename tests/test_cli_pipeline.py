"""`incident-graph results load` (Soda scan results) and `incident-graph gate` against a
running server (and one that is down), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from conftest import running_api
from datahub_gms import Gms
from server_process import free_port

from incident_graph.config import Settings

TABLE = "urn:li:dataset:(urn:li:dataPlatform:postgres,shop.public.orders,PROD)"


def scan(*checks: dict[str, Any], start: str = "2024-05-15T02:00:00+00:00") -> dict[str, Any]:
    """A scan results file in Soda Core's shape (`soda scan -srf`)."""
    return {
        "definitionName": "nightly",
        "defaultDataSource": "postgres",
        "dataTimestamp": start,
        "scanStartTimestamp": start,
        "scanEndTimestamp": start.replace("02:00:00", "02:00:07"),
        "hasErrors": False,
        "hasWarnings": False,
        "hasFailures": True,
        "metrics": [
            {"identity": "metric-orders-row_count", "metricName": "row_count", "value": 0},
            {"identity": "metric-orders-missing", "metricName": "missing_count", "value": 12},
        ],
        "checks": list(checks),
        "logs": [],
    }


def soda_check(identity: str, name: str, outcome: str, **extra: Any) -> dict[str, Any]:
    return {
        "identity": identity,
        "name": name,
        "type": "generic",
        "definition": f"checks for orders:\n  - {name}",
        "dataSource": "postgres",
        "table": "orders",
        "filter": None,
        "column": None,
        "metrics": ["metric-orders-row_count"],
        "outcome": outcome,
        "outcomeReasons": [],
        "archetype": None,
    } | extra


def run(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"INCIDENT_GRAPH_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "incident_graph", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def incidents_of(settings: Settings, urn: str) -> dict[str, Any]:
    async with running_api(settings) as api:
        data = await api.gql(
            """query($u: String!) { dataset(urn: $u) {
                incidents { total incidents { title source { type } checkResults {
                    results { runId status observedValue } } } }
                checks { name checkType platform { name } latestResult { status } } } }""",
            {"u": urn},
        )
    return data["dataset"]  # type: ignore[no-any-return]


async def test_results_load_reads_soda_scan_results(
    database_url: str, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "scan.json"
    path.write_text(
        json.dumps(
            scan(
                soda_check("a1", "row_count > 0", "fail"),
                soda_check(
                    "b2",
                    "missing_count(id) = 0",
                    "pass",
                    column="id",
                    metrics=["metric-orders-missing"],
                ),
                soda_check("c3", "failed rows", "fail", table=None),
                soda_check("d4", "freshness(ts) < 1d", None),
            )
        )
    )
    first = run(database_url, "results", "load", str(path), "--prefix", "shop.public.")
    assert first.returncode == 1, first.stderr
    assert first.stderr.splitlines()[-2:] == [
        "check 3: names no table; only checks on a table become results",
        "check 4: outcome None is not pass, warn or fail",
    ]
    assert first.stdout.strip() == (
        "loaded 2 results of run nightly@2024-05-15T02:00:00+00:00 (2 new, 0 already stored): "
        "1 incidents raised, 0 attached, 0 resolved; rejected 2"
    )
    found = await incidents_of(settings, TABLE)
    [incident] = found["incidents"]["incidents"]
    assert incident["title"] == "Check 'row_count > 0' failed on shop.public.orders"
    assert incident["source"] == {"type": "ASSERTION_FAILURE"}
    assert incident["checkResults"]["results"] == [
        {
            "runId": "nightly@2024-05-15T02:00:00+00:00",
            "status": "FAIL",
            "observedValue": "0",
        }
    ]
    assert found["checks"] == [
        {
            "name": "missing_count(id) = 0",
            "checkType": "FIELD",
            "platform": {"name": "soda"},
            "latestResult": {"status": "PASS"},
        },
        {
            "name": "row_count > 0",
            "checkType": "VOLUME",
            "platform": {"name": "soda"},
            "latestResult": {"status": "FAIL"},
        },
    ]

    # The same file again (a retried pipeline step): nothing doubles.
    again = run(database_url, "results", "load", str(path), "--prefix", "shop.public.")
    assert "(0 new, 2 already stored): 0 incidents raised" in again.stdout
    assert (await incidents_of(settings, TABLE))["incidents"]["total"] == 1

    # The next night fails again: it attaches.
    path.write_text(
        json.dumps(
            scan(soda_check("a1", "row_count > 0", "fail"), start="2024-05-16T02:00:00+00:00")
        )
    )
    third = run(database_url, "results", "load", str(path), "--prefix", "shop.public.")
    assert third.returncode == 0, third.stderr
    assert "0 incidents raised, 1 attached" in third.stdout


def test_results_load_refuses_what_is_not_a_scan(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "scan.json"
    path.write_text("{not json")
    broken = run(database_url, "results", "load", str(path))
    assert broken.returncode == 2
    assert broken.stderr.strip().startswith(f"incident-graph: {path} is not JSON")
    path.write_text(json.dumps({"checks": "none"}))
    other = run(database_url, "results", "load", str(path))
    assert other.returncode == 2
    assert "is not Soda scan results" in other.stderr


def gate(gms: Gms, *args: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
    return run(gms.database_url, "gate", "--server", gms.url, "--token", token or gms.token, *args)


def dataset(name: str) -> str:
    return f"urn:li:dataset:(urn:li:dataPlatform:snowflake,{name}_{uuid.uuid4().hex[:8]},PROD)"


def test_gate_exit_codes_against_a_running_server(gms: Gms) -> None:
    raw, clean, report = dataset("raw"), dataset("clean"), dataset("report")
    gms.gql(
        "mutation($i: [AssetInput!]!) { upsertAssets(input: $i) { created } }",
        {"i": [{"urn": raw}, {"urn": clean, "upstreamUrns": [raw]}, {"urn": report}]},
    )
    healthy = gate(gms, clean, report)
    assert (healthy.returncode, healthy.stdout) == (0, "")

    incident = gms.gql(
        "mutation($i: RaiseIncidentInput!) { raiseIncident(input: $i) }",
        {"i": {"type": "FRESHNESS", "title": "late", "resourceUrn": raw}},
    )["raiseIncident"]
    [reported] = gms.gql(
        "mutation($i: [CheckResultInput!]!) { reportCheckResults(input: $i) { checkUrn } }",
        {
            "i": [
                {
                    "assetUrn": report,
                    "checkName": "totals add up",
                    "runId": "r1",
                    "timestampMillis": 1,
                    "status": "FAIL",
                }
            ]
        },
    )["reportCheckResults"]
    report_incident = gms.gql(
        "query($u: String!) { dataset(urn: $u) { incidents { incidents { urn } } } }",
        {"u": report},
    )["dataset"]["incidents"]["incidents"][0]["urn"]

    blocked = gate(gms, raw, clean, report)
    assert blocked.returncode == 1
    assert blocked.stdout.splitlines() == [
        f"{raw}: active incident {incident}",
        f"{report}: active incident {report_incident}",
        f"{report}: failing check {reported['checkUrn']}",
    ]
    assert gate(gms, clean).returncode == 0  # its upstream is not asked about by default
    upstream = gate(gms, clean, "--upstream")
    assert upstream.returncode == 1
    assert upstream.stdout.strip() == f"{clean}: unhealthy upstream {raw} ({incident})"

    as_json = json.loads(gate(gms, raw, "--json").stdout)
    assert as_json == {
        "healthy": False,
        "reasons": [{"urn": raw, "kind": "ACTIVE_INCIDENT", "subject": incident}],
        "unknown": [],
        "error": None,
    }
    unknown = gate(gms, dataset("never_seen"))
    assert unknown.returncode == 0
    assert "not known to the server" in unknown.stderr


def test_gate_cannot_tell(gms: Gms) -> None:
    urn = dataset("any")
    bad_token = gate(gms, urn, token="igt_not-a-token")
    assert bad_token.returncode == 2
    assert bad_token.stderr.startswith("gate: cannot tell: UNAUTHENTICATED")
    bad_urn = gate(gms, "urn:li:corpuser:ann")
    assert bad_urn.returncode == 2
    assert "BAD_USER_INPUT" in bad_urn.stderr

    down = run(
        gms.database_url, "gate", "--server", f"http://127.0.0.1:{free_port()}", urn, "--json"
    )
    assert down.returncode == 2
    verdict = json.loads(down.stdout)
    assert verdict["healthy"] is False
    assert verdict["error"].startswith("cannot reach the server at http://127.0.0.1:")

"""Check results raise, attach to and resolve incidents, by policy; links; refusals change
nothing. Over HTTP to the real app, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from helpers import DATASET, Api
from notify_receivers import http_receiver
from sqlalchemy import func, select
from test_notify_delivery import until

from incident_graph.domain.enums import Role
from incident_graph.store.tables import CheckResult, Incident, NotificationEvent

OTHER = "urn:li:dataset:(urn:li:dataPlatform:snowflake,db.other,PROD)"
REPORT = """mutation($input: [CheckResultInput!]!) { reportCheckResults(input: $input) {
    id checkUrn stored action incidentUrn } }"""
POLICY = "mutation($u: String!, $i: CheckPolicyInput!) { setCheckPolicy(urn: $u, input: $i) }"
LINK = "mutation($u: String!, $ids: [String!]!) { linkCheckResults(urn: $u, checkResultIds: $ids) }"
UNLINK = (
    "mutation($u: String!, $ids: [String!]!) { unlinkCheckResults(urn: $u, checkResultIds: $ids) }"
)
INCIDENT = """query($urn: String!, $start: Int, $count: Int) { incident(urn: $urn) {
    title incidentType priority resolutionNote
    incidentStatus { state message }
    source { type source { urn ... on Assertion { name info { type } } } }
    entity { urn }
    assignees { ... on CorpUser { urn } }
    checkResults(start: $start, count: $count) { start count total results {
        id runId status time observedValue threshold message check { urn name } } }
    timeline(count: 100) { events { kind checkResultIds } }
} }"""


def result(run: str, status: str = "FAIL", **fields: Any) -> dict[str, Any]:
    return {
        "assetUrn": DATASET,
        "checkName": "orders not null",
        "type": "FIELD",
        "platform": "dbt",
        "runId": run,
        "timestampMillis": 1_700_000_000_000 + int(run.strip("run-") or 0) * 1000,
        "status": status,
        "observedValue": "12",
        "threshold": "0",
        "message": "12 null order ids",
    } | fields


async def report(api: Api, *results: dict[str, Any]) -> list[dict[str, Any]]:
    data = await api.gql(REPORT, {"input": list(results)})
    return data["reportCheckResults"]  # type: ignore[no-any-return]


async def incident(api: Api, urn: str, **page: int) -> dict[str, Any]:
    return (await api.gql(INCIDENT, {"urn": urn, **page}))["incident"]  # type: ignore[no-any-return]


async def counts(api: Api) -> tuple[int, int, int]:
    """Stored results, incidents and notification events."""
    assert api.app is not None
    async with api.app.state.db.reading() as session:
        return (
            await session.scalar(select(func.count()).select_from(CheckResult)) or 0,
            await session.scalar(select(func.count()).select_from(Incident)) or 0,
            await session.scalar(select(func.count()).select_from(NotificationEvent)) or 0,
        )


async def test_failing_runs_raise_one_incident_and_attach(api: Api) -> None:
    [first] = await report(api, result("run-1"))
    assert (first["stored"], first["action"]) == (True, "RAISE")
    urn = first["incidentUrn"]
    check = first["checkUrn"]
    assert check.startswith("urn:li:assertion:")

    [second] = await report(api, result("run-2", observedValue="30"))
    assert (second["action"], second["incidentUrn"]) == ("ATTACH", urn)

    found = await incident(api, urn)
    assert found["title"] == "Check 'orders not null' failed on SampleKafkaDataset"
    assert found["incidentType"] == "FIELD"
    assert found["source"] == {
        "type": "ASSERTION_FAILURE",
        "source": {"urn": check, "name": "orders not null", "info": {"type": "FIELD"}},
    }
    assert found["entity"] == {"urn": DATASET}
    page = found["checkResults"]
    assert page["total"] == 2
    assert [r["runId"] for r in page["results"]] == ["run-2", "run-1"]  # newest first
    assert page["results"][0]["observedValue"] == "30"
    events = [(e["kind"], e["checkResultIds"]) for e in found["timeline"]["events"]]
    assert events == [
        ("RAISED", None),
        ("CHECK_RESULTS_LINKED", [first["id"]]),
        ("CHECK_RESULTS_LINKED", [second["id"]]),
    ]

    # Paged: one at a time.
    second_page = (await incident(api, urn, start=1, count=1))["checkResults"]
    assert (second_page["start"], second_page["count"], second_page["total"]) == (1, 1, 2)
    assert [r["runId"] for r in second_page["results"]] == ["run-1"]


async def test_a_retried_run_doubles_nothing(api: Api) -> None:
    [first] = await report(api, result("run-1"))
    before = await counts(api)
    again = await report(api, result("run-1"), result("run-1"))
    assert [(r["id"], r["stored"], r["action"]) for r in again] == [
        (first["id"], False, "NOTHING"),
        (first["id"], False, "NOTHING"),
    ]
    assert await counts(api) == before
    assert (await incident(api, first["incidentUrn"]))["checkResults"]["total"] == 1


async def test_pass_resolves_only_with_auto_resolve(api: Api) -> None:
    [failed] = await report(api, result("run-1"))
    urn, check = failed["incidentUrn"], failed["checkUrn"]
    [passed] = await report(api, result("run-2", "PASS"))
    assert passed["action"] == "NOTHING"
    assert (await incident(api, urn))["incidentStatus"]["state"] == "ACTIVE"

    await api.gql(POLICY, {"u": check, "i": {"autoResolve": True}})
    [passed] = await report(api, result("run-3", "PASS"))
    assert (passed["action"], passed["incidentUrn"]) == ("RESOLVE", urn)
    found = await incident(api, urn)
    assert found["incidentStatus"] == {
        "state": "RESOLVED",
        "message": "Resolved automatically: check 'orders not null' passed in run run-3",
    }
    assert found["resolutionNote"] == found["incidentStatus"]["message"]
    assert [r["runId"] for r in found["checkResults"]["results"]] == ["run-3", "run-1"]

    # The next failure raises a new incident: the old one is resolved.
    [again] = await report(api, result("run-4"))
    assert again["action"] == "RAISE"
    assert again["incidentUrn"] != urn


async def test_a_late_result_neither_raises_nor_resolves(api: Api) -> None:
    [failed] = await report(api, result("run-5"))
    await api.gql(POLICY, {"u": failed["checkUrn"], "i": {"autoResolve": True}})
    [late] = await report(api, result("run-4", "PASS"))
    assert late["action"] == "NOTHING"
    assert (await incident(api, failed["incidentUrn"]))["incidentStatus"]["state"] == "ACTIVE"


async def test_warn_raises_only_where_the_policy_says(api: Api) -> None:
    [warned] = await report(api, result("run-1", "WARN"))
    assert (warned["action"], warned["incidentUrn"]) == ("NOTHING", None)
    await api.gql(
        POLICY,
        {
            "u": warned["checkUrn"],
            "i": {
                "raiseOnWarn": True,
                "priority": "HIGH",
                "assigneeUrns": ["urn:li:corpuser:ann"],
            },
        },
    )
    [warned] = await report(api, result("run-2", "WARN"))
    assert warned["action"] == "RAISE"
    found = await incident(api, warned["incidentUrn"])
    assert found["title"] == "Check 'orders not null' warned on SampleKafkaDataset"
    assert found["priority"] == "HIGH"
    assert found["assignees"] == [{"urn": "urn:li:corpuser:ann"}]
    policy = await api.gql(
        "query($u: String!) { assertion(urn: $u) { policy { raiseOnFail raiseOnWarn priority "
        "autoResolve assigneeUrns inherited } } }",
        {"u": warned["checkUrn"]},
    )
    assert policy["assertion"]["policy"] == {
        "raiseOnFail": True,
        "raiseOnWarn": True,
        "priority": "HIGH",
        "autoResolve": False,
        "assigneeUrns": ["urn:li:corpuser:ann"],
        "inherited": ["raiseOnFail", "autoResolve"],
    }


async def test_the_server_default_policy_applies(api_with: Any) -> None:
    async with api_with(check_raise_on_warn=True, check_priority="CRITICAL") as api:
        [warned] = await report(api, result("run-1", "WARN"))
        assert warned["action"] == "RAISE"
        assert (await incident(api, warned["incidentUrn"]))["priority"] == "CRITICAL"


async def test_refusals_change_nothing(api: Api) -> None:
    [known] = await report(api, result("run-1"))
    before = await counts(api)

    unknown = await api.error(
        REPORT,
        {
            "input": [
                result("run-2"),
                {
                    "checkUrn": "urn:li:assertion:nope",
                    "runId": "r",
                    "timestampMillis": 1,
                    "status": "FAIL",
                },
            ]
        },
    )
    assert unknown["extensions"]["code"] == "BAD_USER_INPUT"
    assert "result 1: no check 'urn:li:assertion:nope' is known" in unknown["message"]

    other = await api.error(
        REPORT, {"input": [result("run-3", checkUrn=known["checkUrn"], assetUrn=OTHER)]}
    )
    assert other["extensions"]["code"] == "BAD_USER_INPUT"
    assert f"belongs to {DATASET}, not {OTHER}" in other["message"]

    too_many = await api.error(REPORT, {"input": [result(f"run-{i}") for i in range(1001)]})
    assert too_many["extensions"]["code"] == "BAD_USER_INPUT"
    assert "1001 results in one request; send at most 1000" in too_many["message"]

    bad_one = await api.error(REPORT, {"input": [result("run-4"), result("run-5", runId=" ")]})
    assert bad_one["extensions"]["code"] == "BAD_USER_INPUT"
    assert bad_one["message"].startswith("input[1]: runId cannot be blank")

    viewer = await api.error(REPORT, {"input": [result("run-6")]}, role=None)
    assert viewer["extensions"]["code"] == "UNAUTHENTICATED"

    assert await counts(api) == before
    assert (await incident(api, known["incidentUrn"]))["checkResults"]["total"] == 1


async def test_raise_from_results_then_link_and_unlink(api: Api) -> None:
    # Results that raise nothing on their own (WARN under the default policy).
    reported = await report(
        api,
        result("run-1", "WARN"),
        result("run-2", "WARN"),
        result("run-3", "WARN", assetUrn=OTHER, checkName="row count"),
    )
    ids = [r["id"] for r in reported]
    urn = (
        await api.gql(
            "mutation($i: RaiseIncidentInput!) { raiseIncident(input: $i) }",
            {"i": {"type": "FIELD", "title": "Soda: nulls", "checkResultIds": ids[:1]}},
        )
    )["raiseIncident"]
    found = await incident(api, urn)
    assert found["entity"] == {"urn": DATASET}
    assert found["source"]["type"] == "ASSERTION_FAILURE"
    assert found["source"]["source"]["urn"] == reported[0]["checkUrn"]
    assert [r["id"] for r in found["checkResults"]["results"]] == ids[:1]

    linked = await api.gql(LINK, {"u": urn, "ids": ids})
    assert linked["linkCheckResults"] == ids[1:]
    assert (await api.gql(LINK, {"u": urn, "ids": ids[1:2]}))["linkCheckResults"] == []
    found = await incident(api, urn)
    assert found["checkResults"]["total"] == 3

    unlinked = await api.gql(UNLINK, {"u": urn, "ids": ids[2:]})
    assert unlinked["unlinkCheckResults"] == ids[2:]
    found = await incident(api, urn)
    assert sorted(r["id"] for r in found["checkResults"]["results"]) == sorted(ids[:2])
    kinds = [e["kind"] for e in found["timeline"]["events"]]
    assert kinds == [
        "RAISED",
        "CHECK_RESULTS_LINKED",
        "CHECK_RESULTS_LINKED",
        "CHECK_RESULTS_UNLINKED",
    ]

    before = await counts(api)
    missing = await api.error(LINK, {"u": urn, "ids": ["999999"]})
    assert missing["extensions"]["code"] == "NOT_FOUND"
    bad = await api.error(LINK, {"u": urn, "ids": ["x"]})
    assert bad["extensions"]["code"] == "BAD_USER_INPUT"
    nowhere = await api.error(LINK, {"u": "urn:li:incident:nope", "ids": ids[:1]})
    assert nowhere["extensions"]["code"] == "NOT_FOUND"
    raise_missing = await api.error(
        "mutation($i: RaiseIncidentInput!) { raiseIncident(input: $i) }",
        {"i": {"type": "FIELD", "checkResultIds": ["999999"]}},
    )
    assert raise_missing["extensions"]["code"] == "NOT_FOUND"
    assert await counts(api) == before


async def test_assertions_health(api: Api) -> None:
    health = (
        "query($u: String!) { dataset(urn: $u) { health { type status message causes "
        "assertionHealthDetails { total failingAssertionUrns } } checks { urn name "
        "latestResult { runId status } } } }"
    )
    await api.raise_incident()  # the asset exists, without checks
    data = (await api.gql(health, {"u": DATASET}))["dataset"]
    assert [h["type"] for h in data["health"]] == ["INCIDENTS", "UPSTREAM_INCIDENTS"]
    assert data["checks"] == []

    [failed] = await report(api, result("run-1"))
    await report(api, result("run-1", "PASS", checkName="fresh", type="FRESHNESS"))
    data = (await api.gql(health, {"u": DATASET}))["dataset"]
    assertions = data["health"][2]
    assert assertions == {
        "type": "ASSERTIONS",
        "status": "FAIL",
        "message": "1 of 2 assertions are failing",
        "causes": ["FAILING_ASSERTIONS"],
        "assertionHealthDetails": {"total": 2, "failingAssertionUrns": [failed["checkUrn"]]},
    }
    assert [(c["name"], c["latestResult"]) for c in data["checks"]] == [
        ("fresh", {"runId": "run-1", "status": "PASS"}),
        ("orders not null", {"runId": "run-1", "status": "FAIL"}),
    ]

    await report(api, result("run-2", "PASS"))
    assertions = (await api.gql(health, {"u": DATASET}))["dataset"]["health"][2]
    assert (assertions["status"], assertions["message"]) == (
        "PASS",
        "All 2 assertions are passing",
    )


async def test_new_incident_event_carries_the_failing_result(api: Api) -> None:
    [failed] = await report(api, result("run-1"))
    assert api.app is not None
    async with api.app.state.db.reading() as session:
        [event] = await session.scalars(select(NotificationEvent))
    assert event.kind == "NEW_INCIDENT"
    assert event.payload["incident"]["urn"] == failed["incidentUrn"]
    assert event.payload["extra"]["checkResult"] == {
        "id": int(failed["id"]),
        "check": failed["checkUrn"],
        "checkName": "orders not null",
        "runId": "run-1",
        "status": "FAIL",
        "time": 1_700_000_001_000,
        "observedValue": "12",
        "threshold": "0",
        "message": "12 null order ids",
        "url": None,
    }


async def test_has_failing_assertions_search_filter(api: Api) -> None:
    search = """query($v: [String!]!) { searchAcrossEntities(input: {query: "*", orFilters:
        [{and: [{field: "hasFailingAssertions", values: $v}]}]}) { total searchResults {
        entity { urn } } } }"""
    await report(api, result("run-1"))
    await report(api, result("run-1", "PASS", assetUrn=OTHER))
    failing = (await api.gql(search, {"v": ["true"]}))["searchAcrossEntities"]
    assert [r["entity"]["urn"] for r in failing["searchResults"]] == [DATASET]
    passing = (await api.gql(search, {"v": ["false"]}))["searchAcrossEntities"]
    assert [r["entity"]["urn"] for r in passing["searchResults"]] == [OTHER]

    await report(api, result("run-2", "PASS"))
    assert (await api.gql(search, {"v": ["true"]}))["searchAcrossEntities"]["total"] == 0
    bad = await api.error(search, {"v": ["maybe"]})
    assert bad["extensions"]["code"] == "BAD_USER_INPUT"


async def test_webhook_gets_the_failing_result(api_with: Any) -> None:
    fast = {"notify_allow_private_networks": True, "notify_poll_ms": 10}
    async with api_with(**fast) as api, http_receiver() as receiver:
        made = await api.gql(
            "mutation($n: String!, $d: NotificationDestinationInput!) "
            "{ createNotificationChannel(name: $n, destination: $d) { id } }",
            {"n": "ops", "d": {"kind": "WEBHOOK", "url": receiver.url()}},
        )
        await api.gql(
            "mutation($i: NotificationPolicyInput!) { createNotificationPolicy(input: $i) { id } }",
            {"i": {"name": "all", "channelIds": [made["createNotificationChannel"]["id"]]}},
        )
        [failed] = await report(api, result("run-1"))
        await until(lambda: receiver.accepted)
        [request] = receiver.accepted
        body = json.loads(request.body)
        assert (body["event"], body["incident"]["urn"]) == ("NEW_INCIDENT", failed["incidentUrn"])
        assert body["details"]["checkResult"]["runId"] == "run-1"
        assert body["details"]["checkResult"]["status"] == "FAIL"
        assert body["details"]["checkResult"]["check"] == failed["checkUrn"]


async def test_concurrent_reports_of_one_check_raise_one_incident(api: Api) -> None:
    answers = await asyncio.gather(*(report(api, result(f"run-{i}")) for i in range(1, 9)))
    actions = sorted(a["action"] for [a] in answers)
    assert actions == ["ATTACH"] * 7 + ["RAISE"]
    assert len({a["incidentUrn"] for [a] in answers}) == 1
    found = await incident(api, answers[0][0]["incidentUrn"])
    assert found["checkResults"]["total"] == 8


async def test_a_member_without_the_privilege_is_refused(api: Api) -> None:
    refused = await api.error(REPORT, {"input": [result("run-1")]}, role=Role.MEMBER)
    assert refused["extensions"]["code"] == "FORBIDDEN"
    assert await counts(api) == (0, 0, 0)
    viewer = await api.error(REPORT, {"input": [result("run-1")]}, role=Role.VIEWER)
    assert viewer["extensions"]["code"] == "FORBIDDEN"

"""The incident lifecycle and asset pages, over HTTP, on both databases."""

from __future__ import annotations

import asyncio

from helpers import DATASET, Api

OTHER = "urn:li:dataset:(urn:li:dataPlatform:snowflake,db.other,PROD)"


async def test_pagination_newest_first_with_totals(api: Api) -> None:
    urns = [await api.raise_incident(title=f"incident {i}") for i in range(25)]
    newest_first = list(reversed(urns))
    # count is the page size asked for, as DataHub's resolver answers it (its search's pageSize),
    # however many incidents the page holds.
    page = await api.asset_incidents(args="start: 20, count: 10")
    assert (page["start"], page["count"], page["total"]) == (20, 10, 25)
    assert [i["urn"] for i in page["incidents"]] == newest_first[20:]
    default = await api.asset_incidents()
    assert (default["start"], default["count"], default["total"]) == (0, 20, 25)
    assert [i["urn"] for i in default["incidents"]] == newest_first[:20]
    beyond = await api.asset_incidents(args="start: 30")
    assert (beyond["count"], beyond["total"], beyond["incidents"]) == (20, 25, [])
    nulls = await api.asset_incidents(args="start: null, count: null")
    assert (nulls["start"], nulls["count"]) == (0, 20)


async def test_health_flips_fail_to_pass_on_resolve(api: Api) -> None:
    first = await api.raise_incident(title="first")
    second = await api.raise_incident(title="second")
    health = await api.health()
    assert health["type"] == "INCIDENTS"
    assert (health["status"], health["message"], health["causes"]) == (
        "FAIL",
        "2 active incident(s)",
        ["ACTIVE_INCIDENTS"],
    )
    details = health["activeIncidentHealthDetails"]
    assert details["count"] == 2
    assert (details["latestIncidentUrn"], details["latestIncidentTitle"]) == (second, "second")
    assert details["activeIncidentUrns"] == [second, first]
    assert details["lastActivityAt"] > 0
    await api.resolve(second)
    health = await api.health()
    assert (health["status"], health["activeIncidentHealthDetails"]["activeIncidentUrns"]) == (
        "FAIL",
        [first],
    )
    await api.resolve(first)
    health = await api.health()
    assert (health["status"], health["message"], health["causes"]) == (
        "PASS",
        "No active incidents",
        [],
    )
    assert health["activeIncidentHealthDetails"]["count"] == 0


async def test_state_filter_and_resolve_twice_and_reopen_are_recorded(api: Api) -> None:
    urn = await api.raise_incident()
    assert (await api.incident(urn))["version"] == 1
    await api.resolve(urn, "first fix")
    await api.resolve(urn, "second look, still fixed")
    incident = await api.incident(urn)
    assert incident["version"] == 3
    assert incident["incidentStatus"]["message"] == "second look, still fixed"
    assert (await api.asset_incidents(args="state: RESOLVED"))["total"] == 1
    assert (await api.asset_incidents(args="state: ACTIVE"))["total"] == 0
    await api.gql(
        'mutation($u: String!) { updateIncidentStatus(urn: $u, input: {state: ACTIVE, stage: TRIAGE, message: "back"}) }',
        {"u": urn},
    )
    incident = await api.incident(urn)
    assert incident["version"] == 4
    assert incident["incidentStatus"]["state"] == "ACTIVE"
    assert (await api.asset_incidents(args="state: ACTIVE"))["total"] == 1
    assert (await api.health())["status"] == "FAIL"


async def test_stage_priority_and_assignee_filters(api: Api) -> None:
    a = await api.raise_incident(priority="HIGH", assigneeUrns=["urn:li:corpuser:ann"])
    b = await api.raise_incident(
        priority="LOW",
        status={"state": "ACTIVE", "stage": "INVESTIGATION"},
        assigneeUrns=["urn:li:corpGroup:eng"],
    )
    c = await api.raise_incident()
    assert [i["urn"] for i in (await api.asset_incidents(args="priority: HIGH"))["incidents"]] == [
        a
    ]
    assert [
        i["urn"] for i in (await api.asset_incidents(args="stage: INVESTIGATION"))["incidents"]
    ] == [b]
    both = await api.asset_incidents(
        args='assigneeUrns: ["urn:li:corpuser:ann", "urn:li:corpGroup:eng"]'
    )
    assert [i["urn"] for i in both["incidents"]] == [b, a]
    assert (await api.asset_incidents())["total"] == 3
    assert c


async def test_update_incident_changes_only_given_fields(api: Api) -> None:
    urn = await api.raise_incident(
        title="t0",
        description="d0",
        priority="LOW",
        startedAt=1000,
        assigneeUrns=["urn:li:corpuser:ann", "urn:li:corpuser:bob"],
    )
    await api.gql(
        'mutation($u: String!) { updateIncident(urn: $u, input: {title: "t1", priority: CRITICAL}) }',
        {"u": urn},
    )
    incident = await api.incident(urn)
    assert (incident["title"], incident["description"], incident["priority"]) == (
        "t1",
        "d0",
        "CRITICAL",
    )
    assert incident["startedAt"] == 1000
    assert [a["urn"] for a in incident["assignees"]] == [
        "urn:li:corpuser:ann",
        "urn:li:corpuser:bob",
    ]
    await api.gql(
        "mutation($u: String!) { updateIncident(urn: $u, input: {assigneeUrns: []}) }", {"u": urn}
    )
    incident = await api.incident(urn)
    assert incident["assignees"] == []
    assert incident["title"] == "t1"
    await api.gql(
        "mutation($u: String!) { updateIncident(urn: $u, input: {description: null, startedAt: 5}) }",
        {"u": urn},
    )
    incident = await api.incident(urn)
    assert (incident["description"], incident["startedAt"]) == (None, 5)
    assert incident["version"] == 4


async def test_update_incident_moves_assets_and_status(api: Api) -> None:
    urn = await api.raise_incident()
    await api.gql(
        "mutation($u: String!, $a: [String!]) { updateIncident(urn: $u, input: "
        '{resourceUrns: $a, status: {state: RESOLVED, stage: FIXED, message: "moved and fixed"}}) }',
        {"u": urn, "a": [OTHER]},
    )
    assert (await api.asset_incidents())["total"] == 0
    moved = await api.asset_incidents(OTHER, args="state: RESOLVED")
    assert [i["urn"] for i in moved["incidents"]] == [urn]
    status = (await api.incident(urn))["incidentStatus"]
    assert (status["state"], status["stage"], status["message"]) == (
        "RESOLVED",
        "FIXED",
        "moved and fixed",
    )
    assert (await api.health(OTHER))["status"] == "PASS"


async def test_caller_chosen_id_makes_raise_idempotent(api: Api) -> None:
    fields = {"id": "airflow.daily_sales.2026-11-25", "title": "late", "priority": "HIGH"}
    first = await api.raise_incident(**fields)
    assert first == "urn:li:incident:airflow.daily_sales.2026-11-25"
    again = await api.raise_incident(**fields)
    assert again == first
    assert (await api.asset_incidents())["total"] == 1
    conflict = await api.error(
        "mutation($input: RaiseIncidentInput!) { raiseIncident(input: $input) }",
        {"input": {"type": "OPERATIONAL", "resourceUrn": DATASET} | fields | {"title": "other"}},
    )
    assert conflict["extensions"]["code"] == "CONFLICT"
    assert (await api.incident(first))["title"] == "late"
    assert (await api.asset_incidents())["total"] == 1


async def test_concurrent_retries_with_the_same_id_create_one_incident(api: Api) -> None:
    results = await asyncio.gather(*(api.raise_incident(id="retry-1") for _ in range(8)))
    assert set(results) == {"urn:li:incident:retry-1"}
    assert (await api.asset_incidents())["total"] == 1


async def test_sixteen_concurrent_raises_all_land(api: Api) -> None:
    urns = await asyncio.gather(*(api.raise_incident(title=f"c{i}") for i in range(16)))
    assert len(set(urns)) == 16
    page = await api.asset_incidents(args="count: 100")
    assert page["total"] == 16
    assert {i["urn"] for i in page["incidents"]} == set(urns)
    health = await api.health()
    assert health["activeIncidentHealthDetails"]["count"] == 16


async def test_one_incident_on_many_assets(api: Api) -> None:
    assets = [f"urn:li:dataset:(urn:li:dataPlatform:s3,bucket/p{i},PROD)" for i in range(5)]
    urn = await api.raise_incident(resourceUrn=None, resourceUrns=[*assets, assets[0]])
    for asset in assets:
        assert [i["urn"] for i in (await api.asset_incidents(asset))["incidents"]] == [urn]
    assert [e["urn"] for e in (await api.incident(urn))["entities"]] == assets
    await api.resolve(urn)
    for asset in assets:
        assert (await api.health(asset))["status"] == "PASS"

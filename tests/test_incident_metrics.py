"""incidentMetrics over HTTP on both databases: exact figures on a timeline written at known
times (the app's injected clock), filters, refusals."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from conftest import running_api
from helpers import Api

from incident_graph.config import Settings
from incident_graph.domain.clock import FixedClock

H = 3_600_000
# Monday 2026-11-02 00:00 UTC.
T0 = 1_793_577_600_000
ORDERS = "urn:li:dataset:(urn:li:dataPlatform:snowflake,orders,PROD)"
CUSTOMERS = "urn:li:dataset:(urn:li:dataPlatform:snowflake,customers,PROD)"
EVENTS = "urn:li:dataset:(urn:li:dataPlatform:kafka,events,PROD)"
DATA_ENG = "urn:li:corpGroup:data-eng"
BOB = "urn:li:corpuser:bob"

UPSERT = "mutation($i: [AssetInput!]!) { upsertAssets(input: $i) { created } }"
ACK = "mutation($u: String!) { acknowledgeIncident(urn: $u) }"
REOPEN = "mutation($u: String!) { updateIncidentStatus(urn: $u, input: {state: ACTIVE}) }"
METRICS = """query($i: IncidentMetricsInput!) { incidentMetrics(input: $i) {
    from to bucket activeAtStart raised resolved
    buckets { start end raised resolved activeAtEnd }
    byState { value count } byStage { value count } byPriority { value count }
    byType { value count } bySource { value count } byPlatform { value count }
    byTeam { value count }
    timeToAcknowledge { count medianMs p90Ms meanMs }
    timeToResolve { count medianMs p90Ms meanMs }
} }"""


@pytest.fixture
async def seeded(settings: Settings) -> AsyncIterator[Api]:
    """Four incidents written at set hours around a three-day window [T0, T0 + 72h):

    a: raised T0-2h (HIGH, orders), resolved T0+5h
    b: raised T0+1h (CRITICAL, orders), acknowledged +2h, resolved +10h, reopened +30h,
       resolved again +50h
    c: raised T0+26h (LOW, events), acknowledged +29h, still active
    d: raised T0+49h (no priority, customers), resolved +52h
    e: raised T0+80h, after the window
    """
    clock = FixedClock(T0 - 10 * H)
    async with running_api(settings, clock=clock) as api:
        await api.gql(
            UPSERT,
            {
                "i": [
                    {"urn": ORDERS, "owners": [{"ownerUrn": DATA_ENG}, {"ownerUrn": BOB}]},
                    {"urn": CUSTOMERS, "owners": [{"ownerUrn": BOB}]},
                    {"urn": EVENTS},
                ]
            },
        )

        async def at(hour: int) -> None:
            clock.set(T0 + hour * H)

        await at(-2)
        a = await api.raise_incident(resourceUrn=ORDERS, type="VOLUME", priority="HIGH")
        await at(1)
        b = await api.raise_incident(resourceUrn=ORDERS, type="FRESHNESS", priority="CRITICAL")
        await at(2)
        await api.gql(ACK, {"u": b})
        await at(5)
        await api.resolve(a)
        await at(10)
        await api.resolve(b)
        await at(26)
        c = await api.raise_incident(resourceUrn=EVENTS, type="VOLUME", priority="LOW")
        await at(29)
        await api.gql(ACK, {"u": c})
        await at(30)
        await api.gql(REOPEN, {"u": b})
        await at(49)
        d = await api.raise_incident(resourceUrn=CUSTOMERS, type="FRESHNESS")
        await at(50)
        await api.resolve(b)
        await at(52)
        await api.resolve(d)
        await at(80)
        await api.raise_incident(resourceUrn=EVENTS, type="SQL", priority="LOW")
        yield api


async def _metrics(api: Api, **given: Any) -> dict[str, Any]:
    data = await api.gql(METRICS, {"i": {"from": T0, "to": T0 + 72 * H} | given})
    return data["incidentMetrics"]  # type: ignore[no-any-return]


def _counts(found: list[dict[str, Any]]) -> list[tuple[str | None, int]]:
    return [(c["value"], c["count"]) for c in found]


async def test_figures_from_the_timeline(seeded: Api) -> None:
    m = await _metrics(seeded)
    assert (m["from"], m["to"], m["bucket"]) == (T0, T0 + 72 * H, "DAY")
    assert (m["activeAtStart"], m["raised"], m["resolved"]) == (1, 3, 4)
    assert m["buckets"] == [
        # b raised; a and b resolved: none left active
        {"start": T0, "end": T0 + 24 * H, "raised": 1, "resolved": 2, "activeAtEnd": 0},
        # c raised, b reopened
        {"start": T0 + 24 * H, "end": T0 + 48 * H, "raised": 1, "resolved": 0, "activeAtEnd": 2},
        # d raised; b and d resolved: c is left
        {"start": T0 + 48 * H, "end": T0 + 72 * H, "raised": 1, "resolved": 2, "activeAtEnd": 1},
    ]
    # The mix: b, c and d (raised in the window), as they are now.
    assert _counts(m["byState"]) == [("RESOLVED", 2), ("ACTIVE", 1)]
    assert _counts(m["byPriority"]) == [("CRITICAL", 1), ("LOW", 1), (None, 1)]
    assert _counts(m["byType"]) == [("FRESHNESS", 2), ("VOLUME", 1)]
    assert _counts(m["bySource"]) == [("MANUAL", 3)]
    assert _counts(m["byPlatform"]) == [("snowflake", 2), ("kafka", 1)]
    assert _counts(m["byTeam"]) == [(DATA_ENG, 1)]
    assert _counts(m["byStage"]) == [(None, 3)]  # none was given a stage
    # Acknowledged: b after 1h, c after 3h. Nearest rank of 2 values: median the 1st, p90 the 2nd.
    assert m["timeToAcknowledge"] == {"count": 2, "medianMs": H, "p90Ms": 3 * H, "meanMs": 2 * H}
    # Resolved now: d after 3h, b after 49h (its last resolution); c is still active.
    assert m["timeToResolve"] == {
        "count": 2,
        "medianMs": 3 * H,
        "p90Ms": 49 * H,
        "meanMs": 26 * H,
    }


async def test_hour_and_week_buckets(seeded: Api) -> None:
    hourly = await _metrics(seeded, **{"from": T0, "to": T0 + 6 * H, "bucket": "HOUR"})
    assert [(b["raised"], b["resolved"], b["activeAtEnd"]) for b in hourly["buckets"]] == [
        (0, 0, 1),
        (1, 0, 2),  # b raised at T0+1h: the bucket [1h, 2h) holds it
        (0, 0, 2),
        (0, 0, 2),
        (0, 0, 2),
        (0, 1, 1),  # a resolved at T0+5h
    ]
    weekly = await _metrics(seeded, bucket="WEEK")
    # One bucket, cut short at `to`.
    assert [
        (b["start"], b["end"], b["raised"], b["resolved"], b["activeAtEnd"])
        for b in weekly["buckets"]
    ] == [(T0, T0 + 72 * H, 3, 4, 1)]


async def test_filters_are_search_incidents_own(seeded: Api) -> None:
    critical = await _metrics(seeded, priorities=["CRITICAL"])
    assert critical["activeAtStart"] == 0
    assert [(b["raised"], b["resolved"], b["activeAtEnd"]) for b in critical["buckets"]] == [
        (1, 1, 0),
        (0, 0, 1),
        (0, 1, 0),
    ]
    assert critical["timeToResolve"]["count"] == 1
    kafka = await _metrics(seeded, platforms=["urn:li:dataPlatform:kafka"])
    assert (kafka["raised"], kafka["buckets"][-1]["activeAtEnd"]) == (1, 1)
    owned = await _metrics(seeded, ownerUrns=[BOB])  # orders and customers: a, b, d
    assert (owned["activeAtStart"], owned["raised"], owned["resolved"]) == (1, 2, 4)
    nothing = await _metrics(seeded, query="nowhere-to-be-found")
    assert (nothing["raised"], nothing["timeToResolve"]) == (
        0,
        {"count": 0, "medianMs": None, "p90Ms": None, "meanMs": None},
    )


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ({"from": T0 + H, "to": T0}, "earlier than to"),
        ({"from": T0, "to": T0}, "earlier than to"),
        ({"from": T0, "to": T0 + 100 * 24 * H, "bucket": "HOUR"}, "the limit is 2200"),
        ({"from": T0, "to": T0 + H, "platforms": ["not a platform"]}, "platforms"),
    ],
)
async def test_bad_input_is_refused(seeded: Api, given: dict[str, Any], words: str) -> None:
    error = await seeded.error(METRICS, {"i": given})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert words in error["message"]


async def test_an_incident_on_two_assets_counts_once_per_platform_and_team(
    settings: Settings,
) -> None:
    clock = FixedClock(T0)
    async with running_api(settings, clock=clock) as api:
        await api.gql(
            UPSERT,
            {
                "i": [
                    {"urn": ORDERS, "owners": [{"ownerUrn": DATA_ENG}]},
                    # Owned by the team twice over (two ownership types): still one team.
                    {
                        "urn": CUSTOMERS,
                        "owners": [
                            {"ownerUrn": DATA_ENG, "type": "TECHNICAL_OWNER"},
                            {"ownerUrn": DATA_ENG, "type": "BUSINESS_OWNER"},
                        ],
                    },
                    {"urn": EVENTS, "owners": [{"ownerUrn": DATA_ENG}]},
                ]
            },
        )
        await api.raise_incident(resourceUrns=[ORDERS, CUSTOMERS], resourceUrn=None)
        await api.raise_incident(resourceUrns=[ORDERS, CUSTOMERS, EVENTS], resourceUrn=None)
        await api.raise_incident(resourceUrn=CUSTOMERS)
        m = await _metrics(api, **{"from": T0, "to": T0 + H})
        assert m["raised"] == 3
        assert _counts(m["byPlatform"]) == [("snowflake", 3), ("kafka", 1)]
        assert _counts(m["byTeam"]) == [(DATA_ENG, 3)]
        # Narrowed by a filter, the links are narrowed the same way.
        kafka = await _metrics(api, **{"from": T0, "to": T0 + H, "platforms": ["kafka"]})
        assert _counts(kafka["byPlatform"]) == [("kafka", 1), ("snowflake", 1)]
        assert _counts(kafka["byTeam"]) == [(DATA_ENG, 1)]

"""searchIncidents over HTTP on both databases: every filter, sort, paging, facets, refusals."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

import pytest
from conftest import running_api
from helpers import Api, TickingClock

from incident_graph.config import Settings, SettingsError
from incident_graph.domain.clock import now_ms
from incident_graph.domain.enums import Role
from incident_graph.store import search_text_sqlite

ORDERS = "urn:li:dataset:(urn:li:dataPlatform:snowflake,orders,PROD)"
CUSTOMERS = "urn:li:dataset:(urn:li:dataPlatform:snowflake,customers,PROD)"
EVENTS = "urn:li:dataset:(urn:li:dataPlatform:kafka,events,PROD)"
SALES = "urn:li:dashboard:(looker,sales)"
ALICE = "urn:li:corpuser:alice"
BOB = "urn:li:corpuser:bob"
DATA_ENG = "urn:li:corpGroup:data-eng"
EDITOR = "urn:li:corpuser:editor-user"
ADMIN = "urn:li:corpuser:admin-user"

UPSERT = "mutation($i: [AssetInput!]!) { upsertAssets(input: $i) { created } }"
STATUS = (
    "mutation($u: String!, $i: IncidentStatusInput!) { updateIncidentStatus(urn: $u, input: $i) }"
)
UPDATE = "mutation($u: String!, $i: UpdateIncidentInput!) { updateIncident(urn: $u, input: $i) }"
RAISE = "mutation($i: RaiseIncidentInput!) { raiseIncident(input: $i) }"
SEARCH = """query($i: SearchIncidentsInput!) { searchIncidents(input: $i) {
    start count total
    incidents { urn title }
    facets { field displayName aggregations { value count } }
} }"""


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[Api]:
    # Each write at its own millisecond, so creation windows and time orders are exact.
    async with running_api(settings, TickingClock(now_ms())) as client:
        yield client


@dataclass
class Seeded:
    urns: dict[str, str]
    created: dict[str, int]

    def names(self, found: list[dict[str, Any]]) -> list[str]:
        by_urn = {u: n for n, u in self.urns.items()}
        return [by_urn[i["urn"]] for i in found]


async def _raise(api: Api, role: Role = Role.EDITOR, **fields: Any) -> str:
    data = await api.gql(RAISE, {"i": fields}, role=role)
    return str(data["raiseIncident"])


async def _seed(api: Api) -> Seeded:
    await api.gql(
        UPSERT,
        {
            "i": [
                {
                    "urn": ORDERS,
                    "owners": [
                        {"ownerUrn": ALICE, "type": "TECHNICAL_OWNER"},
                        {"ownerUrn": DATA_ENG, "type": "BUSINESS_OWNER"},
                    ],
                },
                {"urn": CUSTOMERS, "owners": [{"ownerUrn": BOB}]},
                {"urn": EVENTS},
                {"urn": SALES},
            ]
        },
    )
    urns = {
        "i1": await _raise(
            api,
            resourceUrn=ORDERS,
            type="FRESHNESS",
            priority="HIGH",
            title="Orders table late",
            description="The nightly load missed its deadline",
            assigneeUrns=[ALICE],
            status={"state": "ACTIVE", "stage": "TRIAGE"},
        ),
        "i2": await _raise(
            api,
            resourceUrn=CUSTOMERS,
            type="VOLUME",
            priority="LOW",
            title="Customer rows dropped",
            description="Half the rows vanished",
            assigneeUrns=[DATA_ENG],
        ),
        "i3": await _raise(
            api,
            Role.ADMIN,
            resourceUrn=EVENTS,
            type="OPERATIONAL",
            priority="CRITICAL",
            title="Kafka consumer lag",
            description="Lag keeps growing",
            source={"type": "ASSERTION_FAILURE", "sourceUrn": "urn:li:assertion:lag"},
            status={"state": "ACTIVE", "stage": "TRIAGE"},
        ),
        "i4": await _raise(
            api,
            resourceUrns=[ORDERS, SALES],
            type="SQL",
            title="Dashboard shows duplicate orders",
            description="Orders, orders and more orders: every order appears twice",
            status={"state": "ACTIVE", "stage": "INVESTIGATION"},
        ),
        "i5": await _raise(
            api,
            Role.ADMIN,
            resourceUrn=SALES,
            type="CUSTOM",
            customType="business",
            priority="MEDIUM",
            title="Sales numbers off",
            description="Totals disagree with finance",
        ),
    }
    await api.gql(
        STATUS,
        {
            "u": urns["i2"],
            "i": {"state": "RESOLVED", "stage": "FIXED", "message": "Backfilled orders"},
        },
    )
    await api.gql(
        STATUS,
        {
            "u": urns["i5"],
            "i": {"state": "RESOLVED", "stage": "NO_ACTION_REQUIRED", "message": "As expected"},
        },
    )
    created = {}
    for name, urn in urns.items():
        data = await api.gql(
            "query($u: String!) { incident(urn: $u) { created { time } } }", {"u": urn}
        )
        created[name] = data["incident"]["created"]["time"]
    return Seeded(urns=urns, created=created)


async def _search(api: Api, role: Role = Role.VIEWER, **fields: Any) -> dict[str, Any]:
    data = await api.gql(SEARCH, {"i": fields}, role=role)
    return data["searchIncidents"]  # type: ignore[no-any-return]


async def _found(api: Api, seeded: Seeded, **fields: Any) -> set[str]:
    result = await _search(api, count=1000, **fields)
    assert result["total"] == len(result["incidents"])
    return set(seeded.names(result["incidents"]))


ALL = {"i1", "i2", "i3", "i4", "i5"}


FILTER_CASES: list[tuple[dict[str, Any], set[str]]] = [
    ({}, ALL),
    ({"query": "*"}, ALL),
    ({"query": "   "}, ALL),
    # Title, description and resolution note; stemmed ("order" finds "orders").
    ({"query": "orders"}, {"i1", "i2", "i4"}),
    ({"query": "order"}, {"i1", "i2", "i4"}),
    ({"query": "ORDERS late"}, {"i1"}),
    ({"query": "backfilled"}, {"i2"}),
    ({"query": "nothing like this"}, set()),
    ({"states": ["RESOLVED"]}, {"i2", "i5"}),
    ({"states": ["ACTIVE", "RESOLVED"]}, ALL),
    ({"states": []}, ALL),
    ({"stages": ["INVESTIGATION", "FIXED"]}, {"i4", "i2"}),
    ({"priorities": ["CRITICAL", "HIGH"]}, {"i3", "i1"}),
    ({"types": ["SQL", "CUSTOM"]}, {"i4", "i5"}),
    ({"sourceTypes": ["ASSERTION_FAILURE"]}, {"i3"}),
    ({"sourceTypes": ["MANUAL"]}, {"i1", "i2", "i4", "i5"}),
    ({"assigneeUrns": [ALICE]}, {"i1"}),
    ({"assigneeUrns": [DATA_ENG, BOB]}, {"i2"}),
    ({"creatorUrns": [ADMIN]}, {"i3", "i5"}),
    ({"creatorUrns": [EDITOR]}, {"i1", "i2", "i4"}),
    # Whoever moves an incident past triage leads it: the editor resolved i2 and i5 and raised
    # i4 under investigation; i1 and i3 are still in triage, led by nobody.
    ({"leadUrns": [EDITOR]}, {"i2", "i4", "i5"}),
    ({"leadUrns": [ALICE, ADMIN]}, set()),
    ({"resourceUrns": [SALES]}, {"i4", "i5"}),
    ({"resourceUrns": [ORDERS, EVENTS]}, {"i1", "i3", "i4"}),
    ({"platforms": ["snowflake"]}, {"i1", "i2", "i4"}),
    ({"platforms": ["urn:li:dataPlatform:kafka", "looker"]}, {"i3", "i4", "i5"}),
    ({"ownerUrns": [ALICE]}, {"i1", "i4"}),
    ({"ownerUrns": [BOB, DATA_ENG]}, {"i1", "i2", "i4"}),
    ({"ownerUrns": ["urn:li:corpuser:nobody"]}, set()),
    (
        {"query": "orders", "states": ["ACTIVE"], "platforms": ["snowflake"]},
        {"i1", "i4"},
    ),
    ({"query": "orders", "priorities": ["HIGH", "LOW"], "ownerUrns": [BOB]}, {"i2"}),
]


async def test_every_filter(api: Api) -> None:
    seeded = await _seed(api)
    for fields, expected in FILTER_CASES:
        assert await _found(api, seeded, **fields) == expected, fields


async def test_the_creation_window_is_inclusive(api: Api) -> None:
    seeded = await _seed(api)
    t = seeded.created
    window = {"createdAfter": t["i2"], "createdBefore": t["i4"]}
    assert await _found(api, seeded, **window) == {"i2", "i3", "i4"}
    assert await _found(api, seeded, createdAfter=t["i4"]) == {"i4", "i5"}
    assert await _found(api, seeded, createdBefore=t["i1"]) == {"i1"}
    assert await _found(api, seeded, createdAfter=t["i3"], createdBefore=t["i3"]) == {"i3"}


async def test_sorts(api: Api) -> None:
    seeded = await _seed(api)

    async def order(**fields: Any) -> list[str]:
        return seeded.names((await _search(api, **fields))["incidents"])

    newest_first = ["i5", "i4", "i3", "i2", "i1"]
    assert await order() == newest_first
    assert await order(sort={"field": "CREATED"}) == newest_first
    assert await order(sort={"field": "CREATED", "order": "DESC"}) == newest_first
    assert await order(sort={"field": "CREATED", "order": "ASC"}) == newest_first[::-1]
    # No priority (i4) comes last either way.
    assert await order(sort={"field": "PRIORITY", "order": "DESC"}) == [
        "i3",
        "i1",
        "i5",
        "i2",
        "i4",
    ]
    assert await order(sort={"field": "PRIORITY", "order": "ASC"}) == [
        "i2",
        "i5",
        "i1",
        "i3",
        "i4",
    ]
    for name in ("i3", "i1"):
        await api.gql(UPDATE, {"u": seeded.urns[name], "i": {"description": "touched"}})
    updated = await order(sort={"field": "UPDATED", "order": "DESC"})
    assert updated[:2] == ["i1", "i3"]
    assert (await order(sort={"field": "UPDATED", "order": "ASC"}))[-2:] == ["i3", "i1"]
    # A query without a sort ranks by relevance: i4 says "orders" most often.
    assert (await order(query="orders"))[0] == "i4"
    assert await order(query="orders", sort={"field": "CREATED", "order": "ASC"}) == [
        "i1",
        "i2",
        "i4",
    ]


async def test_paging(api: Api) -> None:
    seeded = await _seed(api)
    pages = []
    for start in (0, 2, 4):
        result = await _search(api, start=start, count=2)
        assert result["start"] == start
        assert result["total"] == 5
        pages.extend(seeded.names(result["incidents"]))
        assert result["count"] == len(result["incidents"])
    assert pages == ["i5", "i4", "i3", "i2", "i1"]
    empty = await _search(api, start=0, count=0)
    assert (empty["count"], empty["total"], empty["incidents"]) == (0, 5, [])
    beyond = await _search(api, start=10, count=5)
    assert (beyond["count"], beyond["total"], beyond["incidents"]) == (0, 5, [])
    default = await _search(api)
    assert (default["start"], default["count"]) == (0, 5)


def _facets(result: dict[str, Any]) -> dict[str, list[tuple[str, int]]]:
    return {
        f["field"]: [(a["value"], a["count"]) for a in f["aggregations"]] for f in result["facets"]
    }


async def test_facets_count_every_match(api: Api) -> None:
    await _seed(api)
    everything = await _search(api, count=1)
    assert [(f["field"], f["displayName"]) for f in everything["facets"]] == [
        ("state", "State"),
        ("stage", "Stage"),
        ("priority", "Priority"),
        ("type", "Type"),
        ("platform", "Platform"),
    ]
    # Most frequent first, then by value; incidents without a stage or priority are not counted.
    assert _facets(everything) == {
        "state": [("ACTIVE", 3), ("RESOLVED", 2)],
        "stage": [("TRIAGE", 2), ("FIXED", 1), ("INVESTIGATION", 1), ("NO_ACTION_REQUIRED", 1)],
        "priority": [("CRITICAL", 1), ("HIGH", 1), ("LOW", 1), ("MEDIUM", 1)],
        "type": [("CUSTOM", 1), ("FRESHNESS", 1), ("OPERATIONAL", 1), ("SQL", 1), ("VOLUME", 1)],
        # An incident on two assets counts once per platform it touches.
        "platform": [("snowflake", 3), ("looker", 2), ("kafka", 1)],
    }
    narrowed = await _search(api, query="orders", states=["ACTIVE"])
    assert _facets(narrowed) == {
        "state": [("ACTIVE", 2)],
        "stage": [("INVESTIGATION", 1), ("TRIAGE", 1)],
        "priority": [("HIGH", 1)],
        "type": [("FRESHNESS", 1), ("SQL", 1)],
        "platform": [("snowflake", 2), ("looker", 1)],
    }
    nothing = await _search(api, query="absent")
    assert nothing["total"] == 0
    assert _facets(nothing) == {n: [] for n in ("state", "stage", "priority", "type", "platform")}


SYNTAX = [
    '"',
    "'",
    "' OR 1=1 --",
    "orders*",
    "NEAR(orders late)",
    "title:orders",
    "-orders",
    "orders AND NOT late",
    "late OR kafka",
    "%_\\",
    "^orders",
    "(orders",
    "DROP TABLE incidents;",
    "\u00e9t\u00e9 \u2603 \U0001f525",
]


async def test_text_is_never_read_as_syntax(api: Api) -> None:
    """Search syntax characters are ignored and operator words are plain (stop) words."""
    seeded = await _seed(api)
    expected_by_query = {
        "orders*": {"i1", "i2", "i4"},
        "NEAR(orders late)": set(),  # "near" is a word like any other
        "title:orders": set(),  # "title" too
        "-orders": {"i1", "i2", "i4"},
        "orders AND NOT late": {"i1"},  # and/not are stopwords: orders + late
        "late OR kafka": set(),  # or is a stopword: late + kafka, in no incident
        "^orders": {"i1", "i2", "i4"},
        "(orders": {"i1", "i2", "i4"},
        "DROP TABLE incidents;": set(),
    }
    for query in SYNTAX:
        expected = expected_by_query.get(query, ALL if query in {'"', "'", "%_\\"} else set())
        assert await _found(api, seeded, query=query) == expected, query
    # And the incidents are all still there.
    assert await _found(api, seeded) == ALL


async def test_a_title_full_of_syntax_is_found_by_its_words(api: Api) -> None:
    seeded = await _seed(api)
    urn = await _raise(
        api, resourceUrn=EVENTS, type="SQL", title='He said "DROP TABLE x;--" * NEAR(a b)'
    )
    found = await _search(api, query='"drop table" near')
    assert [i["urn"] for i in found["incidents"]] == [urn]
    assert seeded.urns


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"count": -1}, None, "count must be between 0 and 1000"),
        ({"count": 1001}, None, "count must be between 0 and 1000"),
        ({"start": -1}, None, "start must be 0 or more"),
        ({"createdAfter": 20, "createdBefore": 10}, "createdAfter", "later than createdBefore"),
        ({"assigneeUrns": ["alice"]}, "assigneeUrns", "assigneeUrns:"),
        ({"creatorUrns": ["urn:li:dataset:x"]}, "creatorUrns", "not a user or group"),
        ({"ownerUrns": [""]}, "ownerUrns", "URN is empty"),
        ({"resourceUrns": ["urn:li:incident:x"]}, "resourceUrns", "resourceUrns:"),
        ({"platforms": ["snow flake"]}, "platforms", "not a platform name"),
        ({"platforms": ["urn:li:dataPlatform:"]}, "platforms", "not a platform name"),
        ({"assigneeUrns": [ALICE] * 101}, "assigneeUrns", "at most 100 values"),
        ({"query": "x" * 1001}, "query", "the limit is 1000"),
    ],
)
async def test_refusals(api: Api, fields: dict[str, Any], field: str | None, message: str) -> None:
    error = await api.error(SEARCH, {"i": fields})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert message in error["message"]
    if field is not None:
        assert error["extensions"]["field"] == field


@pytest.mark.parametrize(
    "fields",
    [
        {"states": ["OPEN"]},
        {"stages": ["Reported"]},
        {"priorities": ["P1"]},
        {"types": ["freshness"]},
        {"sourceTypes": ["ROBOT"]},
        {"sort": {"field": "NAME"}},
        {"sort": {"field": "CREATED", "order": "DESCENDING"}},
        {"createdAfter": "yesterday"},
    ],
)
async def test_values_outside_the_enums_are_bad_user_input(
    api: Api, fields: dict[str, Any]
) -> None:
    error = await api.error(SEARCH, {"i": fields})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_searching_needs_a_token(api: Api) -> None:
    error = await api.error(SEARCH, {"i": {}}, role=None)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


BOUNDED = """query($i: SearchIncidentsInput!) { searchIncidents(input: $i) {
    start count total totalIsLowerBound
    incidents { urn }
    facets { field aggregations { value count } }
} }"""


async def test_a_search_considers_at_most_the_configured_number_of_matches(
    api_with: Callable[..., AbstractAsyncContextManager[Api]],
) -> None:
    """Above INCIDENT_GRAPH_INCIDENT_SEARCH_MAX_MATCHES, the newest matches are the answer.

    Total, facets, sorts and pages all describe the same most recently raised matches.
    """
    async with api_with(incident_search_max_matches=3) as api:
        seeded = await _seed(api)

        async def search(**fields: Any) -> tuple[int, bool, list[str], dict[str, Any]]:
            found = (await api.gql(BOUNDED, {"i": fields}))["searchIncidents"]
            return (
                found["total"],
                found["totalIsLowerBound"],
                seeded.names(found["incidents"]),
                _facets(found),
            )

        total, more, names, facets = await search()
        assert (total, more, names) == (3, True, ["i5", "i4", "i3"])
        assert facets == {
            "state": [("ACTIVE", 2), ("RESOLVED", 1)],
            "stage": [("INVESTIGATION", 1), ("NO_ACTION_REQUIRED", 1), ("TRIAGE", 1)],
            "priority": [("CRITICAL", 1), ("MEDIUM", 1)],
            "type": [("CUSTOM", 1), ("OPERATIONAL", 1), ("SQL", 1)],
            "platform": [("looker", 2), ("kafka", 1), ("snowflake", 1)],
        }
        # Sorts and pages go through those three.
        sort = {"field": "CREATED", "order": "ASC"}
        assert (await search(sort=sort))[2] == ["i3", "i4", "i5"]
        assert (await search(sort={"field": "PRIORITY"}))[2] == ["i3", "i5", "i4"]
        assert (await search(start=2, count=2))[:3] == (3, True, ["i3"])
        assert (await search(start=3, count=2))[:3] == (3, True, [])
        # Exactly as many matches as the limit: exact, and nothing more to say.
        assert (await search(states=["ACTIVE"]))[:3] == (3, False, ["i4", "i3", "i1"])
        # Text within the limit ranks by relevance over every match: i4 says orders most.
        assert (await search(query="orders"))[:3] == (3, False, ["i4", "i2", "i1"])

        seeded.urns["i6"] = await _raise(
            api, resourceUrn=EVENTS, type="SQL", title="Orders replayed", priority="LOW"
        )
        # Four match "orders" now: the three newest, newest first, relevance set aside.
        total, more, names, facets = await search(query="orders")
        assert (total, more, names) == (3, True, ["i6", "i4", "i2"])
        assert facets["type"] == [("SQL", 2), ("VOLUME", 1)]
        assert facets["platform"] == [("snowflake", 2), ("kafka", 1), ("looker", 1)]
        ranked = await search(query="orders", states=["ACTIVE"])
        assert ranked[:3] == (3, False, ["i4", "i6", "i1"])
        # Asked for a page without facets, the answer is the same.
        bare = await api.gql(
            "query($i: SearchIncidentsInput!) { searchIncidents(input: $i) "
            "{ total totalIsLowerBound incidents { urn } } }",
            {"i": {"query": "orders"}},
        )
        assert bare["searchIncidents"]["total"] == 3
        assert bare["searchIncidents"]["totalIsLowerBound"] is True


def test_the_match_limit_is_a_positive_setting() -> None:
    assert Settings.from_env({}).incident_search_max_matches == 1_000
    env = {"INCIDENT_GRAPH_INCIDENT_SEARCH_MAX_MATCHES": "50"}
    assert Settings.from_env(env).incident_search_max_matches == 50
    with pytest.raises(SettingsError, match="must be at least 1"):
        Settings.from_env({"INCIDENT_GRAPH_INCIDENT_SEARCH_MAX_MATCHES": "0"})


async def test_sqlite_does_not_rank_by_a_word_in_too_many_incidents(
    api: Api, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FTS5's bm25 counts every incident holding a word; past the limit, newest first.

    PostgreSQL's ts_rank has no such pass and ranks whatever the words.
    """
    seeded = await _seed(api)
    seeded.urns["i6"] = await _raise(api, resourceUrn=EVENTS, type="SQL", title="Orders replayed")
    monkeypatch.setattr(search_text_sqlite, "RANKED_WORD_LIMIT", 3)
    # "orders" is in four incidents now; i4 says it most.
    found = seeded.names((await _search(api, query="orders"))["incidents"])
    if backend == "sqlite":
        assert found == ["i6", "i4", "i2", "i1"]
    else:
        assert found[0] == "i4"
    # Within the limit, SQLite ranks again.
    monkeypatch.setattr(search_text_sqlite, "RANKED_WORD_LIMIT", 4)
    found = seeded.names((await _search(api, query="orders"))["incidents"])
    assert found[0] == "i4"

"""Compiled reads against the resolvers: byte-identical answers, on both databases.

Two apps share one database: one answers with compiled reads (the default), the other with
`compiled_reads=False`, which always runs the resolvers. Hypothesis draws operations (random
selections, aliases, argument values written inline or as variables, good and bad) over data
seeded with awkward values, and every answer must be the same bytes with the same status,
errors and nulls included. A check that compiled statements actually answered keeps the test
from passing by falling back everywhere.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from conftest import running_api
from graphql import parse
from helpers import Api
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from incident_graph.api.compiled_plans import PlanLimits, compile_operation
from incident_graph.config import Settings
from incident_graph.domain.enums import Role

DATASETS = [f"urn:li:dataset:(urn:li:dataPlatform:snowflake,db.s.t{n},PROD)" for n in range(3)]
DASHBOARD = "urn:li:dashboard:(looker,sales)"
UNKNOWN = "urn:li:dataset:(urn:li:dataPlatform:x,unknown,PROD)"
USERS = ["urn:li:corpuser:ana", "urn:li:corpuser:bo"]
# Text a JSON writer must escape, or must not: quotes, backslashes, control characters,
# non-ASCII and astral characters, HTML, a JSON-looking string, and the empty string.
AWKWARD = [
    'say "hi"',
    "back\\slash",
    "tab\there\nline\r\x01\x1f\x7f",
    "café ☕ 🧯 \u2028\u2029",
    "</script><b>",
    '{"not": "json"}',
    "",
    "plain",
]
EXAMPLES = 300
# Names, descriptions, owners and tags for asset searches to match (LIKE's wildcards included);
# two assets have no incidents.
ASSETS: list[dict[str, Any]] = [
    {
        "urn": DATASETS[0],
        "name": "orders",
        "description": "Daily orders",
        "owners": [{"ownerUrn": USERS[0]}],
        "tags": ["pii"],
    },
    {
        "urn": DATASETS[1],
        "name": "orders_daily",
        "description": "100% of rows",
        "tags": ["pii", "gold"],
    },
    {"urn": DATASETS[2], "name": "Customers", "owners": [{"ownerUrn": USERS[1]}]},
    {"urn": DASHBOARD, "name": "Sales", "description": "orders by region"},
    {"urn": "urn:li:dataset:(urn:li:dataPlatform:kafka,events,PROD)", "name": "events_%_raw"},
    {"urn": "urn:li:chart:(looker,revenue)", "name": "Revenue"},
]
# Fewer than the 40 incidents seeded, so searches that match many are capped.
MAX_MATCHES = 25
LIMITS = PlanLimits(lineage_depth=10, max_matches=MAX_MATCHES)


Answer = tuple[int, str, bytes]


@dataclass
class Pair:
    compiled: Api
    resolvers: Api
    runner: asyncio.Runner
    incidents: list[str]

    def answers(self, body: dict[str, Any]) -> tuple[list[Answer], Answer]:
        """The compiled app's answers to `body` sent twice (the second time its text is
        known, and the view answers without strawberry), and the resolvers' answer."""

        async def post(api: Api) -> Answer:
            response = await api.http.post(
                "/api/graphql", json=body, headers=api.headers(Role.VIEWER)
            )
            return response.status_code, response.headers["content-type"], response.content

        async def all_of() -> tuple[list[Answer], Answer]:
            compiled = [await post(self.compiled), await post(self.compiled)]
            return compiled, await post(self.resolvers)

        return self.runner.run(all_of())


async def _seed(api: Api, rng: random.Random) -> list[str]:
    await api.gql(
        "mutation($a: [AssetInput!]!) { upsertAssets(input: $a) { created } }",
        {"a": ASSETS},
        role=Role.ADMIN,
    )
    raised: list[str] = []
    for n in range(40):
        kind = rng.choice(["FRESHNESS", "VOLUME", "OPERATIONAL", "CUSTOM"])
        spec: dict[str, Any] = {
            "type": kind,
            "resourceUrns": rng.sample([*DATASETS, DASHBOARD], rng.choice([1, 1, 2])),
            "title": rng.choice([*AWKWARD, None]),
            "description": rng.choice([*AWKWARD, None]),
            "priority": rng.choice(["LOW", "MEDIUM", "HIGH", "CRITICAL", None]),
            "assigneeUrns": rng.sample(USERS, rng.choice([0, 1, 2])),
            "startedAt": rng.choice([None, 1_700_000_000_000 + n]),
        }
        if kind == "CUSTOM":
            spec["customType"] = rng.choice([*AWKWARD[:-2], "Late"]) or "x"
        if rng.random() < 0.3:
            spec["status"] = {"state": "ACTIVE", "stage": rng.choice(["TRIAGE", "INVESTIGATION"])}
        urn = (
            await api.gql(
                "mutation($i: RaiseIncidentInput!) { raiseIncident(input: $i) }", {"i": spec}
            )
        )["raiseIncident"]
        raised.append(urn)
        if rng.random() < 0.4:
            await api.gql("mutation($u: String!) { acknowledgeIncident(urn: $u) }", {"u": urn})
        if rng.random() < 0.4:
            status: dict[str, Any] = {
                "state": "RESOLVED",
                "stage": rng.choice(["FIXED", "NO_ACTION_REQUIRED"]),
                "message": rng.choice(AWKWARD[:-2]) or "done",
            }
            if rng.random() < 0.5:
                status["rootCause"] = {
                    "category": "UPSTREAM_FAILURE",
                    "detail": rng.choice(AWKWARD),
                }
            await api.gql(
                "mutation($u: String!, $s: IncidentStatusInput!) "
                "{ updateIncidentStatus(urn: $u, input: $s) }",
                {"u": urn, "s": status},
            )
    return raised


@contextmanager
def _pair(settings: Settings) -> Iterator[Pair]:
    quiet = settings.with_overrides(notify_worker=False, incident_search_max_matches=MAX_MATCHES)
    with asyncio.Runner() as runner:
        compiled = running_api(quiet)
        resolvers = running_api(quiet.with_overrides(compiled_reads=False))
        one = runner.run(compiled.__aenter__())
        try:
            two = runner.run(resolvers.__aenter__())
            try:
                incidents = runner.run(_seed(two, random.Random(7)))  # noqa: S311 - seeded test data
                yield Pair(one, two, runner, incidents)
            finally:
                runner.run(resolvers.__aexit__(None, None, None))
        finally:
            runner.run(compiled.__aexit__(None, None, None))


# --- operations -------------------------------------------------------------------------

STAMP = ["time", "actor", "__typename"]
STATUS = ["state", "stage", "message", "__typename", ("lastUpdated", STAMP)]
ROOT_CAUSE = ["category", "detail", "__typename"]
INCIDENT: list[Any] = [
    "urn",
    "type",
    "__typename",
    "incidentType",
    "customType",
    "title",
    "description",
    "priority",
    "startedAt",
    "version",
    "resolutionNote",
    "timeToAcknowledgeMs",
    "timeToResolveMs",
    ("incidentStatus", STATUS),
    ("status", STATUS),
    ("created", STAMP),
    ("acknowledged", STAMP),
    ("resolved", STAMP),
    ("rootCause", ROOT_CAUSE),
]
# Fields the compiler leaves to the resolvers: an operation holding one is answered there.
UNCOMPILED_INCIDENT = ["assignees { urn }", "timeline { total }", "lead { urn }"]
PAGE = ["start", "count", "total", "__typename"]
HEALTH: list[Any] = [
    "type",
    "status",
    "message",
    "causes",
    "__typename",
    (
        "activeIncidentHealthDetails",
        [
            "count",
            "latestIncidentUrn",
            "latestIncidentTitle",
            "lastActivityAt",
            "activeIncidentUrns",
            "__typename",
        ],
    ),
    (
        "upstreamIncidentHealthDetails",
        ["count", "__typename", ("assets", ["urn", "depth", "incidentUrns", "__typename"])],
    ),
    ("assertionHealthDetails", ["total", "failingAssertionUrns", "__typename"]),
]


# Each list of fields names its GraphQL type, for fragments on it.
TYPES = {id(INCIDENT): "Incident", id(STATUS): "IncidentStatus", id(STAMP): "AuditStamp"}


@st.composite
def selection(
    draw: st.DrawFn, fields: list[Any], fragments: list[str] | None = None, alias: str = "a"
) -> str:
    """Some of `fields`, maybe aliased; on a known type, sometimes some of them again in an
    inline fragment or a named one (added to `fragments`), which graphql-core merges."""
    chosen = draw(
        st.lists(st.sampled_from(fields), min_size=1, max_size=len(fields), unique_by=str)
    )
    parts = []
    for n, item in enumerate(chosen):
        name, sub = (item, None) if isinstance(item, str) else item
        key = f"{alias}{n}: " if draw(st.integers(0, 5)) == 0 else ""
        inner = "" if sub is None else " { " + draw(selection(sub, fragments, alias)) + " }"
        parts.append(f"{key}{name}{inner}")
    on = TYPES.get(id(fields))
    if on is not None and fragments is not None and draw(st.integers(0, 3)) == 0:
        inner = draw(selection(fields, None, alias + "f"))
        kind = draw(st.sampled_from(["inline", "untyped", "named", "elsewhere"]))
        if kind == "named":
            name = f"F{len(fragments)}"
            fragments.append(f"fragment {name} on {on} {{ {inner} }}")
            spread = f"...{name}"
        elif kind == "elsewhere":
            # An interface the type implements: the compiler leaves it to the resolvers.
            spread = f"... on Entity {{ {inner} }}" if on == "Incident" else f"... {{ {inner} }}"
        else:
            spread = f"... {'on ' + on + ' ' if kind == 'inline' else ''}{{ {inner} }}"
        parts.insert(draw(st.integers(0, len(parts))), spread)
    return " ".join(parts)


@dataclass
class Built:
    declared: list[str]
    variables: dict[str, Any]
    # Whether this operation may hold values the resolvers refuse (most do not, so that most
    # operations exercise the compiled path; the others check it steps aside).
    bad: bool
    # Named fragments the operation spreads.
    fragments: list[str] = field(default_factory=list)

    def pick(self, draw: st.DrawFn, good: list[Any], bad: list[Any]) -> Any:
        return draw(st.sampled_from(good + bad if self.bad else good))

    def arg(self, draw: st.DrawFn, name: str, graphql_type: str, value: Any) -> str:
        """`name: value`, inline or through a variable (sometimes of a wrong JSON type)."""
        if draw(st.booleans()):
            var = f"v{len(self.declared)}"
            self.declared.append(f"${var}: {graphql_type}")
            if self.bad and draw(st.integers(0, 3)) == 0:
                value = draw(st.sampled_from([True, 1.5, {"x": 1}, "7", None, [1]]))
            if value is not _OMIT:
                self.variables[var] = value
            return f"{name}: ${var}"
        if value is _OMIT:
            return ""
        return f"{name}: {_inline(value, graphql_type)}"


_OMIT = object()


def _inline(value: Any, graphql_type: str) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v, graphql_type) for v in value) + "]"
    if isinstance(value, str) and graphql_type.startswith("Incident"):
        return value  # an enum name
    return json.dumps(value)


@st.composite
def page_field(draw: st.DrawFn, built: Built) -> str:
    args = []
    for name, graphql_type, good, bad in (
        ("state", "IncidentState", ["ACTIVE", "RESOLVED", None], []),
        ("stage", "IncidentStage", ["TRIAGE", "FIXED", "INVESTIGATION", None], []),
        ("priority", "IncidentPriority", ["LOW", "HIGH", "CRITICAL", None], []),
        ("assigneeUrns", "[String!]", [[USERS[0]], USERS, [], USERS[1], None], [["not-a-urn"]]),
        ("start", "Int", [0, 1, 3, 15, 100, None], [-1]),
        ("count", "Int", [0, 1, 5, 10, 1000, None], [1001, -2]),
    ):
        if draw(st.integers(0, 2)) == 0:
            continue
        written = built.arg(draw, name, graphql_type, built.pick(draw, [*good, _OMIT], bad))
        if written:
            args.append(written)
    inner = [*list(PAGE), ("incidents", INCIDENT)]
    if draw(st.integers(0, 15)) == 0:
        inner.append(draw(st.sampled_from(UNCOMPILED_INCIDENT)))
    body = draw(selection(inner, built.fragments))
    return f"incidents{'(' + ', '.join(args) + ')' if args else ''} {{ {body} }}"


SEARCH_RESULTS: list[Any] = [
    "start",
    "count",
    "total",
    "totalIsLowerBound",
    "__typename",
    ("incidents", INCIDENT),
    (
        "facets",
        [
            "field",
            "displayName",
            "__typename",
            ("aggregations", ["value", "count", "displayName", "__typename", ("entity", ["urn"])]),
        ],
    ),
]
ENUM_LISTS = {"states", "stages", "priorities", "types", "sourceTypes"}
# searchIncidents' filters: values that hold (some matching nothing), and values refused.
SEARCH_FILTERS: list[tuple[str, list[Any], list[Any]]] = [
    ("query", [None, "", "*"], ["late", "x" * 2001]),
    ("states", [["ACTIVE"], ["RESOLVED"], ["ACTIVE", "RESOLVED"], [], "ACTIVE", None], []),
    ("stages", [["TRIAGE"], ["FIXED", "INVESTIGATION"], None], []),
    ("priorities", [["HIGH"], ["LOW", "CRITICAL"], None], []),
    ("types", [["FRESHNESS"], ["CUSTOM", "VOLUME"], None], []),
    ("sourceTypes", [["MANUAL"], ["ASSERTION_FAILURE"], None], []),
    ("assigneeUrns", [[USERS[0]], USERS, None], [["nope"]]),
    ("creatorUrns", [USERS, None], []),
    ("leadUrns", [[USERS[0]], None], []),
    ("resourceUrns", [[DATASETS[0]], [DATASETS[1], DASHBOARD], [UNKNOWN], None], [["bad"]]),
    ("platforms", [["snowflake"], ["urn:li:dataPlatform:looker"], None], []),
    ("ownerUrns", [[USERS[1]], None], []),
    ("createdAfter", [0, 2**40, None], [2**62 * 4]),
    ("createdBefore", [2**40, 2**42, None], []),
    (
        "sort",
        [
            None,
            {"field": "PRIORITY"},
            {"field": "PRIORITY", "order": "ASC"},
            {"field": "CREATED", "order": "ASC"},
            {"field": "CREATED", "order": "DESC"},
            {"field": "UPDATED", "order": "DESC"},
            {"field": "UPDATED", "order": "ASC"},
        ],
        [{"field": "PRIORITY", "order": None}],
    ),
    ("start", [0, 3, 24, 30, None], [-1]),
    ("count", [0, 5, 20, None], [1001]),
]


INCIDENT_ENUMS = frozenset({*ENUM_LISTS, "field", "order"})
ASSET_ENUMS = frozenset({"types", "condition", "sortOrder"})


def _inline_input(value: Any, enums: frozenset[str], key: str = "") -> str:
    """An input object written in the query: the values of `enums` fields bare (enum
    names), the rest as JSON."""
    if isinstance(value, dict):
        fields = ", ".join(f"{k}: {_inline_input(v, enums, k)}" for k, v in value.items())
        return "{" + fields + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_inline_input(v, enums, key) for v in value) + "]"
    if isinstance(value, str) and key in enums:
        return value
    return json.dumps(value)


def _input_arg(draw: st.DrawFn, built: Built, given: dict[str, Any], graphql_type: str) -> str:
    """`input: ...`, written inline or through a variable (sometimes with a field the input
    does not have)."""
    if draw(st.booleans()):
        var = f"v{len(built.declared)}"
        built.declared.append(f"${var}: {graphql_type}!")
        if built.bad and draw(st.integers(0, 3)) == 0:
            given["unknownField"] = 1
        built.variables[var] = given
        return f"input: ${var}"
    enums = INCIDENT_ENUMS if graphql_type == "SearchIncidentsInput" else ASSET_ENUMS
    return f"input: {_inline_input(given, enums)}"


CRITERIA: list[dict[str, Any]] = [
    {"field": "hasActiveIncidents", "values": ["true"]},
    {"field": "hasActiveIncidents", "values": ["false"]},
    {"field": "hasActiveIncidents", "values": ["TRUE", "false"]},
    {"field": "hasResolvedIncidents", "values": ["true"], "negated": True},
    {"field": "hasFailingAssertions", "values": ["false"]},
    {"field": "numActiveIncidents", "values": ["2"], "condition": "GREATER_THAN"},
    {"field": "numActiveIncidents", "values": ["0"], "condition": "EQUAL"},
    {"field": "activeIncidentTypes", "values": ["FRESHNESS", "custom"]},
    {"field": "activeIncidentPriorities", "values": ["HIGH"], "negated": None},
    {"field": "_entityType", "values": ["DATASET"]},
    {"field": "platform", "values": ["snowflake", "urn:li:dataPlatform:kafka"]},
    {"field": "platform.keyword", "value": "looker"},
    {"field": "owners", "values": [USERS[0]]},
    {"field": "tags", "values": ["pii"]},
    {"field": "tags", "values": ["urn:li:tag:gold"], "negated": True},
    {"field": "removed", "values": ["false"]},
]
BAD_CRITERIA: list[dict[str, Any]] = [
    {"field": "nope", "values": ["x"]},
    {"field": "numActiveIncidents", "values": ["x"]},
    {"field": "platform", "values": []},
]
ASSET_SEARCH_RESULTS: list[Any] = [
    "start",
    "count",
    "total",
    "__typename",
    (
        "searchResults",
        [
            "__typename",
            ("entity", ["urn", "type", "__typename"]),
            ("matchedFields", ["name", "value"]),
            ("extraProperties", ["name", "value"]),
        ],
    ),
]


@st.composite
def asset_search_field(draw: st.DrawFn, built: Built) -> str:
    criteria = st.lists(
        st.sampled_from(CRITERIA + BAD_CRITERIA if built.bad else CRITERIA), max_size=3
    )
    given: dict[str, Any] = {
        "query": draw(st.sampled_from(["*", "", "orders", "ORD", "%", "_", "sales", "none"]))
    }
    for name, values in (
        ("types", [["DATASET"], ["DASHBOARD", "CHART"], None, *([["INCIDENT"]] * built.bad)]),
        ("orFilters", [None, []]),
        ("filters", [None]),
        (
            "sortInput",
            [
                None,
                {"sortCriterion": {"field": "name", "sortOrder": "DESCENDING"}},
                {"sortCriteria": [{"field": "numActiveIncidents", "sortOrder": "DESCENDING"}]},
                {"sortCriteria": [{"field": "urn", "sortOrder": "DESCENDING"}, {"field": "name"}]},
                {"sortCriteria": []},
                *([{"sortCriteria": [{"field": "title"}]}] * built.bad),
            ],
        ),
        ("start", [0, 1, 5, None, *([-1] * built.bad)]),
        ("count", [0, 2, 10, None, *([10_000] * built.bad)]),
        ("viewUrn", [None, *(["urn:li:dataHubView:x"] * built.bad)]),
    ):
        if draw(st.integers(0, 2)) == 0:
            continue
        given[name] = draw(st.sampled_from(values))
        if name == "orFilters" and draw(st.booleans()):
            given[name] = [{"and": draw(criteria)} for _ in range(draw(st.integers(1, 2)))]
        if name == "filters" and draw(st.booleans()):
            given[name] = draw(criteria)
    inner = list(ASSET_SEARCH_RESULTS)
    if draw(st.integers(0, 15)) == 0:
        inner.append(("facets", ["field"]))
    written = _input_arg(draw, built, given, "SearchAcrossEntitiesInput")
    return f"searchAcrossEntities({written}) {{ {draw(selection(inner, built.fragments))} }}"


@st.composite
def search_field(draw: st.DrawFn, built: Built) -> str:
    given: dict[str, Any] = {}
    for name, good, bad in SEARCH_FILTERS:
        if draw(st.integers(0, 2)) == 0:
            given[name] = built.pick(draw, good, bad)
    written = _input_arg(draw, built, given, "SearchIncidentsInput")
    inner = list(SEARCH_RESULTS)
    if draw(st.integers(0, 15)) == 0:
        inner.append(("incidents", ["assignees { urn }"]))
    return f"searchIncidents({written}) {{ {draw(selection(inner, built.fragments))} }}"


@st.composite
def operation(draw: st.DrawFn, incidents: list[str]) -> dict[str, Any]:
    built = Built([], {}, bad=draw(st.integers(0, 3)) == 0)
    roots = []
    for n in range(draw(st.integers(1, 3))):
        kind = draw(
            st.sampled_from(
                [
                    "dataset",
                    "dataset",
                    "dashboard",
                    "incident",
                    "searchIncidents",
                    "searchAcrossEntities",
                    "__typename",
                ]
            )
        )
        alias = f"r{n}: "
        if kind == "__typename":
            roots.append(alias + "__typename")
            continue
        if kind == "incident":
            urn = built.pick(draw, [*incidents[:8], "urn:li:incident:missing"], ["nope", ""])
            written = built.arg(draw, "urn", "String!", urn)
            body = draw(selection(INCIDENT, built.fragments))
            roots.append(f"{alias}incident({written}) {{ {body} }}")
            continue
        if kind == "searchIncidents":
            roots.append(alias + draw(search_field(built)))
            continue
        if kind == "searchAcrossEntities":
            roots.append(alias + draw(asset_search_field(built)))
            continue
        good = [*DATASETS, "urn:li:dataset:(urn:li:dataPlatform:x,unknown,PROD)"]
        bad = ["bad", DASHBOARD]
        if kind == "dashboard":
            good, bad = [DASHBOARD, "urn:li:dashboard:(looker,none)"], [DATASETS[0]]
        written = built.arg(draw, "urn", "String!", built.pick(draw, good, bad))
        fields = [draw(page_field(built)) for _ in range(draw(st.integers(0, 2)))]
        if draw(st.booleans()):
            fields.append(f"h{n}: health {{ {draw(selection(HEALTH, built.fragments))} }}")
        fields += draw(st.lists(st.sampled_from(["urn", "type", "__typename"]), unique=True))
        if not fields:
            fields = ["urn"]
        roots.append(f"{alias}{kind}({written}) {{ {' '.join(fields)} }}")
    declared = f"({', '.join(built.declared)})" if built.declared else ""
    text = " ".join([f"query{declared} {{ {' '.join(roots)} }}", *built.fragments])
    body: dict[str, Any] = {"query": text}
    if built.variables or draw(st.booleans()):
        body["variables"] = built.variables
    return body


# --- tests --------------------------------------------------------------------------------


def test_compiled_and_resolver_answers_are_the_same_bytes(settings: Settings) -> None:
    compiled: Counter[str] = Counter()
    with _pair(settings) as pair:

        @settings_for_runs
        @given(body=operation(pair.incidents))
        def same(body: dict[str, Any]) -> None:
            answers, resolvers = pair.answers(body)
            assert answers == [resolvers, resolvers], body
            if _compiles(body):
                text = body["query"]
                compiled["all"] += 1
                compiled["searches"] += "searchIncidents" in text
                compiled["asset searches"] += "searchAcrossEntities" in text
                compiled["fragments"] += "..." in text

        same()
    # Most drawn operations compile; the rest (bad arguments, uncompiled fields) fall back.
    print(f"compiled of {EXAMPLES}: {dict(compiled)}")  # noqa: T201
    assert compiled["all"] >= EXAMPLES // 2
    assert compiled["searches"] >= EXAMPLES // 15
    assert compiled["asset searches"] >= EXAMPLES // 15
    assert compiled["fragments"] >= EXAMPLES // 15


def _compiles(body: dict[str, Any]) -> bool:
    """Whether the compiled path answered `body` (rather than the resolvers)."""
    compiled = compile_operation(parse(body["query"]), None, LIMITS)
    return compiled is not None and compiled.bind(body.get("variables")) is not None


settings_for_runs = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=list(HealthCheck),
)


PAGE_QUERY = (
    "query($urn: String!, $state: IncidentState) { dataset(urn: $urn) "
    "{ incidents(state: $state, start: 0, count: 10) { start count total incidents { urn title } } } }"
)
# The benchmark's shape: many assets with one selection, computed as one set.
HEALTH_FIELDS = (
    "health { type status message causes activeIncidentHealthDetails { count latestIncidentUrn "
    "latestIncidentTitle lastActivityAt activeIncidentUrns } upstreamIncidentHealthDetails "
    "{ count assets { urn depth incidentUrns } } assertionHealthDetails "
    "{ total failingAssertionUrns } }"
)
HEALTH_QUERY = (
    "query($a: String!, $b: String!, $c: String!, $d: String!, $e: String!) { "
    + " ".join(f"{v}: dataset(urn: ${v}) {{ urn {HEALTH_FIELDS} }}" for v in "abcde")
    + " }"
)
INCIDENT_QUERY = (
    "query($urn: String!) { incident(urn: $urn) { urn title incidentStatus { state stage "
    "lastUpdated { time actor } } priority created { time } acknowledged { time actor } } }"
)


# The console's hub: a search with facets, its incidents' fields in a fragment.
SEARCH_QUERY = (
    "query Hub($input: SearchIncidentsInput!) { searchIncidents(input: $input) { start count "
    "total totalIsLowerBound incidents { ...Row urn } facets { field displayName aggregations "
    "{ value count } } } } fragment Row on Incident { urn title priority incidentStatus "
    "{ state stage } created { time actor } }"
)


# DataHub's asset search as pipelines send it (the benchmark's shape).
ASSET_SEARCH_QUERY = (
    "query($input: SearchAcrossEntitiesInput!) { searchAcrossEntities(input: $input) "
    "{ start count total searchResults { entity { urn type } } } }"
)
ACTIVE = {"and": [{"field": "hasActiveIncidents", "values": ["true"]}]}


def test_known_texts_are_answered_alike_whatever_their_variables(settings: Settings) -> None:
    """The hot shapes compile; once a text is known, the view's own path answers it, and a
    request it must not answer (NUL in a variable, a refused argument, a variable of the
    wrong type, a missing one) still gets the resolvers' exact answer."""
    with _pair(settings) as pair:
        incident = pair.incidents[0]
        bodies: list[dict[str, Any]] = [
            {"query": PAGE_QUERY, "variables": {"urn": DATASETS[0], "state": "ACTIVE"}},
            {"query": PAGE_QUERY, "variables": {"urn": DATASETS[1]}},
            {"query": PAGE_QUERY, "variables": {"urn": "urn:li:dataset:\x00"}},
            {"query": PAGE_QUERY, "variables": {"urn": DASHBOARD}},
            {"query": PAGE_QUERY, "variables": {"urn": DATASETS[0], "state": "OPEN"}},
            {"query": PAGE_QUERY, "variables": {"urn": 7}},
            {"query": PAGE_QUERY, "variables": {}},
            {"query": PAGE_QUERY, "variables": {"urn": DATASETS[2]}, "operationName": "Nope"},
            {"query": INCIDENT_QUERY, "variables": {"urn": incident}},
            {
                "query": HEALTH_QUERY,
                "variables": dict(zip("abcde", [*DATASETS, DATASETS[0], UNKNOWN], strict=True)),
            },
            {"query": INCIDENT_QUERY, "variables": {"urn": "urn:li:incident:\x00"}},
            {"query": INCIDENT_QUERY, "variables": {"urn": "urn:li:incident:unknown"}},
            {"query": SEARCH_QUERY, "variables": {"input": {}}},
            {"query": SEARCH_QUERY, "variables": {"input": {"sort": {"field": "PRIORITY"}}}},
            {"query": SEARCH_QUERY, "variables": {"input": {"states": "ACTIVE", "count": 3}}},
            {"query": SEARCH_QUERY, "variables": {"input": {"platforms": ["snowflake"]}}},
            {"query": SEARCH_QUERY, "variables": {"input": {"query": "say"}}},
            {"query": SEARCH_QUERY, "variables": {"input": {"start": -1}}},
            {"query": SEARCH_QUERY, "variables": {"input": {"states": ["OPEN"]}}},
            {"query": SEARCH_QUERY, "variables": {"input": {"leadUrns": ["x\x00"]}}},
            {
                "query": ASSET_SEARCH_QUERY,
                "variables": {"input": {"query": "*", "types": ["DATASET"], "orFilters": [ACTIVE]}},
            },
            {
                "query": ASSET_SEARCH_QUERY,
                "variables": {
                    "input": {
                        "query": "Orders",
                        "sortInput": {
                            "sortCriterion": {"field": "name", "sortOrder": "DESCENDING"}
                        },
                    }
                },
            },
            {"query": ASSET_SEARCH_QUERY, "variables": {"input": {"query": "*", "viewUrn": "x"}}},
            {"query": ASSET_SEARCH_QUERY, "variables": {"input": {"query": "*", "count": -1}}},
        ]
        for body in (bodies[0], bodies[8], bodies[9], *bodies[12:16], *bodies[20:22]):
            assert _compiles(body)
        for body in bodies:
            compiled, resolvers = pair.answers(body)
            assert compiled == [resolvers, resolvers], body
        # All 40 incidents match: the search considers the newest 25 and says so.
        _, _, content = pair.answers(bodies[12])[1]
        found = json.loads(content)["data"]["searchIncidents"]
        assert (found["total"], found["totalIsLowerBound"], found["count"]) == (25, True, 20)
        assert sum(a["count"] for a in found["facets"][0]["aggregations"]) == 25
        # Three datasets have active incidents; "orders" is in three assets' names or text.
        for body, total in ((bodies[20], 3), (bodies[21], 3)):
            _, _, content = pair.answers(body)[1]
            assert json.loads(content)["data"]["searchAcrossEntities"]["total"] == total

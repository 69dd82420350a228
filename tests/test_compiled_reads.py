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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from conftest import running_api
from graphql import parse
from helpers import Api
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from incident_graph.api.compiled_plans import compile_operation
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
        {"a": [{"urn": u} for u in [*DATASETS, DASHBOARD]]},
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
    quiet = settings.with_overrides(notify_worker=False)
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


@st.composite
def selection(draw: st.DrawFn, fields: list[Any]) -> str:
    chosen = draw(
        st.lists(st.sampled_from(fields), min_size=1, max_size=len(fields), unique_by=str)
    )
    parts = []
    for n, item in enumerate(chosen):
        name, sub = (item, None) if isinstance(item, str) else item
        alias = f"a{n}: " if draw(st.integers(0, 5)) == 0 else ""
        parts.append(
            f"{alias}{name}" + ("" if sub is None else " { " + draw(selection(sub)) + " }")
        )
    return " ".join(parts)


@dataclass
class Built:
    declared: list[str]
    variables: dict[str, Any]
    # Whether this operation may hold values the resolvers refuse (most do not, so that most
    # operations exercise the compiled path; the others check it steps aside).
    bad: bool

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
    body = draw(selection(inner))
    return f"incidents{'(' + ', '.join(args) + ')' if args else ''} {{ {body} }}"


@st.composite
def operation(draw: st.DrawFn, incidents: list[str]) -> dict[str, Any]:
    built = Built([], {}, bad=draw(st.integers(0, 3)) == 0)
    roots = []
    for n in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["dataset", "dataset", "dashboard", "incident", "__typename"]))
        alias = f"r{n}: "
        if kind == "__typename":
            roots.append(alias + "__typename")
            continue
        if kind == "incident":
            urn = built.pick(draw, [*incidents[:8], "urn:li:incident:missing"], ["nope", ""])
            written = built.arg(draw, "urn", "String!", urn)
            roots.append(f"{alias}incident({written}) {{ {draw(selection(INCIDENT))} }}")
            continue
        good = [*DATASETS, "urn:li:dataset:(urn:li:dataPlatform:x,unknown,PROD)"]
        bad = ["bad", DASHBOARD]
        if kind == "dashboard":
            good, bad = [DASHBOARD, "urn:li:dashboard:(looker,none)"], [DATASETS[0]]
        written = built.arg(draw, "urn", "String!", built.pick(draw, good, bad))
        fields = [draw(page_field(built)) for _ in range(draw(st.integers(0, 2)))]
        if draw(st.booleans()):
            fields.append(f"h{n}: health {{ {draw(selection(HEALTH))} }}")
        fields += draw(st.lists(st.sampled_from(["urn", "type", "__typename"]), unique=True))
        if not fields:
            fields = ["urn"]
        roots.append(f"{alias}{kind}({written}) {{ {' '.join(fields)} }}")
    declared = f"({', '.join(built.declared)})" if built.declared else ""
    body: dict[str, Any] = {"query": f"query{declared} {{ {' '.join(roots)} }}"}
    if built.variables or draw(st.booleans()):
        body["variables"] = built.variables
    return body


# --- tests --------------------------------------------------------------------------------


def test_compiled_and_resolver_answers_are_the_same_bytes(settings: Settings) -> None:
    compiled_answers = 0
    with _pair(settings) as pair:

        @settings_for_runs
        @given(body=operation(pair.incidents))
        def same(body: dict[str, Any]) -> None:
            nonlocal compiled_answers
            compiled, resolvers = pair.answers(body)
            assert compiled == [resolvers, resolvers], body
            compiled_answers += _compiles(body)

        same()
    # Most drawn operations compile; the rest (bad arguments, uncompiled fields) fall back.
    print(f"compiled: {compiled_answers} of {EXAMPLES}")  # noqa: T201
    assert compiled_answers >= EXAMPLES // 2


def _compiles(body: dict[str, Any]) -> bool:
    """Whether the compiled path answered `body` (rather than the resolvers)."""
    compiled = compile_operation(parse(body["query"]), None, lineage_depth=10)
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
        ]
        for body in (bodies[0], bodies[8], bodies[9]):
            assert _compiles(body)
        for body in bodies:
            compiled, resolvers = pair.answers(body)
            assert compiled == [resolvers, resolvers], body

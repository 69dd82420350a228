"""Every bounded input is checked before the database, with the limit its column has: a value
at the limit is stored, one character (or unit) more is BAD_USER_INPUT naming the field and
the limit, and nothing is stored; the same on SQLite and PostgreSQL. NUL characters are
refused in every text input, reads included."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

import pytest
from db_fingerprint import fingerprint
from helpers import DATASET, Api

from incident_graph.domain import limits
from incident_graph.domain.enums import Role
from incident_graph.domain.incident_search import MAX_QUERY
from incident_graph.domain.oncall import MAX_LENGTH_DAYS
from incident_graph.services.users import MAX_TOKEN_DAYS

RAISE = "mutation($input: RaiseIncidentInput!) { raiseIncident(input: $input) }"
BASE = "urn:li:incident:base"
UPDATE = (
    'mutation($input: UpdateIncidentInput!) { updateIncident(urn: "%s", input: $input) }' % BASE
)
UPSERT = "mutation($input: [AssetInput!]!) { upsertAssets(input: $input) { created updated } }"
SCHEDULE = "mutation($input: OnCallScheduleInput!) { createOnCallSchedule(input: $input) { id } }"
ADMIN_USER = "urn:li:corpuser:admin-user"


def text(n: int) -> str:
    return "x" * n


@dataclass(frozen=True)
class Bounded:
    """One bounded input: the operation, where the value goes, and its limit."""

    name: str
    document: str
    variables: Callable[[Any], dict[str, Any]]
    limit: int
    # The value of a given size (a length for text, the number itself for numbers).
    value: Callable[[int], Any] = text
    # Words the refusal must contain: the field's name.
    field: str = ""


def raise_with(**fields: Any) -> dict[str, Any]:
    return {"input": {"type": "OPERATIONAL", "resourceUrn": DATASET} | fields}


CASES = [
    Bounded("raise title", RAISE, lambda v: raise_with(title=v), limits.TITLE, field="title"),
    Bounded(
        "raise customType",
        RAISE,
        lambda v: raise_with(type="CUSTOM", customType=v),
        limits.NAME,
        field="customType",
    ),
    Bounded(
        "raise description",
        RAISE,
        lambda v: raise_with(description=v),
        limits.LONG_TEXT,
        field="description",
    ),
    Bounded(
        "raise status message",
        RAISE,
        lambda v: raise_with(status={"state": "ACTIVE", "message": v}),
        limits.LONG_TEXT,
        field="status message",
    ),
    Bounded(
        "raise sourceUrn",
        RAISE,
        lambda v: raise_with(source={"type": "ASSERTION_FAILURE", "sourceUrn": v}),
        limits.URN,
        value=lambda n: "urn:li:assertion:" + text(n - len("urn:li:assertion:")),
        field="source URN",
    ),
    Bounded(
        "raise resourceUrn",
        RAISE,
        lambda v: raise_with(resourceUrn=v),
        limits.URN,
        value=lambda n: "urn:li:dataset:" + text(n - len("urn:li:dataset:")),
        field="resource URN",
    ),
    Bounded(
        "raise resourceUrn platform",
        RAISE,
        lambda v: raise_with(resourceUrn=v),
        limits.PLATFORM,
        value=lambda n: f"urn:li:dataset:(urn:li:dataPlatform:{text(n)},t,PROD)",
        field="platform",
    ),
    Bounded("raise id", RAISE, lambda v: raise_with(id=v), 200, field="incident id"),
    Bounded(
        "raise assignee name",
        RAISE,
        lambda v: raise_with(assigneeUrns=[v]),
        200,
        value=lambda n: "urn:li:corpuser:" + text(n),
        field="assignee",
    ),
    Bounded(
        "raise startedAt",
        RAISE,
        lambda v: raise_with(startedAt=v),
        limits.EPOCH_MS_MAX,
        value=lambda n: n,
        field="startedAt",
    ),
    Bounded("update title", UPDATE, lambda v: {"input": {"title": v}}, limits.TITLE, field="title"),
    Bounded(
        "update description",
        UPDATE,
        lambda v: {"input": {"description": v}},
        limits.LONG_TEXT,
        field="description",
    ),
    Bounded(
        "comment",
        'mutation($t: String!) { addIncidentComment(urn: "%s", text: $t) }' % BASE,
        lambda v: {"t": v},
        limits.LONG_TEXT,
        field="text",
    ),
    Bounded(
        "root cause detail",
        'mutation($d: String!) { setIncidentRootCause(urn: "%s", '
        "rootCause: {category: OTHER, detail: $d}) }" % BASE,
        lambda v: {"d": v},
        limits.LONG_TEXT,
        field="rootCause.detail",
    ),
    Bounded(
        "user name",
        "mutation($n: String!) { createUser(input: {name: $n}) { urn } }",
        lambda v: {"n": v},
        200,
        field="user name",
    ),
    Bounded(
        "user displayName",
        'mutation($d: String) { createUser(input: {name: "u", displayName: $d}) { urn } }',
        lambda v: {"d": v},
        limits.NAME,
        field="display name",
    ),
    Bounded(
        "team name",
        "mutation($n: String!) { createGroup(input: {name: $n}) { urn } }",
        lambda v: {"n": v},
        200,
        field="group name",
    ),
    Bounded(
        "team displayName",
        'mutation($d: String) { createGroup(input: {name: "g", displayName: $d}) { urn } }',
        lambda v: {"d": v},
        limits.NAME,
        field="display name",
    ),
    Bounded(
        "token name",
        "mutation($n: String!) { createAccessToken(name: $n) { accessToken } }",
        lambda v: {"n": v},
        limits.NAME,
        field="token name",
    ),
    Bounded(
        "token expiresInDays",
        'mutation($d: Int) { createAccessToken(name: "t", expiresInDays: $d) { accessToken } }',
        lambda v: {"d": v},
        MAX_TOKEN_DAYS,
        value=lambda n: n,
        field="expiresInDays",
    ),
    Bounded(
        "channel name",
        "mutation($n: String!) { createNotificationChannel(name: $n, "
        'destination: {kind: WEBHOOK, url: "https://hooks.example.com/x"}) { id } }',
        lambda v: {"n": v},
        limits.NAME,
        field="name",
    ),
    Bounded(
        "policy name",
        "mutation($n: String!) { createNotificationPolicy(input: "
        '{name: $n, userUrns: ["%s"]}) { id } }' % ADMIN_USER,
        lambda v: {"n": v},
        limits.NAME,
        field="name",
    ),
    Bounded(
        "schedule name",
        SCHEDULE,
        lambda v: {"input": {"name": v, "members": [ADMIN_USER]}},
        limits.NAME,
        field="name",
    ),
    Bounded(
        "schedule lengthDays",
        SCHEDULE,
        lambda v: {"input": {"name": "s", "members": [ADMIN_USER], "lengthDays": v}},
        MAX_LENGTH_DAYS,
        value=lambda n: n,
        field="lengthDays",
    ),
    Bounded(
        "asset urn",
        UPSERT,
        lambda v: {"input": [{"urn": v}]},
        limits.URN,
        value=lambda n: "urn:li:dataset:" + text(n - len("urn:li:dataset:")),
        field="URN",
    ),
    Bounded(
        "asset name",
        UPSERT,
        lambda v: {"input": [{"urn": DATASET, "name": v}]},
        limits.URN,
        field="name",
    ),
    Bounded(
        "asset description",
        UPSERT,
        lambda v: {"input": [{"urn": DATASET, "description": v}]},
        limits.LONG_TEXT,
        field="description",
    ),
    Bounded(
        "asset tag",
        UPSERT,
        lambda v: {"input": [{"urn": DATASET, "tags": [v]}]},
        limits.TAG,
        field="tag",
    ),
    Bounded(
        "platform grant",
        'mutation($r: String) { grantPrivilege(input: {granteeUrn: "%s", '
        "scope: PLATFORM, resource: $r}) { privilege } }" % ADMIN_USER,
        lambda v: {"r": v},
        limits.PLATFORM,
        field="platform name",
    ),
]


@pytest.fixture
async def api(api_with: Callable[..., AbstractAsyncContextManager[Api]]) -> AsyncIterator[Api]:
    """The app without its delivery worker, which would mark events dispatched in the
    background while a test compares fingerprints."""
    async with api_with(notify_worker=False) as client:
        yield client


async def _prepare(api: Api) -> None:
    await api.raise_incident(id="base", title="base")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_value_at_its_limit_is_stored_and_one_more_is_refused(
    api: Api, case: Bounded
) -> None:
    await _prepare(api)
    engine = api.app.state.db.read_engine  # type: ignore[union-attr]
    before = await fingerprint(engine)
    response = await api.post(
        case.document, case.variables(case.value(case.limit + 1)), role=Role.ADMIN
    )
    body = response.json()
    assert body.get("errors"), body
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert case.field in error["message"], error["message"]
    assert str(case.limit) in error["message"], error["message"]
    assert await fingerprint(engine) == before
    await api.gql(case.document, case.variables(case.value(case.limit)), role=Role.ADMIN)
    assert await fingerprint(engine) != before


async def test_long_beyond_64_bits_is_refused(api: Api) -> None:
    """GraphQL's Long holds what a BIGINT column does: beyond it SQLite's driver fails with
    OverflowError and asyncpg with its own error, so the scalar refuses it first."""
    engine = api.app.state.db.read_engine  # type: ignore[union-attr]
    before = await fingerprint(engine)
    for value in (limits.LONG_MAX + 1, limits.LONG_MIN - 1):
        error = await api.error(RAISE, raise_with(startedAt=value))
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        # Beyond 64 bits unsigned the JSON decoder already reads a float: refused either way.
        assert "Long" in error["message"]
    literal = await api.error(
        "{ whoIsOnCall(schedule: 1, at: %d) { __typename } }" % (limits.LONG_MAX + 1)
    )
    assert literal["extensions"]["code"] == "BAD_USER_INPUT"
    assert await fingerprint(engine) == before


async def test_search_query_at_its_limit(api: Api) -> None:
    query = "query($q: String) { searchIncidents(input: {query: $q}) { total } }"
    assert (await api.gql(query, {"q": text(MAX_QUERY)})) == {"searchIncidents": {"total": 0}}
    error = await api.error(query, {"q": text(MAX_QUERY + 1)})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert str(MAX_QUERY) in error["message"]


# Text inputs of every kind, each given a NUL character: as a variable and as a literal.
NUL_CASES = [
    ("raise title", RAISE, raise_with(title="a\x00b")),
    ("raise sourceUrn", RAISE, raise_with(source={"type": "MANUAL", "sourceUrn": "urn:li:x:\x00"})),
    ("raise resourceUrn", RAISE, raise_with(resourceUrn="urn:li:dataset:(\x00)")),
    ("update description", UPDATE, {"input": {"description": "\x00"}}),
    (
        "comment",
        'mutation($t: String!) { addIncidentComment(urn: "%s", text: $t) }' % BASE,
        {"t": "hello\x00"},
    ),
    (
        "incident read",
        "query($u: String!) { incident(urn: $u) { urn } }",
        {"u": "urn:li:incident:\x00"},
    ),
    ("entity read", "query($u: String!) { entity(urn: $u) { urn } }", {"u": BASE + "\x00"}),
    ("dataset read", "query($u: String!) { dataset(urn: $u) { urn } }", {"u": DATASET + "\x00"}),
    (
        "search",
        "query($q: String!) { searchAcrossEntities(input: {query: $q}) { total } }",
        {"q": "a\x00"},
    ),
    ("user", "mutation($n: String!) { createUser(input: {name: $n}) { urn } }", {"n": "a\x00"}),
    ("team", "mutation($n: String!) { createGroup(input: {name: $n}) { urn } }", {"n": "a\x00"}),
    (
        "token",
        "mutation($n: String!) { createAccessToken(name: $n) { accessToken } }",
        {"n": "\x00"},
    ),
    (
        "channel",
        (
            'mutation($u: String) { createNotificationChannel(name: "c", '
            "destination: {kind: WEBHOOK, url: $u}) { id } }"
        ),
        {"u": "https://hooks.example.com/\x00"},
    ),
    (
        "schedule",
        SCHEDULE,
        {"input": {"name": "s", "members": [ADMIN_USER], "timeZone": "UTC\x00"}},
    ),
    ("asset tag", UPSERT, {"input": [{"urn": DATASET, "tags": ["pii\x00"]}]}),
]


@pytest.mark.parametrize(
    ("name", "document", "variables"), NUL_CASES, ids=[c[0] for c in NUL_CASES]
)
async def test_nul_is_refused_in_every_text_input(
    api: Api, name: str, document: str, variables: dict[str, Any]
) -> None:
    await _prepare(api)
    engine = api.app.state.db.read_engine  # type: ignore[union-attr]
    before = await fingerprint(engine)
    error = await api.error(document, variables, role=Role.ADMIN)
    assert error["extensions"]["code"] == "BAD_USER_INPUT", (name, error)
    assert "NUL character" in error["message"]
    assert await fingerprint(engine) == before


async def test_nul_in_a_query_literal_is_refused(api: Api) -> None:
    await _prepare(api)
    engine = api.app.state.db.read_engine  # type: ignore[union-attr]
    before = await fingerprint(engine)
    error = await api.error(
        'mutation { raiseIncident(input: {type: OPERATIONAL, resourceUrn: "%s", title: "a\\u0000"}) }'
        % DATASET
    )
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "NUL character" in error["message"]
    assert error["locations"]
    read = await api.error('{ incident(urn: "urn:li:incident:\\u0000") { urn } }')
    assert read["extensions"]["code"] == "BAD_USER_INPUT"
    assert await fingerprint(engine) == before


async def test_the_issue_cases(api: Api) -> None:
    """The two reports: a 1,007-character sourceUrn, and an incident URN holding NUL."""
    engine = api.app.state.db.read_engine  # type: ignore[union-attr]
    before = await fingerprint(engine)
    long_source = "urn:li:assertion:" + "a" * 990
    assert len(long_source) == 1007
    error = await api.error(
        RAISE, raise_with(source={"type": "ASSERTION_FAILURE", "sourceUrn": long_source})
    )
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "source.sourceUrn"}
    assert "1007 characters long; the limit is 1000" in error["message"]
    nul = await api.error(
        "query($u: String!) { incident(urn: $u) { urn } }", {"u": "urn:li:incident:\x00"}
    )
    assert nul["extensions"]["code"] == "BAD_USER_INPUT"
    assert await fingerprint(engine) == before


async def test_nul_in_an_ingested_aspect_is_refused(api: Api) -> None:
    """DataHub's emitters send aspects as JSON strings: a NUL inside one is refused (422) and
    nothing of the proposal is stored, on both databases."""
    engine = api.app.state.db.read_engine  # type: ignore[union-attr]
    before = await fingerprint(engine)
    proposal = {
        "entityType": "dataset",
        "entityUrn": DATASET,
        "changeType": "UPSERT",
        "aspectName": "datasetProperties",
        "aspect": {
            "value": json.dumps({"description": "a\x00b"}),
            "contentType": "application/json",
        },
    }
    response = await api.http.post(
        "/aspects?action=ingestProposal",
        json={"proposal": proposal},
        headers=api.headers(Role.ADMIN),
    )
    assert response.status_code == 422, response.text
    assert "NUL character" in response.text
    assert await fingerprint(engine) == before

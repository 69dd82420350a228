"""Request limits on /api/graphql: depth, aliases, tokens, body size, batches, variable types.

Every refusal is a GraphQL error with code BAD_USER_INPUT and a message naming the limit and
the setting that changes it; a refused write changes nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

import pytest
from helpers import DATASET, Api

RAISE = "mutation($input: RaiseIncidentInput!) { raiseIncident(input: $input) }"

# Field steps that can nest forever: Dataset.incidents -> EntityIncidentsResult.incidents ->
# Incident.entity -> (... on Dataset) and round again. Each step is one level of depth.
_STEPS = ["incidents", "incidents", "entity { ... on Dataset"]
_LEAVES = ["urn", "total", "urn"]


def deep_query(depth: int) -> str:
    """A query whose deepest field sits `depth` levels below the root field."""
    opened: list[str] = ['dataset(urn: "%s")' % DATASET]
    closing = ["}"]
    for level in range(1, depth):
        step = _STEPS[(level - 1) % 3]
        opened.append(step)
        closing.append("} }" if "..." in step else "}")
    leaf = _LEAVES[(depth - 1) % 3]
    return "{ " + " { ".join(opened) + " { " + leaf + " " + " ".join(reversed(closing)) + " }"


async def _incident_count(api: Api) -> int:
    data = await api.gql(
        "query($u: String!) { dataset(urn: $u) { incidents { total } } }", {"u": DATASET}
    )
    return 0 if data["dataset"] is None else int(data["dataset"]["incidents"]["total"])


def _assert_limit_refusal(error: dict[str, object], limit: str, setting: str) -> None:
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "limit": limit}, error
    assert f"INCIDENT_GRAPH_{setting}" in str(error["message"])
    assert "Traceback" not in str(error["message"])


async def test_depth_15_is_allowed_and_16_refused_by_default(api: Api) -> None:
    assert await api.gql(deep_query(15)) == {"dataset": None}
    error = await api.error(deep_query(16))
    _assert_limit_refusal(error, "depth", "MAX_QUERY_DEPTH")
    assert "depth limit is 15" in error["message"]


async def test_introspection_fields_do_not_count_towards_depth(api: Api) -> None:
    from graphql import get_introspection_query

    data = await api.gql(get_introspection_query())
    assert data["__schema"]["queryType"]["name"] == "Query"


async def test_empty_selection_sets_are_measured_not_refused(api: Api) -> None:
    # graphql-core accepts them; DataHub's CLI sends `... on T {}` once it strips the fields of T
    # a server lacks. The limits still apply to everything around them.
    query = '{ dataset(urn: "%s") { urn } entity(urn: "%s") { urn ... on Incident {} } }'
    assert await api.gql(query % (DATASET, DATASET)) == {"dataset": None, "entity": None}
    beside = '{ entity(urn: "%s") { ... on Incident {} } ' % DATASET
    response = await api.post(beside + deep_query(16).removeprefix("{ "))
    [error] = response.json()["errors"]
    _assert_limit_refusal(error, "depth", "MAX_QUERY_DEPTH")
    assert "depth limit is 15" in error["message"]


async def test_depth_limit_is_configurable(
    api_with: Callable[..., AbstractAsyncContextManager[Api]],
) -> None:
    async with api_with(max_query_depth=3) as api:
        assert await api.gql(deep_query(3)) == {"dataset": None}
        error = await api.error(deep_query(4))
        _assert_limit_refusal(error, "depth", "MAX_QUERY_DEPTH")
        assert "depth limit is 3" in error["message"]


def _aliases(count: int) -> str:
    return "{ " + " ".join(f"a{i}: __typename" for i in range(count)) + " }"


async def test_30_aliases_are_allowed_and_31_refused_by_default(api: Api) -> None:
    assert len(await api.gql(_aliases(30))) == 30
    error = await api.error(_aliases(31))
    _assert_limit_refusal(error, "aliases", "MAX_ALIASES")
    assert "31 aliases" in error["message"]


async def test_aliases_limit_is_configurable_and_a_refused_write_changes_nothing(
    api_with: Callable[..., AbstractAsyncContextManager[Api]],
) -> None:
    async with api_with(max_aliases=2) as api:
        await api.raise_incident()
        raises = " ".join(
            f'r{i}: raiseIncident(input: {{type: OPERATIONAL, resourceUrn: "{DATASET}"}})'
            for i in range(3)
        )
        error = await api.error(f"mutation {{ {raises} }}")
        _assert_limit_refusal(error, "aliases", "MAX_ALIASES")
        assert await _incident_count(api) == 1
        two = raises.rsplit(" r2:", 1)[0]
        assert len(await api.gql(f"mutation {{ {two} }}")) == 2
        assert await _incident_count(api) == 3


def _tokens(count: int) -> str:
    # 20 tokens of structure, then one per string in the list (commas do not count).
    users = " ".join(['"urn:li:corpuser:a"'] * (count - 20))
    return '{ dataset(urn: "%s") { incidents(assigneeUrns: [%s]) { total } } }' % (DATASET, users)


async def test_5000_tokens_are_allowed_and_more_refused_by_default(api: Api) -> None:
    assert await api.gql(_tokens(5000)) == {"dataset": None}
    error = await api.error(_tokens(5001))
    _assert_limit_refusal(error, "tokens", "MAX_TOKENS")
    assert "more than 5000 tokens" in error["message"]


async def test_tokens_limit_is_configurable_and_a_refused_write_changes_nothing(
    api_with: Callable[..., AbstractAsyncContextManager[Api]],
) -> None:
    async with api_with(max_tokens=24) as api:
        padded = (
            'mutation { raiseIncident(input: {type: OPERATIONAL, resourceUrn: "%s", '
            'title: "a", description: "b", priority: HIGH}) }' % DATASET
        )
        error = await api.error(padded)
        _assert_limit_refusal(error, "tokens", "MAX_TOKENS")
        assert "more than 24 tokens" in error["message"]
        assert await _incident_count(api) == 0
        # The variables carry no tokens: the same write through them fits.
        await api.raise_incident(title="a", description="b", priority="HIGH")
        assert await _incident_count(api) == 1


async def test_limit_refusals_go_to_the_same_path_as_other_errors(api: Api) -> None:
    """A limit never turns a bad document into an internal error or a leaked exception."""
    for query, first in (
        ("{ ...Missing }", "Unknown fragment 'Missing'."),
        ("query Q { ...A } fragment A on Query { ...A }", "Cannot spread fragment 'A' within"),
        ("{ a: __typename ...Missing }", "Unknown fragment 'Missing'."),
    ):
        response = await api.post(query)
        assert response.status_code == 200
        errors = response.json()["errors"]
        assert errors[0]["message"].startswith(first), errors
        assert all(e["extensions"]["code"] == "BAD_USER_INPUT" for e in errors), errors
        assert "Traceback" not in response.text


@pytest.fixture
async def small_body(
    api_with: Callable[..., AbstractAsyncContextManager[Api]],
) -> AsyncIterator[Api]:
    async with api_with(max_body_bytes=200) as api:
        yield api


def _body(size: int) -> bytes:
    head, tail = b'{"query": "', b'{ __typename }"}'
    return head + b" " * (size - len(head) - len(tail)) + tail


async def test_body_over_the_configured_limit_is_http_413(small_body: Api) -> None:
    api = small_body
    headers = api.headers() | {"Content-Type": "application/json"}
    ok = await api.http.post("/api/graphql", content=_body(200), headers=headers)
    assert ok.status_code == 200, ok.text
    refused = await api.http.post("/api/graphql", content=_body(201), headers=headers)
    assert refused.status_code == 413
    error = refused.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "over 200 bytes" in error["message"]
    assert "INCIDENT_GRAPH_MAX_BODY_BYTES" in error["message"]
    assert len(refused.headers["x-request-id"]) == 32


async def test_streamed_body_without_length_is_cut_at_the_limit(small_body: Api) -> None:
    api = small_body

    async def chunks() -> AsyncIterator[bytes]:
        body = _body(400)
        for start in range(0, len(body), 50):
            yield body[start : start + 50]

    refused = await api.http.post(
        "/api/graphql",
        content=chunks(),
        headers=api.headers() | {"Content-Type": "application/json"},
    )
    assert refused.status_code == 413
    assert refused.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_batch_is_refused_and_runs_nothing(api: Api) -> None:
    one = {"query": RAISE, "variables": {"input": {"type": "OPERATIONAL", "resourceUrn": DATASET}}}
    response = await api.http.post("/api/graphql", json=[one, one], headers=api.headers())
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "batched requests" in error["message"]
    assert await _incident_count(api) == 0


@pytest.mark.parametrize("body", [b'"{ __typename }"', b"42", b"null"])
async def test_a_body_that_is_not_an_object_is_refused(api: Api, body: bytes) -> None:
    response = await api.http.post(
        "/api/graphql",
        content=body,
        headers=api.headers() | {"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "JSON object" in error["message"]


@pytest.mark.parametrize(
    ("variables", "needle"),
    [
        ({"input": {"type": "OPERATIONAL", "resourceUrn": DATASET, "startedAt": "soon"}}, "soon"),
        ({"input": {"type": "NOT_A_TYPE", "resourceUrn": DATASET}}, "NOT_A_TYPE"),
        ({"input": {"type": "OPERATIONAL", "resourceUrn": 7}}, "resourceUrn"),
        ({"input": {"type": "OPERATIONAL", "resourceUrn": DATASET, "nope": 1}}, "nope"),
        ({"input": "not an object"}, "input"),
        ({}, "input"),
    ],
)
async def test_variables_that_do_not_match_their_types_are_bad_user_input(
    api: Api, variables: dict[str, object], needle: str
) -> None:
    error = await api.error(RAISE, variables)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert needle in error["message"]
    assert await _incident_count(api) == 0

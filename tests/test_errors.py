"""Every bad input gets a clear error with a stable code, and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import DATASET, Api

from incident_graph.domain.enums import Role

RAISE = "mutation($input: RaiseIncidentInput!) { raiseIncident(input: $input) }"


async def _state(api: Api) -> Any:
    """Everything a failed write could have touched, as the API shows it."""
    search = await api.gql(
        '{ searchAcrossEntities(input: {query: "*", count: 1000}) '
        "{ total searchResults { entity { urn ... on DataAsset { incidents { total "
        "incidents { urn title description priority version incidentStatus { state message } "
        "assignees { ... on CorpUser { urn } } } } } } } } }"
    )
    return search["searchAcrossEntities"]


@pytest.mark.parametrize(
    ("fields", "needle"),
    [
        ({"resourceUrn": None}, "at least one asset"),
        ({"resourceUrn": None, "resourceUrns": []}, "at least one asset"),
        ({"type": "CUSTOM"}, "customType"),
        ({"type": "CUSTOM", "customType": "   "}, "customType"),
        ({"customType": "x"}, "only allowed with type CUSTOM"),
        ({"resourceUrn": "not-a-urn"}, "must start with 'urn:li:'"),
        ({"resourceUrn": "urn:li:dataset:(a,b"}, "unbalanced parentheses"),
        ({"resourceUrn": "urn:li:dataset:a b"}, "whitespace"),
        ({"resourceUrn": "urn:li:glossaryTerm:x"}, "incidents can be raised on"),
        ({"resourceUrn": "urn:li:dataset:"}, "empty key"),
        ({"resourceUrn": "urn:li:dataset:" + "x" * 1000}, "limit is 1000"),
        ({"title": "t" * 501}, "the limit is 500"),
        ({"description": "d" * 50_001}, "the limit is 50000"),
        ({"assigneeUrns": ["urn:li:dataset:(abc)"]}, "not a user or group"),
        ({"id": "has space"}, "incident id"),
        ({"startedAt": -1}, "cannot be negative"),
    ],
)
async def test_bad_raise_is_refused_and_changes_nothing(
    api: Api, fields: dict[str, Any], needle: str
) -> None:
    await api.raise_incident(title="existing")
    before = await _state(api)
    payload = {"type": "OPERATIONAL", "resourceUrn": DATASET} | fields
    error = await api.error(RAISE, {"input": payload})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert needle in error["message"]
    assert await _state(api) == before


async def test_title_and_description_at_their_limits_are_accepted(api: Api) -> None:
    urn = await api.raise_incident(title="t" * 500, description="d" * 50_000)
    incident = await api.incident(urn)
    assert len(incident["title"]) == 500
    assert len(incident["description"]) == 50_000


async def test_unknown_incident_is_not_found_for_every_write(api: Api) -> None:
    before = await _state(api)
    missing = "urn:li:incident:does-not-exist"
    status = await api.error(
        "mutation($u: String!) { updateIncidentStatus(urn: $u, input: {state: RESOLVED}) }",
        {"u": missing},
    )
    update = await api.error(
        'mutation($u: String!) { updateIncident(urn: $u, input: {title: "x"}) }', {"u": missing}
    )
    for error in (status, update):
        assert error["extensions"]["code"] == "NOT_FOUND"
        assert missing in error["message"]
    assert (await api.gql("query($u: String!) { incident(urn: $u) { urn } }", {"u": missing})) == {
        "incident": None
    }
    assert await _state(api) == before


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        ("start: -1", "start must be 0 or more"),
        ("count: -1", "between 0 and 1000"),
        ("count: 1001", "between 0 and 1000"),
        ('assigneeUrns: ["bad"]', "bad assignee"),
    ],
)
async def test_bad_paging_is_refused(api: Api, args: str, needle: str) -> None:
    await api.raise_incident()
    error = await api.error(
        "query($u: String!) { dataset(urn: $u) { incidents(%s) { total } } }" % args, {"u": DATASET}
    )
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert needle in error["message"]


async def test_count_zero_and_1000_are_allowed(api: Api) -> None:
    await api.raise_incident()
    assert (await api.asset_incidents(args="count: 0")) == {
        "start": 0,
        "count": 0,
        "total": 1,
        "incidents": [],
    }
    largest = await api.asset_incidents(args="count: 1000")
    assert (largest["count"], len(largest["incidents"])) == (1000, 1)


async def test_bad_asset_urn_in_query_and_wrong_entity_kind(api: Api) -> None:
    bad = await api.error('{ dataset(urn: "urn:li:dataset:(abc") { urn } }')
    assert bad["extensions"]["code"] == "BAD_USER_INPUT"
    wrong = await api.error('{ dashboard(urn: "urn:li:dataset:(abc)") { urn } }')
    assert wrong["extensions"]["code"] == "BAD_USER_INPUT"
    assert "dataset(urn" in wrong["message"]
    assert (await api.gql('{ dataset(urn: "urn:li:dataset:(never-seen)") { urn } }')) == {
        "dataset": None
    }


async def test_malformed_json_is_http_400_with_a_graphql_error(api: Api) -> None:
    before = await _state(api)
    response = await api.http.post(
        "/api/graphql",
        content=b'{"query": "mutation { raiseIncident(input: {type: OPERATIONAL',
        headers=api.headers() | {"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "not valid JSON" in error["message"]
    assert await _state(api) == before


async def test_body_over_one_megabyte_is_http_413(api: Api) -> None:
    response = await api.http.post(
        "/api/graphql",
        content=b'{"query": "' + b" " * 1_100_000 + b'{ __typename }"}',
        headers=api.headers() | {"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_syntax_and_validation_errors_are_bad_user_input(api: Api) -> None:
    syntax = await api.error("mutation { raiseIncident(input: {type: OPERATIONAL }")
    assert syntax["extensions"]["code"] == "BAD_USER_INPUT"
    unknown_enum = await api.error(
        'mutation { raiseIncident(input: {type: NOT_A_TYPE, resourceUrn: "urn:li:dataset:(a)"}) }'
    )
    assert unknown_enum["extensions"]["code"] == "BAD_USER_INPUT"
    wrong_variable = await api.error(RAISE, {"input": {"type": "OPERATIONAL", "startedAt": "soon"}})
    assert wrong_variable["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer ", "Basic abc", "Bearer igt_not-a-real-token"],
)
async def test_missing_or_bad_token_is_http_401(api: Api, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    response = await api.http.post(
        "/api/graphql", json={"query": RAISE, "variables": {}}, headers=headers
    )
    assert response.status_code == 401
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Bearer" in error["message"] or "not valid" in error["message"]
    assert response.headers["www-authenticate"] == "Bearer"


async def test_viewer_cannot_write_and_nothing_changes(api: Api) -> None:
    urn = await api.raise_incident(title="before")
    before = await _state(api)
    attempts = [
        (RAISE, {"input": {"type": "OPERATIONAL", "resourceUrn": DATASET}}),
        (
            "mutation($u: String!) { updateIncidentStatus(urn: $u, input: {state: RESOLVED}) }",
            {"u": urn},
        ),
        ('mutation($u: String!) { updateIncident(urn: $u, input: {title: "x"}) }', {"u": urn}),
    ]
    for query, variables in attempts:
        error = await api.error(query, variables, role=Role.VIEWER)
        assert error["extensions"]["code"] == "FORBIDDEN"
    assert await _state(api) == before


async def test_update_incident_needs_a_field_and_non_empty_assets(api: Api) -> None:
    urn = await api.raise_incident()
    before = await _state(api)
    empty = await api.error(
        "mutation($u: String!) { updateIncident(urn: $u, input: {}) }", {"u": urn}
    )
    assert empty["extensions"]["code"] == "BAD_USER_INPUT"
    no_assets = await api.error(
        "mutation($u: String!) { updateIncident(urn: $u, input: {resourceUrns: []}) }", {"u": urn}
    )
    assert no_assets["extensions"]["code"] == "BAD_USER_INPUT"
    assert await _state(api) == before


async def test_internal_errors_are_masked_with_a_request_id(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from incident_graph.api.incidents import types as incident_types

    urn = await api.raise_incident()

    def explode(self: Any) -> None:
        raise RuntimeError("secret detail: password=hunter2")

    monkeypatch.setattr(
        incident_types.Incident, "from_row", classmethod(lambda _cls, row: explode(row))
    )
    # `timeline` keeps the operation on the resolvers (compiled reads would not call them).
    response = await api.post(
        "query($u: String!) { incident(urn: $u) { urn timeline { total } } }", {"u": urn}
    )
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL"
    request_id = response.headers["x-request-id"]
    assert error["extensions"]["requestId"] == request_id
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text
    assert any(request_id in r.getMessage() for r in caplog.records)


async def test_null_for_a_non_null_argument_with_a_default_is_bad_input(api: Api) -> None:
    error = await api.error(
        'query($d: Int) { impactedAssets(incidentUrn: "urn:li:incident:x", depth: $d) { depth } }',
        {"d": None},
    )
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "not to be None" in error["message"]

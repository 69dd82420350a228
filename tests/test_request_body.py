"""A POST body is read and decoded once, by the request gate; the GraphQL view runs what the
gate decoded, with strawberry's own answers for a body that is JSON but not a request."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from helpers import Api

QUERY = "query one($u: String!) { incident(urn: $u) { urn } }"


def _counting(real: Callable[..., Any], name: str, body: bytes, seen: list[str]) -> Any:
    def loads(data: Any, *args: Any, **kwargs: Any) -> Any:
        if data in (body, body.decode()):
            seen.append(name)
        return real(data, *args, **kwargs)

    return loads


async def test_a_post_body_is_decoded_once(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    body = orjson.dumps(
        {"query": QUERY, "variables": {"u": "urn:li:incident:nothing"}, "operationName": "one"}
    )
    decoded: list[str] = []
    # Spies around the real decoders (the view's orjson, strawberry's default json): each
    # notes a call that decodes this request's body, then decodes it as before.
    monkeypatch.setattr(orjson, "loads", _counting(orjson.loads, "orjson", body, decoded))
    monkeypatch.setattr(json, "loads", _counting(json.loads, "json", body, decoded))
    response = await api.http.post(
        "/api/graphql",
        content=body,
        headers=api.headers() | {"Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"incident": None}}
    assert decoded == ["orjson"]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"query": 5}, "The GraphQL operation's `query` must be a string or null, if provided."),
        (
            {"query": QUERY, "variables": []},
            "The GraphQL operation's `variables` must be an object or null, if provided.",
        ),
        (
            {"query": QUERY, "extensions": "x"},
            "The GraphQL operation's `extensions` must be an object or null, if provided.",
        ),
    ],
)
async def test_a_json_object_that_is_not_a_request_is_refused_in_graphql_shape(
    api: Api, payload: dict[str, Any], message: str
) -> None:
    response = await api.http.post("/api/graphql", json=payload, headers=api.headers())
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"message": message, "extensions": {"code": "BAD_USER_INPUT"}}]
    }


async def test_a_body_that_is_not_json_is_refused_in_graphql_shape(api: Api) -> None:
    response = await api.http.post(
        "/api/graphql",
        content=QUERY.encode(),
        headers=api.headers() | {"Content-Type": "application/graphql"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "message": "Unsupported content type",
        "extensions": {"code": "BAD_USER_INPUT"},
    }

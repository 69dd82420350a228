"""Who may introspect without a token, CORS by origin list, security headers, settings."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import pytest
from graphql import get_introspection_query
from helpers import DATASET, Api

from incident_graph.config import Settings, SettingsError

INTROSPECTION = get_introspection_query()
ORIGIN = "https://app.example.com"


async def _anonymous(api: Api, query: str, **body: object) -> tuple[int, dict[str, object]]:
    response = await api.http.post("/api/graphql", json={"query": query, **body})
    return response.status_code, response.json()


async def test_public_introspection_needs_no_token_by_default(api: Api) -> None:
    status, body = await _anonymous(api, INTROSPECTION)
    assert status == 200, body
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"  # type: ignore[index]
    status, body = await _anonymous(api, '{ __type(name: "Incident") { name } __typename }')
    assert body == {"data": {"__type": {"name": "Incident"}, "__typename": "Query"}}
    get = await api.http.get(
        "/api/graphql", params={"query": "{ __schema { queryType { name } } }"}
    )
    assert get.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


@pytest.mark.parametrize(
    ("query", "operation"),
    [
        ('{ __typename incident(urn: "urn:li:incident:x") { urn } }', None),
        ('{ dataset(urn: "%s") { urn } }' % DATASET, None),
        ('query A { __typename } query B { incident(urn: "x") { urn } }', "A"),
        ('{ ...F } fragment F on Query { incident(urn: "x") { urn } }', None),
        ('{ ... on Query { incident(urn: "x") { urn } } }', None),
        (
            'mutation { raiseIncident(input: {type: OPERATIONAL, resourceUrn: "%s"}) }' % DATASET,
            None,
        ),
        ("{ __typename", None),
    ],
)
async def test_anything_beyond_introspection_still_needs_a_token(
    api: Api, query: str, operation: str | None
) -> None:
    extra = {} if operation is None else {"operationName": operation}
    status, body = await _anonymous(api, query, **extra)
    assert status == 401
    error = body["errors"][0]  # type: ignore[index]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "only schema introspection works without one" in error["message"]
    assert (await api.gql('{ searchAcrossEntities(input: {query: "*"}) { total } }')) == {
        "searchAcrossEntities": {"total": 0}
    }


async def test_a_bad_token_is_refused_even_for_introspection(api: Api) -> None:
    response = await api.http.post(
        "/api/graphql",
        json={"query": "{ __typename }"},
        headers={"Authorization": "Bearer igt_not-a-real-token"},
    )
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_private_introspection_needs_a_token(
    api_with: Callable[..., AbstractAsyncContextManager[Api]],
) -> None:
    async with api_with(public_introspection=False) as api:
        status, body = await _anonymous(api, INTROSPECTION)
        assert status == 401
        error = body["errors"][0]  # type: ignore[index]
        assert error["extensions"]["code"] == "UNAUTHENTICATED"
        assert "only schema introspection" not in error["message"]
        get = await api.http.get("/api/graphql", params={"query": "{ __typename }"})
        assert get.status_code == 401
        data = await api.gql(INTROSPECTION)
        assert data["__schema"]["queryType"]["name"] == "Query"
        # The page is a static shell with no data of its own: it loads, and its queries
        # (schema included) work once a token is in its Headers tab.
        page = await api.http.get("/api/graphiql")
        assert page.status_code == 200


HTML_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "cache-control": "no-store",
}


async def test_graphiql_page_has_security_headers(api: Api) -> None:
    page = await api.http.get("/api/graphiql")
    assert page.status_code == 200
    for name, value in HTML_HEADERS.items():
        assert page.headers[name] == value, name
    csp = page.headers["content-security-policy"]
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "connect-src 'self'"):
        assert directive in csp
    assert "script-src" not in csp or "'unsafe-inline'" not in csp.split("script-src")[1]
    assert "camera=()" in page.headers["permissions-policy"]


def _preflight_headers(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }


async def test_cors_is_off_by_default(api: Api) -> None:
    preflight = await api.http.options("/api/graphql", headers=_preflight_headers(ORIGIN))
    assert "access-control-allow-origin" not in preflight.headers
    assert preflight.status_code == 405
    response = await api.http.post(
        "/api/graphql", json={"query": "{ __typename }"}, headers=api.headers() | {"Origin": ORIGIN}
    )
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


async def test_cors_allows_listed_origins_only(
    api_with: Callable[..., AbstractAsyncContextManager[Api]],
) -> None:
    async with api_with(cors_origins=(ORIGIN, "http://localhost:3000")) as api:
        # The browser's preflight carries no token; it must still succeed.
        preflight = await api.http.options("/api/graphql", headers=_preflight_headers(ORIGIN))
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == ORIGIN
        assert "POST" in preflight.headers["access-control-allow-methods"]
        allowed_headers = preflight.headers["access-control-allow-headers"].lower()
        assert "authorization" in allowed_headers
        assert "access-control-allow-credentials" not in preflight.headers

        response = await api.http.post(
            "/api/graphql",
            json={"query": "{ __typename }"},
            headers=api.headers() | {"Origin": ORIGIN},
        )
        assert response.json() == {"data": {"__typename": "Query"}}
        assert response.headers["access-control-allow-origin"] == ORIGIN
        assert "x-request-id" in response.headers["access-control-expose-headers"].lower()

        evil = "https://evil.example.net"
        refused = await api.http.options("/api/graphql", headers=_preflight_headers(evil))
        assert refused.status_code == 400
        assert "access-control-allow-origin" not in refused.headers
        cross = await api.http.post(
            "/api/graphql",
            json={"query": "{ __typename }"},
            headers=api.headers() | {"Origin": evil},
        )
        assert "access-control-allow-origin" not in cross.headers
        # A listed origin still needs a token for anything but introspection.
        anonymous = await api.http.post(
            "/api/graphql",
            json={"query": '{ dataset(urn: "%s") { urn } }' % DATASET},
            headers={"Origin": ORIGIN},
        )
        assert anonymous.status_code == 401
        assert anonymous.headers["access-control-allow-origin"] == ORIGIN


def test_settings_read_the_hardening_variables() -> None:
    env = {
        "INCIDENT_GRAPH_MAX_QUERY_DEPTH": "7",
        "INCIDENT_GRAPH_MAX_ALIASES": "0",
        "INCIDENT_GRAPH_MAX_TOKENS": "900",
        "INCIDENT_GRAPH_MAX_BODY_BYTES": "4096",
        "INCIDENT_GRAPH_PUBLIC_INTROSPECTION": "false",
        "INCIDENT_GRAPH_CORS_ORIGINS": " https://a.example.com/, http://localhost:3000 ,",
    }
    settings = Settings.from_env(env)
    assert (settings.max_query_depth, settings.max_aliases, settings.max_tokens) == (7, 0, 900)
    assert settings.max_body_bytes == 4096
    assert settings.public_introspection is False
    assert settings.cors_origins == ("https://a.example.com", "http://localhost:3000")
    defaults = Settings.from_env({})
    assert (defaults.max_query_depth, defaults.max_aliases, defaults.max_tokens) == (15, 30, 5000)
    assert defaults.max_body_bytes == 1_048_576
    assert defaults.public_introspection is True
    assert defaults.cors_origins == ()


@pytest.mark.parametrize(
    ("name", "value", "needle"),
    [
        ("CORS_ORIGINS", "*", "is not an origin"),
        ("CORS_ORIGINS", "app.example.com", "is not an origin"),
        ("CORS_ORIGINS", "https://app.example.com/path", "is not an origin"),
        ("MAX_QUERY_DEPTH", "0", "at least 1"),
        ("MAX_TOKENS", "lots", "not a whole number"),
        ("MAX_BODY_BYTES", "-5", "at least 1"),
        ("PUBLIC_INTROSPECTION", "maybe", "true or false"),
    ],
)
def test_bad_hardening_settings_are_refused(name: str, value: str, needle: str) -> None:
    with pytest.raises(SettingsError, match=needle):
        Settings.from_env({f"INCIDENT_GRAPH_{name}": value})

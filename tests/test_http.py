"""The plain HTTP routes: /health, /ready, /config, /metrics, GraphiQL."""

from __future__ import annotations

from helpers import Api


async def test_health_needs_no_token_or_database(api: Api) -> None:
    response = await api.http.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_reports_the_migrated_revision(api: Api) -> None:
    from incident_graph.store.migrate import head_revision

    response = await api.http.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "revision": head_revision()}


async def test_ready_is_503_when_the_database_is_behind(api: Api) -> None:
    from incident_graph.store.migrate import downgrade, upgrade

    assert api.app is not None
    engine = api.app.state.db.write_engine
    await downgrade(engine, "base")
    try:
        response = await api.http.get("/ready")
        assert response.status_code == 503
        assert response.json()["status"] == "unavailable"
    finally:
        await upgrade(engine)
    assert (await api.http.get("/ready")).status_code == 200


async def test_config_satisfies_datahub_sdk(api: Api) -> None:
    response = await api.http.get("/config")
    assert response.status_code == 200
    body = response.json()
    assert body["noCode"] == "true"
    # A DataHub version >= 1.0.1 here would switch the SDK to OpenAPI endpoints we do not serve.
    assert "acryldata/datahub" not in body.get("versions", {})


async def test_metrics_count_requests_and_write_batches(api: Api) -> None:
    await api.raise_incident()
    await api.http.get("/health")
    text = (await api.http.get("/metrics")).text
    assert (
        'incident_graph_http_requests_total{method="POST",path="/api/graphql",status="200"}' in text
    )
    assert 'incident_graph_http_requests_total{method="GET",path="/health",status="200"}' in text
    assert "incident_graph_write_batch_units_count" in text


async def test_request_id_header_on_graphql_answers(api: Api) -> None:
    response = await api.post("{ __typename }")
    assert len(response.headers["x-request-id"]) == 32


async def test_graphiql_page_and_its_assets_are_served_locally(api: Api) -> None:
    page = await api.http.get("/api/graphiql")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    for asset in (
        "/api/graphiql/static/vendor/graphiql.min.js",
        "/api/graphiql/static/vendor/graphiql.min.css",
        "/api/graphiql/static/vendor/react.production.min.js",
        "/api/graphiql/static/vendor/react-dom.production.min.js",
        "/api/graphiql/static/start.js",
    ):
        assert asset in page.text or asset.endswith("start.js")
        response = await api.http.get(asset)
        assert response.status_code == 200, asset
        assert len(response.content) > 100


async def test_get_queries_work_and_get_mutations_do_not(api: Api) -> None:
    ok = await api.http.get(
        "/api/graphql", params={"query": "{ __typename }"}, headers=api.headers()
    )
    assert ok.json() == {"data": {"__typename": "Query"}}
    refused = await api.http.get(
        "/api/graphql",
        params={
            "query": 'mutation { raiseIncident(input: {type: SQL, resourceUrn: "urn:li:dataset:(a)"}) }'
        },
        headers=api.headers(),
    )
    assert refused.status_code in {400, 405}

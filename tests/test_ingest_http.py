"""Ingestion's body limit and DataHub's frontend GraphQL path, over HTTP to the ASGI app."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from helpers import DATASET, Api

from incident_graph.domain.enums import Role


def _proposal(description: str) -> dict[str, object]:
    return {
        "entityType": "dataset",
        "entityUrn": DATASET,
        "changeType": "UPSERT",
        "aspectName": "datasetProperties",
        "aspect": {
            "value": json.dumps({"description": description}),
            "contentType": "application/json",
        },
    }


async def test_ingest_body_limit_is_its_own_and_refuses_with_413(
    api_with: Callable[..., AbstractAsyncContextManager[Api]],
) -> None:
    async with api_with(ingest_max_body_bytes=4_000, max_body_bytes=1_000) as api:
        headers = api.headers(Role.EDITOR)
        # Over GraphQL's 1,000 bytes but within ingestion's 4,000: accepted.
        fits = {"proposals": [_proposal("x" * 1_500)]}
        ok = await api.http.post("/aspects?action=ingestProposalBatch", json=fits, headers=headers)
        assert ok.json() == {"value": "success"}
        big = {"proposals": [_proposal("y" * 2_000), _proposal("z" * 2_000)]}
        refused = await api.http.post(
            "/aspects?action=ingestProposalBatch", json=big, headers=headers
        )
        assert refused.status_code == 413
        body = refused.json()
        assert body["status"] == 413
        assert "INCIDENT_GRAPH_INGEST_MAX_BODY_BYTES" in body["message"]
        data = await api.gql(
            "query($u: String!) { dataset(urn: $u) { properties { description } } }",
            {"u": DATASET},
        )
        assert data["dataset"]["properties"]["description"] == "x" * 1_500


async def test_api_v2_graphql_serves_the_same_schema(api: Api) -> None:
    response = await api.http.post(
        "/api/v2/graphql",
        json={"query": '{ dataset(urn: "%s") { urn } }' % DATASET},
        headers=api.headers(Role.VIEWER),
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"dataset": None}}
    refused = await api.http.post("/api/v2/graphql", json={"query": "{ me { role } }"})
    assert refused.status_code == 401

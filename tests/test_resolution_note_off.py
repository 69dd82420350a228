"""INCIDENT_GRAPH_REQUIRE_RESOLUTION_NOTE=false: resolving without a note is allowed."""

from __future__ import annotations

import pytest
from helpers import Api

from incident_graph.config import Settings


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings.from_env(
        {
            "INCIDENT_GRAPH_DATABASE_URL": database_url,
            "INCIDENT_GRAPH_REQUIRE_RESOLUTION_NOTE": "false",
        }
    )


async def test_resolve_without_a_note_when_the_rule_is_off(api: Api) -> None:
    urn = await api.raise_incident()
    await api.gql(
        "mutation($u: String!) { updateIncidentStatus(urn: $u, input: {state: RESOLVED}) }",
        {"u": urn},
    )
    data = await api.gql(
        "query($u: String!) { incident(urn: $u) { incidentStatus { state } resolved { actor } resolutionNote } }",
        {"u": urn},
    )
    assert data["incident"] == {
        "incidentStatus": {"state": "RESOLVED"},
        "resolved": {"actor": "urn:li:corpuser:editor-user"},
        "resolutionNote": None,
    }

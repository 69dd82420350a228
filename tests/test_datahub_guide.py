"""DataHub's Incidents API guides, request for request, verbatim.

Sources: DataHub's docs/api/tutorials/incidents.md and the managed-DataHub "Incidents API
(Beta)" page (its curl and Python `requests` bodies).
"""

from __future__ import annotations

import re

from helpers import Api

from incident_graph.domain.enums import Role

# --- The Beta guide -------------------------------------------------------------------------

BETA_RAISE_CURL_BODY = (
    '{"query":"mutation raiseIncident {\\n  raiseIncident(input: {\\n    type: OPERATIONAL\\n'
    '    title: \\"Dataset Failed Quality Checks\\"\\n    description: \\"Dataset failed 2/6 Quality '
    'Checks for suite run id xy123mksj812pk23.\\"\\n    resourceUrn: \\"urn:li:dataset:(urn:li:'
    'dataPlatform:kafka,SampleKafkaDataset,PROD)\\"\\n  })\\n}","variables":{}}'
)

BETA_RAISE_PYTHON = {
    "query": """mutation raiseIncident {\n
      raiseIncident(input: {\n
        type: OPERATIONAL\n
        resourceUrn: \"urn:li:dataset:(urn:li:dataPlatform:kafka,SampleKafkaDataset,PROD)\"\n
      })}""",
    "variables": {},
}

BETA_QUERY = """query dataset {
  dataset(urn: "urn:li:dataset:(abc)") {
    incidents(state: ACTIVE, start: 0, count: 10) {
      total
      incidents {
        urn
        title
        description
        status {
          state
        }
      }
    }
  }
}"""

BETA_RESOLVE = """mutation updateIncidentStatus {
  updateIncidentStatus(urn: "%s",
  input: {
    state: RESOLVED
    message: "Dataset is now passing validations. Verified by John Joyce on Data Platform eng."
  })
}"""

# --- The tutorial ---------------------------------------------------------------------------

TUTORIAL_RAISE = """mutation raiseIncident {
  raiseIncident(
    input: {
      resourceUrn: "urn:li:dataset:(urn:li:dataPlatform:snowflake,public.prod.purchases,PROD)"
      type: OPERATIONAL
      title: "Data is Delayed"
      description: "Data is delayed on May 15, 2024 because of downtime in the Spark Cluster."
    }
  )
}"""

TUTORIAL_QUERY = """query getAssetIncidents {
  dataset(
    urn: "urn:li:dataset:(urn:li:dataPlatform:snowflake,public.prod.purchases,PROD)"
  ) {
    incidents(state: ACTIVE, start: 0, count: 20) {
      start
      count
      total
      incidents {
        urn
        incidentType
        title
        description
        status {
          state
          lastUpdated {
            time
            actor
          }
        }
      }
    }
  }
}"""

URN = re.compile(
    r"^urn:li:incident:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
)


async def test_beta_guide_curl_raise_body_verbatim(api: Api) -> None:
    response = await api.http.post(
        "/api/graphql",
        content=BETA_RAISE_CURL_BODY,
        headers=api.headers() | {"Content-Type": "application/json"},
    )
    assert response.status_code == 200
    assert URN.match(response.json()["data"]["raiseIncident"])


async def test_beta_guide_python_raise_verbatim(api: Api) -> None:
    response = await api.http.post("/api/graphql", json=BETA_RAISE_PYTHON, headers=api.headers())
    response.raise_for_status()
    assert URN.match(response.json()["data"]["raiseIncident"])


async def test_beta_guide_query_and_resolve_on_placeholder_urn(api: Api) -> None:
    urn = await api.gql(
        'mutation { raiseIncident(input: {type: OPERATIONAL, title: "Dataset Failed Quality Check",'
        ' description: "Dataset failed 2/6 Quality Checks for suite run id xy123mksj812pk23.",'
        ' resourceUrn: "urn:li:dataset:(abc)"}) }'
    )
    incident_urn = urn["raiseIncident"]
    data = await api.gql(BETA_QUERY)
    assert data == {
        "dataset": {
            "incidents": {
                "total": 1,
                "incidents": [
                    {
                        "urn": incident_urn,
                        "title": "Dataset Failed Quality Check",
                        "description": (
                            "Dataset failed 2/6 Quality Checks for suite run id xy123mksj812pk23."
                        ),
                        "status": {"state": "ACTIVE"},
                    }
                ],
            }
        }
    }
    resolved = await api.gql(BETA_RESOLVE % incident_urn)
    assert resolved == {"updateIncidentStatus": "true"}
    after = await api.gql(BETA_QUERY)
    assert after["dataset"]["incidents"] == {"total": 0, "incidents": []}


async def test_tutorial_raise_query_resolve_reopen(api: Api) -> None:
    raised = await api.gql(TUTORIAL_RAISE)
    incident_urn = raised["raiseIncident"]
    assert URN.match(incident_urn)
    page = (await api.gql(TUTORIAL_QUERY))["dataset"]["incidents"]
    # The tutorial asks for count: 20; DataHub answers the page size it was asked for.
    assert (page["start"], page["count"], page["total"]) == (0, 20, 1)
    incident = page["incidents"][0]
    assert incident["incidentType"] == "OPERATIONAL"
    assert incident["title"] == "Data is Delayed"
    assert incident["status"]["state"] == "ACTIVE"
    assert incident["status"]["lastUpdated"]["actor"] == "urn:li:corpuser:editor-user"
    assert incident["status"]["lastUpdated"]["time"] > 1_700_000_000_000
    # The tutorial's resolve, with the URN its text says it needs.
    resolve = """mutation updateIncidentStatus {
      updateIncidentStatus(urn: "%s",
        input: {
          state: RESOLVED
          message: "The delayed data issue was resolved at 4:55pm on May 15."
        }
      )
    }"""
    assert (await api.gql(resolve % incident_urn)) == {"updateIncidentStatus": "true"}
    assert (await api.gql(TUTORIAL_QUERY))["dataset"]["incidents"]["total"] == 0
    # "You can also reopen an incident by updating the state from RESOLVED to ACTIVE."
    reopen = 'mutation { updateIncidentStatus(urn: "%s", input: {state: ACTIVE}) }'
    assert (await api.gql(reopen % incident_urn)) == {"updateIncidentStatus": "true"}
    assert (await api.gql(TUTORIAL_QUERY))["dataset"]["incidents"]["total"] == 1


async def test_variables_typed_with_either_status_input_name(api: Api) -> None:
    first = await api.raise_incident()
    second = await api.raise_incident()
    for urn, type_name in ((first, "UpdateIncidentStatusInput"), (second, "IncidentStatusInput")):
        data = await api.gql(
            f"mutation resolve($urn: String!, $input: {type_name}!) "
            "{ updateIncidentStatus(urn: $urn, input: $input) }",
            {"urn": urn, "input": {"state": "RESOLVED", "stage": "FIXED", "message": "done"}},
        )
        assert data == {"updateIncidentStatus": "true"}
        status = (await api.incident(urn))["incidentStatus"]
        assert (status["state"], status["stage"], status["message"]) == (
            "RESOLVED",
            "FIXED",
            "done",
        )


async def test_full_datahub_raise_input(api: Api) -> None:
    """Every field of DataHub's RaiseIncidentInput, on several asset types at once."""
    dashboard = "urn:li:dashboard:(looker,dashboards.42)"
    job = "urn:li:dataJob:(urn:li:dataFlow:(airflow,daily_sales,prod),load_orders)"
    urn = await api.raise_incident(
        type="CUSTOM",
        customType="Late partner file",
        title="Partner feed missing",
        description="No file since 02:00",
        resourceUrn=dashboard,
        resourceUrns=[job, dashboard],
        source={"type": "ASSERTION_FAILURE", "sourceUrn": "urn:li:assertion:abc123"},
        priority="HIGH",
        assigneeUrns=["urn:li:corpuser:jdoe", "urn:li:corpGroup:data-eng"],
        startedAt=1_715_760_000_000,
        status={"state": "ACTIVE", "stage": "INVESTIGATION", "message": "looking"},
    )
    incident = await api.incident(urn)
    assert incident["type"] == "INCIDENT"
    assert incident["incidentType"] == "CUSTOM"
    assert incident["customType"] == "Late partner file"
    assert incident["priority"] == "HIGH"
    assert incident["startedAt"] == 1_715_760_000_000
    assert incident["incidentStatus"]["stage"] == "INVESTIGATION"
    assert incident["incidentStatus"]["message"] == "looking"
    assert incident["assignees"] == [
        {"__typename": "CorpUser", "urn": "urn:li:corpuser:jdoe"},
        {"__typename": "CorpGroup", "urn": "urn:li:corpGroup:data-eng"},
    ]
    assert incident["entity"] == {"urn": dashboard, "type": "DASHBOARD"}
    assert incident["entities"] == [
        {"urn": dashboard, "type": "DASHBOARD"},
        {"urn": job, "type": "DATA_JOB"},
    ]
    assert incident["source"] == {
        "type": "ASSERTION_FAILURE",
        "source": {"urn": "urn:li:assertion:abc123", "type": "ASSERTION"},
    }
    # DataHub's incidents smoke test selects the assertion's info; no checks are kept here yet.
    source = await api.gql(
        "query($u: String!) { incident(urn: $u) { source { source {"
        " ... on Assertion { urn info { type description } } } } } }",
        {"u": urn},
    )
    assert source["incident"]["source"]["source"] == {
        "urn": "urn:li:assertion:abc123",
        "info": None,
    }
    assert incident["created"]["actor"] == "urn:li:corpuser:editor-user"
    for entity, asset in (("dashboard", dashboard), ("dataJob", job)):
        page = await api.asset_incidents(asset, entity=entity)
        assert [i["urn"] for i in page["incidents"]] == [urn]


async def test_every_asset_type_has_incidents_and_health(api: Api) -> None:
    assets = {
        "dataset": "urn:li:dataset:(urn:li:dataPlatform:hive,db.table,PROD)",
        "dashboard": "urn:li:dashboard:(tableau,sales)",
        "chart": "urn:li:chart:(looker,chart.1)",
        "dataFlow": "urn:li:dataFlow:(airflow,daily,prod)",
        "dataJob": "urn:li:dataJob:(urn:li:dataFlow:(airflow,daily,prod),task_a)",
    }
    for entity, asset in assets.items():
        urn = await api.raise_incident(resourceUrn=asset)
        assert (await api.asset_incidents(asset, entity=entity))["total"] == 1
        assert (await api.health(asset, entity=entity))["status"] == "FAIL"
        generic = await api.gql(
            "query($u: String!) { entity(urn: $u) { urn type ... on DataAsset { health { status } } } }",
            {"u": asset},
        )
        assert generic["entity"]["urn"] == asset
        assert generic["entity"]["health"] == [{"status": "FAIL"}, {"status": "PASS"}]
        assert (await api.gql("query($u: String!) { entity(urn: $u) { urn } }", {"u": urn}))[
            "entity"
        ] == {"urn": urn}


async def test_viewer_reads_what_editor_wrote(api: Api) -> None:
    await api.raise_incident(title="seen by viewers")
    data = await api.gql(
        BETA_QUERY.replace(
            "urn:li:dataset:(abc)",
            "urn:li:dataset:(urn:li:dataPlatform:kafka,SampleKafkaDataset,PROD)",
        ),
        role=Role.VIEWER,
    )
    assert data["dataset"]["incidents"]["total"] == 1

"""DataHub's own clients read through our GraphQL API, unchanged: DataHubGraph.get_urns_by_filter
(it scrolls with scrollAcrossEntities), the `datahub search` CLI with its default selection, and
the shape of DataHub's incidents smoke test on /api/v2/graphql. One real server per database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from typing import Any

import httpx
import pytest

pytest.importorskip("datahub.ingestion.graph.client")

import datahub.metadata.schema_classes as m
from datahub.emitter.mce_builder import make_dataset_urn
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.ingestion.graph.filters import RemovedStatusFilter
from datahub_gms import Gms

pytestmark = pytest.mark.slow


def mcp(urn: str, aspect: Any) -> MetadataChangeProposalWrapper:
    return MetadataChangeProposalWrapper(entityUrn=urn, aspect=aspect)


def _catalog(gms: Gms, prefix: str) -> dict[str, list[str]]:
    """25 Snowflake tables (one soft-deleted), 3 BigQuery tables and a dashboard, by kind."""
    snowflake = [make_dataset_urn("snowflake", f"{prefix}.t{i:02d}", "PROD") for i in range(25)]
    bigquery = [make_dataset_urn("bigquery", f"{prefix}.b{i}", "PROD") for i in range(3)]
    dashboard = f"urn:li:dashboard:(looker,{prefix}_board)"
    batch = [
        mcp(u, m.DatasetPropertiesClass(name=u.split(",")[1], description=f"table {i}"))
        for i, u in enumerate(snowflake + bigquery)
    ]
    changed = m.ChangeAuditStampsClass()
    batch.append(
        mcp(
            dashboard,
            m.DashboardInfoClass(title=f"{prefix} board", description="", lastModified=changed),
        )
    )
    batch.append(mcp(snowflake[-1], m.StatusClass(removed=True)))
    gms.emitter().emit_mcps(batch)
    return {
        "snowflake": snowflake[:-1],
        "removed": snowflake[-1:],
        "bigquery": bigquery,
        "dashboard": [dashboard],
    }


def test_get_urns_by_filter_scrolls_every_page(gms: Gms) -> None:
    prefix = f"scroll{uuid.uuid4().hex[:6]}"
    made = _catalog(gms, prefix)
    graph = gms.graph()

    # 24 live Snowflake tables, 10 a page: three pages, each asked for by its nextScrollId.
    found = list(
        graph.get_urns_by_filter(
            entity_types=["dataset"], platform="snowflake", query=prefix, batch_size=10
        )
    )
    assert found == sorted(made["snowflake"])
    # The SDK's default page (5,000) is more than the server reads at once: it scrolls on.
    everything = list(graph.get_urns_by_filter(query=prefix))
    assert sorted(everything) == sorted(made["snowflake"] + made["bigquery"] + made["dashboard"])
    removed = list(
        graph.get_urns_by_filter(query=prefix, status=RemovedStatusFilter.ONLY_SOFT_DELETED)
    )
    assert removed == made["removed"]
    with_removed = list(
        graph.get_urns_by_filter(
            entity_types=["dataset"], query=prefix, status=RemovedStatusFilter.ALL, batch_size=7
        )
    )
    assert sorted(with_removed) == sorted(made["snowflake"] + made["removed"] + made["bigquery"])
    newest_name_first = list(
        graph.get_urns_by_filter(
            platform="bigquery", query=prefix, sort_by="name", sort_order="DESCENDING", batch_size=2
        )
    )
    assert newest_name_first == sorted(made["bigquery"], reverse=True)
    assert list(graph.get_urns_by_filter(query=f"{prefix}-nothing-matches")) == []


def _search_cli(gms: Gms, *args: str) -> subprocess.CompletedProcess[str]:
    run = subprocess.run(
        [sys.executable, "-m", "datahub", "search", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ
        | {
            "DATAHUB_GMS_URL": gms.url,
            "DATAHUB_GMS_TOKEN": gms.token,
            "DATAHUB_SKIP_CONFIG": "true",
            "DATAHUB_TELEMETRY_ENABLED": "false",
        },
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return run


def test_datahub_search_cli_with_its_default_selection(gms: Gms) -> None:
    prefix = f"cli{uuid.uuid4().hex[:6]}"
    table = make_dataset_urn("snowflake", f"{prefix}.orders", "PROD")
    other = make_dataset_urn("bigquery", f"{prefix}.clicks", "PROD")
    gms.emitter().emit_mcps(
        [
            mcp(table, m.DatasetPropertiesClass(name="Orders", description="every order")),
            mcp(table, m.GlobalTagsClass(tags=[m.TagAssociationClass("urn:li:tag:pii")])),
            mcp(
                table,
                m.OwnershipClass(owners=[m.OwnerClass("urn:li:corpuser:ana", "TECHNICAL_OWNER")]),
            ),
            mcp(other, m.DatasetPropertiesClass(name="Clicks")),
        ]
    )
    found = json.loads(_search_cli(gms, prefix, "--filter", "platform=snowflake").stdout)
    assert (found["start"], found["count"], found["total"]) == (0, 1, 1)
    entity = found["searchResults"][0]["entity"]
    # DataHub's fields read as DataHub answers them; what is not kept here is null.
    assert entity == {
        "urn": table,
        "type": "DATASET",
        "name": f"{prefix}.orders",
        "properties": {"name": "Orders", "description": "every order", "customProperties": None},
        "platform": {
            "urn": "urn:li:dataPlatform:snowflake",
            "name": "snowflake",
            "properties": None,
        },
        "tags": {"tags": [{"tag": {"urn": "urn:li:tag:pii", "name": "pii"}}]},
        "glossaryTerms": None,
        "ownership": {"owners": [{"owner": {"urn": "urn:li:corpuser:ana", "username": "ana"}}]},
        "domain": None,
        "container": None,
    }
    facets = {f["field"]: f for f in found["facets"]}
    assert facets["platform"]["aggregations"] == [
        {
            "value": "snowflake",
            "count": 1,
            "displayName": None,
            "entity": {
                "urn": "urn:li:dataPlatform:snowflake",
                "type": "DATA_PLATFORM",
                "name": "snowflake",
                "properties": None,
            },
        }
    ]
    assert {a["value"]: a["count"] for a in facets["numActiveIncidents"]["aggregations"]} == {
        "0": 1
    }

    urns = _search_cli(gms, prefix, "--urns-only", "--sort-by", "name", "--sort-order", "asc")
    assert urns.stdout.split() == [other, table]  # Clicks before Orders
    shown = _search_cli(gms, prefix, "--table").stdout
    assert "Orders" in shown
    assert "Showing 1-2 of 2 results" in shown
    only = json.loads(_search_cli(gms, prefix, "--facets-only").stdout)
    counted = {
        f["field"]: {a["value"]: a["count"] for a in f["aggregations"]} for f in only["facets"]
    }
    assert counted["platform"] == {"bigquery": 1, "snowflake": 1}
    assert counted["tags"] == {"pii": 1}


INCIDENTS = """query dataset($urn: String!) {
  dataset(urn: $urn) {
    incidents(state: ACTIVE, start: 0, count: 10) {
      start
      count
      total
      incidents {
        urn
        type
        incidentType
        title
        description
        status { state message lastUpdated { time actor } }
        source { type source { ... on Assertion { urn info { type } } } }
        entity { urn }
        created { time actor }
      }
    }
  }
}"""


def test_incidents_smoke_test_shape_on_api_v2(gms: Gms) -> None:
    dataset = make_dataset_urn("kafka", f"incidents-sample-{uuid.uuid4().hex[:6]}", "PROD")
    incident = f"urn:li:incident:smoke-{uuid.uuid4().hex[:8]}"
    checked = f"urn:li:incident:checked-{uuid.uuid4().hex[:8]}"
    assertion = f"urn:li:assertion:assertion-{uuid.uuid4().hex[:8]}"
    admin_at_zero = m.AuditStampClass(time=0, actor="urn:li:corpuser:admin")
    emitter = gms.emitter()
    # What DataHub's smoke test ingests over REST: a dataset snapshot, an incident with the
    # sender's stamps, and an assertion (accepted, not kept).
    emitter.emit_mce(
        m.MetadataChangeEventClass(
            proposedSnapshot=m.DatasetSnapshotClass(
                urn=dataset,
                aspects=[
                    m.BrowsePathsClass(paths=["/prod/kafka/SampleKafkaDataset"]),
                    m.DatasetPropertiesClass(customProperties={"prop1": "fakeprop"}),
                    m.OwnershipClass(owners=[m.OwnerClass("urn:li:corpuser:jdoe", "DATAOWNER")]),
                ],
            )
        )
    )
    emitter.emit_mcp(
        mcp(
            incident,
            m.IncidentInfoClass(
                type="OPERATIONAL",
                title="test title",
                description="test description",
                entities=[dataset],
                status=m.IncidentStatusClass(state="ACTIVE", lastUpdated=admin_at_zero),
                source=m.IncidentSourceClass(type="MANUAL"),
                created=admin_at_zero,
            ),
        )
    )
    emitter.emit_mcp(mcp(assertion, m.AssertionInfoClass(type="DATASET")))

    response = httpx.post(
        f"{gms.url}/api/v2/graphql",
        json={"query": INCIDENTS, "variables": {"urn": dataset}},
        headers={"Authorization": f"Bearer {gms.token}"},
        timeout=30,
    )
    response.raise_for_status()
    body = response.json()
    assert "errors" not in body, body
    assert body["data"]["dataset"]["incidents"] == {
        "start": 0,
        "count": 10,
        "total": 1,
        "incidents": [
            {
                "urn": incident,
                "type": "INCIDENT",
                "incidentType": "OPERATIONAL",
                "title": "test title",
                "description": "test description",
                "status": {
                    "state": "ACTIVE",
                    "message": None,
                    "lastUpdated": {"time": 0, "actor": "urn:li:corpuser:admin"},
                },
                "source": {"type": "MANUAL", "source": None},
                "entity": {"urn": dataset},
                "created": {"time": 0, "actor": "urn:li:corpuser:admin"},
            }
        ],
    }

    # An incident an assertion raised: the assertion reads back by URN, its info null for now.
    emitter.emit_mcp(
        mcp(
            checked,
            m.IncidentInfoClass(
                type="FRESHNESS",
                entities=[dataset],
                status=m.IncidentStatusClass(state="ACTIVE", lastUpdated=admin_at_zero),
                source=m.IncidentSourceClass(type="ASSERTION_FAILURE", sourceUrn=assertion),
                created=m.AuditStampClass(time=1, actor="urn:li:corpuser:admin"),
            ),
        )
    )
    page = gms.gql(INCIDENTS, {"urn": dataset})["dataset"]["incidents"]
    assert (page["count"], page["total"]) == (10, 2)
    assert page["incidents"][0]["urn"] == checked
    assert page["incidents"][0]["source"] == {
        "type": "ASSERTION_FAILURE",
        "source": {"urn": assertion, "info": None},
    }

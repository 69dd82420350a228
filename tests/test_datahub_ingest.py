"""DataHub's own Python SDK and `datahub ingest` write through GMS's REST endpoints, unchanged.

One real server process per database for the module (the SDK is synchronous and speaks HTTP);
each test uses URNs of its own, and every effect is read back through our GraphQL API.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("datahub.emitter.rest_emitter")

import datahub.metadata.schema_classes as m
from datahub.configuration.common import OperationalError
from datahub.emitter.mce_builder import make_dataset_urn
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.specific.datajob import DataJobPatchBuilder
from datahub.specific.dataset import DatasetPatchBuilder
from datahub_gms import Gms

pytestmark = pytest.mark.slow


def dataset(name: str) -> str:
    return make_dataset_urn("snowflake", f"{name}_{uuid.uuid4().hex[:6]}", "PROD")


ASSET = """query($urn: String!) { dataset(urn: $urn) {
    properties { name description } deletedAt
    ownership { owners { owner { ... on CorpUser { urn } ... on CorpGroup { urn } } type } }
    tags { tags { tag { name } } }
    upstreams { urn } downstreams { urn }
    incidents { total incidents { urn } }
    health { type status }
} }"""


def asset(gms: Gms, urn: str) -> dict[str, Any]:
    return gms.gql(ASSET, {"urn": urn})["dataset"]  # type: ignore[no-any-return]


def owners(found: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (o["owner"]["urn"], o["type"]) for o in (found["ownership"] or {"owners": []})["owners"]
    ]


def tags(found: dict[str, Any]) -> list[str]:
    return [t["tag"]["name"] for t in (found["tags"] or {"tags": []})["tags"]]


def mcp(urn: str, aspect: Any) -> MetadataChangeProposalWrapper:
    return MetadataChangeProposalWrapper(entityUrn=urn, aspect=aspect)


def test_emit_mcp_stores_properties_owners_tags_and_lineage(gms: Gms) -> None:
    urn, up = dataset("orders"), dataset("raw_orders")
    emitter = gms.emitter()
    emitter.emit_mcp(mcp(urn, m.DatasetPropertiesClass(name="orders", description="All orders")))
    emitter.emit_mcp(
        mcp(
            urn,
            m.OwnershipClass(
                owners=[
                    m.OwnerClass(owner="urn:li:corpuser:jdoe", type="TECHNICAL_OWNER"),
                    m.OwnerClass(owner="urn:li:corpGroup:finance", type="BUSINESS_OWNER"),
                ]
            ),
        )
    )
    emitter.emit_mcp(mcp(urn, m.GlobalTagsClass(tags=[m.TagAssociationClass("urn:li:tag:pii")])))
    emitter.emit_mcp(
        mcp(urn, m.UpstreamLineageClass(upstreams=[m.UpstreamClass(up, "TRANSFORMED")]))
    )
    found = asset(gms, urn)
    assert found["properties"] == {"name": "orders", "description": "All orders"}
    assert owners(found) == [
        ("urn:li:corpuser:jdoe", "TECHNICAL_OWNER"),
        ("urn:li:corpGroup:finance", "BUSINESS_OWNER"),
    ]
    assert tags(found) == ["pii"]
    assert found["upstreams"] == [{"urn": up}]
    assert asset(gms, up)["downstreams"] == [{"urn": urn}]

    # DataHub's readers: get_aspect, exists and DataHubClient.entities.get.
    graph = gms.graph()
    props = graph.get_aspect(urn, m.DatasetPropertiesClass)
    assert props is not None
    assert (props.name, props.description) == ("orders", "All orders")
    lineage = graph.get_aspect(urn, m.UpstreamLineageClass)
    assert lineage is not None
    assert [u.dataset for u in lineage.upstreams] == [up]
    assert graph.exists(urn) is True
    assert graph.exists(dataset("never_sent")) is False
    assert graph.get_aspect(urn, m.SchemaMetadataClass) is None
    from datahub.sdk import DataHubClient

    entity = DataHubClient(server=gms.url, token=gms.token).entities.get(urn)
    assert entity.description == "All orders"
    assert [o.owner for o in entity.owners or []] == [
        "urn:li:corpuser:jdoe",
        "urn:li:corpGroup:finance",
    ]
    assert [t.tag for t in entity.tags or []] == ["urn:li:tag:pii"]


def test_emit_mcps_batch_of_150_and_unmodelled_aspects_counted(gms: Gms) -> None:
    prefix = uuid.uuid4().hex[:6]
    urns = [make_dataset_urn("bigquery", f"p.d.t{prefix}_{i}", "PROD") for i in range(50)]
    batch = []
    for i, urn in enumerate(urns):
        batch += [
            mcp(urn, m.DatasetPropertiesClass(name=f"t{i}", description=f"table {i}")),
            mcp(urn, m.SubTypesClass(typeNames=["Table"])),  # not modelled: counted, not stored
            mcp(urn, m.GlobalTagsClass(tags=[m.TagAssociationClass(f"urn:li:tag:batch{prefix}")])),
        ]
    assert len(batch) == 150
    gms.emitter().emit_mcps(batch)
    for i in (0, 49):
        found = asset(gms, urns[i])
        assert found["properties"] == {"name": f"t{i}", "description": f"table {i}"}
        assert tags(found) == [f"batch{prefix}"]
    metrics = httpx.get(f"{gms.url}/metrics", timeout=10).text
    line = next(
        line
        for line in metrics.splitlines()
        if line.startswith("incident_graph_ingest_unmodelled_aspects_total")
        and 'aspect="subTypes"' in line
    )
    assert float(line.rsplit(" ", 1)[1]) >= 50


def test_emit_mce_snapshot(gms: Gms) -> None:
    urn = dataset("snap")
    mce = m.MetadataChangeEventClass(
        proposedSnapshot=m.DatasetSnapshotClass(
            urn=urn,
            aspects=[
                m.DatasetPropertiesClass(name="snap", description="from an MCE"),
                m.OwnershipClass(owners=[m.OwnerClass("urn:li:corpuser:ann", "DATA_STEWARD")]),
                m.BrowsePathsClass(paths=["/prod/snowflake"]),  # not modelled
            ],
        )
    )
    gms.emitter().emit_mce(mce)
    found = asset(gms, urn)
    assert found["properties"]["description"] == "from an MCE"
    assert owners(found) == [("urn:li:corpuser:ann", "DATA_STEWARD")]


def test_patches_add_and_remove_owners_tags_and_lineage(gms: Gms) -> None:
    urn, up1, up2 = dataset("patched"), dataset("up1"), dataset("up2")
    emitter = gms.emitter()
    emitter.emit_mcp(mcp(urn, m.GlobalTagsClass(tags=[m.TagAssociationClass("urn:li:tag:old")])))
    emitter.emit_mcp(mcp(urn, m.UpstreamLineageClass(upstreams=[m.UpstreamClass(up1, "COPY")])))
    builder = (
        DatasetPatchBuilder(urn)
        .add_owner(m.OwnerClass("urn:li:corpuser:a", "TECHNICAL_OWNER"))
        .add_owner(m.OwnerClass("urn:li:corpuser:b", "BUSINESS_OWNER"))
        .add_tag(m.TagAssociationClass("urn:li:tag:new"))
        .add_upstream_lineage(m.UpstreamClass(up2, "TRANSFORMED"))
        .set_description("patched description")
    )
    for patch in builder.build():
        emitter.emit_mcp(patch)
    for patch in (
        DatasetPatchBuilder(urn)
        .remove_owner("urn:li:corpuser:b")
        .remove_tag("urn:li:tag:old")
        .remove_upstream_lineage(up1)
        .build()
    ):
        emitter.emit_mcp(patch)
    found = asset(gms, urn)
    assert owners(found) == [("urn:li:corpuser:a", "TECHNICAL_OWNER")]
    assert tags(found) == ["new"]
    assert found["upstreams"] == [{"urn": up2}]
    assert found["properties"]["description"] == "patched description"

    # A job's inputs and outputs: the job sits between them in lineage.
    job = f"urn:li:dataJob:(urn:li:dataFlow:(airflow,dag_{uuid.uuid4().hex[:6]},prod),load)"
    for patch in DataJobPatchBuilder(job).add_input_dataset(up1).add_output_dataset(urn).build():
        emitter.emit_mcp(patch)
    data = gms.gql(
        "query($u: String!) { dataJob(urn: $u) { upstreams { urn } downstreams { urn } } }",
        {"u": job},
    )["dataJob"]
    assert data == {"upstreams": [{"urn": up1}], "downstreams": [{"urn": urn}]}
    # The dataset's own upstreamLineage does not drop the job's edge into it.
    emitter.emit_mcp(mcp(urn, m.UpstreamLineageClass(upstreams=[m.UpstreamClass(up1, "COPY")])))
    assert sorted(u["urn"] for u in asset(gms, urn)["upstreams"]) == sorted([up1, job])


def incident_info(urn: str, **overrides: Any) -> m.IncidentInfoClass:
    fields: dict[str, Any] = {
        "type": "FRESHNESS",
        "title": "orders are late",
        "description": "The 06:00 load did not run",
        "entities": [urn],
        "priority": 1,
        "assignees": [
            m.IncidentAssigneeClass(
                actor="urn:li:corpuser:oncall",
                assignedAt=m.AuditStampClass(1_700_000_000_000, "urn:li:corpuser:airflow"),
            )
        ],
        "status": m.IncidentStatusClass(
            state="ACTIVE",
            stage="TRIAGE",
            lastUpdated=m.AuditStampClass(1_700_000_100_000, "urn:li:corpuser:airflow"),
        ),
        "source": m.IncidentSourceClass(type="MANUAL"),
        "startedAt": 1_699_999_000_000,
        "created": m.AuditStampClass(1_700_000_000_000, "urn:li:corpuser:airflow"),
    }
    return m.IncidentInfoClass(**(fields | overrides))


INCIDENT = """query($urn: String!) { incident(urn: $urn) {
    title description priority incidentType startedAt
    created { time actor }
    incidentStatus { state stage message lastUpdated { time actor } }
    assignees { ... on CorpUser { urn } }
    entities { urn }
} }"""


def test_incident_info_creates_and_updates_with_the_senders_stamps(gms: Gms) -> None:
    urn, downstream = dataset("late"), dataset("report")
    gms.emitter().emit_mcp(
        mcp(downstream, m.UpstreamLineageClass(upstreams=[m.UpstreamClass(urn, "TRANSFORMED")]))
    )
    incident = f"urn:li:incident:airflow-{uuid.uuid4().hex[:8]}"
    gms.emitter().emit_mcp(mcp(incident, incident_info(urn)))
    found = gms.gql(INCIDENT, {"urn": incident})["incident"]
    assert found == {
        "title": "orders are late",
        "description": "The 06:00 load did not run",
        "priority": "HIGH",
        "incidentType": "FRESHNESS",
        "startedAt": 1_699_999_000_000,
        "created": {"time": 1_700_000_000_000, "actor": "urn:li:corpuser:airflow"},
        "incidentStatus": {
            "state": "ACTIVE",
            "stage": "TRIAGE",
            "message": None,
            "lastUpdated": {"time": 1_700_000_100_000, "actor": "urn:li:corpuser:airflow"},
        },
        "assignees": [{"urn": "urn:li:corpuser:oncall"}],
        "entities": [{"urn": urn}],
    }
    assert asset(gms, urn)["incidents"] == {"total": 1, "incidents": [{"urn": incident}]}
    health = {h["type"]: h["status"] for h in asset(gms, downstream)["health"]}
    assert health.get("UPSTREAM_INCIDENTS") == "FAIL"

    # Sending the same info again changes nothing; a resolved status updates it in place.
    gms.emitter().emit_mcp(mcp(incident, incident_info(urn)))
    resolved = m.IncidentStatusClass(
        state="RESOLVED",
        stage="FIXED",
        message="reran the load",
        lastUpdated=m.AuditStampClass(1_700_000_900_000, "urn:li:corpuser:airflow"),
    )
    gms.emitter().emit_mcp(mcp(incident, incident_info(urn, status=resolved, priority=0)))
    found = gms.gql(INCIDENT, {"urn": incident})["incident"]
    assert found["priority"] == "CRITICAL"
    assert found["incidentStatus"]["state"] == "RESOLVED"
    assert found["incidentStatus"]["lastUpdated"]["time"] == 1_700_000_900_000
    assert found["created"]["time"] == 1_700_000_000_000
    assert asset(gms, urn)["health"][0]["status"] == "PASS"
    timeline = gms.gql(
        "query($u: String!) { incident(urn: $u) { timeline { events { kind } } } }",
        {"u": incident},
    )["incident"]["timeline"]["events"]
    assert [e["kind"] for e in timeline].count("RAISED") == 1
    info = gms.graph().get_aspect(incident, m.IncidentInfoClass)
    assert info is not None
    assert (info.priority, info.status.state, info.created.time) == (
        0,
        "RESOLVED",
        1_700_000_000_000,
    )


def test_soft_delete_and_back_then_hard_delete_with_an_active_incident(gms: Gms) -> None:
    urn = dataset("gone")
    emitter, graph = gms.emitter(), gms.graph()
    emitter.emit_mcp(mcp(urn, m.DatasetPropertiesClass(name="gone")))
    emitter.emit_mcp(mcp(urn, m.OwnershipClass(owners=[m.OwnerClass("urn:li:corpuser:x", "NONE")])))
    graph.soft_delete_entity(urn)
    assert asset(gms, urn)["deletedAt"] is not None
    assert graph.exists(urn) is True  # as in DataHub: soft-deleted entities keep their key
    graph.set_soft_delete_status(urn, delete=False)
    back = asset(gms, urn)
    assert back["deletedAt"] is None
    assert owners(back) == [("urn:li:corpuser:x", "NONE")]

    incident = f"urn:li:incident:del-{uuid.uuid4().hex[:8]}"
    emitter.emit_mcp(mcp(incident, incident_info(urn)))
    search = """query { searchAcrossEntities(input: {types: [DATASET], query: "*", count: 100,
        orFilters: [{and: [{field: "hasActiveIncidents", values: ["true"]}]}]}) {
        searchResults { entity { urn } } } }"""
    listed = [r["entity"]["urn"] for r in gms.gql(search)["searchAcrossEntities"]["searchResults"]]
    assert urn in listed
    rows, _ = graph.hard_delete_entity(urn)
    assert rows >= 2
    assert graph.exists(urn) is False
    assert graph.get_aspect(urn, m.OwnershipClass) is None
    listed = [r["entity"]["urn"] for r in gms.gql(search)["searchAcrossEntities"]["searchResults"]]
    assert urn not in listed
    # The incident stays readable by URN; deleting again finds nothing.
    assert gms.gql(INCIDENT, {"urn": incident})["incident"]["entities"] == [{"urn": urn}]
    assert graph.hard_delete_entity(urn) == (0, 0)
    # Ingesting the dataset again brings it back with its counters recounted.
    emitter.emit_mcp(mcp(urn, m.DatasetPropertiesClass(name="gone again")))
    listed = [r["entity"]["urn"] for r in gms.gql(search)["searchAcrossEntities"]["searchResults"]]
    assert urn in listed


def test_datahub_ingest_file_source_to_rest_sink_exits_0(gms: Gms, tmp_path: Path) -> None:
    prefix = uuid.uuid4().hex[:6]
    urns = [make_dataset_urn("postgres", f"shop.public.t{prefix}_{i}", "PROD") for i in range(20)]
    mcps = [
        mcp(u, m.DatasetPropertiesClass(name=f"t{i}", description="loaded"))
        for i, u in enumerate(urns)
    ]
    mcps += [mcp(urns[1], m.UpstreamLineageClass(upstreams=[m.UpstreamClass(urns[0], "VIEW")]))]
    mcps += [
        mcp(
            urns[2],
            m.SchemaMetadataClass(
                schemaName="t",
                platform="urn:li:dataPlatform:postgres",
                version=0,
                hash="",
                platformSchema=m.OtherSchemaClass(rawSchema=""),
                fields=[],
            ),
        )
    ]
    source = tmp_path / "mcps.json"
    source.write_text(json.dumps([x.to_obj() for x in mcps]))
    recipe = tmp_path / "recipe.yml"
    recipe.write_text(
        f"source:\n  type: file\n  config:\n    path: {source}\n"
        f"sink:\n  type: datahub-rest\n  config:\n    server: {gms.url}\n    token: {gms.token}\n"
    )
    run = subprocess.run(
        [sys.executable, "-m", "datahub", "ingest", "-c", str(recipe)],
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ | {"DATAHUB_TELEMETRY_ENABLED": "false"},
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "Pipeline finished successfully" in run.stdout
    assert asset(gms, urns[19])["properties"] == {"name": "t19", "description": "loaded"}
    assert asset(gms, urns[1])["upstreams"] == [{"urn": urns[0]}]


# --- Refusals: status, GMS's JSON body, and nothing stored ---------------------------------


def proposal(urn: str, aspect: str, value: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "entityType": "dataset",
        "entityUrn": urn,
        "changeType": "UPSERT",
        "aspectName": aspect,
        "aspect": {
            "value": value if isinstance(value, str) else json.dumps(value),
            "contentType": "application/json",
        },
    } | overrides


def nothing_stored(gms: Gms, *urns: str) -> None:
    for urn in urns:
        assert (
            gms.gql("query($u: String!) { dataset(urn: $u) { urn } }", {"u": urn})["dataset"]
            is None
        ), urn


def refusal(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == status
    assert body["exceptionClass"] == "com.linkedin.restli.server.RestLiServiceException"
    assert body["message"]
    return body  # type: ignore[no-any-return]


def test_malformed_requests_refused_whole_and_store_nothing(gms: Gms) -> None:
    good = dataset("good")
    props = {"name": "x"}
    ingest = "/aspects?action=ingestProposal"
    batch = "/aspects?action=ingestProposalBatch"
    refusal(gms.post(ingest, b"{not json"), 400)
    refusal(gms.post(ingest, {"async": "false"}), 400)
    body = refusal(gms.post(ingest, {"proposal": proposal(good, "datasetProperties", "{x")}), 422)
    assert "aspect.value is not valid JSON" in body["message"]
    body = refusal(
        gms.post(ingest, {"proposal": proposal("urn:li:dataset:(a b)", "status", {})}), 422
    )
    assert "bad entityUrn" in body["message"]
    body = refusal(
        gms.post(
            batch,
            {
                "proposals": [
                    proposal(good, "datasetProperties", props),
                    proposal(good, "ownership", {"owners": [{"owner": "jdoe", "type": "NONE"}]}),
                    proposal(good, "globalTags", {"tags": "pii"}),
                ],
                "async": "false",
            },
        ),
        422,
    )
    assert [f["index"] for f in body["failures"]] == [1, 2]
    assert "bad owner" in body["failures"][0]["message"]
    refusal(gms.post(batch, {"proposals": {"not": "a list"}}), 400)
    refusal(gms.post(ingest, {"proposal": proposal(good, "status", {}, changeType="MERGE")}), 400)
    bad_incident = proposal(
        "urn:li:incident:bad",
        "incidentInfo",
        {"type": "OPERATIONAL", "entities": [good], "priority": 7, "status": {"state": "ACTIVE"}},
        entityType="incident",
    )
    body = refusal(gms.post(ingest, {"proposal": bad_incident}), 422)
    assert "priority" in body["message"]
    refusal(gms.post("/entities?action=delete", {"urn": "not a urn"}), 400)
    refusal(gms.post("/entities?action=ingest", {"entity": {"value": {}}}), 400)
    refusal(gms.post("/aspects?action=nope", {}), 400)
    nothing_stored(gms, good)
    assert gms.gql('{ incident(urn: "urn:li:incident:bad") { urn } }')["incident"] is None

    # Through the SDK: a 4xx is raised at once (never retried) with GMS's message.
    with pytest.raises(OperationalError, match="bad owner"):
        gms.emitter().emit_mcp(mcp(good, m.OwnershipClass(owners=[m.OwnerClass("x", "NONE")])))
    nothing_stored(gms, good)


def test_tokens_and_privileges(gms: Gms) -> None:
    urn = dataset("priv")
    body = {"proposal": proposal(urn, "datasetProperties", {"name": "p"})}
    ingest = "/aspects?action=ingestProposal"
    refusal(gms.post(ingest, body, token=None), 401)
    refusal(gms.post(ingest, body, token="igt_wrong"), 401)
    viewer = gms.token_for(f"viewer{uuid.uuid4().hex[:6]}", "viewer")
    assert "INGEST_METADATA" in refusal(gms.post(ingest, body, token=viewer), 403)["message"]
    member_name = f"member{uuid.uuid4().hex[:6]}"
    member = gms.token_for(member_name, "member")
    refusal(gms.post(ingest, body, token=member), 403)
    nothing_stored(gms, urn)
    # A grant on the platform lets the member ingest there, and only there.
    gms.gql(
        "mutation($i: PrivilegeGrantInput!) { grantPrivilege(input: $i) { privilege } }",
        {
            "i": {
                "granteeUrn": f"urn:li:corpuser:{member_name}",
                "scope": "PLATFORM",
                "resource": "snowflake",
                "privilege": "INGEST_METADATA",
            }
        },
    )
    assert gms.post(ingest, body, token=member).json() == {"value": "success"}
    elsewhere = make_dataset_urn("bigquery", f"x.y.z{uuid.uuid4().hex[:6]}", "PROD")
    both = {
        "proposals": [
            proposal(elsewhere, "datasetProperties", {"name": "e"}),
            proposal(dataset("also"), "datasetProperties", {"name": "a"}),
        ]
    }
    body403 = refusal(gms.post("/aspects?action=ingestProposalBatch", both, token=member), 403)
    assert elsewhere in body403["message"]
    nothing_stored(gms, elsewhere)
    audit = gms.gql("{ auditLog(start: 0, count: 50) { entries { operation allowed actor } } }")
    entries = audit["auditLog"]["entries"]
    mine = [e for e in entries if e["actor"] == f"urn:li:corpuser:{member_name}"]
    assert {"operation": "ingestProposal", "allowed": True, "actor": mine[0]["actor"]} in mine
    assert any(not e["allowed"] and e["operation"] == "ingestProposalBatch" for e in mine)


def test_incidents_are_not_hard_deleted(gms: Gms) -> None:
    urn = dataset("keep")
    incident = f"urn:li:incident:keep-{uuid.uuid4().hex[:8]}"
    gms.emitter().emit_mcp(mcp(incident, incident_info(urn)))
    body = refusal(gms.post("/entities?action=delete", {"urn": incident}), 422)
    assert "not deleted" in body["message"]
    assert gms.gql(INCIDENT, {"urn": incident})["incident"]["title"] == "orders are late"

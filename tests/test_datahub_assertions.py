"""DataHub's own pipeline tools against a real server: the Assertion and Operation circuit
breakers, DataHubGraph.report_assertion_result and upsert_custom_assertion, and assertion runs
emitted over REST. One server per database (module scope); each test uses its own URNs.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

pytest.importorskip("datahub.api.circuit_breaker")

import datahub.metadata.schema_classes as m
from datahub.api.circuit_breaker import (
    AssertionCircuitBreaker,
    AssertionCircuitBreakerConfig,
    OperationCircuitBreaker,
    OperationCircuitBreakerConfig,
)
from datahub.api.graphql import Operation
from datahub.configuration.common import GraphError
from datahub.emitter.mce_builder import make_dataset_urn
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub_gms import Gms

pytestmark = pytest.mark.slow

INCIDENTS = """query($u: String!) { dataset(urn: $u) {
    incidents { total incidents { urn source { type source { urn } }
        checkResults { total results { runId status } } } }
    health { type status }
} }"""


def dataset(name: str) -> str:
    return make_dataset_urn("snowflake", f"{name}_{uuid.uuid4().hex[:8]}", "PROD")


def now_ms() -> int:
    return int(time.time() * 1000)


def register(gms: Gms, *urns: str) -> None:
    gms.emitter().emit_mcps(
        [
            MetadataChangeProposalWrapper(
                entityUrn=u, aspect=m.DatasetPropertiesClass(name=u.split(",")[1])
            )
            for u in urns
        ]
    )


def custom_assertion(gms: Gms, urn: str, description: str = "orders arrive") -> str:
    made: dict[str, Any] = gms.graph().upsert_custom_assertion(
        urn=None,
        entity_urn=urn,
        type="Completeness",
        description=description,
        platform_name="airflow",
        external_url="https://airflow.example.com/dags/orders",
        logic="select count(*) from orders",
    )
    return str(made["urn"])


def test_operation_circuit_breaker_after_report_operation(gms: Gms) -> None:
    urn = dataset("orders")
    register(gms, urn)
    breaker = OperationCircuitBreaker(
        OperationCircuitBreakerConfig(datahub_host=gms.url, datahub_token=gms.token)
    )
    assert breaker.is_circuit_breaker_active(urn)  # never updated: blocked

    Operation(graph=gms.graph()).report_operation(
        urn, operation_type="INSERT", num_affected_rows=42, partition="2024-05-15"
    )
    assert not breaker.is_circuit_breaker_active(urn)
    assert not breaker.is_circuit_breaker_active(urn, partition="2024-05-15")
    assert breaker.is_circuit_breaker_active(urn, partition="2024-05-16")
    assert breaker.is_circuit_breaker_active(urn, source_type="DATA_PLATFORM")
    assert breaker.is_circuit_breaker_active(urn, operation_type="DELETE")

    [operation] = Operation(graph=gms.graph()).query_operations(urn)
    assert operation["operationType"] == "INSERT"
    assert operation["numAffectedRows"] == 42
    assert operation["actor"] == "urn:li:corpuser:admin"


def test_assertion_circuit_breaker_blocks_a_failed_dataset(gms: Gms) -> None:
    failing, passing = dataset("failing"), dataset("passing")
    register(gms, failing, passing)
    graph = gms.graph()
    bad, good = custom_assertion(gms, failing), custom_assertion(gms, passing)
    assert graph.report_assertion_result(urn=good, timestamp_millis=now_ms() - 5, type="FAILURE")
    assert graph.report_assertion_result(urn=good, timestamp_millis=now_ms(), type="SUCCESS")
    assert graph.report_assertion_result(urn=bad, timestamp_millis=now_ms(), type="FAILURE")

    breaker = AssertionCircuitBreaker(
        AssertionCircuitBreakerConfig(datahub_host=gms.url, datahub_token=gms.token)
    )
    assert breaker.is_circuit_breaker_active(failing)
    assert not breaker.is_circuit_breaker_active(passing)

    # The failing run raised an incident on the dataset, with the assertion as its source.
    found = gms.gql(INCIDENTS, {"u": failing})["dataset"]
    [incident] = found["incidents"]["incidents"]
    assert incident["source"] == {"type": "ASSERTION_FAILURE", "source": {"urn": bad}}
    assert incident["checkResults"]["results"][0]["status"] == "FAIL"
    assert {"type": "ASSERTIONS", "status": "FAIL"} in found["health"]


def test_report_assertion_result_and_upsert_custom_assertion(gms: Gms) -> None:
    urn = dataset("custom")
    register(gms, urn)
    assertion = custom_assertion(gms, urn)
    assert assertion.startswith("urn:li:assertion:")
    again = gms.graph().upsert_custom_assertion(
        urn=assertion,
        entity_urn=urn,
        type="Completeness",
        description="orders arrive by 6am",
        platform_urn="urn:li:dataPlatform:airflow",
    )
    assert again["urn"] == assertion

    graph = gms.graph()
    at = now_ms()
    assert graph.report_assertion_result(
        urn=assertion,
        timestamp_millis=at,
        type="ERROR",
        error_type="SOURCE_QUERY_FAILED",
        error_message="timeout",
    )
    assert graph.report_assertion_result(
        urn=assertion,
        timestamp_millis=at + 1,
        type="FAILURE",
        severity="LOW",
        properties=[{"key": "rows", "value": "3"}],
    )
    assert graph.report_assertion_result(urn=assertion, timestamp_millis=at + 2, type="INIT")
    data = gms.gql(
        """query($u: String!) { assertion(urn: $u) { name platform { name } info { type }
            runEvents(limit: 10) { total failed succeeded errored runEvents {
                runId assertionUrn asserteeUrn status
                result { type severity error { type } nativeResults { key value } } } } } }""",
        {"u": assertion},
    )["assertion"]
    assert (data["name"], data["platform"], data["info"]) == (
        "orders arrive by 6am",
        {"name": "airflow"},
        {"type": "CUSTOM"},
    )
    runs = data["runEvents"]
    assert (runs["total"], runs["failed"], runs["succeeded"], runs["errored"]) == (2, 1, 0, 1)
    warned, errored = runs["runEvents"]
    assert warned["result"]["type"] == "FAILURE"
    assert warned["result"]["severity"] == "LOW"  # kept as a WARN: no incident by default
    assert errored["result"]["error"] == {"type": "UNKNOWN_ERROR"}
    assert (warned["assertionUrn"], warned["asserteeUrn"]) == (assertion, urn)
    assert gms.gql(INCIDENTS, {"u": urn})["dataset"]["incidents"]["total"] == 0

    # Another asset under the same assertion URN is refused, and nothing changes.
    with pytest.raises(GraphError, match="belongs to"):
        gms.graph().upsert_custom_assertion(
            urn=assertion,
            entity_urn=dataset("elsewhere"),
            type="Completeness",
            description="moved",
            platform_name="airflow",
        )
    with pytest.raises(GraphError, match="no check"):
        graph.report_assertion_result(
            urn="urn:li:assertion:unknown", timestamp_millis=at, type="FAILURE"
        )


def _run_event(
    assertion: str, urn: str, run: str, at: int, kind: str
) -> MetadataChangeProposalWrapper:
    return MetadataChangeProposalWrapper(
        entityUrn=assertion,
        aspect=m.AssertionRunEventClass(
            timestampMillis=at,
            runId=run,
            asserteeUrn=urn,
            assertionUrn=assertion,
            status=m.AssertionRunStatusClass.COMPLETE,
            result=m.AssertionResultClass(
                type=kind,
                actualAggValue=12.0,
                nativeResults={"unexpected_count": "12"},
                externalUrl=f"https://ci.example.com/runs/{run}",
            ),
        ),
    )


def test_run_events_emitted_over_rest_raise_one_incident(gms: Gms) -> None:
    urn = dataset("dbt_orders")
    assertion = f"urn:li:assertion:{uuid.uuid4().hex}"
    emitter = gms.emitter()
    # As DataHub's dbt source sends a not_null test: the assertion, its platform, then runs.
    emitter.emit_mcps(
        [
            MetadataChangeProposalWrapper(
                entityUrn=assertion,
                aspect=m.AssertionInfoClass(
                    type=m.AssertionTypeClass.DATASET,
                    datasetAssertion=m.DatasetAssertionInfoClass(
                        dataset=urn,
                        scope=m.DatasetAssertionScopeClass.DATASET_COLUMN,
                        operator=m.AssertionStdOperatorClass.NOT_NULL,
                        nativeType="not_null",
                        fields=[f"urn:li:schemaField:({urn},order_id)"],
                    ),
                ),
            ),
            MetadataChangeProposalWrapper(
                entityUrn=assertion,
                aspect=m.DataPlatformInstanceClass(platform="urn:li:dataPlatform:dbt"),
            ),
        ]
    )
    at = now_ms()
    emitter.emit(_run_event(assertion, urn, "run-1", at - 1000, "FAILURE"))
    emitter.emit(_run_event(assertion, urn, "run-2", at, "FAILURE"))
    emitter.emit(_run_event(assertion, urn, "run-2", at, "FAILURE"))  # a retried run

    found = gms.gql(INCIDENTS, {"u": urn})["dataset"]
    assert found["incidents"]["total"] == 1
    [incident] = found["incidents"]["incidents"]
    assert incident["source"] == {"type": "ASSERTION_FAILURE", "source": {"urn": assertion}}
    assert incident["checkResults"] == {
        "total": 2,
        "results": [{"runId": "run-2", "status": "FAIL"}, {"runId": "run-1", "status": "FAIL"}],
    }
    check = gms.gql(
        "query($u: String!) { assertion(urn: $u) { name checkType latestResult { "
        "observedValue message externalUrl } } }",
        {"u": assertion},
    )["assertion"]
    assert check == {
        "name": "not_null order_id",
        "checkType": "FIELD",
        "latestResult": {
            "observedValue": "12",
            "message": "unexpected_count=12",
            "externalUrl": "https://ci.example.com/runs/run-2",
        },
    }

    # A passing run: the asset's ASSERTIONS health passes; without autoResolve the incident stays.
    emitter.emit(_run_event(assertion, urn, "run-3", at + 1000, "SUCCESS"))
    found = gms.gql(INCIDENTS, {"u": urn})["dataset"]
    assert {"type": "ASSERTIONS", "status": "PASS"} in found["health"]
    assert found["incidents"]["total"] == 1


def test_a_run_of_an_unknown_assertion_is_refused(gms: Gms) -> None:
    urn = dataset("unknown")
    response = gms.post(
        "/aspects?action=ingestProposal",
        {
            "proposal": {
                "entityType": "assertion",
                "entityUrn": "urn:li:assertion:never-described",
                "changeType": "UPSERT",
                "aspectName": "assertionRunEvent",
                "aspect": {
                    "contentType": "application/json",
                    "value": (
                        '{"timestampMillis": 1, "runId": "r", "asserteeUrn": "'
                        + urn
                        + '", "assertionUrn": "urn:li:assertion:never-described", '
                        '"status": "COMPLETE", "result": {"type": "FAILURE"}}'
                    ),
                },
            }
        },
    )
    assert response.status_code == 422, response.text
    assert "no check 'urn:li:assertion:never-described' is known" in response.text
    assert gms.gql("query($u: String!) { dataset(urn: $u) { urn } }", {"u": urn})["dataset"] is None


def test_datahub_client_assertions(gms: Gms) -> None:
    from datahub.sdk import DataHubClient

    urn = dataset("sdk")
    register(gms, urn)
    assertions = DataHubClient(server=gms.url, token=gms.token).assertions
    made = assertions.sync_custom_assertion(
        entity_urn=urn,
        type="Reconciliation",
        description="totals match the ledger",
        platform_name="great_expectations",
    )
    assertion = made["urn"]
    assert assertions.report_assertion_result(
        urn=assertion, timestamp_millis=now_ms(), type="FAILURE"
    )
    found = gms.gql(INCIDENTS, {"u": urn})["dataset"]
    [incident] = found["incidents"]["incidents"]
    assert incident["source"] == {"type": "ASSERTION_FAILURE", "source": {"urn": assertion}}


def test_operations_emitted_over_rest_open_the_operation_circuit_breaker(gms: Gms) -> None:
    urn = dataset("emitted")
    register(gms, urn)
    breaker = OperationCircuitBreaker(
        OperationCircuitBreakerConfig(datahub_host=gms.url, datahub_token=gms.token)
    )
    assert breaker.is_circuit_breaker_active(urn)
    at = now_ms()
    gms.emitter().emit(
        MetadataChangeProposalWrapper(
            entityUrn=urn,
            aspect=m.OperationClass(
                timestampMillis=at,
                lastUpdatedTimestamp=at - 60_000,
                operationType=m.OperationTypeClass.INSERT,
                sourceType=m.OperationSourceTypeClass.DATA_PLATFORM,
                actor="urn:li:corpuser:etl",
                numAffectedRows=1000,
                customProperties={"query_id": "q1"},
            ),
        )
    )
    assert not breaker.is_circuit_breaker_active(urn, source_type="DATA_PLATFORM")
    [operation] = Operation(graph=gms.graph()).query_operations(urn)
    assert operation["lastUpdatedTimestamp"] == at - 60_000
    assert operation["actor"] == "urn:li:corpuser:etl"
    assert operation["customProperties"] == [{"key": "query_id", "value": "q1"}]

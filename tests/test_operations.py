"""reportOperation and Dataset.operations over HTTP, on both databases: stored as reported,
read newest first and filtered; bad input refused with nothing stored."""

from __future__ import annotations

from typing import Any

from helpers import DATASET, Api

REPORT = "mutation($i: ReportOperationInput!) { reportOperation(input: $i) }"
READ = """query($u: String!, $f: FilterInput, $start: Long, $limit: Int) { dataset(urn: $u) {
    operations(filter: $f, startTimeMillis: $start, limit: $limit) {
        operationType customOperationType sourceType timestampMillis lastUpdatedTimestamp
        numAffectedRows partition actor customProperties { key value } } } }"""


def operation(**fields: Any) -> dict[str, Any]:
    return {"urn": DATASET, "operationType": "INSERT", "sourceType": "DATA_PROCESS"} | fields


async def read(api: Api, **variables: Any) -> list[dict[str, Any]]:
    data = await api.gql(READ, {"u": DATASET, **variables})
    return data["dataset"]["operations"]  # type: ignore[no-any-return]


async def test_operations_read_newest_first_and_filtered(api: Api) -> None:
    await api.gql(REPORT, {"i": operation(timestampMillis=1000, numAffectedRows=5)})
    await api.gql(
        REPORT,
        {
            "i": operation(
                operationType="CUSTOM",
                customOperationType="BACKFILL",
                sourceType="DATA_PLATFORM",
                timestampMillis=2000,
                partition="2024-05-15",
                customProperties=[{"key": "job", "value": "load_orders"}],
            )
        },
    )
    found = await read(api)
    assert [(o["operationType"], o["timestampMillis"]) for o in found] == [
        ("CUSTOM", 2000),
        ("INSERT", 1000),
    ]
    assert found[0]["customProperties"] == [{"key": "job", "value": "load_orders"}]
    assert found[0]["actor"] == "urn:li:corpuser:editor-user"
    assert found[1]["numAffectedRows"] == 5

    only = {"and": [{"field": "sourceType", "values": ["DATA_PROCESS"]}]}
    assert [o["timestampMillis"] for o in await read(api, f=only)] == [1000]
    by_partition = {"and": [{"field": "partition", "value": "2024-05-15"}]}
    assert [o["timestampMillis"] for o in await read(api, f=by_partition)] == [2000]
    assert [o["timestampMillis"] for o in await read(api, start=1500)] == [2000]
    assert len(await read(api, limit=1)) == 1


async def test_bad_operations_change_nothing(api: Api) -> None:
    await api.gql(REPORT, {"i": operation(timestampMillis=1)})
    for bad, wrong in [
        (operation(operationType="CUSTOM"), "needs customOperationType"),
        (operation(operationType="CUSTOM", customOperationType="x" * 201), "the limit is 200"),
        (operation(partition="p" * 501), "the limit is 500"),
        (operation(numAffectedRows=-1), "cannot be negative"),
        (operation(urn="urn:li:corpuser:x"), "bad urn"),
    ]:
        error = await api.error(REPORT, {"i": bad})
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert wrong in error["message"]
    unknown = await api.error(
        READ, {"u": DATASET, "f": {"and": [{"field": "actor", "values": ["x"]}]}}
    )
    assert unknown["extensions"]["code"] == "BAD_USER_INPUT"
    viewer = await api.error(REPORT, {"i": operation()}, role=None)
    assert viewer["extensions"]["code"] == "UNAUTHENTICATED"
    assert len(await read(api)) == 1

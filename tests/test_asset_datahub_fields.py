"""The DataHub fields `datahub search` selects on assets by default: answered from the URN where
it carries them, null where this server keeps nothing (glossary terms, domains, containers)."""

from __future__ import annotations

from helpers import Api

DATASET = "urn:li:dataset:(urn:li:dataPlatform:snowflake,sales.public.orders,PROD)"
FLOW = "urn:li:dataFlow:(airflow,daily_sales,prod)"
JOB = f"urn:li:dataJob:({FLOW},load_orders)"
ORPHAN_JOB = "urn:li:dataJob:(urn:li:dataFlow:(airflow,never_registered,prod),step)"
CHART = "urn:li:chart:(looker,chart.7)"

QUERY = """query($d: String!, $f: String!, $j: String!, $o: String!, $c: String!) {
  dataset(urn: $d) {
    name container { urn } glossaryTerms { terms { term { urn } } } domain { domain { urn } }
    properties { name description customProperties { key value } }
    platform { urn name properties { displayName logoUrl } }
  }
  dataFlow(urn: $f) { flowId glossaryTerms { terms { term { urn } } } domain { domain { urn } } }
  dataJob(urn: $j) { jobId dataFlow { urn flowId properties { name } } }
  orphan: dataJob(urn: $o) { jobId dataFlow { urn } }
  chart(urn: $c) { container { urn } domain { domain { urn } } }
}"""


async def test_datahub_fields_on_assets(api: Api) -> None:
    await api.gql(
        "mutation($input: [AssetInput!]!) { upsertAssets(input: $input) { created } }",
        {
            "input": [
                {
                    "urn": DATASET,
                    "name": "Orders",
                    "description": "every order",
                },
                {"urn": FLOW, "name": "Daily sales"},
                {"urn": JOB},
                {"urn": ORPHAN_JOB},
                {"urn": CHART},
            ]
        },
    )
    found = await api.gql(QUERY, {"d": DATASET, "f": FLOW, "j": JOB, "o": ORPHAN_JOB, "c": CHART})
    dataset = found["dataset"]
    # Dataset.name is the name in the URN (DataHub's); the display name is properties.name.
    assert dataset["name"] == "sales.public.orders"
    assert dataset["properties"] == {
        "name": "Orders",
        "description": "every order",
        "customProperties": None,
    }
    assert (dataset["container"], dataset["glossaryTerms"], dataset["domain"]) == (None, None, None)
    assert dataset["platform"] == {
        "urn": "urn:li:dataPlatform:snowflake",
        "name": "snowflake",
        "properties": None,
    }
    assert found["dataFlow"] == {"flowId": "daily_sales", "glossaryTerms": None, "domain": None}
    assert found["dataJob"] == {
        "jobId": "load_orders",
        "dataFlow": {"urn": FLOW, "flowId": "daily_sales", "properties": {"name": "Daily sales"}},
    }
    # The flow the job names was never registered: DataHub's field is nullable, so null.
    assert found["orphan"] == {"jobId": "step", "dataFlow": None}
    assert found["chart"] == {"container": None, "domain": None}

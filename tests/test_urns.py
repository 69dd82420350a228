"""URN parsing and validation (pure)."""

from __future__ import annotations

import pytest

from incident_graph import urns


@pytest.mark.parametrize(
    ("urn", "entity", "platform", "name"),
    [
        (
            "urn:li:dataset:(urn:li:dataPlatform:kafka,SampleKafkaDataset,PROD)",
            "dataset",
            "kafka",
            "SampleKafkaDataset",
        ),
        ("urn:li:dataset:(abc)", "dataset", None, "abc"),
        ("urn:li:dashboard:(looker,dashboards.1)", "dashboard", "looker", "dashboards.1"),
        ("urn:li:chart:(looker,chart.9)", "chart", "looker", "chart.9"),
        ("urn:li:dataFlow:(airflow,daily_sales,prod)", "dataFlow", "airflow", "daily_sales"),
        (
            "urn:li:dataJob:(urn:li:dataFlow:(airflow,daily_sales,prod),load)",
            "dataJob",
            "airflow",
            "load",
        ),
        ("urn:li:dataset:plain-key", "dataset", None, "plain-key"),
        ("urn:li:dataset:(urn:li:dataPlatform:s3,a/b(c),PROD)", "dataset", "s3", "a/b(c)"),
    ],
)
def test_parse_asset_urns(urn: str, entity: str, platform: str | None, name: str) -> None:
    parsed = urns.parse_asset_urn(urn)
    assert (parsed.entity, parsed.platform, parsed.name) == (entity, platform, name)
    assert parsed.entity_type == urns.ASSET_ENTITY_TYPES[entity]


@pytest.mark.parametrize(
    ("urn", "needle"),
    [
        ("", "empty"),
        ("dataset:(a)", "must start with"),
        ("urn:li:dataset", "must look like"),
        ("urn:li:dataset:", "empty key"),
        ("urn:li:dataset:(a,b", "unbalanced"),
        ("urn:li:dataset:a)b(", "unbalanced"),
        ("urn:li:dataset:a\tb", "whitespace"),
        ("urn:li:dataset:a\x00b", "control"),
        ("urn:li:dataset:(,b,PROD)", "empty part"),
        ("urn:li:corpuser:bob", "incidents can be raised on"),
        ("urn:li:dataset:" + "x" * 1000, "limit is 1000"),
    ],
)
def test_invalid_asset_urns(urn: str, needle: str) -> None:
    with pytest.raises(urns.InvalidUrnError, match=needle):
        urns.parse_asset_urn(urn)


def test_actor_urns() -> None:
    assert urns.parse_actor_urn("urn:li:corpuser:jdoe") == "CORP_USER"
    assert urns.parse_actor_urn("urn:li:corpGroup:data-eng") == "CORP_GROUP"
    for bad in ("urn:li:corpuser:", "urn:li:corpuser:a,b", "urn:li:dataset:(a)"):
        with pytest.raises(urns.InvalidUrnError):
            urns.parse_actor_urn(bad)


def test_incident_urns() -> None:
    generated = urns.incident_urn()
    assert generated.startswith("urn:li:incident:")
    assert len(generated.rsplit(":", 1)[1]) == 36
    assert urns.incident_urn("dag.task:2026-11-25") == "urn:li:incident:dag.task:2026-11-25"
    for bad in ("", "-leading", "a b", "x" * 201, "a/b"):
        with pytest.raises(urns.InvalidUrnError):
            urns.incident_urn(bad)


def test_entity_of() -> None:
    assert urns.entity_of("urn:li:incident:x") == "incident"
    assert urns.entity_of("nope") is None
    assert urns.entity_of("urn:li:") is None


def test_tuple_keys_split_on_top_level_commas_only() -> None:
    assert urns.split_tuple("(a,b,c)") == ["a", "b", "c"]
    assert urns.split_tuple("(urn:li:dataFlow:(airflow,dag,PROD),task)") == [
        "urn:li:dataFlow:(airflow,dag,PROD)",
        "task",
    ]
    assert urns.split_tuple("(a,,b)") == ["a", "", "b"]
    assert urns.split_tuple("()") == [""]
    assert urns.split_tuple("plain") is None

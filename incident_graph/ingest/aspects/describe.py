"""Name and description: datasetProperties, dashboardInfo, chartInfo, dataFlowInfo, dataJobInfo."""

from __future__ import annotations

from typing import Any

from incident_graph.domain.ingest import AssetEdit
from incident_graph.ingest.aspects.fields import asset, obj, opt_str
from incident_graph.ingest.aspects.patches import operations
from incident_graph.ingest.aspects.registry import AspectHandler
from incident_graph.ingest.errors import AspectError

_BOTH = frozenset({"name", "description"})


def _handler(aspect: str, fqn: str, entity: str, name_key: str) -> AspectHandler:
    def upsert(urn: str, value: Any) -> AssetEdit:
        data = obj(value, aspect)
        return AssetEdit(
            asset=asset(urn, "entityUrn"),
            aspect=aspect,
            describes=_BOTH,
            name=opt_str(data, name_key, aspect),
            description=opt_str(data, "description", aspect),
        )

    def patch(urn: str, value: Any) -> AssetEdit:
        ops, _ = operations(value, aspect)
        given: dict[str, str | None] = {}
        for op in ops:
            field = {name_key: "name", "description": "description"}.get(op.path[0])
            if field is None or len(op.path) != 1:
                continue  # customProperties, externalUrl, ...: not stored here
            if op.op != "remove" and op.value is not None and not isinstance(op.value, str):
                raise AspectError(f"{aspect}: /{op.path[0]} must be a string")
            given[field] = None if op.op == "remove" else op.value
        return AssetEdit(
            asset=asset(urn, "entityUrn"),
            aspect=aspect,
            describes=frozenset(given),
            name=given.get("name"),
            description=given.get("description"),
        )

    def delete(urn: str) -> AssetEdit:
        return AssetEdit(asset=asset(urn, "entityUrn"), aspect=aspect, describes=_BOTH)

    return AspectHandler(
        name=aspect,
        fqn=fqn,
        entity_types=frozenset({entity}),
        upsert=upsert,
        patch=patch,
        delete=delete,
    )


HANDLERS = (
    _handler("datasetProperties", "com.linkedin.dataset.DatasetProperties", "dataset", "name"),
    _handler("dashboardInfo", "com.linkedin.dashboard.DashboardInfo", "dashboard", "title"),
    _handler("chartInfo", "com.linkedin.chart.ChartInfo", "chart", "title"),
    _handler("dataFlowInfo", "com.linkedin.datajob.DataFlowInfo", "dataFlow", "name"),
    _handler("dataJobInfo", "com.linkedin.datajob.DataJobInfo", "dataJob", "name"),
)

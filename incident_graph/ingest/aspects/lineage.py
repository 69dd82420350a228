"""Lineage: a dataset's `upstreamLineage` and a job's `dataJobInputOutput` become edges.

Column-level lineage (`fineGrainedLineages`, `inputDatasetFields`...) is not stored.
"""

from __future__ import annotations

from typing import Any, Final

from incident_graph.domain.assets import MAX_UPSTREAMS
from incident_graph.domain.ingest import AssetEdit, ListEdit
from incident_graph.ingest.aspects.fields import asset, items, obj, req_str
from incident_graph.ingest.aspects.patches import PatchOp, operations
from incident_graph.ingest.aspects.registry import AspectHandler
from incident_graph.ingest.errors import AspectError
from incident_graph.urns import AssetUrn

UPSTREAM: Final = "upstreamLineage"
JOB_IO: Final = "dataJobInputOutput"


def _unique(assets: list[AssetUrn], own: AssetUrn, what: str) -> tuple[AssetUrn, ...]:
    found = {a.urn: a for a in assets if a.urn != own.urn}
    if len(found) > MAX_UPSTREAMS:
        raise AspectError(f"{what}: at most {MAX_UPSTREAMS} lineage edges")
    return tuple(found.values())


def upsert_upstreams(urn: str, value: Any) -> AssetEdit:
    own = asset(urn, "entityUrn")
    data = obj(value, UPSTREAM)
    ups = [
        asset(req_str(obj(u, f"{UPSTREAM}.upstreams[]"), "dataset", UPSTREAM), UPSTREAM)
        for u in items(data, "upstreams", UPSTREAM)
    ]
    return AssetEdit(
        asset=own, aspect=UPSTREAM, upstreams=ListEdit(replace=_unique(ups, own, UPSTREAM))
    )


def _edit(ops: list[PatchOp], field: str, value_key: str, own: AssetUrn) -> ListEdit[Any, Any]:
    """The add/remove/replace operations on one list field, keyed by an asset URN."""
    replace: tuple[AssetUrn, ...] | None = None
    add: list[AssetUrn] = []
    remove: list[AssetUrn] = []
    for op in ops:
        if op.path[0] != field:
            continue
        if len(op.path) == 1:
            listed = [] if op.op == "remove" else (op.value or [])
            replace = _unique([_target(v, value_key, field) for v in listed], own, field)
        elif op.op == "remove":
            remove.append(asset(op.path[1], f"{field} path"))
        else:
            add.append(asset(op.path[1], f"{field} path"))
    return ListEdit(replace=replace, add=_unique(add, own, field), remove=tuple(remove))


def _target(raw: Any, value_key: str, what: str) -> AssetUrn:
    if isinstance(raw, str):
        return asset(raw, what)
    return asset(req_str(obj(raw, what), value_key, what), what)


def patch_upstreams(urn: str, value: Any) -> AssetEdit:
    own = asset(urn, "entityUrn")
    ops, _ = operations(value, UPSTREAM)
    return AssetEdit(asset=own, aspect=UPSTREAM, upstreams=_edit(ops, "upstreams", "dataset", own))


def delete_upstreams(urn: str) -> AssetEdit:
    return AssetEdit(asset=asset(urn, "entityUrn"), aspect=UPSTREAM, upstreams=ListEdit(replace=()))


def _urns(data: dict[str, Any], plain: str, edges: str) -> list[AssetUrn]:
    found = [asset(u, f"{JOB_IO}.{plain}") for u in items(data, plain, JOB_IO)]
    found += [
        asset(req_str(obj(e, f"{JOB_IO}.{edges}"), "destinationUrn", JOB_IO), JOB_IO)
        for e in items(data, edges, JOB_IO)
    ]
    return found


def upsert_job_io(urn: str, value: Any) -> AssetEdit:
    own = asset(urn, "entityUrn")
    data = obj(value, JOB_IO)
    inputs = _urns(data, "inputDatasets", "inputDatasetEdges") + _urns(
        data, "inputDatajobs", "inputDatajobEdges"
    )
    outputs = _urns(data, "outputDatasets", "outputDatasetEdges")
    return AssetEdit(
        asset=own,
        aspect=JOB_IO,
        job_inputs=ListEdit(replace=_unique(inputs, own, JOB_IO)),
        job_outputs=ListEdit(replace=_unique(outputs, own, JOB_IO)),
    )


def _merge(*edits: ListEdit[Any, Any]) -> ListEdit[Any, Any]:
    replaced = [e.replace for e in edits if e.replace is not None]
    return ListEdit(
        replace=tuple(a for r in replaced for a in r) if replaced else None,
        add=tuple(a for e in edits for a in e.add),
        remove=tuple(a for e in edits for a in e.remove),
    )


def patch_job_io(urn: str, value: Any) -> AssetEdit:
    own = asset(urn, "entityUrn")
    ops, _ = operations(value, JOB_IO)
    key = "destinationUrn"
    return AssetEdit(
        asset=own,
        aspect=JOB_IO,
        job_inputs=_merge(
            _edit(ops, "inputDatasetEdges", key, own),
            _edit(ops, "inputDatajobEdges", key, own),
            _edit(ops, "inputDatasets", key, own),
            _edit(ops, "inputDatajobs", key, own),
        ),
        job_outputs=_merge(
            _edit(ops, "outputDatasetEdges", key, own), _edit(ops, "outputDatasets", key, own)
        ),
    )


def delete_job_io(urn: str) -> AssetEdit:
    return AssetEdit(
        asset=asset(urn, "entityUrn"),
        aspect=JOB_IO,
        job_inputs=ListEdit(replace=()),
        job_outputs=ListEdit(replace=()),
    )


HANDLERS: Final = (
    AspectHandler(
        name=UPSTREAM,
        fqn="com.linkedin.dataset.UpstreamLineage",
        entity_types=frozenset({"dataset"}),
        upsert=upsert_upstreams,
        patch=patch_upstreams,
        delete=delete_upstreams,
    ),
    AspectHandler(
        name=JOB_IO,
        fqn="com.linkedin.datajob.DataJobInputOutput",
        entity_types=frozenset({"dataJob"}),
        upsert=upsert_job_io,
        patch=patch_job_io,
        delete=delete_job_io,
    ),
)

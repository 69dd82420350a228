"""The aspects we store, rendered as GMS returns them (JSON keyed as DataHub's classes are)."""

from __future__ import annotations

from typing import Any, Final

from incident_graph import urns
from incident_graph.domain.ingest import INT_BY_PRIORITY
from incident_graph.ingest.aspects import HANDLERS
from incident_graph.ingest.aspects.incident import incident_id
from incident_graph.store import Database
from incident_graph.store import incidents as incident_store
from incident_graph.store.aspect_reads import StoredAsset, stored_asset

SYSTEM: Final = "urn:li:corpuser:__datahub_system"
_INFO_NAME: Final = {
    "dataset": ("datasetProperties", "name"),
    "dashboard": ("dashboardInfo", "title"),
    "chart": ("chartInfo", "title"),
    "dataFlow": ("dataFlowInfo", "name"),
    "dataJob": ("dataJobInfo", "name"),
}


def _stamp(time_ms: int, actor: str = SYSTEM) -> dict[str, Any]:
    return {"time": time_ms, "actor": actor}


def _key(entity: str, urn: str) -> dict[str, Any]:
    key = urn.split(":", 3)[3]
    parts = urns.split_tuple(key) or [key]
    parts += [""] * (3 - len(parts))
    if entity == "dataset":
        platform = parts[0] if parts[0].startswith("urn:li:dataPlatform:") else None
        return {
            "platform": platform or f"urn:li:dataPlatform:{parts[0] or 'unknown'}",
            "name": parts[1] or key,
            "origin": parts[2] or "PROD",
        }
    if entity == "dashboard":
        return {"dashboardTool": parts[0], "dashboardId": parts[1] or key}
    if entity == "chart":
        return {"dashboardTool": parts[0], "chartId": parts[1] or key}
    if entity == "dataFlow":
        return {"orchestrator": parts[0], "flowId": parts[1] or key, "cluster": parts[2] or "prod"}
    return {"flow": parts[0], "jobId": parts[1] or key}


def _info(entity: str, stored: StoredAsset) -> dict[str, Any]:
    row = stored.row
    _, name_key = _INFO_NAME[entity]
    info: dict[str, Any] = {name_key: row.name, "customProperties": {}}
    changed = {"created": _stamp(row.created_ms), "lastModified": _stamp(row.updated_ms or 0)}
    if entity in {"dashboard", "chart"}:
        # DataHub requires both: a description (possibly empty) and the change stamps.
        info |= {"description": row.description or "", "lastModified": changed}
    elif row.description is not None:
        info["description"] = row.description
    if entity == "dataJob":
        info["type"] = {"string": "COMMAND"}
    return info


def asset_aspects(entity: str, stored: StoredAsset) -> dict[str, dict[str, Any]]:
    row = stored.row
    out: dict[str, dict[str, Any]] = {f"{entity}Key": _key(entity, row.urn)}
    out["status"] = {"removed": row.deleted_ms is not None}
    if row.updated_ms is not None:
        out[_INFO_NAME[entity][0]] = _info(entity, stored)
    if stored.owners:
        out["ownership"] = {
            "owners": [{"owner": o.urn, "type": o.type.value} for o in stored.owners],
            "ownerTypes": {},
            "lastModified": _stamp(row.updated_ms or row.created_ms),
        }
    if stored.tags:
        out["globalTags"] = {"tags": [{"tag": f"urn:li:tag:{t}"} for t in stored.tags]}
    datasets_up = [u for u, kind in stored.upstreams if kind == "DATASET"]
    if entity == "dataset" and datasets_up:
        out["upstreamLineage"] = {
            "upstreams": [
                {"dataset": u, "type": "TRANSFORMED", "auditStamp": _stamp(0)} for u in datasets_up
            ]
        }
    if entity == "dataJob" and (stored.upstreams or stored.downstreams):
        ins = [u for u, kind in stored.upstreams if kind == "DATASET"]
        jobs = [u for u, kind in stored.upstreams if kind == "DATA_JOB"]
        outs = [u for u, kind in stored.downstreams if kind == "DATASET"]
        out["dataJobInputOutput"] = {
            "inputDatasets": ins,
            "outputDatasets": outs,
            "inputDatajobs": jobs,
            "inputDatasetEdges": [{"destinationUrn": u} for u in ins],
            "outputDatasetEdges": [{"destinationUrn": u} for u in outs],
            "inputDatajobEdges": [{"destinationUrn": u} for u in jobs],
        }
    return out


async def _incident_aspects(db: Database, urn: str) -> dict[str, dict[str, Any]]:
    async with db.reading() as session:
        incident = await incident_store.get_incident(session, urn=urn)
        if incident is None:
            return {}
        assignees = await incident_store.assignee_urns_of(session, incident_id=incident.id)
        assets = await incident_store.assets_by_incident(session, incident_ids=[incident.id])
    status: dict[str, Any] = {
        "state": incident.state,
        "lastUpdated": _stamp(incident.status_time_ms, incident.status_actor),
    }
    if incident.stage:
        status["stage"] = incident.stage
    if incident.status_message is not None:
        status["message"] = incident.status_message
    info: dict[str, Any] = {
        "type": incident.incident_type,
        "entities": [a.urn for a in assets.get(incident.id, [])],
        "status": status,
        "source": {"type": incident.source_type}
        | ({"sourceUrn": incident.source_urn} if incident.source_urn else {}),
        "created": _stamp(incident.created_ms, incident.created_actor),
        "assignees": [
            {"actor": a, "assignedAt": _stamp(incident.created_ms, incident.created_actor)}
            for a in assignees
        ],
    }
    optional = {
        "customType": incident.custom_type,
        "title": incident.title,
        "description": incident.description,
        "startedAt": incident.started_at_ms,
        "priority": INT_BY_PRIORITY[incident.priority] if incident.priority else None,
    }
    info |= {k: v for k, v in optional.items() if v is not None}
    return {"incidentKey": {"id": incident_id(urn)}, "incidentInfo": info}


async def stored_aspects(db: Database, urn: str) -> dict[str, dict[str, Any]]:
    """Every aspect we hold for the URN, by aspect name; empty when we hold none."""
    entity = urns.entity_of(urn)
    if entity == "incident":
        return await _incident_aspects(db, urn)
    if entity not in _INFO_NAME:
        return {}
    async with db.reading() as session:
        stored = await stored_asset(session, urn=urn)
    if stored is None or stored.purged:
        return {}
    return asset_aspects(entity, stored)


def fqn_of(aspect: str) -> str:
    return HANDLERS[aspect].fqn

"""`incidentInfo` -> an incident, created or updated under its URN with the sender's stamps."""

from __future__ import annotations

from typing import Any, Final

from incident_graph import urns
from incident_graph.domain.enums import (
    IncidentSourceType,
    IncidentStage,
    IncidentState,
    IncidentType,
)
from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.incidents import StatusSpec, check_assets, check_assignees
from incident_graph.domain.ingest import (
    PRIORITY_BY_INT,
    EntityDelete,
    IncidentFacts,
    Stamp,
    Unmodelled,
)
from incident_graph.ingest.aspects.fields import checked, items, obj, opt_int, opt_str, req_str
from incident_graph.ingest.aspects.registry import AspectHandler
from incident_graph.ingest.errors import AspectError

ASPECT: Final = "incidentInfo"
PREFIX: Final = "urn:li:incident:"


def _enum(raw: Any, kind: type[Any], what: str) -> Any:
    try:
        return kind(raw)
    except ValueError as exc:
        known = ", ".join(kind.__members__)
        raise AspectError(f"{ASPECT}.{what} is {raw!r}; use one of {known}") from exc


def _stamp(raw: Any, what: str) -> Stamp | None:
    if raw is None:
        return None
    data = obj(raw, f"{ASPECT}.{what}")
    time_ms = opt_int(data, "time", f"{ASPECT}.{what}")
    if time_ms is None or time_ms < 0:
        raise AspectError(f"{ASPECT}.{what}.time must be epoch milliseconds")
    actor = req_str(data, "actor", f"{ASPECT}.{what}")
    if not actor.startswith(urns.PREFIX):
        raise AspectError(f"{ASPECT}.{what}.actor must be a URN like urn:li:corpuser:<name>")
    return Stamp(time_ms=time_ms, actor=actor)


def _status(data: dict[str, Any]) -> tuple[StatusSpec, Stamp | None]:
    raw = obj(data.get("status"), f"{ASPECT}.status")
    stage = raw.get("stage")
    return (
        StatusSpec(
            state=_enum(req_str(raw, "state", f"{ASPECT}.status"), IncidentState, "status.state"),
            stage=None if stage is None else _enum(stage, IncidentStage, "status.stage"),
            message=opt_str(raw, "message", f"{ASPECT}.status"),
        ),
        _stamp(raw.get("lastUpdated"), "status.lastUpdated"),
    )


def incident_id(urn: str) -> str:
    if not urn.startswith(PREFIX):
        raise AspectError(f"entityUrn {urn!r} is not an incident URN (urn:li:incident:<id>)")
    found = urn[len(PREFIX) :]
    try:
        urns.incident_urn(found)
    except urns.InvalidUrnError as exc:
        raise AspectError(f"entityUrn: {exc}") from exc
    return found


def upsert(urn: str, value: Any) -> IncidentFacts:
    data = obj(value, ASPECT)
    priority = opt_int(data, "priority", ASPECT)
    if priority is not None and priority not in PRIORITY_BY_INT:
        raise AspectError(
            f"{ASPECT}.priority is {priority}; DataHub's priorities are 0 (critical) to 3 (low)"
        )
    entities = list(items(data, "entities", ASPECT))
    assignees = [
        req_str(obj(a, f"{ASPECT}.assignees[]"), "actor", f"{ASPECT}.assignees[]")
        for a in items(data, "assignees", ASPECT)
    ]
    source = data.get("source")
    source_data = obj(source, f"{ASPECT}.source") if source is not None else {}
    status, status_stamp = _status(data)
    try:
        checked_entities = check_assets([e if isinstance(e, str) else "" for e in entities])
        checked_assignees = check_assignees(assignees)
    except BadUserInputError as exc:
        raise checked(ASPECT, exc) from exc
    facts = IncidentFacts(
        urn=urn,
        incident_id=incident_id(urn),
        type=_enum(req_str(data, "type", ASPECT), IncidentType, "type"),
        custom_type=opt_str(data, "customType", ASPECT),
        title=opt_str(data, "title", ASPECT),
        description=opt_str(data, "description", ASPECT),
        entities=tuple(a.urn for a in checked_entities),
        priority=None if priority is None else PRIORITY_BY_INT[priority],
        assignees=checked_assignees,
        status=status,
        status_stamp=status_stamp,
        source_type=_enum(
            source_data.get("type", IncidentSourceType.MANUAL.value),
            IncidentSourceType,
            "source.type",
        ),
        source_urn=opt_str(source_data, "sourceUrn", f"{ASPECT}.source"),
        started_at=opt_int(data, "startedAt", ASPECT),
        created=_stamp(data.get("created"), "created"),
    )
    try:
        facts.raise_spec()  # every rule a raise checks, before anything is written
    except BadUserInputError as exc:
        raise checked(ASPECT, exc) from exc
    return facts


def delete(urn: str) -> EntityDelete:
    return EntityDelete(urn=urn, entity_type="incident")


def _key_only(_urn: str, _value: Any) -> Unmodelled:
    # An incident is made by its incidentInfo; its key alone has nothing to store.
    return Unmodelled(entity_type="incident", aspect="incidentKey")


HANDLERS: Final = (
    AspectHandler(
        name=ASPECT,
        fqn="com.linkedin.incident.IncidentInfo",
        entity_types=frozenset({"incident"}),
        upsert=upsert,
        delete=delete,
    ),
    AspectHandler(
        name="incidentKey",
        fqn="com.linkedin.metadata.key.IncidentKey",
        entity_types=frozenset({"incident"}),
        upsert=_key_only,
        delete=delete,
        key=True,
    ),
)

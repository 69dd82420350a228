"""Proposals and snapshots as GMS receives them, decoded into typed `Proposal`s.

A MetadataChangeProposal carries one aspect as a JSON *string*; an MCE snapshot carries many,
keyed by their Pegasus class names. Envelope mistakes answer 400 (as Rest.li does for a
malformed action parameter), bad URNs and aspect contents 422 (GMS's validation failure).
"""

from __future__ import annotations

from typing import Any, Final

import orjson

from incident_graph import urns
from incident_graph.domain.ingest import ChangeType, Proposal, Unmodelled
from incident_graph.domain.text import nul_path
from incident_graph.ingest.aspects import BY_FQN, HANDLERS, AspectHandler
from incident_graph.ingest.errors import AspectError
from incident_graph.urns import check_urn

JSON: Final = "application/json"
JSON_PATCH: Final = "application/json-patch+json"
SNAPSHOT_PREFIX: Final = "com.linkedin.metadata.snapshot."


class ProposalError(ValueError):
    """One proposal cannot be taken; `status` is 400 or 422."""

    def __init__(self, status: int, message: str, *, urn: str | None, aspect: str | None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.urn = urn
        self.aspect = aspect


def _text(raw: dict[str, Any], key: str) -> str | None:
    value = raw.get(key)
    return value if isinstance(value, str) and value else None


def decode_proposal(index: int, raw: Any) -> Proposal:
    """One MetadataChangeProposal (the JSON the emitters send) as a typed Proposal."""
    if not isinstance(raw, dict):
        raise ProposalError(400, "a proposal must be a JSON object", urn=None, aspect=None)
    urn = _text(raw, "entityUrn")
    aspect = _text(raw, "aspectName")
    change_text = _text(raw, "changeType")
    entity_type = _text(raw, "entityType")

    def fail(status: int, message: str) -> ProposalError:
        return ProposalError(status, message, urn=urn, aspect=aspect)

    if urn is None:
        raise fail(422, "entityUrn is required: give the URN of the entity the aspect is about")
    if change_text is None or change_text not in ChangeType.__members__:
        known = ", ".join(ChangeType)
        raise fail(400, f"changeType is {raw.get('changeType')!r}; use one of {known}")
    if entity_type is None or aspect is None:
        raise fail(400, "entityType and aspectName are required (e.g. dataset, ownership)")
    try:
        if check_urn(urn) != entity_type:
            raise fail(422, f"entityType {entity_type!r} does not match the URN {urn!r}")
    except urns.InvalidUrnError as exc:
        raise fail(422, f"bad entityUrn: {exc}") from exc
    change = ChangeType(change_text)
    handler = HANDLERS.get(aspect)
    if handler is None or entity_type not in handler.entity_types:
        return Proposal(index, urn, aspect, Unmodelled(entity_type=entity_type, aspect=aspect))
    try:
        return Proposal(index, urn, aspect, _decode(handler, urn, change, raw.get("aspect")))
    except AspectError as exc:
        raise fail(422, str(exc)) from exc


def _decode(handler: AspectHandler, urn: str, change: ChangeType, body: Any) -> Any:
    if change is ChangeType.DELETE:
        if handler.delete is None:
            raise AspectError(f"DELETE of {handler.name} is not supported")
        return handler.delete(urn)
    if not isinstance(body, dict) or not isinstance(body.get("value"), str):
        raise AspectError('aspect must be {"value": "<the aspect as a JSON string>"}')
    content_type = body.get("contentType") or JSON
    try:
        value = orjson.loads(body["value"])
    except orjson.JSONDecodeError as exc:
        raise AspectError(f"aspect.value is not valid JSON: {exc}") from exc
    _refuse_nul(value)
    if change is ChangeType.PATCH:
        if handler.patch is None:
            raise AspectError(f"PATCH of {handler.name} is not supported; send an UPSERT")
        if content_type != JSON_PATCH:
            raise AspectError(f"a PATCH's aspect.contentType must be {JSON_PATCH}")
        return handler.patch(urn, value)
    if content_type != JSON:
        raise AspectError(f"an {change.value}'s aspect.contentType must be {JSON}")
    return handler.upsert(urn, value)


def _refuse_nul(value: Any) -> None:
    found = nul_path(value, "aspect")
    if found is not None:
        raise AspectError(
            f"{found} contains a NUL character (\\u0000), which cannot be stored; remove it"
        )


def _aspect_name(fqn: str) -> str:
    short = fqn.rsplit(".", 1)[-1]
    return short[:1].lower() + short[1:]


def decode_snapshot(raw: Any) -> list[Proposal]:
    """An MCE's `entity` (`{"value": {"com.linkedin.metadata.snapshot.XSnapshot": {...}}}`)
    as one UPSERT proposal per aspect."""
    value = raw.get("value") if isinstance(raw, dict) else None
    if not isinstance(value, dict) or len(value) != 1:
        raise ProposalError(
            400,
            'entity must be {"value": {"com.linkedin.metadata.snapshot.<Type>Snapshot": {...}}}',
            urn=None,
            aspect=None,
        )
    ((kind, snapshot),) = value.items()
    urn = _text(snapshot, "urn") if isinstance(snapshot, dict) else None
    aspects = snapshot.get("aspects") if isinstance(snapshot, dict) else None
    if not kind.startswith(SNAPSHOT_PREFIX) or urn is None or not isinstance(aspects, list):
        raise ProposalError(
            400, f"{kind}: a snapshot needs a urn and a list of aspects", urn=urn, aspect=None
        )
    try:
        entity_type = check_urn(urn)
    except urns.InvalidUrnError as exc:
        raise ProposalError(422, f"bad urn: {exc}", urn=urn, aspect=None) from exc
    out: list[Proposal] = []
    for index, item in enumerate(aspects):
        if not isinstance(item, dict) or len(item) != 1:
            raise ProposalError(
                400, "each snapshot aspect is {<Pegasus class>: {...}}", urn=urn, aspect=None
            )
        ((fqn, body),) = item.items()
        handler = BY_FQN.get(fqn)
        name = handler.name if handler else _aspect_name(fqn)
        if handler is None or entity_type not in handler.entity_types:
            out.append(Proposal(index, urn, name, Unmodelled(entity_type, name)))
            continue
        try:
            _refuse_nul(body)
            out.append(Proposal(index, urn, name, handler.upsert(urn, body)))
        except AspectError as exc:
            raise ProposalError(422, str(exc), urn=urn, aspect=name) from exc
    return out

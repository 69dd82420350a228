"""GMS's REST endpoints as acryl-datahub calls them: ingestion, hard delete, aspect reads.

Handlers stay thin: authenticate, decode the whole request (refusing it whole when any part
is malformed), check INGEST_METADATA, apply through the services, answer as GMS does.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from incident_graph.api.http.bearer import bearer_secret
from incident_graph.api.http.refusal_audit import gate_attempt
from incident_graph.api.http.unavailable import STATUS as UNAVAILABLE_STATUS
from incident_graph.auth.audit import record_allowed, record_refusal
from incident_graph.auth.credentials import InvalidTokenError, Refused, TokenRefusal, authenticate
from incident_graph.auth.principal import Principal
from incident_graph.auth.privileges import AccessDeniedError
from incident_graph.auth.refusal_log import RefusalLog
from incident_graph.config import Settings
from incident_graph.domain.access import Target
from incident_graph.domain.errors import UnavailableError
from incident_graph.domain.ingest import (
    AssetEdit,
    CheckDefinition,
    CheckRun,
    EntityDelete,
    IncidentFacts,
    OperationReport,
    Proposal,
)
from incident_graph.ingest.apply import Ingestion, Outcome
from incident_graph.ingest.aspects import HANDLERS
from incident_graph.ingest.body import members
from incident_graph.ingest.envelope import (
    ProposalError,
    decode_proposal,
    decode_snapshot,
)
from incident_graph.ingest.errors import IngestError, bad_request
from incident_graph.ingest.read import fqn_of, stored_aspects
from incident_graph.metrics import Metrics
from incident_graph.store import Database, Writer
from incident_graph.urns import InvalidUrnError, check_urn, parse_asset_urn

SUCCESS: Final = {"value": "success"}
# How many failures a refusal's message names (all are in its `failures` list).
NAMED: Final = 5

Handler = Callable[[Request, str], Awaitable[Response]]


def _state(request: Request) -> tuple[Settings, Database, Writer, Metrics]:
    state = request.app.state
    return state.settings, state.db, state.writer, state.metrics


async def _principal(request: Request) -> Principal:
    refusals: RefusalLog = request.app.state.refusal_log
    secret = bearer_secret(request.headers.get("authorization", ""))
    if secret is None:
        await refusals.record(gate_attempt(request.scope, Refused(TokenRefusal.MISSING, None)))
        raise IngestError(
            401, "missing credentials: send the header 'Authorization: Bearer <token>'"
        )
    try:
        return await authenticate(db=request.app.state.db, secret=secret)
    except InvalidTokenError as exc:
        await refusals.record(gate_attempt(request.scope, exc.refused))
        raise IngestError(401, exc.message) from exc


def endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Request id, and every refusal answered in GMS's error shape."""

    async def run(request: Request) -> Response:
        request_id = uuid.uuid4().hex
        try:
            response = await handler(request, request_id)
        except IngestError as refusal:
            return refusal.response(request_id)
        except UnavailableError as exc:
            return IngestError(UNAVAILABLE_STATUS, exc.message).response(request_id)
        response.headers["X-Request-Id"] = request_id
        return response

    return run


def _refuse_proposals(listed: list[tuple[int, ProposalError]]) -> IngestError:
    status = 400 if any(p.status == 400 for _, p in listed) else 422
    named = "; ".join(
        f"proposal {i} ({p.urn or '?'} {p.aspect or '?'}): {p.message}" for i, p in listed[:NAMED]
    )
    more = f"; and {len(listed) - NAMED} more" if len(listed) > NAMED else ""
    return IngestError(
        status,
        f"{len(listed)} proposal(s) refused, nothing was stored: {named}{more}",
        failures=[
            {
                "index": i,
                "urn": p.urn,
                "aspectName": p.aspect,
                "status": p.status,
                "message": p.message,
            }
            for i, p in listed
        ],
    )


def _targets(proposals: list[Proposal]) -> list[Target]:
    found: dict[str, Target] = {}
    for p in proposals:
        change = p.change
        if isinstance(change, AssetEdit):
            found.setdefault(change.asset.urn, Target(change.asset.urn, change.asset.platform))
        elif isinstance(change, IncidentFacts):
            for urn in change.entities:
                asset = parse_asset_urn(urn)
                found.setdefault(urn, Target(urn, asset.platform))
        elif isinstance(change, CheckDefinition | CheckRun):
            check = change.check if isinstance(change, CheckDefinition) else change.result.check
            if check.asset is not None:
                found.setdefault(check.asset.urn, Target(check.asset.urn, check.asset.platform))
        elif isinstance(change, OperationReport):
            asset = change.operation.asset
            found.setdefault(asset.urn, Target(asset.urn, asset.platform))
        elif isinstance(change, EntityDelete):
            try:
                asset = parse_asset_urn(change.urn)
            except InvalidUrnError:
                continue
            found.setdefault(asset.urn, Target(asset.urn, asset.platform))
    return list(found.values())


async def _ingest(
    request: Request, proposals: list[Proposal], *, principal: Principal, operation: str
) -> Outcome:
    """Check the privilege for the whole request, apply it, and audit it."""
    settings, db, writer, metrics = _state(request)
    ingestion = Ingestion(
        writer=writer,
        db=db,
        settings=settings,
        metrics=metrics,
        principal=principal,
        operation=operation,
    )
    try:
        async with db.reading() as session:
            await ingestion.access.check(session, targets=_targets(proposals))
    except AccessDeniedError as refusal:
        await record_refusal(
            writer=writer,
            principal=principal,
            operation=operation,
            target=refusal.subject,
            reason=refusal.message,
        )
        raise IngestError(403, refusal.message) from refusal
    outcome = await ingestion.apply(proposals)
    summary = (
        f"{len(proposals)} proposal(s) on {len({p.urn for p in proposals})} entities: "
        f"{outcome.stored} stored, {sum(outcome.unmodelled.values())} not modelled, "
        f"{len(outcome.failures)} failed"
    )

    async def audit(session: Any) -> None:
        await record_allowed(
            session,
            actor=principal.urn,
            operation=operation,
            target=summary,
            now_ms=writer.clock(),
        )

    await writer.run(audit)
    if outcome.failures:
        first = outcome.failures[0]
        named = "; ".join(
            f"proposal {f.index} ({f.urn} {f.aspect}): {f.message}"
            for f in outcome.failures[:NAMED]
        )
        raise IngestError(
            first.status,
            f"{len(outcome.failures)} of {len(proposals)} proposal(s) were not applied (the "
            f"others were): {named}",
            failures=[f.as_json() for f in outcome.failures],
            applied=outcome.stored,
        )
    return outcome


async def aspects_action(request: Request, _request_id: str) -> Response:
    """POST /aspects?action=ingestProposal | ingestProposalBatch."""
    action = request.query_params.get("action")
    if action not in {"ingestProposal", "ingestProposalBatch"}:
        raise bad_request(
            f"unknown action {action!r} on /aspects; use ingestProposal or ingestProposalBatch"
        )
    principal = await _principal(request)
    settings = request.app.state.settings
    key = "proposal" if action == "ingestProposal" else "proposals"
    proposals: list[Proposal] = []
    problems: list[tuple[int, ProposalError]] = []
    seen = False
    async for name, value, streamed in members(
        request, limit=settings.ingest_max_body_bytes, stream="proposals"
    ):
        if name != key:
            continue  # "async": we always answer once the write is committed
        if key == "proposals" and not streamed:
            raise bad_request('"proposals" must be a list of proposals')
        seen = True
        index = len(proposals) + len(problems)
        try:
            proposals.append(decode_proposal(index, value))
        except ProposalError as exc:
            problems.append((index, exc))
    if not seen:
        raise bad_request(f'the request body needs "{key}"')
    if problems:
        raise _refuse_proposals(problems)
    await _ingest(request, proposals, principal=principal, operation=action)
    return JSONResponse(SUCCESS)


async def entities_action(request: Request, _request_id: str) -> Response:
    """POST /entities?action=ingest (an MCE snapshot) | delete (hard delete by URN)."""
    action = request.query_params.get("action")
    if action not in {"ingest", "delete"}:
        raise bad_request(f"unknown action {action!r} on /entities; use ingest or delete")
    principal = await _principal(request)
    settings = request.app.state.settings
    limit = settings.ingest_max_body_bytes
    body: dict[str, Any] = {
        name: value async for name, value, _ in members(request, limit=limit, stream="")
    }
    if action == "ingest":
        if "entity" not in body:
            raise bad_request('the request body needs "entity" (an MCE snapshot)')
        try:
            proposals = decode_snapshot(body["entity"])
        except ProposalError as exc:
            raise _refuse_proposals([(0, exc)]) from exc
        await _ingest(request, proposals, principal=principal, operation="ingestEntity")
        return Response(status_code=200)
    urn = body.get("urn")
    if not isinstance(urn, str) or not urn:
        raise bad_request('the request body needs "urn": the entity to delete')
    try:
        entity = check_urn(urn)
    except InvalidUrnError as exc:
        raise IngestError(400, f"bad urn: {exc}") from exc
    proposal = Proposal(0, urn, f"{entity}Key", EntityDelete(urn=urn, entity_type=entity))
    outcome = await _ingest(request, [proposal], principal=principal, operation="deleteEntity")
    return JSONResponse({"value": {"urn": urn, "rows": outcome.deleted_rows, "timeseriesRows": 0}})


async def _aspects_of(request: Request) -> tuple[str, str, dict[str, dict[str, Any]]]:
    await _principal(request)
    urn = request.path_params["urn"]
    try:
        entity = check_urn(urn)
    except InvalidUrnError as exc:
        raise IngestError(400, f"bad urn: {exc}") from exc
    return urn, entity, await stored_aspects(request.app.state.db, urn)


async def get_aspect(request: Request, _request_id: str) -> Response:
    """GET /aspects/{urn}?aspect=NAME&version=0: the latest value, or 404 when not stored."""
    urn, _, found = await _aspects_of(request)
    name = request.query_params.get("aspect")
    if not name:
        raise bad_request("give the aspect to read: ?aspect=<name>&version=0")
    version = request.query_params.get("version", "0")
    if name not in found or version != "0":
        raise IngestError(404, f"no aspect {name} (version {version}) stored for {urn}")
    return JSONResponse({"urn": urn, "version": 0, "aspect": {fqn_of(name): found[name]}})


def _projection(raw: str | None) -> set[str] | None:
    """`List(a,b)` (Rest.li's list syntax) or `a,b`."""
    if not raw:
        return None
    inner = raw.removeprefix("List(").removesuffix(")")
    return {a.strip() for a in inner.split(",") if a.strip()}


async def get_entity(request: Request, _request_id: str) -> Response:
    """GET /entitiesV2/{urn}: every stored aspect (or those in `aspects=List(...)`)."""
    urn, entity, found = await _aspects_of(request)
    wanted = _projection(request.query_params.get("aspects"))
    aspects = {
        name: {"name": name, "type": "VERSIONED", "version": 0, "value": value}
        for name, value in found.items()
        if (wanted is None or name in wanted) and name in HANDLERS
    }
    return JSONResponse({"entityName": entity, "urn": urn, "aspects": aspects})


def ingest_routes() -> list[Route]:
    return [
        Route("/aspects", endpoint(aspects_action), methods=["POST"]),
        Route("/entities", endpoint(entities_action), methods=["POST"]),
        Route("/aspects/{urn:path}", endpoint(get_aspect), methods=["GET"]),
        Route("/entitiesV2/{urn:path}", endpoint(get_entity), methods=["GET"]),
    ]

"""Applying decoded proposals: each through its service, one unit of work per proposal.

Proposals about different entities run concurrently (the writer groups their units into
shared commits); those about one entity run in the order sent. A proposal that fails leaves
the others applied and is reported by its position.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from incident_graph.auth.ingest_access import IngestAccess
from incident_graph.auth.principal import Principal
from incident_graph.auth.privileges import IncidentAccess
from incident_graph.config import Settings
from incident_graph.domain.errors import BadUserInputError, DomainError, UnavailableError
from incident_graph.domain.ingest import (
    AssetEdit,
    CheckDefinition,
    CheckRun,
    EntityDelete,
    IncidentFacts,
    OperationReport,
    Proposal,
    Unmodelled,
)
from incident_graph.metrics import Metrics
from incident_graph.services import asset_ingest, incident_ingest
from incident_graph.services import checks as check_service
from incident_graph.services import operations as operation_service
from incident_graph.store import Database, Writer
from incident_graph.urns import ASSET_ENTITY_TYPES, InvalidUrnError, parse_asset_urn

log = logging.getLogger(__name__)

HTTP_STATUS: Final = {
    "BAD_USER_INPUT": 422,
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "CONFLICT": 409,
}


@dataclass(frozen=True, slots=True)
class Failure:
    index: int
    urn: str
    aspect: str
    status: int
    message: str

    def as_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "urn": self.urn,
            "aspectName": self.aspect,
            "status": self.status,
            "message": self.message,
        }


@dataclass(slots=True)
class Outcome:
    stored: int = 0
    unmodelled: Counter[tuple[str, str]] = field(default_factory=Counter)
    deleted_rows: int = 0
    failures: list[Failure] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Ingestion:
    """Everything a request's proposals are applied with."""

    writer: Writer
    db: Database
    settings: Settings
    metrics: Metrics
    principal: Principal
    operation: str

    @property
    def access(self) -> IngestAccess:
        return IngestAccess(principal=self.principal, operation=self.operation)

    @property
    def _incident_access(self) -> IncidentAccess:
        return IncidentAccess(principal=self.principal, operation=self.operation)

    async def apply(self, proposals: Sequence[Proposal]) -> Outcome:
        outcome = Outcome()
        by_entity: dict[str, list[Proposal]] = defaultdict(list)
        for proposal in proposals:
            by_entity[proposal.urn].append(proposal)

        async def in_order(group: list[Proposal]) -> None:
            for proposal in group:
                try:
                    await self._one(proposal, outcome)
                except UnavailableError:
                    # Not this proposal's fault: the whole request answers 503, which DataHub's
                    # emitters retry (a 4xx they would drop), and upserts make the retry safe.
                    raise
                except DomainError as exc:
                    status = HTTP_STATUS.get(exc.code, 422)
                    outcome.failures.append(
                        Failure(proposal.index, proposal.urn, proposal.aspect, status, exc.message)
                    )

        await asyncio.gather(*(in_order(group) for group in by_entity.values()))
        outcome.failures.sort(key=lambda f: f.index)
        self._count(outcome)
        return outcome

    async def _one(self, proposal: Proposal, outcome: Outcome) -> None:
        change = proposal.change
        if isinstance(change, AssetEdit):
            await asset_ingest.apply_asset_edit(writer=self.writer, edit=change, access=self.access)
        elif isinstance(change, IncidentFacts):
            await incident_ingest.upsert_incident(
                writer=self.writer,
                db=self.db,
                facts=change,
                access=self._incident_access,
                require_note=self.settings.require_resolution_note,
            )
        elif isinstance(change, CheckDefinition):
            await check_service.upsert_check(
                writer=self.writer, spec=change.check, access=self._incident_access
            )
        elif isinstance(change, CheckRun):
            await check_service.report_results(
                writer=self.writer,
                results=[change.result],
                actor=self.principal.urn,
                default_policy=self.settings.check_policy,
                require_note=self.settings.require_resolution_note,
                access=self._incident_access,
            )
        elif isinstance(change, OperationReport):
            await operation_service.report_operation(
                writer=self.writer, spec=change.operation, access=self._incident_access
            )
        elif isinstance(change, EntityDelete):
            outcome.deleted_rows += await self._delete(change)
        else:
            outcome.unmodelled[(change.entity_type, change.aspect)] += 1
            return
        outcome.stored += 1

    async def _delete(self, change: EntityDelete) -> int:
        if change.entity_type == "incident":
            raise BadUserInputError(
                f"{change.urn}: incidents are kept with their timeline and are not deleted; "
                "resolve it instead (updateIncidentStatus, or an incidentInfo with state "
                "RESOLVED)"
            )
        if change.entity_type not in ASSET_ENTITY_TYPES:
            return 0  # nothing of it is stored
        try:
            asset = parse_asset_urn(change.urn)
        except InvalidUrnError as exc:
            raise BadUserInputError(f"bad urn: {exc}") from exc
        return await asset_ingest.hard_delete_asset(
            writer=self.writer, asset=asset, access=self.access
        )

    def _count(self, outcome: Outcome) -> None:
        metrics = self.metrics
        metrics.ingest_proposals.labels("stored").inc(outcome.stored)
        metrics.ingest_proposals.labels("failed").inc(len(outcome.failures))
        for (entity, aspect), n in outcome.unmodelled.items():
            metrics.count_unmodelled(entity, aspect, n)
        if outcome.unmodelled:
            log.info(
                "ingestion accepted %d aspect(s) it does not store: %s",
                sum(outcome.unmodelled.values()),
                ", ".join(f"{e}/{a} x{n}" for (e, a), n in sorted(outcome.unmodelled.items())),
            )


def unmodelled_only(proposals: Sequence[Proposal]) -> bool:
    return all(isinstance(p.change, Unmodelled) for p in proposals)

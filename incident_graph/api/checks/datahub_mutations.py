"""DataHub's assertion mutations, as DataHubGraph and DataHubClient.assertions call them."""

from __future__ import annotations

import uuid

import strawberry

from incident_graph.api.checks.datahub_inputs import (
    AssertionResultInput,
    UpsertCustomAssertionInput,
)
from incident_graph.api.checks.types import Assertion
from incident_graph.api.context import Info
from incident_graph.api.enums import EntityType
from incident_graph.api.permissions import CanManageIncidents, incident_access
from incident_graph.domain import checks as rules
from incident_graph.domain.assertions import status_of
from incident_graph.domain.checks import ASSERTION_PREFIX, CheckType
from incident_graph.domain.errors import NotFoundError
from incident_graph.services import checks as check_service


def _message(result: AssertionResultInput) -> str | None:
    if result.error is not None:
        return f"{result.error.type.value}: {result.error.message}"
    if result.properties:
        return "; ".join(f"{p.key}={p.value}" for p in result.properties)
    return None


@strawberry.type
class AssertionMutations:
    @strawberry.mutation(
        permission_classes=[CanManageIncidents],
        description=(
            "Report a run of an assertion (DataHub's); the run raises, attaches to or resolves "
            "incidents like any check result. Returns true."
        ),
    )
    async def report_assertion_result(
        self, info: Info, urn: str, result: AssertionResultInput
    ) -> bool:
        status = status_of(result.type, result.severity)
        check = rules.build_check(
            urn=rules.check_check_urn(urn), asset_urn=None, name=None, type_=None
        )
        if status is None:
            return True  # INIT: set up, not run
        spec = rules.build_result(
            check=check,
            run_id=str(result.timestamp_millis),
            time_ms=result.timestamp_millis,
            status=status,
            message=_message(result),
            external_url=result.external_url,
        )
        ctx = info.context
        await check_service.report_results(
            writer=ctx.writer,
            results=[spec],
            actor=ctx.principal.urn,
            default_policy=ctx.settings.check_policy,
            require_note=ctx.settings.require_resolution_note,
            access=incident_access(info),
        )
        return True

    @strawberry.mutation(
        permission_classes=[CanManageIncidents],
        description=(
            "Create or update a custom assertion on an entity (DataHub's); its description is "
            "the check's name. A new one gets urn:li:assertion:<uuid> when no urn is given."
        ),
    )
    async def upsert_custom_assertion(
        self, info: Info, input: UpsertCustomAssertionInput, urn: str | None = None
    ) -> Assertion:
        platform = input.platform.name or (input.platform.urn or "").removeprefix(
            "urn:li:dataPlatform:"
        )
        spec = rules.build_check(
            urn=urn or f"{ASSERTION_PREFIX}{uuid.uuid4()}",
            asset_urn=input.entity_urn,
            name=input.description,
            type_=CheckType.CUSTOM,
            description=input.logic or input.type,
            platform=platform or None,
            external_url=input.external_url,
        )
        ctx = info.context
        await check_service.upsert_check(writer=ctx.writer, spec=spec, access=incident_access(info))
        row = await ctx.loaders.checks.by_urn.load(spec.urn)
        if row is None:
            raise NotFoundError(f"assertion {spec.urn!r} was not stored")
        return Assertion(urn=row.urn, type=EntityType.ASSERTION, row=row)

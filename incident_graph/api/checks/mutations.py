"""Root mutation fields for checks: report results, set a check's policy, link and unlink."""

from __future__ import annotations

import strawberry

from incident_graph.api.checks.inputs import (
    CheckPolicyInput,
    CheckResultInput,
    result_ids,
    result_specs,
)
from incident_graph.api.checks.types import ReportedCheckResult
from incident_graph.api.context import Info
from incident_graph.api.permissions import CanManageIncidents, incident_access
from incident_graph.domain.checks import check_check_urn
from incident_graph.services import checks as check_service


@strawberry.type
class CheckMutations:
    @strawberry.mutation(
        permission_classes=[CanManageIncidents],
        description=(
            "Ours: report up to 1,000 check results at once (all or none). A failing result "
            "raises an incident for its check, or joins the open one; a PASS resolves it when "
            "the check's policy says autoResolve. One answer per input, in order."
        ),
    )
    async def report_check_results(
        self, info: Info, input: list[CheckResultInput]
    ) -> list[ReportedCheckResult]:
        specs = result_specs(input)
        ctx = info.context
        reported = await check_service.report_results(
            writer=ctx.writer,
            results=specs,
            actor=ctx.principal.urn,
            default_policy=ctx.settings.check_policy,
            require_note=ctx.settings.require_resolution_note,
            access=incident_access(info),
        )
        return [
            ReportedCheckResult(
                id=str(r.result_id),
                check_urn=r.check_urn,
                stored=r.stored,
                action=r.action,
                incident_urn=r.incident_urn,
            )
            for r in reported
        ]

    @strawberry.mutation(
        permission_classes=[CanManageIncidents],
        description="Ours: set a check's own incident policy (null settings inherit the default).",
    )
    async def set_check_policy(self, info: Info, urn: str, input: CheckPolicyInput) -> bool:
        ctx = info.context
        await check_service.set_policy(
            writer=ctx.writer,
            check_urn=check_check_urn(urn),
            policy=input.to_overrides(),
            access=incident_access(info),
        )
        return True

    @strawberry.mutation(
        permission_classes=[CanManageIncidents],
        description="Ours: link check results to an incident; returns the ids newly linked.",
    )
    async def link_check_results(
        self, info: Info, urn: str, check_result_ids: list[str]
    ) -> list[str]:
        ctx = info.context
        linked = await check_service.link_results(
            writer=ctx.writer,
            incident_urn=urn,
            result_ids=result_ids(check_result_ids),
            actor=ctx.principal.urn,
            access=incident_access(info),
        )
        return [str(i) for i in linked]

    @strawberry.mutation(
        permission_classes=[CanManageIncidents],
        description="Ours: unlink check results from an incident; returns the ids unlinked.",
    )
    async def unlink_check_results(
        self, info: Info, urn: str, check_result_ids: list[str]
    ) -> list[str]:
        ctx = info.context
        removed = await check_service.unlink_results(
            writer=ctx.writer,
            incident_urn=urn,
            result_ids=result_ids(check_result_ids),
            actor=ctx.principal.urn,
            access=incident_access(info),
        )
        return [str(i) for i in removed]

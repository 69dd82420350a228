"""Checks (DataHub's Assertion) and their results, as GraphQL types."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from incident_graph.api.checks.loaders import RunsKey
from incident_graph.api.checks.run_events import (
    AssertionRunEventsResult,
    AssertionRunStatus,
    run_event,
    run_events,
)
from incident_graph.api.context import Info
from incident_graph.api.entity import AuditStamp, Entity
from incident_graph.api.enums import (
    Action,
    AssertionType,
    CheckType,
    EntityType,
    IncidentPriority,
    ResultStatus,
)
from incident_graph.api.filters import FilterInput
from incident_graph.api.scalars import Long
from incident_graph.config import Settings
from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.operations import check_limit
from incident_graph.store.checks import policy_of
from incident_graph.store.tables import Check as CheckRow
from incident_graph.store.tables import CheckResult as ResultRow

if TYPE_CHECKING:
    from incident_graph.api.assets.catalog import DataPlatform

# Lazy: the asset types import the incident types, which import these.
_CATALOG = "incident_graph.api.assets.catalog"


@strawberry.type(description="What an assertion is (DataHub's AssertionInfo).")
class AssertionInfo:
    type: AssertionType
    description: str | None = None
    external_url: str | None = None


@strawberry.type(description="Ours: when a check's results raise and resolve incidents.")
class CheckPolicy:
    raise_on_fail: bool
    raise_on_warn: bool
    priority: IncidentPriority | None
    auto_resolve: bool
    assignee_urns: list[str]
    inherited: list[str] = strawberry.field(
        description="The settings the check does not set itself (the server's default applies)."
    )


@strawberry.type(description="Ours: one run's result of a check.")
class CheckResult:
    row: strawberry.Private[ResultRow]
    check_row: strawberry.Private[CheckRow]

    @strawberry.field(description="Pass it to raiseIncident, linkCheckResults, unlinkCheckResults.")
    def id(self) -> str:
        return str(self.row.id)

    @strawberry.field(description="The check that ran.")
    def check(self) -> Assertion:
        return Assertion(urn=self.check_row.urn, type=EntityType.ASSERTION, row=self.check_row)

    @strawberry.field
    def run_id(self) -> str:
        return self.row.run_id

    @strawberry.field(description="When the run happened (epoch milliseconds).")
    def time(self) -> Long:
        return Long(self.row.time_ms)

    @strawberry.field
    def status(self) -> ResultStatus:
        return self.row.status

    @strawberry.field
    def observed_value(self) -> str | None:
        return self.row.observed_value

    @strawberry.field
    def threshold(self) -> str | None:
        return self.row.threshold

    @strawberry.field
    def message(self) -> str | None:
        return self.row.message

    @strawberry.field(description="The run's page in the tool that ran it.")
    def external_url(self) -> str | None:
        return self.row.external_url

    @strawberry.field(description="Who reported it, and when it arrived.")
    def reported(self) -> AuditStamp:
        return AuditStamp(time=Long(self.row.created_ms), actor=self.row.created_actor)


@strawberry.type(description="Ours: a page of check results, newest first.")
class CheckResults:
    start: int
    count: int
    total: int
    results: list[CheckResult]


@strawberry.type(description="A data-quality check (DataHub: an assertion) on one asset.")
class Assertion(Entity):
    # The check's row when the caller has it; else it is loaded by URN (an incident's source).
    row: strawberry.Private[CheckRow | None] = None

    async def _row(self, info: Info) -> CheckRow | None:
        if self.row is None:
            self.row = await info.context.loaders.checks.by_urn.load(self.urn)
        return self.row

    @strawberry.field(description="What the check is; null when no check with this URN is kept.")
    async def info(self, info: Info) -> AssertionInfo | None:
        row = await self._row(info)
        if row is None:
            return None
        return AssertionInfo(
            type=AssertionType(row.check_type.value),
            description=row.description,
            external_url=row.external_url,
        )

    @strawberry.field(description="Where the check runs (dbt, soda, great_expectations, ...).")
    async def platform(
        self, info: Info
    ) -> Annotated[DataPlatform, strawberry.lazy(_CATALOG)] | None:
        from incident_graph.api.assets.catalog import platform_entity  # noqa: PLC0415 - see _CATALOG

        row = await self._row(info)
        return None if row is None or row.platform is None else platform_entity(row.platform)

    @strawberry.field(description="Ours: the check's name.")
    async def name(self, info: Info) -> str | None:
        row = await self._row(info)
        return None if row is None else row.name

    @strawberry.field(description="Ours: the check's type.")
    async def check_type(self, info: Info) -> CheckType | None:
        row = await self._row(info)
        return None if row is None else row.check_type

    @strawberry.field(description="Ours: the asset the check is about.")
    async def asset(self, info: Info) -> Entity | None:
        row = await self._row(info)
        if row is None:
            return None
        asset = await info.context.loaders.assets.by_id.load(row.asset_id)
        return None if asset is None else info.context.asset_entity(asset)

    @strawberry.field(description="Ours: the latest run's result (by run time).")
    async def latest_result(self, info: Info) -> CheckResult | None:
        row = await self._row(info)
        if row is None or row.latest_result_id is None:
            return None
        latest = await info.context.loaders.checks.latest.load(row.id)
        return None if latest is None else CheckResult(row=latest, check_row=row)

    @strawberry.field(
        description="Runs of the assertion, newest first (DataHub's): within the times given, "
        "at most `limit` (100 when omitted). Every run kept here is COMPLETE; `filter` takes "
        "no fields yet."
    )
    async def run_events(
        self,
        info: Info,
        status: AssertionRunStatus | None = None,
        start_time_millis: Long | None = None,
        end_time_millis: Long | None = None,
        filter: FilterInput | None = None,
        limit: int | None = None,
    ) -> AssertionRunEventsResult | None:
        if filter is not None and filter.criteria():
            raise BadUserInputError(
                "runEvents cannot be filtered by fields here; narrow by startTimeMillis, "
                "endTimeMillis and limit",
                field="filter",
            )
        row = await self._row(info)
        if row is None:
            return None
        rows = await info.context.loaders.checks.runs.load(
            RunsKey(row.id, start_time_millis, end_time_millis, check_limit(limit))
        )
        asset = await info.context.loaders.assets.by_id.load(row.asset_id)
        assertee = "" if asset is None else asset.urn
        del status  # COMPLETE, or any: every run kept here is complete
        return run_events(
            [run_event(r, assertion_urn=row.urn, assertee_urn=assertee) for r in rows]
        )

    @strawberry.field(description="Ours: the policy in force for this check.")
    async def policy(self, info: Info) -> CheckPolicy | None:
        row = await self._row(info)
        return None if row is None else policy_view(row, info.context.settings)


def policy_view(row: CheckRow, settings: Settings) -> CheckPolicy:
    own = policy_of(row)
    policy = own.over(settings.check_policy)
    names = {
        "raise_on_fail": "raiseOnFail",
        "raise_on_warn": "raiseOnWarn",
        "priority": "priority",
        "auto_resolve": "autoResolve",
        "assignees": "assigneeUrns",
    }
    return CheckPolicy(
        raise_on_fail=policy.raise_on_fail,
        raise_on_warn=policy.raise_on_warn,
        priority=policy.priority,
        auto_resolve=policy.auto_resolve,
        assignee_urns=list(policy.assignees),
        inherited=[key for name, key in names.items() if getattr(own, name) is None],
    )


@strawberry.type(description="Ours: what became of one reported result.")
class ReportedCheckResult:
    id: str = strawberry.field(description="The result's id (the stored one, for a retried run).")
    check_urn: str
    stored: bool = strawberry.field(
        description="False when this run was stored before (a retry): nothing was done again."
    )
    action: Action
    incident_urn: str | None = strawberry.field(
        description="The incident raised, attached to or resolved."
    )


@strawberry.type(description="A page of an entity's assertions (DataHub's).")
class EntityAssertionsResult:
    start: int
    count: int
    total: int
    assertions: list[Assertion]

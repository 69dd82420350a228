"""Inputs of our check operations: results to report, a check's policy."""

from __future__ import annotations

import strawberry

from incident_graph.api.enums import CheckType, IncidentPriority, ResultStatus
from incident_graph.api.scalars import Long
from incident_graph.domain import checks as rules
from incident_graph.domain.checks import PolicyOverrides, ResultSpec
from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.ids import parse_id


@strawberry.input(
    description=(
        "Ours: one run's result of one check. Name the check by checkUrn, or by assetUrn and "
        "checkName (the same pair always names the same check); a check not known yet is "
        "created from assetUrn, checkName and type. The same (check, runId) again is a retry "
        "and stores nothing new."
    )
)
class CheckResultInput:
    run_id: str
    timestamp_millis: Long
    status: ResultStatus
    check_urn: str | None = None
    asset_urn: str | None = None
    check_name: str | None = None
    type: CheckType | None = strawberry.field(default=None, description="CUSTOM when omitted.")
    description: str | None = None
    platform: str | None = strawberry.field(
        default=None, description="Where the check runs: dbt, soda, great_expectations, ..."
    )
    external_url: str | None = strawberry.field(
        default=None, description="The check's page in the tool that runs it."
    )
    observed_value: str | None = None
    threshold: str | None = None
    message: str | None = None
    result_url: str | None = strawberry.field(
        default=None, description="This run's page in the tool that ran it."
    )

    def to_spec(self) -> ResultSpec:
        check = rules.build_check(
            urn=self.check_urn,
            asset_urn=self.asset_urn,
            name=self.check_name,
            type_=self.type,
            description=self.description,
            platform=self.platform,
            external_url=self.external_url,
        )
        return rules.build_result(
            check=check,
            run_id=self.run_id,
            time_ms=self.timestamp_millis,
            status=self.status,
            observed=self.observed_value,
            threshold=self.threshold,
            message=self.message,
            external_url=self.result_url,
        )


def result_specs(inputs: list[CheckResultInput]) -> list[ResultSpec]:
    """Every input as a spec (all or none), errors naming the input's position."""
    rules.check_batch(inputs)
    specs: list[ResultSpec] = []
    for index, item in enumerate(inputs):
        try:
            specs.append(item.to_spec())
        except BadUserInputError as exc:
            raise BadUserInputError(f"input[{index}]: {exc.message}", index=index) from exc
    return specs


@strawberry.input(description="Ours: a check's own policy; a null setting inherits the default.")
class CheckPolicyInput:
    raise_on_fail: bool | None = None
    raise_on_warn: bool | None = None
    priority: IncidentPriority | None = None
    auto_resolve: bool | None = None
    assignee_urns: list[str] | None = None

    def to_overrides(self) -> PolicyOverrides:
        return rules.build_policy(
            raise_on_fail=self.raise_on_fail,
            raise_on_warn=self.raise_on_warn,
            priority=self.priority,
            auto_resolve=self.auto_resolve,
            assignee_urns=self.assignee_urns,
        )


def result_ids(ids: list[str]) -> list[int]:
    """Check result ids as the store keeps them; BAD_USER_INPUT for one that is not an id."""
    out: list[int] = []
    for raw in ids:
        refusal = f"{raw!r} is not a check result id; use the ids reportCheckResults returned"
        out.append(parse_id(raw, field="checkResultIds", refusal=refusal))
    return list(dict.fromkeys(out))

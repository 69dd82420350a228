"""Checks (DataHub: assertions), their results, and what a result does to incidents. Pure.

A check belongs to one asset; each run of it reports one result, keyed by (check, run id) so a
pipeline that retries a run never doubles it. Whether a result raises an incident, attaches to
the open one or resolves it is decided here (`decide`), from the check's policy: its own
settings where it has them, the server's default for the rest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, TypeVar

from incident_graph import urns
from incident_graph.domain import limits
from incident_graph.domain.enums import IncidentPriority, IncidentType
from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.incidents import check_assignees

MAX_RESULTS: Final = 1000
MAX_NAME: Final = limits.CHECK_NAME
MAX_DESCRIPTION: Final = limits.LONG_TEXT
MAX_PLATFORM: Final = limits.PLATFORM
MAX_URL: Final = limits.EXTERNAL_URL
MAX_RUN_ID: Final = limits.RUN_ID
MAX_VALUE: Final = limits.CHECK_VALUE
MAX_MESSAGE: Final = limits.LONG_TEXT
ASSERTION_PREFIX: Final = "urn:li:assertion:"
_MAX_CHECK_ID: Final = 200
T = TypeVar("T")


class CheckType(StrEnum):
    """What a check looks at (DataHub's assertion types, and the incident types they raise)."""

    FRESHNESS = "FRESHNESS"
    VOLUME = "VOLUME"
    FIELD = "FIELD"
    SQL = "SQL"
    DATA_SCHEMA = "DATA_SCHEMA"
    CUSTOM = "CUSTOM"


class ResultStatus(StrEnum):
    """A run's outcome. ERROR: the check could not be evaluated (it says nothing of the data)."""

    PASS = "PASS"  # noqa: S105 - a result status, not a password
    WARN = "WARN"
    FAIL = "FAIL"
    ERROR = "ERROR"


class Action(StrEnum):
    """What one result does to the incidents of its check."""

    RAISE = "RAISE"
    ATTACH = "ATTACH"
    RESOLVE = "RESOLVE"
    NOTHING = "NOTHING"


@dataclass(frozen=True, slots=True)
class CheckPolicy:
    """When a check's results raise and resolve incidents, and how those incidents start."""

    raise_on_fail: bool = True
    raise_on_warn: bool = False
    priority: IncidentPriority | None = None
    auto_resolve: bool = False
    assignees: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PolicyOverrides:
    """A check's own policy settings; None inherits the server's default."""

    raise_on_fail: bool | None = None
    raise_on_warn: bool | None = None
    priority: IncidentPriority | None = None
    auto_resolve: bool | None = None
    assignees: tuple[str, ...] | None = None

    def over(self, default: CheckPolicy) -> CheckPolicy:
        """The policy in force: these settings where given, `default` for the rest."""
        return CheckPolicy(
            raise_on_fail=_given(self.raise_on_fail, default.raise_on_fail),
            raise_on_warn=_given(self.raise_on_warn, default.raise_on_warn),
            priority=_given(self.priority, default.priority),
            auto_resolve=_given(self.auto_resolve, default.auto_resolve),
            assignees=_given(self.assignees, default.assignees),
        )


def _given(own: T | None, default: T) -> T:
    return default if own is None else own


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """A check as a result (or an upsert) describes it; None fields keep what is stored."""

    urn: str
    asset: urns.AssetUrn | None
    name: str | None = None
    type: CheckType | None = None
    description: str | None = None
    platform: str | None = None
    external_url: str | None = None


@dataclass(frozen=True, slots=True)
class ResultSpec:
    """One run's result of one check."""

    check: CheckSpec
    run_id: str
    time_ms: int
    status: ResultStatus
    observed: str | None = None
    threshold: str | None = None
    message: str | None = None
    external_url: str | None = None


def _text(what: str, value: str | None, limit: int) -> str | None:
    if value is not None and len(value) > limit:
        raise BadUserInputError(f"{what} is {len(value)} characters long; the limit is {limit}")
    return value


def _url(what: str, value: str | None) -> str | None:
    if value is None:
        return None
    if not value.startswith(("http://", "https://")):
        raise BadUserInputError(f"{what} {value!r} must be an http:// or https:// URL")
    return _text(what, value, MAX_URL)


def check_urn_for(asset_urn: str, name: str) -> str:
    """The URN of the check named `name` on an asset, when the sender gives none: the same
    pair always names the same check (so a pipeline need not keep URNs)."""
    digest = hashlib.sha256(f"{asset_urn}\n{name}".encode()).hexdigest()[:32]
    return ASSERTION_PREFIX + digest


def check_check_urn(urn: str) -> str:
    """Validate `urn:li:assertion:<id>`."""
    try:
        urns.check_urn(urn)
    except urns.InvalidUrnError as exc:
        raise BadUserInputError(f"bad check URN: {exc}", field="checkUrn") from exc
    key = urn.removeprefix(ASSERTION_PREFIX)
    if not urn.startswith(ASSERTION_PREFIX) or not 0 < len(key) <= _MAX_CHECK_ID:
        raise BadUserInputError(
            f"check URN {urn!r} must look like urn:li:assertion:<id> (id at most "
            f"{_MAX_CHECK_ID} characters)",
            field="checkUrn",
        )
    return urn


def build_check(
    *,
    urn: str | None,
    asset_urn: str | None,
    name: str | None,
    type_: CheckType | None,
    description: str | None = None,
    platform: str | None = None,
    external_url: str | None = None,
) -> CheckSpec:
    """Validate a check's description; without a URN, the asset and name give one."""
    asset = None
    if asset_urn is not None:
        try:
            asset = urns.parse_asset_urn(asset_urn)
        except urns.InvalidUrnError as exc:
            raise BadUserInputError(f"bad asset URN: {exc}", field="assetUrn") from exc
    if name is not None and not name.strip():
        raise BadUserInputError("a check's name cannot be blank", field="checkName")
    if urn is None:
        if asset is None or name is None:
            raise BadUserInputError(
                "name the check: give checkUrn, or assetUrn and checkName", field="checkUrn"
            )
        urn = check_urn_for(asset.urn, name)
    if platform is not None and not platform.strip():
        raise BadUserInputError("a check's platform cannot be blank", field="platform")
    return CheckSpec(
        urn=check_check_urn(urn),
        asset=asset,
        name=_text("checkName", name, MAX_NAME),
        type=type_,
        description=_text("description", description, MAX_DESCRIPTION),
        platform=_text("platform", platform, MAX_PLATFORM),
        external_url=_url("externalUrl", external_url),
    )


def build_result(
    *,
    check: CheckSpec,
    run_id: str,
    time_ms: int,
    status: ResultStatus,
    observed: str | None = None,
    threshold: str | None = None,
    message: str | None = None,
    external_url: str | None = None,
) -> ResultSpec:
    if not run_id.strip():
        raise BadUserInputError("runId cannot be blank: name the pipeline run", field="runId")
    if time_ms < 0:
        raise BadUserInputError(
            f"timestampMillis is epoch milliseconds and cannot be negative, got {time_ms}"
        )
    return ResultSpec(
        check=check,
        run_id=_text("runId", run_id, MAX_RUN_ID) or run_id,
        time_ms=time_ms,
        status=status,
        observed=_text("observedValue", observed, MAX_VALUE),
        threshold=_text("threshold", threshold, MAX_VALUE),
        message=_text("message", message, MAX_MESSAGE),
        external_url=_url("resultUrl", external_url),
    )


def check_batch(results: Sequence[object]) -> None:
    """A batch of results: at least one, at most MAX_RESULTS."""
    if not results:
        raise BadUserInputError("give at least one result")
    if len(results) > MAX_RESULTS:
        raise BadUserInputError(
            f"{len(results)} results in one request; send at most {MAX_RESULTS} at a time "
            "(split the batch)"
        )


def build_policy(
    *,
    raise_on_fail: bool | None,
    raise_on_warn: bool | None,
    priority: IncidentPriority | None,
    auto_resolve: bool | None,
    assignee_urns: list[str] | None,
) -> PolicyOverrides:
    return PolicyOverrides(
        raise_on_fail=raise_on_fail,
        raise_on_warn=raise_on_warn,
        priority=priority,
        auto_resolve=auto_resolve,
        assignees=None if assignee_urns is None else check_assignees(assignee_urns),
    )


def failing(status: ResultStatus, policy: CheckPolicy) -> bool:
    """Whether a result with this status is a failure the policy raises incidents for."""
    return (status is ResultStatus.FAIL and policy.raise_on_fail) or (
        status is ResultStatus.WARN and policy.raise_on_warn
    )


def touches_incidents(status: ResultStatus, policy: CheckPolicy) -> bool:
    """Whether a result with this status could raise, attach or resolve under the policy
    (when not, whether the check has an active incident does not matter)."""
    return failing(status, policy) or (status is ResultStatus.PASS and policy.auto_resolve)


def decide(status: ResultStatus, policy: CheckPolicy, *, active: bool, newest: bool) -> Action:
    """What a newly recorded result does.

    A failing result raises an incident when the check has no active one, else attaches to it;
    a PASS resolves the active one only under autoResolve. A result older than the check's
    latest (a late delivery) may attach to an open incident but never raises or resolves:
    the latest run is what says how the data is now.
    """
    if failing(status, policy):
        if active:
            return Action.ATTACH
        return Action.RAISE if newest else Action.NOTHING
    if status is ResultStatus.PASS and active and newest and policy.auto_resolve:
        return Action.RESOLVE
    return Action.NOTHING


def incident_type(check_type: CheckType) -> IncidentType:
    """The incident type a failing check raises: the same name (DataHub's enums share them)."""
    return IncidentType(check_type.value)


def incident_title(check_name: str, asset_name: str, status: ResultStatus) -> str:
    verb = "warned" if status is ResultStatus.WARN else "failed"
    return f"Check {check_name!r} {verb} on {asset_name}"[:500]


def incident_description(result: ResultSpec) -> str:
    lines = [f"Run {result.run_id}: {result.status.value}"]
    if result.observed is not None:
        lines.append(f"Observed: {result.observed}")
    if result.threshold is not None:
        lines.append(f"Threshold: {result.threshold}")
    if result.message:
        lines.append(result.message)
    # A message at its own limit plus the run's lines would not fit an incident's description.
    return "\n".join(lines)[:MAX_DESCRIPTION]


def resolution_note(check_name: str, run_id: str) -> str:
    return f"Resolved automatically: check {check_name!r} passed in run {run_id}"

"""`assertionInfo` -> a check on its asset; the time-series `assertionRunEvent` -> a result.

As DataHub's dbt source, its Great Expectations action and Snowflake's DMF results send them:
the info first (which asset, what kind of check), then one run event per run. A run event
that is not COMPLETE, has no result, or is INIT (set up, not run) is accepted and not stored;
so is an assertionInfo that names no asset.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Final, TypeVar

from incident_graph.domain import checks as rules
from incident_graph.domain.assertions import (
    AssertionResultSeverity,
    AssertionResultType,
    check_type_of,
    status_of,
)
from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.ingest import CheckDefinition, CheckRun, Unmodelled
from incident_graph.ingest.aspects.fields import checked, obj, opt_int, opt_str, req_str
from incident_graph.ingest.aspects.registry import AspectHandler
from incident_graph.ingest.errors import AspectError

E = TypeVar("E", bound=StrEnum)
INFO: Final = "assertionInfo"
RUN: Final = "assertionRunEvent"
# Where each kind of assertion names the asset it checks.
_TARGETS: Final = (
    ("datasetAssertion", "dataset"),
    ("freshnessAssertion", "entity"),
    ("volumeAssertion", "entity"),
    ("sqlAssertion", "entity"),
    ("fieldAssertion", "entity"),
    ("schemaAssertion", "entity"),
    ("customAssertion", "entity"),
)


def _target(data: dict[str, Any]) -> str | None:
    for key, field in _TARGETS:
        part = data.get(key)
        if isinstance(part, dict) and isinstance(part.get(field), str):
            return str(part[field])
    return None


def _name(urn: str, data: dict[str, Any]) -> str:
    """What the check is called: its description, else what the sender says it checks."""
    description = opt_str(data, "description", INFO)
    if description and description.strip():
        return description.strip()[: rules.MAX_NAME]
    dataset = data.get("datasetAssertion")
    if isinstance(dataset, dict):
        native = dataset.get("nativeType") or dataset.get("operator") or "assertion"
        fields = [f.rsplit(",", 1)[-1].rstrip(")") for f in dataset.get("fields") or []]
        return f"{native} {', '.join(fields)}".strip()[: rules.MAX_NAME]
    custom = data.get("customAssertion")
    if isinstance(custom, dict) and isinstance(custom.get("type"), str):
        return str(custom["type"])[: rules.MAX_NAME]
    return urn.removeprefix(rules.ASSERTION_PREFIX)


def upsert_info(urn: str, value: Any) -> CheckDefinition | Unmodelled:
    data = obj(value, INFO)
    kind = req_str(data, "type", INFO)
    target = _target(data)
    if target is None:
        # DataHub takes an assertion that names no asset (its own smoke test sends one); a
        # check here belongs to an asset, so such an assertion is accepted and not kept.
        return Unmodelled(entity_type="assertion", aspect=INFO)
    dataset = data.get("datasetAssertion")
    scope = dataset.get("scope") if isinstance(dataset, dict) else None
    try:
        check = rules.build_check(
            urn=urn,
            asset_urn=target,
            name=_name(urn, data),
            type_=check_type_of(kind, scope if isinstance(scope, str) else None),
            description=opt_str(data, "description", INFO),
            external_url=opt_str(data, "externalUrl", INFO),
        )
    except BadUserInputError as exc:
        raise checked(INFO, exc) from exc
    return CheckDefinition(check)


def _message(result: dict[str, Any]) -> str | None:
    native = result.get("nativeResults")
    if isinstance(native, dict) and native:
        return "; ".join(f"{k}={v}" for k, v in sorted(native.items()))
    return None


def _enum(raw: Any, kind: type[E], what: str) -> E:
    try:
        return kind(raw)
    except ValueError as exc:
        known = ", ".join(member.value for member in kind)
        raise AspectError(f"{RUN}.{what} is {raw!r}; use one of {known}") from exc


def _observed(value: Any) -> str | None:
    """DataHub's actualAggValue (a float) as text: 12.0 reads as 12."""
    if value is None:
        return None
    return f"{value:g}" if isinstance(value, float) else str(value)


def upsert_run(urn: str, value: Any) -> CheckRun | Unmodelled:
    data = obj(value, RUN)
    raw = data.get("result")
    if data.get("status", "COMPLETE") != "COMPLETE" or not isinstance(raw, dict):
        return Unmodelled(entity_type="assertion", aspect=RUN)
    severity = raw.get("severity")
    status = status_of(
        _enum(req_str(raw, "type", f"{RUN}.result"), AssertionResultType, "result.type"),
        None if severity is None else _enum(severity, AssertionResultSeverity, "result.severity"),
    )
    if status is None:
        return Unmodelled(entity_type="assertion", aspect=RUN)
    time_ms = opt_int(data, "timestampMillis", RUN)
    if time_ms is None:
        raise AspectError(f"{RUN}.timestampMillis is required")
    try:
        check = rules.build_check(
            urn=urn, asset_urn=req_str(data, "asserteeUrn", RUN), name=None, type_=None
        )
        result = rules.build_result(
            check=check,
            run_id=opt_str(data, "runId", RUN) or str(time_ms),
            time_ms=time_ms,
            status=status,
            observed=_observed(raw.get("actualAggValue")),
            message=_message(raw),
            external_url=opt_str(raw, "externalUrl", f"{RUN}.result"),
        )
    except BadUserInputError as exc:
        raise checked(RUN, exc) from exc
    return CheckRun(result)


def _key_only(_urn: str, _value: Any) -> Unmodelled:
    # A check is made by its assertionInfo; its key alone has nothing to store.
    return Unmodelled(entity_type="assertion", aspect="assertionKey")


_ASSERTION: Final = frozenset({"assertion"})
HANDLERS: Final = (
    AspectHandler(
        name=INFO,
        fqn="com.linkedin.assertion.AssertionInfo",
        entity_types=_ASSERTION,
        upsert=upsert_info,
    ),
    AspectHandler(
        name=RUN,
        fqn="com.linkedin.assertion.AssertionRunEvent",
        entity_types=_ASSERTION,
        upsert=upsert_run,
    ),
    AspectHandler(
        name="assertionKey",
        fqn="com.linkedin.metadata.key.AssertionKey",
        entity_types=_ASSERTION,
        upsert=_key_only,
    ),
)

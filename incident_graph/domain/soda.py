"""Soda Core's scan results file (`soda scan -srf results.json`) as check results. Pure.

Each entry of `checks` is one check on one table with its outcome (pass, warn or fail); the
table becomes a dataset URN on the platform given (by default the check's data source), the
check keeps Soda's identity as its URN, and the scan is the run. A check that cannot become
a result is rejected by its position, the others still load.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from incident_graph.domain import checks as rules
from incident_graph.domain.checks import CheckType, ResultSpec, ResultStatus
from incident_graph.domain.errors import BadUserInputError

_OUTCOMES: Final = {"pass": ResultStatus.PASS, "warn": ResultStatus.WARN, "fail": ResultStatus.FAIL}
# What a Soda check looks at, by the metric its definition names (first match wins).
_TYPES: Final = (
    ("freshness", CheckType.FRESHNESS),
    ("row_count", CheckType.VOLUME),
    ("schema", CheckType.DATA_SCHEMA),
    ("failed rows", CheckType.SQL),
)


@dataclass(frozen=True, slots=True)
class Naming:
    """How Soda's data sources and tables become dataset URNs."""

    platform: str | None = None
    prefix: str = ""
    env: str = "PROD"
    run_id: str | None = None


@dataclass(slots=True)
class SodaScan:
    run_id: str
    time_ms: int
    # (1-based position in `checks`, result) and (position, why it was rejected).
    results: list[tuple[int, ResultSpec]] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)


def _time_ms(raw: Any, what: str) -> int:
    if not isinstance(raw, str):
        raise BadUserInputError(
            f"the scan results have no {what}: is this a Soda scan results file?"
        )
    try:
        when = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise BadUserInputError(f"{what} {raw!r} is not an ISO 8601 time") from exc
    # Soda writes UTC offsets; a time without one is read as UTC, not as this machine's zone.
    return int((when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp() * 1000)


def _type(check: dict[str, Any]) -> CheckType:
    text = f"{check.get('name') or ''} {check.get('definition') or ''}".lower()
    for word, kind in _TYPES:
        if word in text:
            return kind
    return CheckType.FIELD if check.get("column") else CheckType.CUSTOM


def _observed(check: dict[str, Any], values: dict[str, Any]) -> str | None:
    for identity in check.get("metrics") or []:
        value = values.get(identity)
        if value is not None and not isinstance(value, dict | list):
            return str(value)
    return None


def _result(check: Any, values: dict[str, Any], scan: SodaScan, naming: Naming) -> ResultSpec:
    if not isinstance(check, dict):
        raise BadUserInputError("is not a JSON object")
    outcome = check.get("outcome")
    status = _OUTCOMES.get(outcome) if isinstance(outcome, str) else None
    if status is None:
        raise BadUserInputError(f"outcome {outcome!r} is not pass, warn or fail")
    table, source = check.get("table"), check.get("dataSource")
    if not isinstance(table, str) or not table:
        raise BadUserInputError("names no table; only checks on a table become results")
    platform = naming.platform or (source if isinstance(source, str) else None)
    if not platform:
        raise BadUserInputError("names no data source; give --platform")
    name = check.get("name") or check.get("definition")
    if not isinstance(name, str) or not name.strip():
        raise BadUserInputError("has no name")
    identity = check.get("identity")
    urn = None
    if isinstance(identity, str) and identity and len(identity) <= 190:
        urn = f"{rules.ASSERTION_PREFIX}soda.{identity}"
    definition = check.get("definition")
    reasons = check.get("outcomeReasons") or []
    check_spec = rules.build_check(
        urn=urn,
        asset_urn=f"urn:li:dataset:(urn:li:dataPlatform:{platform},{naming.prefix}{table},"
        f"{naming.env})",
        name=name.strip()[: rules.MAX_NAME],
        type_=_type(check),
        description=definition if isinstance(definition, str) else None,
        platform="soda",
    )
    message = "; ".join(
        str(r.get("message", r)) if isinstance(r, dict) else str(r) for r in reasons
    )
    return rules.build_result(
        check=check_spec,
        run_id=scan.run_id,
        time_ms=scan.time_ms,
        status=status,
        observed=_observed(check, values),
        message=message or None,
    )


def parse_scan(data: Any, naming: Naming) -> SodaScan:
    """The scan's results, each valid check as a result and each other one rejected."""
    if not isinstance(data, dict) or not isinstance(data.get("checks"), list):
        raise BadUserInputError(
            'the file is not Soda scan results: expected a JSON object with a "checks" list '
            "(write it with soda scan -srf FILE)"
        )
    started = data.get("scanStartTimestamp") or data.get("dataTimestamp")
    ended = data.get("scanEndTimestamp") or started
    start_ms = _time_ms(started, "scanStartTimestamp")
    definition = data.get("definitionName") or "soda-scan"
    scan = SodaScan(
        run_id=naming.run_id or f"{definition}@{started}",
        time_ms=_time_ms(ended, "scanEndTimestamp") if ended else start_ms,
    )
    values: dict[str, Any] = {
        m["identity"]: m.get("value")
        for m in data.get("metrics") or []
        if isinstance(m, dict) and isinstance(m.get("identity"), str)
    }
    checks: Sequence[Any] = data["checks"]
    for position, check in enumerate(checks, start=1):
        try:
            scan.results.append((position, _result(check, values, scan, naming)))
        except BadUserInputError as exc:
            scan.rejected.append((position, exc.message))
    return scan

"""Checks, their results, and the results an incident covers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import ColumnElement, delete, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.checks import CheckSpec, CheckType, PolicyOverrides, ResultSpec
from incident_graph.domain.enums import IncidentState
from incident_graph.store.dialect import dialect_of
from incident_graph.store.tables import (
    Check,
    CheckResult,
    Incident,
    IncidentCheckResult,
    core_table,
)

CHECKS: Final = core_table(Check)
RESULTS: Final = core_table(CheckResult)
LINKS: Final = core_table(IncidentCheckResult)


def policy_of(check: Check) -> PolicyOverrides:
    """The check's own policy settings (None where it inherits the default)."""
    return PolicyOverrides(
        raise_on_fail=check.raise_on_fail,
        raise_on_warn=check.raise_on_warn,
        priority=check.priority,
        auto_resolve=check.auto_resolve,
        assignees=None if check.assignees is None else tuple(check.assignees),
    )


async def lock_checks(session: AsyncSession, *, urns: Sequence[str]) -> dict[str, Check]:
    """The known checks among `urns`, locked until the unit ends, so two units deciding on
    one check's incidents run one after the other (SQLite's writer is serial already)."""
    rows = await session.scalars(
        select(Check)
        .where(Check.urn.in_(sorted(set(urns))))
        .order_by(Check.urn)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {row.urn: row for row in rows}


async def insert_check(
    session: AsyncSession, *, spec: CheckSpec, asset_id: int, name: str, now_ms: int
) -> None:
    """A new check (ignored when a concurrent unit made it first: the caller reads it back)."""
    await session.execute(
        dialect_of(session).insert_ignore(CHECKS),
        {
            "urn": spec.urn,
            "asset_id": asset_id,
            "name": name,
            "check_type": spec.type or CheckType.CUSTOM,
            "description": spec.description,
            "platform": spec.platform,
            "external_url": spec.external_url,
            "created_ms": now_ms,
            "updated_ms": now_ms,
        },
    )


def _described(spec: CheckSpec, check: Check) -> dict[str, Any]:
    """The fields a spec gives that differ from the stored check."""
    given = {
        "name": spec.name,
        "check_type": spec.type,
        "description": spec.description,
        "platform": spec.platform,
        "external_url": spec.external_url,
    }
    return {k: v for k, v in given.items() if v is not None and getattr(check, k) != v}


async def describe_check(
    session: AsyncSession, *, check: Check, spec: CheckSpec, now_ms: int
) -> None:
    """Update what the spec says differently of a known check."""
    changed = _described(spec, check)
    if changed:
        changed["updated_ms"] = now_ms
        await session.execute(update(CHECKS).where(CHECKS.c.id == check.id).values(changed))
        for name, value in changed.items():
            setattr(check, name, value)


async def set_policy(
    session: AsyncSession, *, check: Check, policy: PolicyOverrides, now_ms: int
) -> None:
    values: dict[str, Any] = {
        "raise_on_fail": policy.raise_on_fail,
        "raise_on_warn": policy.raise_on_warn,
        "priority": policy.priority,
        "auto_resolve": policy.auto_resolve,
        "assignees": None if policy.assignees is None else list(policy.assignees),
        "updated_ms": now_ms,
    }
    await session.execute(update(CHECKS).where(CHECKS.c.id == check.id).values(values))


async def insert_results(
    session: AsyncSession, *, rows: Sequence[tuple[int, ResultSpec]], actor: str, now_ms: int
) -> tuple[dict[tuple[int, str], int], set[int]]:
    """Store results (check id, spec) not stored yet: (check id, run id) -> result id for all
    of them, and the ids stored now. A run stored already (a retried pipeline) is left as it was.
    """
    keys = list(dict.fromkeys((check_id, spec.run_id) for check_id, spec in rows))
    match = tuple_(RESULTS.c.check_id, RESULTS.c.run_id).in_(keys)
    before = {
        (check_id, run_id): result_id
        for check_id, run_id, result_id in await session.execute(
            select(RESULTS.c.check_id, RESULTS.c.run_id, RESULTS.c.id).where(match)
        )
    }
    # The first of a run given twice in one request is the one kept.
    fresh: dict[tuple[int, str], ResultSpec] = {}
    for check_id, spec in rows:
        if (check_id, spec.run_id) not in before:
            fresh.setdefault((check_id, spec.run_id), spec)
    if fresh:
        await session.execute(
            dialect_of(session).insert_ignore(RESULTS),
            [
                {
                    "check_id": key[0],
                    "run_id": item.run_id,
                    "time_ms": item.time_ms,
                    "status": item.status,
                    "observed_value": item.observed,
                    "threshold": item.threshold,
                    "message": item.message,
                    "external_url": item.external_url,
                    "created_ms": now_ms,
                    "created_actor": actor,
                }
                for key, item in fresh.items()
            ],
        )
    found = {
        (check_id, run_id): result_id
        for check_id, run_id, result_id in await session.execute(
            select(RESULTS.c.check_id, RESULTS.c.run_id, RESULTS.c.id).where(match)
        )
    }
    return found, set(found.values()) - set(before.values())


async def set_latest(session: AsyncSession, *, check: Check, result: CheckResult) -> bool:
    """Make `result` the check's latest when it is newer than the one kept; True if it was."""
    if check.latest_time_ms is not None and (check.latest_time_ms, check.latest_result_id or 0) > (
        result.time_ms,
        result.id,
    ):
        return False
    values = {
        "latest_result_id": result.id,
        "latest_status": result.status,
        "latest_time_ms": result.time_ms,
    }
    await session.execute(update(CHECKS).where(CHECKS.c.id == check.id).values(values))
    for name, value in values.items():
        setattr(check, name, value)
    return True


async def get_results(session: AsyncSession, *, ids: Sequence[int]) -> list[CheckResult]:
    return list(await session.scalars(select(CheckResult).where(CheckResult.id.in_(ids))))


async def get_checks_by_ids(session: AsyncSession, *, ids: Sequence[int]) -> list[Check]:
    return list(await session.scalars(select(Check).where(Check.id.in_(ids))))


async def get_checks_by_urns(session: AsyncSession, *, urns: Sequence[str]) -> list[Check]:
    return list(await session.scalars(select(Check).where(Check.urn.in_(urns))))


async def active_incident_urn(session: AsyncSession, *, check_urn: str) -> str | None:
    """The newest active incident the check raised (its source), if any."""
    found = await session.scalars(
        select(Incident.urn)
        .where(Incident.source_urn == check_urn, Incident.state == IncidentState.ACTIVE)
        .order_by(Incident.created_ms.desc(), Incident.id.desc())
        .limit(1)
    )
    return found.first()


async def link(
    session: AsyncSession,
    *,
    incident_id: int,
    results: Sequence[CheckResult],
    actor: str,
    now_ms: int,
) -> list[int]:
    """Link results not linked yet; returns the ids newly linked."""
    if not results:
        return []
    ids = [r.id for r in results]
    already = set(
        await session.scalars(
            select(LINKS.c.result_id).where(
                LINKS.c.incident_id == incident_id, LINKS.c.result_id.in_(ids)
            )
        )
    )
    fresh = [r for r in results if r.id not in already]
    if fresh:
        await session.execute(
            dialect_of(session).insert_ignore(LINKS),
            [
                {
                    "incident_id": incident_id,
                    "result_id": r.id,
                    "result_time_ms": r.time_ms,
                    "linked_ms": now_ms,
                    "linked_actor": actor,
                }
                for r in fresh
            ],
        )
    return [r.id for r in fresh]


async def unlink(
    session: AsyncSession, *, incident_id: int, result_ids: Sequence[int]
) -> list[int]:
    """Unlink results; returns the ids that were linked."""
    removed = await session.scalars(
        delete(IncidentCheckResult)
        .where(
            IncidentCheckResult.incident_id == incident_id,
            IncidentCheckResult.result_id.in_(result_ids),
        )
        .returning(IncidentCheckResult.result_id)
    )
    return sorted(removed)


@dataclass(frozen=True, slots=True)
class ResultPage:
    total: int
    rows: list[tuple[CheckResult, Check]]


async def incident_result_pages(
    session: AsyncSession, *, incident_ids: Sequence[int], start: int, count: int
) -> dict[int, ResultPage]:
    """Each incident's linked results, newest first, with their checks: (total, page)."""
    counted = await session.execute(
        select(LINKS.c.incident_id, func.count())
        .where(LINKS.c.incident_id.in_(incident_ids))
        .group_by(LINKS.c.incident_id)
    )
    totals = {int(incident_id): int(total) for incident_id, total in counted}
    ranked = (
        select(
            LINKS.c.incident_id,
            LINKS.c.result_id,
            func.row_number()
            .over(
                partition_by=LINKS.c.incident_id,
                order_by=(LINKS.c.result_time_ms.desc(), LINKS.c.result_id.desc()),
            )
            .label("position"),
        )
        .where(LINKS.c.incident_id.in_(incident_ids))
        .subquery()
    )
    rows = await session.execute(
        select(ranked.c.incident_id, CheckResult, Check)
        .join(CheckResult, CheckResult.id == ranked.c.result_id)
        .join(Check, Check.id == CheckResult.check_id)
        .where(ranked.c.position > start, ranked.c.position <= start + count)
        .order_by(ranked.c.incident_id, ranked.c.position)
    )
    pages: dict[int, list[tuple[CheckResult, Check]]] = defaultdict(list)
    for incident_id, result, check in rows:
        pages[incident_id].append((result, check))
    return {i: ResultPage(int(totals.get(i, 0)), pages.get(i, [])) for i in incident_ids}


async def checks_of_assets(
    session: AsyncSession, *, asset_ids: Sequence[int]
) -> dict[int, list[tuple[Check, CheckResult | None]]]:
    """Each asset's checks by name, each with its latest result."""
    rows = await session.execute(
        select(Check, CheckResult)
        .outerjoin(CheckResult, CheckResult.id == Check.latest_result_id)
        .where(Check.asset_id.in_(asset_ids))
        .order_by(Check.asset_id, Check.name, Check.id)
    )
    out: dict[int, list[tuple[Check, CheckResult | None]]] = defaultdict(list)
    for check, result in rows:
        out[check.asset_id].append((check, result))
    return out


async def results_of_checks(
    session: AsyncSession,
    *,
    check_ids: Sequence[int],
    start_ms: int | None = None,
    end_ms: int | None = None,
    limit: int,
) -> dict[int, list[CheckResult]]:
    """Each check's results newest first, within [start_ms, end_ms], at most `limit` each."""
    conditions: list[ColumnElement[bool]] = [CheckResult.check_id.in_(check_ids)]
    if start_ms is not None:
        conditions.append(CheckResult.time_ms >= start_ms)
    if end_ms is not None:
        conditions.append(CheckResult.time_ms <= end_ms)
    ranked = (
        select(
            CheckResult.id,
            func.row_number()
            .over(
                partition_by=CheckResult.check_id,
                order_by=(CheckResult.time_ms.desc(), CheckResult.id.desc()),
            )
            .label("position"),
        )
        .where(*conditions)
        .subquery()
    )
    rows = await session.scalars(
        select(CheckResult)
        .join(ranked, ranked.c.id == CheckResult.id)
        .where(ranked.c.position <= limit)
        .order_by(CheckResult.check_id, ranked.c.position)
    )
    out: dict[int, list[CheckResult]] = defaultdict(list)
    for row in rows:
        out[row.check_id].append(row)
    return out

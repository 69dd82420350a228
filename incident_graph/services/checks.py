"""Check results in, incidents out: record results, then raise, attach or resolve by policy.

One unit of work per request: the checks are locked (so two requests about one check decide
one after the other), results are stored once per (check, run id), and each newly stored
result is judged by `domain.checks.decide`. A retried request finds its runs stored and
changes nothing; a refused one (unknown check, a result for another asset) changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.auth.privileges import IncidentAccess, run_checked
from incident_graph.domain import checks as rules
from incident_graph.domain import incidents as incident_rules
from incident_graph.domain.checks import (
    Action,
    CheckPolicy,
    CheckSpec,
    CheckType,
    PolicyOverrides,
    ResultSpec,
)
from incident_graph.domain.enums import EventKind, IncidentSourceType, IncidentState
from incident_graph.domain.errors import BadUserInputError, NotFoundError
from incident_graph.domain.events import CheckResultRef, EventExtra
from incident_graph.domain.incidents import StatusSpec
from incident_graph.services import incidents as incident_service
from incident_graph.store import Database, Writer
from incident_graph.store import assets as asset_store
from incident_graph.store import checks as check_store
from incident_graph.store import incidents as incident_store
from incident_graph.store.tables import Asset, Check, CheckResult
from incident_graph.urns import AssetUrn, parse_asset_urn


@dataclass(frozen=True, slots=True)
class Reported:
    """What became of one reported result."""

    result_id: int
    check_urn: str
    # False when the run was stored already (a retry): nothing was decided again.
    stored: bool
    action: Action
    incident_urn: str | None


@dataclass(frozen=True, slots=True)
class _Judged:
    action: Action
    incident_urn: str | None


def result_ref(result: CheckResult, check: Check) -> CheckResultRef:
    return CheckResultRef(
        id=result.id,
        check=check.urn,
        checkName=check.name,
        runId=result.run_id,
        status=result.status.value,
        time=result.time_ms,
        observedValue=result.observed_value,
        threshold=result.threshold,
        message=result.message,
        url=result.external_url,
    )


async def _checks(
    session: AsyncSession, specs: Sequence[CheckSpec], *, now: int
) -> tuple[dict[str, Check], dict[int, Asset]]:
    """The results' checks (created or described anew as the results say), locked, with
    their assets; BAD_USER_INPUT naming the first result that cannot be placed."""
    known = await check_store.lock_checks(session, urns=[s.urn for s in specs])
    assets = {
        a.id: a
        for a in await asset_store.get_assets_by_ids(
            session, ids=sorted({c.asset_id for c in known.values()})
        )
    }
    # Checks to create: the asset and name the first result naming each gives.
    new: dict[str, tuple[AssetUrn, str, CheckSpec]] = {}
    for index, spec in enumerate(specs):
        check = known.get(spec.urn)
        if check is None:
            if spec.asset is None or spec.name is None:
                raise BadUserInputError(
                    f"result {index}: no check {spec.urn!r} is known; report it with its "
                    "assetUrn and checkName (and type) to create it",
                    index=index,
                )
            first, _, _ = new.setdefault(spec.urn, (spec.asset, spec.name, spec))
            if first.urn != spec.asset.urn:
                raise _other_asset(index, spec.urn, first.urn, spec.asset.urn)
            continue
        owner = assets[check.asset_id].urn
        if spec.asset is not None and spec.asset.urn != owner:
            raise _other_asset(index, spec.urn, owner, spec.asset.urn)
        await check_store.describe_check(session, check=check, spec=spec, now_ms=now)
    if new:
        known |= await _create(session, new, now=now)
        made_on = sorted({c.asset_id for c in known.values()} - set(assets))
        for a in await asset_store.get_assets_by_ids(session, ids=made_on):
            assets[a.id] = a
    return known, assets


async def _create(
    session: AsyncSession, new: dict[str, tuple[AssetUrn, str, CheckSpec]], *, now: int
) -> dict[str, Check]:
    """Create checks (registering their assets), locked like the known ones."""
    wanted = {asset.urn: asset for asset, _, _ in new.values()}
    ids = await asset_store.ensure_assets(session, assets=list(wanted.values()), now_ms=now)
    for asset, name, spec in new.values():
        await check_store.insert_check(
            session, spec=spec, asset_id=ids[asset.urn], name=name, now_ms=now
        )
    made = await check_store.lock_checks(session, urns=list(new))
    # A concurrent unit may have made one of them first, on another asset.
    for urn, check in made.items():
        if ids[new[urn][0].urn] != check.asset_id:
            raise BadUserInputError(f"check {urn!r} was just created on another asset")
    return made


def _other_asset(index: int, urn: str, owner: str, given: str) -> BadUserInputError:
    return BadUserInputError(
        f"result {index}: check {urn!r} belongs to {owner}, not {given}; a check stays on its "
        "own asset (name another check for that asset)",
        index=index,
    )


async def _judge(
    session: AsyncSession,
    *,
    check: Check,
    asset: Asset,
    result: CheckResult,
    policy: CheckPolicy,
    actor: str,
    now: int,
    require_note: bool,
) -> _Judged:
    newest = await check_store.set_latest(session, check=check, result=result)
    active_urn = None
    if rules.touches_incidents(result.status, policy):
        # Most runs pass and change no incident: they skip this read.
        active_urn = await check_store.active_incident_urn(session, check_urn=check.urn)
    action = rules.decide(result.status, policy, active=active_urn is not None, newest=newest)
    if action is Action.RAISE:
        spec = incident_rules.build_raise(
            caller_id=None,
            type_=rules.incident_type(check.check_type),
            custom_type=(
                (check.platform or "check") if check.check_type is CheckType.CUSTOM else None
            ),
            title=rules.incident_title(check.name, asset.name, result.status),
            description=rules.incident_description(_spec_of(result, check.urn)),
            resource_urn=asset.urn,
            resource_urns=None,
            source_type=IncidentSourceType.ASSERTION_FAILURE,
            source_urn=check.urn,
            priority=policy.priority,
            assignee_urns=list(policy.assignees),
            started_at=result.time_ms,
            status=None,
        )
        raised = await incident_service.insert_raised(
            session,
            spec=spec,
            actor=actor,
            now=now,
            require_note=require_note,
            results=[result],
            extra=EventExtra(checkResult=result_ref(result, check)),
        )
        return _Judged(action, None if raised is None else raised.row.urn)
    if active_urn is None or action is Action.NOTHING:
        return _Judged(action, None)
    incident = await incident_service.locked(session, active_urn)
    await incident_service.link_results(
        session, incident=incident, results=[result], actor=actor, now=now
    )
    if action is Action.RESOLVE:
        await incident_service.change_status(
            session,
            incident=incident,
            status=StatusSpec(
                state=IncidentState.RESOLVED,
                message=rules.resolution_note(check.name, result.run_id),
            ),
            actor=actor,
            now=now,
            require_note=require_note,
        )
    return _Judged(action, active_urn)


def _spec_of(result: CheckResult, check_urn: str) -> ResultSpec:
    """What the description of a raised incident is made from."""
    return ResultSpec(
        check=CheckSpec(urn=check_urn, asset=None),
        run_id=result.run_id,
        time_ms=result.time_ms,
        status=result.status,
        observed=result.observed_value,
        threshold=result.threshold,
        message=result.message,
    )


async def report_results(
    *,
    writer: Writer,
    results: Sequence[ResultSpec],
    actor: str,
    default_policy: CheckPolicy,
    require_note: bool = True,
    access: IncidentAccess | None = None,
) -> list[Reported]:
    """Record results (all or none) and act on each newly stored one, oldest first."""
    rules.check_batch(results)

    async def unit(session: AsyncSession) -> list[Reported]:
        now = writer.clock()
        checks, assets = await _checks(session, [r.check for r in results], now=now)
        if access is not None:
            await access.check_raise(
                session,
                assets=[parse_asset_urn(a.urn) for a in assets.values()],
            )
        pairs = [(checks[r.check.urn].id, r) for r in results]
        ids, fresh = await check_store.insert_results(session, rows=pairs, actor=actor, now_ms=now)
        stored = {r.id: r for r in await check_store.get_results(session, ids=sorted(fresh))}
        judged: dict[int, _Judged] = {}
        by_id = {c.id: c for c in checks.values()}
        for result in sorted(stored.values(), key=lambda r: (r.time_ms, r.id)):
            check = by_id[result.check_id]
            judged[result.id] = await _judge(
                session,
                check=check,
                asset=assets[check.asset_id],
                result=result,
                policy=check_store.policy_of(check).over(default_policy),
                actor=actor,
                now=now,
                require_note=require_note,
            )
        out: list[Reported] = []
        for check_id, spec in pairs:
            result_id = ids[(check_id, spec.run_id)]
            verdict = judged.pop(result_id, None)
            out.append(
                Reported(
                    result_id=result_id,
                    check_urn=spec.check.urn,
                    stored=verdict is not None,
                    action=Action.NOTHING if verdict is None else verdict.action,
                    incident_urn=None if verdict is None else verdict.incident_urn,
                )
            )
        return out

    return await run_checked(writer, unit)


async def upsert_check(
    *, writer: Writer, spec: CheckSpec, access: IncidentAccess | None = None
) -> None:
    """Create a check, or change what `spec` says differently of it (DataHub's assertionInfo,
    upsertCustomAssertion); a check keeps its asset."""

    async def unit(session: AsyncSession) -> None:
        _, assets = await _checks(session, [spec], now=writer.clock())
        if access is not None:
            await access.check_raise(
                session, assets=[parse_asset_urn(a.urn) for a in assets.values()]
            )

    await run_checked(writer, unit)


async def set_policy(
    *,
    writer: Writer,
    check_urn: str,
    policy: PolicyOverrides,
    access: IncidentAccess | None = None,
) -> None:
    """Replace a check's own policy (None settings inherit the server's default)."""

    async def unit(session: AsyncSession) -> None:
        found = await check_store.lock_checks(session, urns=[check_urn])
        check = found.get(check_urn)
        if check is None:
            raise NotFoundError(f"no check {check_urn!r}; report a result for it first")
        if access is not None:
            (asset,) = await asset_store.get_assets_by_ids(session, ids=[check.asset_id])
            await access.check_raise(session, assets=[parse_asset_urn(asset.urn)])
        await check_store.set_policy(session, check=check, policy=policy, now_ms=writer.clock())

    await run_checked(writer, unit)


@dataclass(frozen=True, slots=True)
class Covered:
    """A check result an incident is raised from, with its check and asset."""

    result_id: int
    check_urn: str
    asset_urn: str


async def covered(*, db: Database, result_ids: Sequence[int]) -> list[Covered]:
    """The results a raise names, in the order given; NOT_FOUND for an unknown id."""
    if not result_ids:
        return []
    _check_ids(result_ids)
    async with db.reading() as session:
        results = await _results(session, result_ids)
        checks = {
            c.id: c
            for c in await check_store.get_checks_by_ids(
                session, ids=sorted({r.check_id for r in results})
            )
        }
        assets = {
            a.id: a.urn
            for a in await asset_store.get_assets_by_ids(
                session, ids=sorted({c.asset_id for c in checks.values()})
            )
        }
    by_id = {r.id: r for r in results}
    return [
        Covered(i, checks[by_id[i].check_id].urn, assets[checks[by_id[i].check_id].asset_id])
        for i in result_ids
    ]


async def _results(session: AsyncSession, result_ids: Sequence[int]) -> list[CheckResult]:
    results = await check_store.get_results(session, ids=result_ids)
    missing = sorted(set(result_ids) - {r.id for r in results})
    if missing:
        raise NotFoundError(
            f"no check results with ids {missing}; use the ids reportCheckResults returned"
        )
    return results


async def link_results(
    *,
    writer: Writer,
    incident_urn: str,
    result_ids: Sequence[int],
    actor: str,
    access: IncidentAccess | None = None,
) -> list[int]:
    """Link more results to an incident; returns those newly linked (already linked: none)."""
    _check_ids(result_ids)

    async def unit(session: AsyncSession) -> list[int]:
        incident = await incident_service.locked(session, incident_urn, access=access)
        results = await _results(session, result_ids)
        return await incident_service.link_results(
            session, incident=incident, results=results, actor=actor, now=writer.clock()
        )

    return await run_checked(writer, unit)


async def unlink_results(
    *,
    writer: Writer,
    incident_urn: str,
    result_ids: Sequence[int],
    actor: str,
    access: IncidentAccess | None = None,
) -> list[int]:
    """Unlink results from an incident; returns those that were linked."""
    _check_ids(result_ids)

    async def unit(session: AsyncSession) -> list[int]:
        incident = await incident_service.locked(session, incident_urn, access=access)
        await _results(session, result_ids)
        removed = await check_store.unlink(session, incident_id=incident.id, result_ids=result_ids)
        if removed:
            await incident_store.add_event(
                session,
                incident_id=incident.id,
                kind=EventKind.CHECK_RESULTS_UNLINKED,
                actor=actor,
                now_ms=writer.clock(),
                payload={"checkResultIds": removed},
            )
        return removed

    return await run_checked(writer, unit)


def _check_ids(result_ids: Sequence[int]) -> None:
    if not result_ids:
        raise BadUserInputError("give at least one check result id", field="checkResultIds")
    if len(result_ids) > rules.MAX_RESULTS:
        raise BadUserInputError(
            f"{len(result_ids)} check result ids; give at most {rules.MAX_RESULTS}",
            field="checkResultIds",
        )


__all__ = [
    "Covered",
    "Reported",
    "covered",
    "link_results",
    "report_results",
    "result_ref",
    "set_policy",
    "unlink_results",
    "upsert_check",
]

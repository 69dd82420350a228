"""searchIncidents: incidents across the organisation, filtered, sorted, paged, with facets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import ColumnElement, Row, Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.enums import IncidentPriority
from incident_graph.domain.incident_search import (
    IncidentCriteria,
    IncidentSort,
    IncidentSortField,
    IncidentSortOrder,
)
from incident_graph.store import fulltext
from incident_graph.store.tables import Asset, AssetOwner, Incident, IncidentAsset, IncidentAssignee

STATE: Final = "state"
STAGE: Final = "stage"
PRIORITY: Final = "priority"
TYPE: Final = "type"
PLATFORM: Final = "platform"

_PRIORITY_RANK = case(
    {p.value: rank for rank, p in enumerate(IncidentPriority, start=1)},
    value=Incident.priority,
    else_=None,
)


@dataclass(frozen=True, slots=True)
class IncidentHits:
    total: int
    incidents: list[Incident]
    # facet -> value -> count, most frequent first
    facets: dict[str, dict[str, int]]


def _on_assets(*conditions: ColumnElement[bool], owners: bool = False) -> ColumnElement[bool]:
    linked = select(IncidentAsset.incident_id).join(Asset, Asset.id == IncidentAsset.asset_id)
    if owners:
        linked = linked.join(AssetOwner, AssetOwner.asset_id == IncidentAsset.asset_id)
    return Incident.id.in_(linked.where(*conditions))


def _conditions(criteria: IncidentCriteria) -> list[ColumnElement[bool]]:
    c = criteria
    out: list[ColumnElement[bool]] = []
    for column, values in (
        (Incident.state, c.states),
        (Incident.stage, c.stages),
        (Incident.priority, c.priorities),
        (Incident.incident_type, c.types),
        (Incident.source_type, c.source_types),
        (Incident.created_actor, c.creators),
    ):
        if values:
            out.append(column.in_(values))
    if c.assignees:
        out.append(
            Incident.id.in_(
                select(IncidentAssignee.incident_id).where(
                    IncidentAssignee.assignee_urn.in_(c.assignees)
                )
            )
        )
    if c.resources:
        out.append(_on_assets(Asset.urn.in_(c.resources)))
    if c.platforms:
        out.append(_on_assets(Asset.platform.in_(c.platforms)))
    if c.owners:
        out.append(_on_assets(AssetOwner.owner_urn.in_(c.owners), owners=True))
    if c.created_after is not None:
        out.append(Incident.created_ms >= c.created_after)
    if c.created_before is not None:
        out.append(Incident.created_ms <= c.created_before)
    return out


def _order(sort: IncidentSort | None, relevance: ColumnElement[Any] | None) -> list[Any]:
    if sort is None:
        newest = [Incident.created_ms.desc(), Incident.id.desc()]
        return newest if relevance is None else [relevance.desc(), *newest]
    descending = sort.order is IncidentSortOrder.DESC
    if sort.field is IncidentSortField.PRIORITY:
        # Incidents without a priority come last either way; the newest first within one.
        rank = _PRIORITY_RANK.desc() if descending else _PRIORITY_RANK.asc()
        return [
            _PRIORITY_RANK.is_(None),
            rank,
            Incident.created_ms.desc(),
            Incident.id.desc(),
        ]
    column = Incident.created_ms if sort.field is IncidentSortField.CREATED else Incident.updated_ms
    if descending:
        return [column.desc(), Incident.id.desc()]
    return [column.asc(), Incident.id.asc()]


async def search_incidents(
    session: AsyncSession,
    *,
    criteria: IncidentCriteria,
    sort: IncidentSort | None,
    start: int,
    count: int,
    facets: bool = True,
) -> IncidentHits:
    """A page of matching incidents, the total, and (when asked) facet counts over every match.

    Without a sort, a text query ranks by relevance (then newest first); otherwise newest first.
    """
    conditions = _conditions(criteria)
    hits = fulltext.all_words(session, criteria.text) if criteria.text else None
    relevance: ColumnElement[Any] | None = None
    base: Select[Any] = select(Incident.id)
    if hits is not None:
        matched = hits.subquery()
        base = base.join(matched, matched.c.incident_id == Incident.id)
        relevance = matched.c.score
    base = base.where(*conditions)
    total = int(
        (await session.execute(select(func.count()).select_from(base.subquery()))).scalar_one()
    )
    incidents: list[Incident] = []
    if count and total > start:
        page = base.with_only_columns(Incident).order_by(*_order(sort, relevance))
        incidents = list(await session.scalars(page.offset(start).limit(count)))
    counts: dict[str, dict[str, int]] = {f: {} for f in (STATE, STAGE, PRIORITY, TYPE, PLATFORM)}
    if total and facets:
        matching = base.subquery()
        for name, column in (
            (STATE, Incident.state),
            (STAGE, Incident.stage),
            (PRIORITY, Incident.priority),
            (TYPE, Incident.incident_type),
        ):
            rows = await session.execute(
                select(column, func.count())
                .join(matching, matching.c.id == Incident.id)
                .where(column.isnot(None))
                .group_by(column)
            )
            counts[name] = _ranked(rows.all())
        rows = await session.execute(
            select(Asset.platform, func.count(func.distinct(IncidentAsset.incident_id)))
            .join(IncidentAsset, IncidentAsset.asset_id == Asset.id)
            .join(matching, matching.c.id == IncidentAsset.incident_id)
            .where(Asset.platform.isnot(None))
            .group_by(Asset.platform)
        )
        counts[PLATFORM] = _ranked(rows.all())
    return IncidentHits(total=total, incidents=incidents, facets=counts)


def _ranked(rows: Sequence[Row[str | None, int]]) -> dict[str, int]:
    counted = sorted(((str(v), int(n)) for v, n in rows), key=lambda vn: (-vn[1], vn[0]))
    return dict(counted)

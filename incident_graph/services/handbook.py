"""The troubleshooting handbook: similar past incidents and an asset's root causes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph import urns
from incident_graph.domain import handbook as rules
from incident_graph.domain.errors import BadUserInputError, NotFoundError
from incident_graph.store import fulltext, lineage
from incident_graph.store import handbook as handbook_store
from incident_graph.store import incidents as incident_store
from incident_graph.store.assets import get_asset
from incident_graph.store.tables import Incident

# Past incidents considered per signal: enough for a ranking, bounded at any scale.
CANDIDATES: Final = 200


@dataclass(frozen=True, slots=True)
class Similar:
    incident: Incident
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HandbookEntry:
    category: str
    count: int
    latest: Incident


def _text(row: Incident) -> str:
    return " ".join(t for t in (row.title, row.description, row.resolution_note) if t)


async def similar_incidents(
    session: AsyncSession, *, urn: str, count: int, depth: int
) -> list[Similar]:
    """Resolved incidents most like this one, best first, each with its score and reasons."""
    rules.check_count(count)
    incident = await incident_store.get_incident(session, urn=urn)
    if incident is None:
        raise NotFoundError(f"no incident {urn!r}; check the URN raiseIncident returned")
    if count == 0:
        return []
    own_assets = (await incident_store.assets_by_incident(session, incident_ids=[incident.id]))[
        incident.id
    ]
    own_ids = frozenset(a.id for a in own_assets)
    reached = await lineage.walk(session, start_ids=sorted(own_ids), depth=depth, upstream=True)
    upstream_hops: dict[int, int] = {}
    for hops in reached.values():
        for r in hops:
            if r.asset_id not in own_ids:
                upstream_hops[r.asset_id] = min(r.depth, upstream_hops.get(r.asset_id, r.depth))

    text = _text(incident)
    candidate_ids = {
        *await handbook_store.resolved_on_assets(
            session,
            asset_ids=[*own_ids, *upstream_hops],
            exclude_id=incident.id,
            limit=CANDIDATES,
        ),
        *await handbook_store.resolved_alike(
            session,
            incident_type=incident.incident_type,
            source_urn=incident.source_urn,
            exclude_id=incident.id,
            limit=CANDIDATES,
        ),
        *await fulltext.best_matches(
            session,
            text=text,
            states=[handbook_store.RESOLVED],
            exclude_id=incident.id,
            limit=CANDIDATES,
        ),
    }
    if not candidate_ids:
        return []
    ids = sorted(candidate_ids)
    rows = await incident_store.get_incidents_by_ids(session, ids=ids)
    assets = await incident_store.assets_by_incident(session, incident_ids=ids)
    shared = await fulltext.shared_words(session, text=text, incident_ids=ids)
    target_words = len(fulltext.words(text))
    target = _profile(incident, own_ids)
    scored = []
    for row in rows:
        past_assets = assets.get(row.id, [])
        found = rules.resemblance(
            target,
            upstream_hops=upstream_hops,
            past=_profile(row, frozenset(a.id for a in past_assets)),
            asset_urns={a.id: a.urn for a in past_assets},
            shared_words=shared.get(row.id, []),
            target_words=target_words,
        )
        scored.append(
            (found, row.resolved_ms or 0, row.id, Similar(row, found.score, found.reasons))
        )
    return rules.ranked(scored, count)


def _profile(row: Incident, asset_ids: frozenset[int]) -> rules.Profile:
    return rules.Profile(
        asset_ids=asset_ids,
        incident_type=row.incident_type,
        custom_type=row.custom_type,
        source_urn=row.source_urn,
    )


async def handbook(session: AsyncSession, *, resource_urn: str) -> list[HandbookEntry]:
    """Root causes of the asset's resolved incidents, most frequent first, with the latest."""
    try:
        urns.parse_asset_urn(resource_urn)
    except urns.InvalidUrnError as exc:
        raise BadUserInputError(str(exc), field="resourceUrn") from exc
    asset = await get_asset(session, urn=resource_urn)
    if asset is None:
        return []
    tallies = await handbook_store.root_causes_on_asset(session, asset_id=asset.id)
    rows = await incident_store.get_incidents_by_ids(
        session, ids=[t.latest_incident_id for t in tallies]
    )
    by_id = {r.id: r for r in rows}
    entries = [HandbookEntry(t.category, t.count, by_id[t.latest_incident_id]) for t in tallies]
    entries.sort(key=lambda e: (-e.count, -(e.latest.resolved_ms or 0), e.category))
    return entries

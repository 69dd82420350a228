"""The one call incident mutations make before their service: MANAGE_INCIDENTS on every asset."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from incident_graph.api.context import Info
from incident_graph.auth.privileges import require_manage_incidents
from incident_graph.domain.access import Target
from incident_graph.urns import AssetUrn


def _targets(assets: Iterable[tuple[str, str | None]]) -> list[Target]:
    return [Target(urn, platform) for urn, platform in dict(assets).items()]


async def may_raise(info: Info, assets: Sequence[AssetUrn]) -> None:
    """FORBIDDEN (audited) unless the caller manages incidents on every asset named."""
    ctx = info.context
    if ctx.principal.role.writes_everywhere:
        return
    await require_manage_incidents(
        db=ctx.db,
        writer=ctx.writer,
        principal=ctx.principal,
        targets=_targets((a.urn, a.platform) for a in assets),
        operation=info.field_name,
        subject=", ".join(a.urn for a in assets),
    )


async def may_change(info: Info, urn: str, adding: Sequence[AssetUrn] = ()) -> None:
    """FORBIDDEN (audited) unless the caller manages incidents on the incident's assets and on
    any assets the change would add. An unknown incident passes: the service says NOT_FOUND."""
    ctx = info.context
    if ctx.principal.role.writes_everywhere:
        return
    incident = await ctx.loaders.incident_by_urn.load(urn)
    if incident is None:
        return
    current = await ctx.loaders.assets_of_incident.load(incident.id)
    await require_manage_incidents(
        db=ctx.db,
        writer=ctx.writer,
        principal=ctx.principal,
        targets=_targets(
            [(a.urn, a.platform) for a in current] + [(a.urn, a.platform) for a in adding]
        ),
        operation=info.field_name,
        subject=urn,
    )

"""Privileges and who holds them: the pure rules behind per-asset "Manage Incidents"."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from incident_graph.domain import limits
from incident_graph.domain.errors import BadUserInputError
from incident_graph.urns import InvalidUrnError, parse_actor_urn, parse_asset_urn

PLATFORM_PREFIX: Final = "urn:li:dataPlatform:"


class Privilege(StrEnum):
    MANAGE_INCIDENTS = "MANAGE_INCIDENTS"
    # Writing metadata through DataHub's REST ingestion (`datahub ingest`, the SDK's emitters).
    INGEST_METADATA = "INGEST_METADATA"


class GrantScope(StrEnum):
    GLOBAL = "GLOBAL"
    PLATFORM = "PLATFORM"
    ASSET = "ASSET"


@dataclass(frozen=True, slots=True)
class GrantSpec:
    privilege: Privilege
    grantee_urn: str
    scope: GrantScope
    # "" for GLOBAL, the platform name for PLATFORM, the asset URN for ASSET.
    resource: str


@dataclass(frozen=True, slots=True)
class Target:
    """An asset an operation touches: its URN and platform (None when the URN has none)."""

    urn: str
    platform: str | None


@dataclass(frozen=True, slots=True)
class Holdings:
    """What a member holds: grants to them or their groups, and the assets they own."""

    everywhere: bool
    platforms: frozenset[str]
    assets: frozenset[str]
    owned: frozenset[str]

    def covers(self, target: Target) -> bool:
        return (
            self.everywhere
            or target.urn in self.assets
            or target.urn in self.owned
            or (target.platform is not None and target.platform in self.platforms)
        )


def holdings(grants: Iterable[tuple[str, str]], owned: Iterable[str]) -> Holdings:
    """Fold (scope, resource) grant rows and owned asset URNs into Holdings."""
    scoped: dict[str, set[str]] = {s.value: set() for s in GrantScope}
    for scope, resource in grants:
        scoped.setdefault(scope, set()).add(resource)
    return Holdings(
        everywhere=bool(scoped[GrantScope.GLOBAL]),
        platforms=frozenset(scoped[GrantScope.PLATFORM]),
        assets=frozenset(scoped[GrantScope.ASSET]),
        owned=frozenset(owned),
    )


def first_uncovered(held: Holdings, targets: Sequence[Target]) -> Target | None:
    """The first target the holdings do not cover; None when every one is covered."""
    return next((t for t in targets if not held.covers(t)), None)


def build_grant(
    *, privilege: Privilege, grantee_urn: str, scope: GrantScope, resource: str | None
) -> GrantSpec:
    """Validate a grant: a user or group grantee, and a resource that fits the scope."""
    try:
        parse_actor_urn(grantee_urn)
    except InvalidUrnError as exc:
        raise BadUserInputError(str(exc), field="granteeUrn") from exc
    given = (resource or "").strip()
    if scope is GrantScope.GLOBAL:
        if given:
            raise BadUserInputError(
                "a GLOBAL grant takes no resource; leave it out, or use scope PLATFORM or ASSET",
                field="resource",
            )
        return GrantSpec(privilege, grantee_urn, scope, "")
    if scope is GrantScope.PLATFORM:
        name = given.removeprefix(PLATFORM_PREFIX)
        if not name or any(c in name for c in "(),") or any(c.isspace() for c in name):
            raise BadUserInputError(
                "a PLATFORM grant needs a platform name such as 'snowflake' or "
                "'urn:li:dataPlatform:snowflake'",
                field="resource",
            )
        if len(name) > limits.PLATFORM:
            raise BadUserInputError(
                f"platform name is {len(name)} characters long; the limit is {limits.PLATFORM}",
                field="resource",
            )
        return GrantSpec(privilege, grantee_urn, scope, name)
    try:
        asset = parse_asset_urn(given)
    except InvalidUrnError as exc:
        raise BadUserInputError(
            f"an ASSET grant needs an asset URN: {exc}", field="resource"
        ) from exc
    return GrantSpec(privilege, grantee_urn, scope, asset.urn)

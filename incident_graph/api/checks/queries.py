"""Root query fields for checks."""

from __future__ import annotations

import strawberry

from incident_graph.api.checks.types import Assertion
from incident_graph.api.context import Info
from incident_graph.api.enums import EntityType
from incident_graph.domain.checks import check_check_urn


@strawberry.type
class CheckQueries:
    @strawberry.field(description="A check (DataHub: assertion) by URN; null when unknown.")
    async def assertion(self, info: Info, urn: str) -> Assertion | None:
        row = await info.context.loaders.checks.by_urn.load(check_check_urn(urn))
        return None if row is None else Assertion(urn=row.urn, type=EntityType.ASSERTION, row=row)

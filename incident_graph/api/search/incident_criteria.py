"""searchIncidents' filters, as the API takes them, turned into the domain's criteria."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from incident_graph.api.search.inputs import IncidentFiltersInput
from incident_graph.domain import incident_search as rules


def _values(items: Sequence[StrEnum] | None) -> list[str] | None:
    return None if items is None else [i.value for i in items]


def incident_criteria(given: IncidentFiltersInput) -> rules.IncidentCriteria:
    """Validate the filters (BAD_USER_INPUT names the field to fix)."""
    return rules.criteria(
        query=given.query,
        states=_values(given.states),
        stages=_values(given.stages),
        priorities=_values(given.priorities),
        types=_values(given.types),
        source_types=_values(given.source_types),
        assignees=given.assignee_urns,
        creators=given.creator_urns,
        leads=given.lead_urns,
        resources=given.resource_urns,
        platforms=given.platforms,
        owners=given.owner_urns,
        created_after=given.created_after,
        created_before=given.created_before,
    )


__all__ = ["incident_criteria"]

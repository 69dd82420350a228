"""Inputs of the lifecycle's changes: a root cause, and the version a change was made against."""

from __future__ import annotations

from typing import Annotated

import strawberry

from incident_graph.api.enums import RootCauseCategory


@strawberry.input(description="Why an incident happened.")
class IncidentRootCauseInput:
    category: RootCauseCategory
    detail: str | None = None


ExpectedVersion = Annotated[
    int | None,
    strawberry.argument(
        description=(
            "Ours: the incident version this change was made against; when the incident has "
            "moved on, the answer is CONFLICT with extensions.currentVersion and nothing changes."
        )
    ),
]

"""What the client selected: lets resolvers skip work nobody asked for."""

from __future__ import annotations

from typing import Any

from incident_graph.api.context import Info


def selects(info: Info, name: str) -> bool:
    """Whether the current field's selection includes `name` (directly or in a fragment)."""
    pending: list[Any] = [s for field in info.selected_fields for s in field.selections]
    while pending:
        selection = pending.pop()
        if getattr(selection, "name", None) == name:
            return True
        # Fragments (named and inline) have no name of their own: look inside them.
        if not hasattr(selection, "name") or getattr(selection, "type_condition", None):
            pending.extend(getattr(selection, "selections", []))
    return False

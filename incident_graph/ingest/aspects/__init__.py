"""Every aspect we model, by name and by Pegasus class name."""

from __future__ import annotations

from typing import Final

from incident_graph.ingest.aspects import (
    assertion,
    describe,
    incident,
    lineage,
    operation,
    ownership,
    status,
    tags,
)
from incident_graph.ingest.aspects.registry import ASSET_TYPES, AspectHandler

HANDLERS: Final[dict[str, AspectHandler]] = {
    h.name: h
    for h in (
        *describe.HANDLERS,
        ownership.HANDLER,
        tags.HANDLER,
        *lineage.HANDLERS,
        *status.HANDLERS,
        *incident.HANDLERS,
        *assertion.HANDLERS,
        operation.HANDLER,
    )
}
BY_FQN: Final[dict[str, AspectHandler]] = {h.fqn: h for h in HANDLERS.values()}
KEY_ASPECTS: Final[dict[str, AspectHandler]] = {
    next(iter(h.entity_types)): h for h in HANDLERS.values() if h.key
}

__all__ = ["ASSET_TYPES", "BY_FQN", "HANDLERS", "KEY_ASPECTS", "AspectHandler"]

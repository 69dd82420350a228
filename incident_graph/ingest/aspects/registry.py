"""The table of aspects we model: one small handler per aspect, found by name or Pegasus class.

A handler turns the aspect's JSON into a typed change (`domain/ingest.py`); aspects and entity
types missing here are accepted and counted, never stored. New aspects plug in by adding a
handler to `HANDLERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from incident_graph.domain.ingest import Change

Decode = Callable[[str, Any], Change]
Clear = Callable[[str], Change]

ASSET_TYPES: Final = frozenset({"dataset", "dashboard", "chart", "dataFlow", "dataJob"})


@dataclass(frozen=True, slots=True)
class AspectHandler:
    name: str
    # The Pegasus class, which keys the aspect in MCE snapshots and in GET /aspects answers.
    fqn: str
    entity_types: frozenset[str]
    upsert: Decode
    patch: Decode | None = None
    delete: Clear | None = None
    # A key aspect: present for every entity we store; DELETE of it deletes the entity.
    key: bool = field(default=False)

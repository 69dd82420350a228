"""What one ingested proposal asks for, as typed values. Pure; no I/O.

DataHub's REST ingestion sends aspects; each aspect we model becomes one of these values (an
edit of an asset, an incident's facts, a hard delete), anything else an `Unmodelled` that is
counted and dropped. The mapping from DataHub's JSON lives in `ingest/aspects/`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from incident_graph.domain.assets import OwnershipType, OwnerSpec
from incident_graph.domain.checks import CheckSpec, ResultSpec
from incident_graph.domain.enums import (
    IncidentPriority,
    IncidentSourceType,
    IncidentType,
)
from incident_graph.domain.incidents import RaiseSpec, StatusSpec, build_raise
from incident_graph.domain.operations import OperationSpec
from incident_graph.urns import AssetUrn

T = TypeVar("T")
R = TypeVar("R")


class ChangeType(StrEnum):
    """GMS's change types. CREATE, CREATE_ENTITY and RESTATE write like UPSERT here."""

    UPSERT = "UPSERT"
    CREATE = "CREATE"
    CREATE_ENTITY = "CREATE_ENTITY"
    RESTATE = "RESTATE"
    UPDATE = "UPDATE"
    PATCH = "PATCH"
    DELETE = "DELETE"


@dataclass(frozen=True, slots=True)
class ListEdit(Generic[T, R]):
    """A change to a list an aspect owns: replace it whole, or add and remove items."""

    replace: tuple[T, ...] | None = None
    add: tuple[T, ...] = ()
    remove: tuple[R, ...] = ()


# An owner to remove: its URN, and its ownership type or None for every type.
OwnerKey = tuple[str, OwnershipType | None]


@dataclass(frozen=True, slots=True)
class AssetEdit:
    """One aspect's change to an asset; None leaves that part as it is.

    Lineage edges belong to the aspect that names them: a dataset's `upstreamLineage` owns the
    edges from datasets into it, a job's `dataJobInputOutput` owns the edges into the job and
    from the job to its output datasets. Replacing one never drops the other's edges.
    """

    asset: AssetUrn
    aspect: str
    # Which of "name" and "description" this edit sets (to the value below, None included).
    describes: frozenset[str] = frozenset()
    name: str | None = None
    description: str | None = None
    owners: ListEdit[OwnerSpec, OwnerKey] | None = None
    tags: ListEdit[str, str] | None = None
    upstreams: ListEdit[AssetUrn, AssetUrn] | None = None
    job_inputs: ListEdit[AssetUrn, AssetUrn] | None = None
    job_outputs: ListEdit[AssetUrn, AssetUrn] | None = None
    removed: bool | None = None

    def related(self) -> tuple[AssetUrn, ...]:
        """Every other asset this edit names (they are registered if unknown)."""
        out: dict[str, AssetUrn] = {}
        for edit in (self.upstreams, self.job_inputs, self.job_outputs):
            if edit is not None:
                for asset in (*(edit.replace or ()), *edit.add, *edit.remove):
                    out.setdefault(asset.urn, asset)
        out.pop(self.asset.urn, None)
        return tuple(out.values())


@dataclass(frozen=True, slots=True)
class Stamp:
    """DataHub's AuditStamp: when, and who."""

    time_ms: int
    actor: str


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    """An `incidentInfo` aspect: the whole incident as the sender sees it."""

    urn: str
    incident_id: str
    type: IncidentType
    custom_type: str | None
    title: str | None
    description: str | None
    entities: tuple[str, ...]
    priority: IncidentPriority | None
    assignees: tuple[str, ...]
    status: StatusSpec
    status_stamp: Stamp | None
    source_type: IncidentSourceType
    source_urn: str | None
    started_at: int | None
    created: Stamp | None

    def raise_spec(self) -> RaiseSpec:
        """The raise this incidentInfo asks for; BadUserInputError when it breaks a rule."""
        return build_raise(
            caller_id=self.incident_id,
            type_=self.type,
            custom_type=self.custom_type,
            title=self.title,
            description=self.description,
            resource_urn=None,
            resource_urns=list(self.entities),
            source_type=self.source_type,
            source_urn=self.source_urn,
            priority=self.priority,
            assignee_urns=list(self.assignees),
            started_at=self.started_at,
            status=self.status,
        )


@dataclass(frozen=True, slots=True)
class CheckDefinition:
    """An `assertionInfo`: a check on an asset, created or described anew."""

    check: CheckSpec


@dataclass(frozen=True, slots=True)
class CheckRun:
    """An `assertionRunEvent` with a result: one run of a known check."""

    result: ResultSpec


@dataclass(frozen=True, slots=True)
class OperationReport:
    """An `operation`: a change a pipeline or platform made to a dataset's data."""

    operation: OperationSpec


@dataclass(frozen=True, slots=True)
class EntityDelete:
    """Hard delete of an entity (`entities?action=delete`, or DELETE of its key aspect)."""

    urn: str
    entity_type: str


@dataclass(frozen=True, slots=True)
class Unmodelled:
    """An aspect or entity type this service does not store; accepted and counted."""

    entity_type: str
    aspect: str


Change = (
    AssetEdit
    | IncidentFacts
    | CheckDefinition
    | CheckRun
    | OperationReport
    | EntityDelete
    | Unmodelled
)


@dataclass(frozen=True, slots=True)
class Proposal:
    """One decoded proposal: where it sat in the request, and what it asks for."""

    index: int
    urn: str
    aspect: str
    change: Change


# DataHub's incident priorities are ints: 0 is the most urgent.
PRIORITY_BY_INT: dict[int, IncidentPriority] = {
    0: IncidentPriority.CRITICAL,
    1: IncidentPriority.HIGH,
    2: IncidentPriority.MEDIUM,
    3: IncidentPriority.LOW,
}
INT_BY_PRIORITY: dict[IncidentPriority, int] = {v: k for k, v in PRIORITY_BY_INT.items()}

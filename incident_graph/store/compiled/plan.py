"""The shape of a compiled read: a tree of JSON values over incident and asset rows.

A plan holds no values, only the names of the parameters that carry them, so one plan (and
its SQL) serves every request of the same operation and filter shape. Plans are frozen and
hashable: the rendered SQL is cached by plan.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the row in scope (an incident inside an incident object, an asset inside
    an asset object)."""

    name: str


@dataclass(frozen=True, slots=True)
class Const:
    """A JSON string known when planning (`__typename`, an entity's `type`)."""

    value: str


@dataclass(frozen=True, slots=True)
class Param:
    """A request's value (a page's `start` or `count`) written into the JSON as a number."""

    name: str


@dataclass(frozen=True, slots=True)
class Elapsed:
    """Milliseconds from `start` to `end`, never negative; null while `end` is null."""

    start: str
    end: str


@dataclass(frozen=True, slots=True)
class TypenameOf:
    """A string chosen by a column's value (an asset's GraphQL type by its entity type)."""

    column: str
    names: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Obj:
    """A JSON object; its keys in the order the operation selected them."""

    fields: tuple[tuple[str, Node], ...]


@dataclass(frozen=True, slots=True)
class OrNull:
    """`value`, or null where the row's `column` is null (an acknowledgement not yet made)."""

    column: str
    value: Obj


@dataclass(frozen=True, slots=True)
class PageFilterShape:
    """Which of an incident page's filters are set, and how many assignees it names."""

    state: bool = False
    stage: bool = False
    priority: bool = False
    assignees: int = 0


@dataclass(frozen=True, slots=True)
class PageTotal:
    """How many of the asset's incidents match the page's filters."""

    prefix: str
    shape: PageFilterShape


@dataclass(frozen=True, slots=True)
class PageIncidents:
    """The page itself, newest first, each incident as `incident`.

    Its parameters are named after `prefix`: `<prefix>start`, `<prefix>count`,
    `<prefix>state`, `<prefix>stage`, `<prefix>priority`, `<prefix>assignee<N>`.
    """

    prefix: str
    shape: PageFilterShape
    incident: Obj


@dataclass(frozen=True, slots=True)
class Null:
    """JSON null (a detail object that belongs to another health entry)."""


@dataclass(frozen=True, slots=True)
class HealthValue:
    """One computed value of an asset's health entry `entry` (INCIDENTS, UPSTREAM_INCIDENTS,
    ASSERTIONS): its `status`, `message`, `causes`, or a detail such as `count`."""

    entry: str
    name: str
    # For `message`: the entry's text while it passes (the domain's own wording).
    pass_message: str = ""


@dataclass(frozen=True, slots=True)
class UpstreamAssets:
    """The upstream assets with active incidents, nearest first then by URN, each as
    `element` (whose rows have `urn` and `depth`, and `ActiveUrns`)."""

    element: Obj


@dataclass(frozen=True, slots=True)
class ActiveUrns:
    """Every active incident URN of the upstream asset in scope, newest first."""


@dataclass(frozen=True, slots=True)
class Health:
    """An asset's health entries: INCIDENTS, UPSTREAM_INCIDENTS, and ASSERTIONS when the asset
    has checks; lineage is walked `depth` hops up (the server's setting)."""

    incidents: Obj
    upstream: Obj
    assertions: Obj
    depth: int


Node = (
    Column
    | Const
    | Param
    | Elapsed
    | TypenameOf
    | Obj
    | OrNull
    | PageTotal
    | PageIncidents
    | Null
    | HealthValue
    | UpstreamAssets
    | ActiveUrns
    | Health
)


@dataclass(frozen=True, slots=True)
class AssetRoot:
    """One asset by URN (parameter `urn_param`), as `value`; null when unknown."""

    urn_param: str
    value: Obj


@dataclass(frozen=True, slots=True)
class IncidentRoot:
    """One incident by URN (parameter `urn_param`), as `value`; null when unknown."""

    urn_param: str
    value: Obj


@dataclass(frozen=True, slots=True)
class Plan:
    """The `data` object of a query: each response key with its root value."""

    roots: tuple[tuple[str, AssetRoot | IncidentRoot | Const], ...]

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
class Items:
    """A JSON array of values known when planning (searchIncidents' facets)."""

    values: tuple[Node, ...]


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


@dataclass(frozen=True, slots=True)
class SearchShape:
    """Which of searchIncidents' filters are set, how many values each list names (by the
    criteria's field names: `states`, `assignees`, ...), and the sort ((field, order), or None
    for newest first)."""

    lists: tuple[tuple[str, int], ...] = ()
    created_after: bool = False
    created_before: bool = False
    sort: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class SearchTotal:
    """The matches counted, up to the root's `max_matches`."""

    prefix: str


@dataclass(frozen=True, slots=True)
class SearchCapped:
    """Whether more incidents match than `max_matches` (totalIsLowerBound)."""

    prefix: str


@dataclass(frozen=True, slots=True)
class SearchPageSize:
    """How many incidents the page holds."""

    prefix: str


@dataclass(frozen=True, slots=True)
class SearchPage:
    """The page of incidents in the search's order, each as `incident`."""

    prefix: str
    incident: Obj


@dataclass(frozen=True, slots=True)
class FacetValues:
    """One facet's values (`state`, `stage`, `priority`, `type`, `platform`) over the matches
    considered, most frequent first then by value, each as `element` (whose rows have
    `facet_value` and `facet_count`)."""

    prefix: str
    facet: str
    element: Obj


@dataclass(frozen=True, slots=True)
class AssetCriterion:
    """One filter of an asset search: its field (domain.search's names), how many values it
    names, whether it is negated, and its condition: the comparison for numActiveIncidents,
    and for a yes/no field which values it keeps (`true`, `false` or `both`)."""

    field: str
    values: int
    negated: bool
    condition: str


@dataclass(frozen=True, slots=True)
class AssetSearchShape:
    """An asset search without its values: whether it has words to match, how many types it
    names, its OR of AND groups, its order ((key, descending), ending with the URN), and
    whether removed assets are left out."""

    words: bool
    types: int
    groups: tuple[tuple[AssetCriterion, ...], ...]
    keys: tuple[tuple[str, bool], ...]
    hide_removed: bool


@dataclass(frozen=True, slots=True)
class AssetSearchTotal:
    """How many assets the search matches."""

    prefix: str


@dataclass(frozen=True, slots=True)
class AssetSearchSize:
    """How many assets the page holds."""

    prefix: str


@dataclass(frozen=True, slots=True)
class AssetSearchHits:
    """The page of assets, each as `element` (whose rows are assets)."""

    prefix: str
    element: Obj


Node = (
    Column
    | Const
    | Param
    | Elapsed
    | TypenameOf
    | Obj
    | Items
    | OrNull
    | PageTotal
    | PageIncidents
    | Null
    | HealthValue
    | UpstreamAssets
    | ActiveUrns
    | Health
    | SearchTotal
    | SearchCapped
    | SearchPageSize
    | SearchPage
    | FacetValues
    | AssetSearchTotal
    | AssetSearchSize
    | AssetSearchHits
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
class IncidentSearchRoot:
    """searchIncidents without words to match, as `value`. Its parameters are named after
    `prefix`: `<prefix>start`, `<prefix>count`, `<prefix><field><N>` for the N-th value of a
    list, `<prefix>created_after`, `<prefix>created_before`."""

    prefix: str
    shape: SearchShape
    # The server's bound on the matches a search considers (the most recently raised).
    max_matches: int
    value: Obj


@dataclass(frozen=True, slots=True)
class AssetSearchRoot:
    """searchAcrossEntities without facets, as `value`. Its parameters are named after
    `prefix`: `<prefix>start`, `<prefix>count`, `<prefix>needle`, `<prefix>contains`,
    `<prefix>starts` (the words, and LIKE patterns for them), `<prefix>type<N>`, and
    `<prefix>g<G>c<C>v<N>` for the N-th value of group G's C-th criterion."""

    prefix: str
    shape: AssetSearchShape
    value: Obj


Root = AssetRoot | IncidentRoot | IncidentSearchRoot | AssetSearchRoot | Const


@dataclass(frozen=True, slots=True)
class Plan:
    """The `data` object of a query: each response key with its root value."""

    roots: tuple[tuple[str, Root], ...]

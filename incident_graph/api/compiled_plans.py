"""Which operations compile to one SQL statement, and their plans.

An operation compiles when every field it selects is one the SQL can build exactly as the
resolvers answer it: an asset by URN with its `incidents(...)` page and health,
`incident(urn)`, searchIncidents without words (facets included), and searchAcrossEntities
without facets (each result's entity by URN and type), with the incident's own fields (not its
timeline, comments, assignees or other entities). Fragments compile when they are on the very
type they are spread in. Anything else (directives, other fields, a fragment on an interface,
a variable of another type) returns None and goes through the resolvers, which stay the
reference. So does any request whose arguments the resolvers would refuse: the compiled path
never writes an error of its own, the resolvers answer it with theirs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    NamedTypeNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
)

from incident_graph import urns
from incident_graph.api.compiled_inputs import (
    MISSING,
    Arg,
    Args,
    NotCompiledError,
    Variable,
    literal_of,
    value_of,
    variable_of,
)
from incident_graph.api.compiled_search import bind_asset_search, bind_search
from incident_graph.api.search.types import INCIDENT_FACET_NAMES
from incident_graph.domain import incidents as rules
from incident_graph.domain.enums import IncidentPriority, IncidentStage, IncidentState
from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.health import ActiveIncidents, incident_health, upstream_health
from incident_graph.domain.paging import DEFAULT_COUNT, page
from incident_graph.store.compiled import (
    ActiveUrns,
    AssetRoot,
    AssetSearchHits,
    AssetSearchRoot,
    AssetSearchShape,
    AssetSearchSize,
    AssetSearchTotal,
    Column,
    Const,
    Elapsed,
    FacetValues,
    Health,
    HealthValue,
    IncidentRoot,
    IncidentSearchRoot,
    Items,
    Node,
    Null,
    Obj,
    OrNull,
    PageFilterShape,
    PageIncidents,
    PageTotal,
    Param,
    Plan,
    Root,
    SearchCapped,
    SearchPage,
    SearchPageSize,
    SearchShape,
    SearchTotal,
    TypenameOf,
    UpstreamAssets,
)

# Root fields that return an asset, each named after the URN entity it takes, with the type
# it returns; and the asset types' names by entity type.
_ASSET_ROOTS: Final = {
    "dataset": "Dataset",
    "dashboard": "Dashboard",
    "chart": "Chart",
    "dataFlow": "DataFlow",
    "dataJob": "DataJob",
}
_ASSET_TYPENAMES: Final = (
    ("DATASET", "Dataset"),
    ("DASHBOARD", "Dashboard"),
    ("CHART", "Chart"),
    ("DATA_FLOW", "DataFlow"),
    ("DATA_JOB", "DataJob"),
)


# Incident fields: a node, or (for an object) its fields and the column that makes it null.
_Fields = Mapping[str, "Node | _Object"]


@dataclass(frozen=True, slots=True)
class _Object:
    typename: str
    fields: _Fields
    null_unless: str | None = None


def _stamp(time: str, actor: str, null_unless: str | None = None) -> _Object:
    fields: _Fields = {
        "time": Column(time),
        "actor": Column(actor),
        "__typename": Const("AuditStamp"),
    }
    return _Object("AuditStamp", fields, null_unless)


_STATUS: Final = _Object(
    "IncidentStatus",
    {
        "state": Column("state"),
        "stage": Column("stage"),
        "message": Column("status_message"),
        "lastUpdated": _stamp("status_time_ms", "status_actor"),
        "__typename": Const("IncidentStatus"),
    },
)
_ROOT_CAUSE: Final = _Object(
    "IncidentRootCause",
    {
        "category": Column("root_cause_category"),
        "detail": Column("root_cause_detail"),
        "__typename": Const("IncidentRootCause"),
    },
    null_unless="root_cause_category",
)

_INCIDENT: Final = _Object(
    "Incident",
    {
        "urn": Column("urn"),
        "type": Const("INCIDENT"),
        "__typename": Const("Incident"),
        "incidentType": Column("incident_type"),
        "customType": Column("custom_type"),
        "title": Column("title"),
        "description": Column("description"),
        "priority": Column("priority"),
        "startedAt": Column("started_at_ms"),
        "version": Column("version"),
        "resolutionNote": Column("resolution_note"),
        "timeToAcknowledgeMs": Elapsed("created_ms", "acknowledged_ms"),
        "timeToResolveMs": Elapsed("created_ms", "resolved_ms"),
        "incidentStatus": _STATUS,
        # DataHub's deprecated name for incidentStatus.
        "status": _STATUS,
        "created": _stamp("created_ms", "created_actor"),
        "acknowledged": _stamp("acknowledged_ms", "acknowledged_actor", "acknowledged_ms"),
        "resolved": _stamp("resolved_ms", "resolved_actor", "resolved_ms"),
        "rootCause": _ROOT_CAUSE,
    },
)


@dataclass(slots=True)
class _Page:
    prefix: str
    args: Args
    fields: tuple[tuple[str, str], ...]  # (response key, field name)
    incident: tuple[tuple[str, Node], ...] = ()


@dataclass(slots=True)
class _Root:
    key: str
    # An asset entity ("dataset", ...), "incident", "searchIncidents" or "__typename".
    kind: str
    # The root's one argument: an entity's `urn`, a search's `input`.
    arg: Arg | None = None
    fields: tuple[tuple[str, Any], ...] = ()  # assets, searches: key -> Node | _Page
    incident: Obj = field(default_factory=lambda: Obj(()))
    # A search's parameters' prefix.
    prefix: str = ""
    # An asset search selects matchedFields.
    matched_fields: bool = False


_Shape = PageFilterShape | SearchShape | AssetSearchShape


@dataclass(slots=True)
class Compiled:
    """An operation that compiles: `bind` gives the plan and values for one request's
    variables, or None when the resolvers must answer it (they refuse its arguments)."""

    variables: dict[str, Variable]
    roots: list[_Root]
    # The server's bound on the matches a search considers.
    max_matches: int
    _plans: dict[tuple[_Shape, ...], Plan] = field(default_factory=dict)

    def bind(self, raw: Mapping[str, Any] | None) -> tuple[Plan, dict[str, object]] | None:
        try:
            variables = self._coerce(raw or {})
            values: dict[str, object] = {}
            shapes: list[_Shape] = []
            for n, root in enumerate(self.roots):
                self._bind_root(n, root, variables, values, shapes)
        except (NotCompiledError, BadUserInputError, urns.InvalidUrnError):
            return None
        key = tuple(shapes)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._plan(iter(shapes))
        return plan, values

    def _coerce(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, spec in self.variables.items():
            if name in raw:
                value = raw[name]
            elif spec.default is not MISSING:
                value = spec.default
            else:
                if spec.non_null:
                    raise NotCompiledError
                continue  # not provided: the argument takes its own default
            if value is None:
                if spec.non_null:
                    raise NotCompiledError
                out[name] = None
            else:
                out[name] = spec.coerce(value)
        return out

    def _bind_root(
        self,
        n: int,
        root: _Root,
        variables: Mapping[str, Any],
        values: dict[str, object],
        shapes: list[_Shape],
    ) -> None:
        if root.kind == "__typename":
            return
        if root.kind == "searchIncidents":
            given = None if root.arg is None else value_of(root.arg, variables, None)
            shapes.append(bind_search(root.prefix, given, values))
            return
        if root.kind == "searchAcrossEntities":
            given = None if root.arg is None else value_of(root.arg, variables, None)
            found = bind_asset_search(
                root.prefix, given, values, matched_fields=root.matched_fields
            )
            shapes.append(found)
            return
        urn = MISSING if root.arg is None else value_of(root.arg, variables, MISSING)
        if not isinstance(urn, str):
            raise NotCompiledError
        if root.kind != "incident":
            parsed = urns.parse_asset_urn(urn)
            if parsed.entity != root.kind:
                raise NotCompiledError
        values[f"r{n}_urn"] = urn
        for _, item in root.fields:
            if isinstance(item, _Page):
                shapes.append(_bind_page(item, variables, values))

    def _plan(self, shapes: Any) -> Plan:
        out: list[tuple[str, Root]] = []
        for n, root in enumerate(self.roots):
            if root.kind == "__typename":
                out.append((root.key, Const("Query")))
            elif root.kind == "searchIncidents":
                shape = next(shapes)
                value = Obj(root.fields)
                search = IncidentSearchRoot(root.prefix, shape, self.max_matches, value)
                out.append((root.key, search))
            elif root.kind == "searchAcrossEntities":
                out.append((root.key, AssetSearchRoot(root.prefix, next(shapes), Obj(root.fields))))
            elif root.kind == "incident":
                out.append((root.key, IncidentRoot(f"r{n}_urn", root.incident)))
            else:
                fields: list[tuple[str, Node]] = []
                for key, item in root.fields:
                    fields.append(
                        (key, _page_obj(item, next(shapes)) if isinstance(item, _Page) else item)
                    )
                out.append((root.key, AssetRoot(f"r{n}_urn", Obj(tuple(fields)))))
        return Plan(tuple(out))


@dataclass(frozen=True, slots=True)
class PlanLimits:
    """The server's settings a plan is made for."""

    # How far health walks lineage upstream.
    lineage_depth: int
    # How many matches a search considers (INCIDENT_GRAPH_INCIDENT_SEARCH_MAX_MATCHES).
    max_matches: int


def compile_operation(
    document: DocumentNode, operation_name: str | None, limits: PlanLimits
) -> Compiled | None:
    """The operation's compiled form, or None when it goes through the resolvers."""
    try:
        return _Compiler(limits).operation(document, operation_name)
    except NotCompiledError:
        return None


def _bind_page(
    item: _Page, variables: Mapping[str, Any], values: dict[str, object]
) -> PageFilterShape:
    def arg(name: str, default: Any = None) -> Any:
        found = item.args.get(name)
        return default if found is None else value_of(found, variables, default)

    window = page(arg("start", 0), arg("count", DEFAULT_COUNT))
    named = arg("assigneeUrns") or []
    # GraphQL coerces a single value to a list of one.
    assignees = rules.check_assignees([named] if isinstance(named, str) else named)
    state, stage, priority = arg("state"), arg("stage"), arg("priority")
    p = item.prefix
    values[p + "start"], values[p + "count"] = window.start, window.count
    if state is not None:
        values[p + "state"] = IncidentState[state].value
    if stage is not None:
        values[p + "stage"] = IncidentStage[stage].value
    if priority is not None:
        values[p + "priority"] = IncidentPriority[priority].value
    for n, urn in enumerate(assignees):
        values[f"{p}assignee{n}"] = urn
    return PageFilterShape(
        state=state is not None,
        stage=stage is not None,
        priority=priority is not None,
        assignees=len(assignees),
    )


def _page_obj(item: _Page, shape: PageFilterShape) -> Obj:
    fields: list[tuple[str, Node]] = []
    for key, name in item.fields:
        if name == "start":
            fields.append((key, Param(item.prefix + "start")))
        elif name == "count":
            fields.append((key, Param(item.prefix + "count")))
        elif name == "total":
            fields.append((key, PageTotal(item.prefix, shape)))
        elif name == "__typename":
            fields.append((key, Const("EntityIncidentsResult")))
        else:
            fields.append((key, PageIncidents(item.prefix, shape, Obj(item.incident))))
    return Obj(tuple(fields))


_HEALTH_ENTRIES: Final = ("INCIDENTS", "UPSTREAM_INCIDENTS", "ASSERTIONS")
# Each health entry's own detail object; the other entries answer null for it.
_DETAILS: Final = {
    "activeIncidentHealthDetails": (
        "INCIDENTS",
        "ActiveIncidentHealthDetails",
        frozenset(
            {
                "count",
                "latestIncidentUrn",
                "latestIncidentTitle",
                "lastActivityAt",
                "activeIncidentUrns",
            }
        ),
    ),
    "upstreamIncidentHealthDetails": (
        "UPSTREAM_INCIDENTS",
        "UpstreamIncidentHealthDetails",
        frozenset({"count", "assets"}),
    ),
    "assertionHealthDetails": (
        "ASSERTIONS",
        "AssertionHealthDetails",
        frozenset({"total", "failingAssertionUrns"}),
    ),
}


# A search result's entity: an asset.
_SEARCH_ENTITY: Final[dict[str, Node]] = {
    "urn": Column("urn"),
    "type": Column("entity_type"),
    "__typename": TypenameOf("entity_type", _ASSET_TYPENAMES),
}

# A facet value of searchIncidents: never an entity, never a display name of its own.
_FACET_VALUE: Final[dict[str, Node]] = {
    "value": Column("facet_value"),
    "count": Column("facet_count"),
    "entity": Null(),
    "displayName": Null(),
    "__typename": Const("AggregationMetadata"),
}

_UPSTREAM_ASSET: Final[dict[str, Node]] = {
    "urn": Column("urn"),
    "depth": Column("depth"),
    "incidentUrns": ActiveUrns(),
    "__typename": Const("UpstreamIncidentAsset"),
}


def _leaf(node: FieldNode, leaves: Mapping[str, Node]) -> Node:
    """The value of a field without a selection of its own, from those its type compiles."""
    leaf = leaves.get(node.name.value)
    if leaf is None or node.selection_set is not None:
        raise NotCompiledError
    return leaf


class _Compiler:
    def __init__(self, limits: PlanLimits) -> None:
        self.pages = 0
        self.searches = 0
        self.limits = limits
        self.fragments: dict[str, FragmentDefinitionNode] = {}

    def operation(self, document: DocumentNode, operation_name: str | None) -> Compiled:
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        if len(operations) + len(self.fragments) != len(document.definitions):
            raise NotCompiledError
        chosen = [
            o
            for o in operations
            if operation_name is None or (o.name is not None and o.name.value == operation_name)
        ]
        if len(chosen) != 1:
            raise NotCompiledError
        operation = chosen[0]
        if operation.operation != OperationType.QUERY or operation.directives:
            raise NotCompiledError
        variables = {
            d.variable.name.value: variable_of(d.type, d.default_value)
            for d in operation.variable_definitions or ()
            if not d.directives
        }
        if len(variables) != len(operation.variable_definitions or ()):
            raise NotCompiledError
        self.declared = variables
        roots = [self.root(f) for f in (self.fields(operation.selection_set, "Query"))]
        return Compiled(variables=variables, roots=roots, max_matches=self.limits.max_matches)

    def fields(self, selection_set: SelectionSetNode | None, on: str) -> list[FieldNode]:
        """The fields selected on an object of type `on`, as graphql-core collects them:
        fragments spread in place, and a key selected more than once answered once, where it
        first appears, with the selections of all its fields (validation has made them
        alike). A fragment on any other type (an interface, say) does not compile."""
        if selection_set is None:
            raise NotCompiledError
        collected: dict[str, list[FieldNode]] = {}
        self.collect(selection_set, on, collected)
        out: list[FieldNode] = []
        for nodes in collected.values():
            first = nodes[0]
            if len(nodes) > 1 and first.selection_set is not None:
                joined = tuple(
                    selection
                    for node in nodes
                    for selection in (node.selection_set.selections if node.selection_set else ())
                )
                first = FieldNode(
                    alias=first.alias,
                    name=first.name,
                    arguments=first.arguments,
                    directives=first.directives,
                    selection_set=SelectionSetNode(selections=joined),
                )
            out.append(first)
        return out

    def collect(
        self, selection_set: SelectionSetNode, on: str, into: dict[str, list[FieldNode]]
    ) -> None:
        for selection in selection_set.selections:
            if selection.directives:
                raise NotCompiledError  # @skip and @include
            if isinstance(selection, FieldNode):
                into.setdefault((selection.alias or selection.name).value, []).append(selection)
                continue
            if isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is None or fragment.directives:
                    raise NotCompiledError
                condition: NamedTypeNode | None = fragment.type_condition
                inner = fragment.selection_set
            elif isinstance(selection, InlineFragmentNode):
                condition, inner = selection.type_condition, selection.selection_set
            else:
                raise NotCompiledError
            if condition is not None and condition.name.value != on:
                raise NotCompiledError
            self.collect(inner, on, into)

    def args(self, node: FieldNode, allowed: frozenset[str]) -> dict[str, Arg]:
        out: dict[str, Arg] = {}
        for argument in node.arguments or ():
            name = argument.name.value
            if name not in allowed:
                raise NotCompiledError
            value = argument.value
            if isinstance(value, VariableNode):
                if value.name.value not in self.declared:
                    raise NotCompiledError
                out[name] = Arg(variable=value.name.value)
            else:
                out[name] = Arg(literal=literal_of(value))
        return out

    def root(self, node: FieldNode) -> _Root:
        key = (node.alias or node.name).value
        name = node.name.value
        if name == "__typename":
            return _Root(key=key, kind="__typename")
        if name == "incident":
            urn = self.args(node, frozenset({"urn"})).get("urn")
            return _Root(
                key=key, kind="incident", arg=urn, incident=Obj(self.incident(node.selection_set))
            )
        if name == "searchIncidents":
            given = self.args(node, frozenset({"input"})).get("input")
            prefix, fields = self.search_results(node.selection_set)
            return _Root(key=key, kind=name, arg=given, fields=fields, prefix=prefix)
        if name == "searchAcrossEntities":
            given = self.args(node, frozenset({"input"})).get("input")
            return self.asset_search(key, given, node.selection_set)
        return self.asset_root(node)

    def asset_root(self, node: FieldNode) -> _Root:
        key = (node.alias or node.name).value
        name = node.name.value
        typename = _ASSET_ROOTS.get(name)
        if typename is None:
            raise NotCompiledError
        urn = self.args(node, frozenset({"urn"})).get("urn")
        fields: list[tuple[str, Any]] = []
        for field_node in self.fields(node.selection_set, typename):
            field_key = (field_node.alias or field_node.name).value
            field_name = field_node.name.value
            if field_name == "urn":
                fields.append((field_key, Column("urn")))
            elif field_name == "type":
                fields.append((field_key, Column("entity_type")))
            elif field_name == "__typename":
                fields.append((field_key, TypenameOf("entity_type", _ASSET_TYPENAMES)))
            elif field_name == "incidents":
                fields.append((field_key, self.page(field_node)))
            elif field_name == "health" and not field_node.arguments:
                fields.append((field_key, self.health(field_node.selection_set)))
            else:
                raise NotCompiledError
        return _Root(key=key, kind=name, arg=urn, fields=tuple(fields))

    def search_results(
        self, selection_set: SelectionSetNode | None
    ) -> tuple[str, tuple[tuple[str, Node], ...]]:
        """IncidentSearchResults' fields, and the prefix of the search's parameters."""
        prefix = f"s{self.searches}_"
        self.searches += 1
        out: list[tuple[str, Node]] = []
        for node in self.fields(selection_set, "IncidentSearchResults"):
            key, name = (node.alias or node.name).value, node.name.value
            if node.arguments:
                raise NotCompiledError
            if name == "incidents":
                out.append((key, SearchPage(prefix, Obj(self.incident(node.selection_set)))))
                continue
            if name == "facets":
                out.append((key, self.incident_facets(prefix, node.selection_set)))
                continue
            leaves: dict[str, Node] = {
                "start": Param(prefix + "start"),
                "count": SearchPageSize(prefix),
                "total": SearchTotal(prefix),
                "totalIsLowerBound": SearchCapped(prefix),
                "__typename": Const("IncidentSearchResults"),
            }
            out.append((key, _leaf(node, leaves)))
        return prefix, tuple(out)

    def asset_search(
        self, key: str, given: Arg | None, selection_set: SelectionSetNode | None
    ) -> _Root:
        """SearchResults' fields but facets; each result's entity by its URN and type."""
        prefix = f"a{self.searches}_"
        self.searches += 1
        root = _Root(key=key, kind="searchAcrossEntities", arg=given, prefix=prefix)
        out: list[tuple[str, Node]] = []
        for node in self.fields(selection_set, "SearchResults"):
            field_key, name = (node.alias or node.name).value, node.name.value
            if node.arguments:
                raise NotCompiledError
            if name == "searchResults":
                result = self.asset_search_result(root, node.selection_set)
                out.append((field_key, AssetSearchHits(prefix, result)))
                continue
            leaves: dict[str, Node] = {
                "start": Param(prefix + "start"),
                "count": AssetSearchSize(prefix),
                "total": AssetSearchTotal(prefix),
                "__typename": Const("SearchResults"),
            }
            out.append((field_key, _leaf(node, leaves)))
        root.fields = tuple(out)
        return root

    def asset_search_result(self, root: _Root, selection_set: SelectionSetNode | None) -> Obj:
        out: list[tuple[str, Node]] = []
        for node in self.fields(selection_set, "SearchResult"):
            key, name = (node.alias or node.name).value, node.name.value
            if node.arguments:
                raise NotCompiledError
            if name == "entity":
                out.append((key, Obj(self.leaves(node.selection_set, "Entity", _SEARCH_ENTITY))))
            elif name in {"matchedFields", "extraProperties"}:
                # Never any extra properties; no matched fields when every asset matches
                # (binding refuses a search with words).
                root.matched_fields = root.matched_fields or name == "matchedFields"
                out.append((key, Items(())))
            elif name == "__typename" and node.selection_set is None:
                out.append((key, Const("SearchResult")))
            else:
                raise NotCompiledError
        return Obj(tuple(out))

    def incident_facets(self, prefix: str, selection_set: SelectionSetNode | None) -> Items:
        """Every facet, in searchIncidents' order, each with its values over the matches."""
        selected = self.fields(selection_set, "FacetMetadata")
        facets: list[Node] = []
        for facet, display_name in INCIDENT_FACET_NAMES.items():
            fields: list[tuple[str, Node]] = []
            for node in selected:
                key, name = (node.alias or node.name).value, node.name.value
                if node.arguments:
                    raise NotCompiledError
                if name == "aggregations":
                    values = self.leaves(node.selection_set, "AggregationMetadata", _FACET_VALUE)
                    fields.append((key, FacetValues(prefix, facet, Obj(values))))
                    continue
                leaves: dict[str, Node] = {
                    "field": Const(facet),
                    "displayName": Const(display_name),
                    "__typename": Const("FacetMetadata"),
                }
                fields.append((key, _leaf(node, leaves)))
            facets.append(Obj(tuple(fields)))
        return Items(tuple(facets))

    def leaves(
        self, selection_set: SelectionSetNode | None, on: str, known: Mapping[str, Node]
    ) -> tuple[tuple[str, Node], ...]:
        """Fields without arguments from `known`; a field `known` answers with null may
        select anything below it."""
        out: list[tuple[str, Node]] = []
        for node in self.fields(selection_set, on):
            value = known.get(node.name.value)
            if value is None or node.arguments:
                raise NotCompiledError
            if node.selection_set is not None and not isinstance(value, Null):
                raise NotCompiledError
            out.append(((node.alias or node.name).value, value))
        return tuple(out)

    def page(self, node: FieldNode) -> _Page:
        args = self.args(
            node,
            frozenset({"state", "stage", "priority", "assigneeUrns", "start", "count"}),
        )
        item = _Page(prefix=f"p{self.pages}_", args=args, fields=())
        self.pages += 1
        fields: list[tuple[str, str]] = []
        for field_node in self.fields(node.selection_set, "EntityIncidentsResult"):
            name = field_node.name.value
            if name not in {"start", "count", "total", "incidents", "__typename"}:
                raise NotCompiledError
            if name == "incidents":
                item.incident = self.incident(field_node.selection_set)
            fields.append(((field_node.alias or field_node.name).value, name))
        item.fields = tuple(fields)
        return item

    def health(self, selection_set: SelectionSetNode | None) -> Health:
        """The three entries, each with the selected fields (the resolvers' Health objects)."""
        selected = self.fields(selection_set, "Health")
        incidents, upstream, assertions = (
            Obj(tuple(self.health_field(entry, node) for node in selected))
            for entry in _HEALTH_ENTRIES
        )
        return Health(incidents, upstream, assertions, self.limits.lineage_depth)

    def health_field(self, entry: str, node: FieldNode) -> tuple[str, Node]:
        key = (node.alias or node.name).value
        name = node.name.value
        if node.arguments or (name in {"type", "status", "message", "causes", "__typename"}) != (
            node.selection_set is None
        ):
            raise NotCompiledError
        if name == "type":
            return key, Const(entry)
        if name == "__typename":
            return key, Const("Health")
        if name == "message":
            return key, HealthValue(entry, name, self.passing_message(entry))
        if name in {"status", "causes"}:
            return key, HealthValue(entry, name)
        return key, self.health_details(entry, node)

    def health_details(self, entry: str, node: FieldNode) -> Node:
        """A detail object: built on its own entry, null on the others."""
        found = _DETAILS.get(node.name.value)
        if found is None:
            raise NotCompiledError
        owner, typename, known = found
        fields: list[tuple[str, Node]] = []
        for sub in self.fields(node.selection_set, typename):
            sub_key, sub_name = (sub.alias or sub.name).value, sub.name.value
            if sub_name == "__typename":
                fields.append((sub_key, Const(typename)))
            elif sub_name == "assets" and sub_name in known:
                fields.append((sub_key, UpstreamAssets(Obj(self.upstream_asset(sub)))))
            elif sub_name in known and sub.selection_set is None and not sub.arguments:
                fields.append((sub_key, HealthValue(owner, sub_name)))
            else:
                raise NotCompiledError
        return Obj(tuple(fields)) if entry == owner else Null()

    def upstream_asset(self, node: FieldNode) -> tuple[tuple[str, Node], ...]:
        out: list[tuple[str, Node]] = []
        for sub in self.fields(node.selection_set, "UpstreamIncidentAsset"):
            value = _UPSTREAM_ASSET.get(sub.name.value)
            if value is None or sub.arguments or sub.selection_set is not None:
                raise NotCompiledError
            out.append(((sub.alias or sub.name).value, value))
        return tuple(out)

    def passing_message(self, entry: str) -> str:
        """The entry's message while it passes, worded by the domain (ASSERTIONS: unused,
        its three messages all carry counts)."""
        if entry == "INCIDENTS":
            return incident_health(ActiveIncidents(count=0)).message
        if entry == "UPSTREAM_INCIDENTS":
            return upstream_health((), self.limits.lineage_depth).message
        return ""

    def incident(self, selection_set: SelectionSetNode | None) -> tuple[tuple[str, Node], ...]:
        return self.object(selection_set, _INCIDENT)

    def object(
        self, selection_set: SelectionSetNode | None, known: _Object
    ) -> tuple[tuple[str, Node], ...]:
        out: list[tuple[str, Node]] = []
        for node in self.fields(selection_set, known.typename):
            if node.arguments:
                raise NotCompiledError
            found = known.fields.get(node.name.value)
            if found is None:
                raise NotCompiledError
            key = (node.alias or node.name).value
            if isinstance(found, _Object):
                value = Obj(self.object(node.selection_set, found))
                out.append(
                    (key, value if found.null_unless is None else OrNull(found.null_unless, value))
                )
            else:
                if node.selection_set is not None:
                    raise NotCompiledError
                out.append((key, found))
        return tuple(out)

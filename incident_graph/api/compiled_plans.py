"""Which operations compile to one SQL statement, and their plans.

An operation compiles when every field it selects is one the SQL can build exactly as the
resolvers answer it: an asset by URN with its `incidents(...)` page, and `incident(urn)`, with
the incident's own fields (not its timeline, comments, assignees or other entities). Anything
else (fragments, directives, other fields, a variable of another type) returns None and goes
through the resolvers, which stay the reference. So does any request whose arguments the
resolvers would refuse: the compiled path never writes an error of its own, the resolvers
answer it with theirs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from graphql import (
    DocumentNode,
    EnumValueNode,
    FieldNode,
    IntValueNode,
    ListTypeNode,
    ListValueNode,
    NamedTypeNode,
    NonNullTypeNode,
    NullValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    TypeNode,
    ValueNode,
    VariableNode,
)

from incident_graph import urns
from incident_graph.domain import incidents as rules
from incident_graph.domain.enums import IncidentPriority, IncidentStage, IncidentState
from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.health import ActiveIncidents, incident_health, upstream_health
from incident_graph.domain.paging import DEFAULT_COUNT, page
from incident_graph.store.compiled import (
    ActiveUrns,
    AssetRoot,
    Column,
    Const,
    Elapsed,
    Health,
    HealthValue,
    IncidentRoot,
    Node,
    Null,
    Obj,
    OrNull,
    PageFilterShape,
    PageIncidents,
    PageTotal,
    Param,
    Plan,
    TypenameOf,
    UpstreamAssets,
)

# GraphQL's Int is 32-bit; a variable outside it is refused by graphql-core.
_INT_MIN: Final = -(2**31)
_INT_MAX: Final = 2**31 - 1

# Root fields that return an asset, by the URN entity they take; and the asset types' names.
_ASSET_ROOTS: Final = {
    "dataset": "dataset",
    "dashboard": "dashboard",
    "chart": "chart",
    "dataFlow": "dataFlow",
    "dataJob": "dataJob",
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
    fields: Mapping[str, Node | _Object]
    null_unless: str | None = None


def _stamp(time: str, actor: str) -> _Object:
    return _Object(
        {"time": Column(time), "actor": Column(actor), "__typename": Const("AuditStamp")}
    )


_STATUS: Final = _Object(
    {
        "state": Column("state"),
        "stage": Column("stage"),
        "message": Column("status_message"),
        "lastUpdated": _stamp("status_time_ms", "status_actor"),
        "__typename": Const("IncidentStatus"),
    }
)
_ROOT_CAUSE: Final = _Object(
    {
        "category": Column("root_cause_category"),
        "detail": Column("root_cause_detail"),
        "__typename": Const("IncidentRootCause"),
    },
    null_unless="root_cause_category",
)

_INCIDENT: Final[_Fields] = {
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
    "acknowledged": _Object(
        _stamp("acknowledged_ms", "acknowledged_actor").fields, "acknowledged_ms"
    ),
    "resolved": _Object(_stamp("resolved_ms", "resolved_actor").fields, "resolved_ms"),
    "rootCause": _ROOT_CAUSE,
}


class _NotCompiledError(Exception):
    """The operation (or this request's arguments) goes through the resolvers."""


_MISSING: Final = object()


@dataclass(frozen=True, slots=True)
class _Variable:
    """A declared variable of a type the compiler reads, and how to coerce its value."""

    coerce: Callable[[Any], Any]
    non_null: bool
    default: Any = _MISSING


@dataclass(frozen=True, slots=True)
class _Arg:
    """An argument as written: a literal value, or the variable that carries it."""

    literal: Any = None
    variable: str | None = None


_Args = Mapping[str, _Arg]


@dataclass(slots=True)
class _Page:
    prefix: str
    args: _Args
    fields: tuple[tuple[str, str], ...]  # (response key, field name)
    incident: tuple[tuple[str, Node], ...] = ()


@dataclass(slots=True)
class _Root:
    key: str
    kind: str  # an asset entity ("dataset", ...), "incident" or "__typename"
    urn: _Arg | None = None
    fields: tuple[tuple[str, Any], ...] = ()  # for assets: key -> Node | _Page
    incident: Obj = field(default_factory=lambda: Obj(()))


@dataclass(slots=True)
class Compiled:
    """An operation that compiles: `bind` gives the plan and values for one request's
    variables, or None when the resolvers must answer it (they refuse its arguments)."""

    variables: dict[str, _Variable]
    roots: list[_Root]
    _plans: dict[tuple[PageFilterShape, ...], Plan] = field(default_factory=dict)

    def bind(self, raw: Mapping[str, Any] | None) -> tuple[Plan, dict[str, object]] | None:
        try:
            variables = self._coerce(raw or {})
            values: dict[str, object] = {}
            shapes: list[PageFilterShape] = []
            for n, root in enumerate(self.roots):
                self._bind_root(n, root, variables, values, shapes)
        except (_NotCompiledError, BadUserInputError, urns.InvalidUrnError):
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
            elif spec.default is not _MISSING:
                value = spec.default
            else:
                if spec.non_null:
                    raise _NotCompiledError
                continue  # not provided: the argument takes its own default
            if value is None:
                if spec.non_null:
                    raise _NotCompiledError
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
        shapes: list[PageFilterShape],
    ) -> None:
        if root.kind == "__typename":
            return
        urn = _MISSING if root.urn is None else _value(root.urn, variables, _MISSING)
        if not isinstance(urn, str):
            raise _NotCompiledError
        if root.kind != "incident":
            parsed = urns.parse_asset_urn(urn)
            if parsed.entity != root.kind:
                raise _NotCompiledError
        values[f"r{n}_urn"] = urn
        for _, item in root.fields:
            if isinstance(item, _Page):
                shapes.append(_bind_page(item, variables, values))

    def _plan(self, shapes: Any) -> Plan:
        out: list[tuple[str, AssetRoot | IncidentRoot | Const]] = []
        for n, root in enumerate(self.roots):
            if root.kind == "__typename":
                out.append((root.key, Const("Query")))
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


def compile_operation(
    document: DocumentNode, operation_name: str | None, *, lineage_depth: int
) -> Compiled | None:
    """The operation's compiled form, or None when it goes through the resolvers.
    `lineage_depth` is the server's bound on health's upstream walk."""
    try:
        return _Compiler(lineage_depth).operation(document, operation_name)
    except _NotCompiledError:
        return None


def _value(arg: _Arg, variables: Mapping[str, Any], default: Any) -> Any:
    if arg.variable is None:
        return arg.literal
    return variables.get(arg.variable, default)


def _bind_page(
    item: _Page, variables: Mapping[str, Any], values: dict[str, object]
) -> PageFilterShape:
    def arg(name: str, default: Any = None) -> Any:
        found = item.args.get(name)
        return default if found is None else _value(found, variables, default)

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


# How a variable's value is coerced, by its declared type; any other type does not compile.
def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise _NotCompiledError
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not _INT_MIN <= value <= _INT_MAX:
        raise _NotCompiledError
    return value


def _enum(names: frozenset[str]) -> Callable[[Any], str]:
    def coerce(value: Any) -> str:
        if not isinstance(value, str) or value not in names:
            raise _NotCompiledError
        return value

    return coerce


def _string_list(value: Any) -> list[str]:
    # GraphQL coerces a single value to a list of one.
    items = value if isinstance(value, list) else [value]
    return [_string(v) for v in items]


_SCALARS: Final[dict[str, Callable[[Any], Any]]] = {
    "String": _string,
    "Int": _int,
    "IncidentState": _enum(frozenset(IncidentState.__members__)),
    "IncidentStage": _enum(frozenset(IncidentStage.__members__)),
    "IncidentPriority": _enum(frozenset(IncidentPriority.__members__)),
}


def _variable(type_node: TypeNode, default: ValueNode | None) -> _Variable:
    non_null = isinstance(type_node, NonNullTypeNode)
    inner = type_node.type if isinstance(type_node, NonNullTypeNode) else type_node
    if isinstance(inner, ListTypeNode):
        item = inner.type
        if not (
            isinstance(item, NonNullTypeNode)
            and isinstance(item.type, NamedTypeNode)
            and item.type.name.value == "String"
        ):
            raise _NotCompiledError
        coerce: Callable[[Any], Any] = _string_list
    elif isinstance(inner, NamedTypeNode) and inner.name.value in _SCALARS:
        coerce = _SCALARS[inner.name.value]
    else:
        raise _NotCompiledError
    spec = _Variable(coerce=coerce, non_null=non_null)
    if default is not None:
        literal = _literal(default)
        spec = _Variable(
            coerce=coerce, non_null=non_null, default=None if literal is None else coerce(literal)
        )
    return spec


def _literal(node: ValueNode) -> Any:
    if isinstance(node, StringValueNode | EnumValueNode):
        return node.value
    if isinstance(node, IntValueNode):
        return int(node.value)
    if isinstance(node, NullValueNode):
        return None
    if isinstance(node, ListValueNode):
        return [_literal(v) for v in node.values]
    # Booleans, floats, input objects, variables inside lists: no compiled argument takes them.
    raise _NotCompiledError


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


_UPSTREAM_ASSET: Final[dict[str, Node]] = {
    "urn": Column("urn"),
    "depth": Column("depth"),
    "incidentUrns": ActiveUrns(),
    "__typename": Const("UpstreamIncidentAsset"),
}


class _Compiler:
    def __init__(self, lineage_depth: int) -> None:
        self.pages = 0
        self.lineage_depth = lineage_depth

    def operation(self, document: DocumentNode, operation_name: str | None) -> Compiled:
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if len(operations) != len(document.definitions):
            raise _NotCompiledError  # fragment definitions
        chosen = [
            o
            for o in operations
            if operation_name is None or (o.name is not None and o.name.value == operation_name)
        ]
        if len(chosen) != 1:
            raise _NotCompiledError
        operation = chosen[0]
        if operation.operation != OperationType.QUERY or operation.directives:
            raise _NotCompiledError
        variables = {
            d.variable.name.value: _variable(d.type, d.default_value)
            for d in operation.variable_definitions or ()
            if not d.directives
        }
        if len(variables) != len(operation.variable_definitions or ()):
            raise _NotCompiledError
        self.declared = variables
        roots = [self.root(f) for f in (self.fields(operation.selection_set))]
        return Compiled(variables=variables, roots=roots)

    def fields(self, selection_set: SelectionSetNode | None) -> list[FieldNode]:
        if selection_set is None:
            raise _NotCompiledError
        out: list[FieldNode] = []
        keys: set[str] = set()
        for selection in selection_set.selections:
            if not isinstance(selection, FieldNode) or selection.directives:
                raise _NotCompiledError
            key = (selection.alias or selection.name).value
            if key in keys:
                raise _NotCompiledError  # graphql merges repeated keys; not worth compiling
            keys.add(key)
            out.append(selection)
        return out

    def args(self, node: FieldNode, allowed: frozenset[str]) -> dict[str, _Arg]:
        out: dict[str, _Arg] = {}
        for argument in node.arguments or ():
            name = argument.name.value
            if name not in allowed:
                raise _NotCompiledError
            value = argument.value
            if isinstance(value, VariableNode):
                if value.name.value not in self.declared:
                    raise _NotCompiledError
                out[name] = _Arg(variable=value.name.value)
            else:
                out[name] = _Arg(literal=_literal(value))
        return out

    def root(self, node: FieldNode) -> _Root:
        key = (node.alias or node.name).value
        name = node.name.value
        if name == "__typename":
            return _Root(key=key, kind="__typename")
        if name == "incident":
            urn = self.args(node, frozenset({"urn"})).get("urn")
            return _Root(
                key=key, kind="incident", urn=urn, incident=Obj(self.incident(node.selection_set))
            )
        entity = _ASSET_ROOTS.get(name)
        if entity is None:
            raise _NotCompiledError
        urn = self.args(node, frozenset({"urn"})).get("urn")
        fields: list[tuple[str, Any]] = []
        for field_node in self.fields(node.selection_set):
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
                raise _NotCompiledError
        return _Root(key=key, kind=entity, urn=urn, fields=tuple(fields))

    def page(self, node: FieldNode) -> _Page:
        args = self.args(
            node,
            frozenset({"state", "stage", "priority", "assigneeUrns", "start", "count"}),
        )
        item = _Page(prefix=f"p{self.pages}_", args=args, fields=())
        self.pages += 1
        fields: list[tuple[str, str]] = []
        for field_node in self.fields(node.selection_set):
            name = field_node.name.value
            if name not in {"start", "count", "total", "incidents", "__typename"}:
                raise _NotCompiledError
            if name == "incidents":
                item.incident = self.incident(field_node.selection_set)
            fields.append(((field_node.alias or field_node.name).value, name))
        item.fields = tuple(fields)
        return item

    def health(self, selection_set: SelectionSetNode | None) -> Health:
        """The three entries, each with the selected fields (the resolvers' Health objects)."""
        selected = self.fields(selection_set)
        incidents, upstream, assertions = (
            Obj(tuple(self.health_field(entry, node) for node in selected))
            for entry in _HEALTH_ENTRIES
        )
        return Health(incidents, upstream, assertions, self.lineage_depth)

    def health_field(self, entry: str, node: FieldNode) -> tuple[str, Node]:
        key = (node.alias or node.name).value
        name = node.name.value
        if node.arguments or (name in {"type", "status", "message", "causes", "__typename"}) != (
            node.selection_set is None
        ):
            raise _NotCompiledError
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
            raise _NotCompiledError
        owner, typename, known = found
        fields: list[tuple[str, Node]] = []
        for sub in self.fields(node.selection_set):
            sub_key, sub_name = (sub.alias or sub.name).value, sub.name.value
            if sub_name == "__typename":
                fields.append((sub_key, Const(typename)))
            elif sub_name == "assets" and sub_name in known:
                fields.append((sub_key, UpstreamAssets(Obj(self.upstream_asset(sub)))))
            elif sub_name in known and sub.selection_set is None and not sub.arguments:
                fields.append((sub_key, HealthValue(owner, sub_name)))
            else:
                raise _NotCompiledError
        return Obj(tuple(fields)) if entry == owner else Null()

    def upstream_asset(self, node: FieldNode) -> tuple[tuple[str, Node], ...]:
        out: list[tuple[str, Node]] = []
        for sub in self.fields(node.selection_set):
            value = _UPSTREAM_ASSET.get(sub.name.value)
            if value is None or sub.arguments or sub.selection_set is not None:
                raise _NotCompiledError
            out.append(((sub.alias or sub.name).value, value))
        return tuple(out)

    def passing_message(self, entry: str) -> str:
        """The entry's message while it passes, worded by the domain (ASSERTIONS: unused,
        its three messages all carry counts)."""
        if entry == "INCIDENTS":
            return incident_health(ActiveIncidents(count=0)).message
        if entry == "UPSTREAM_INCIDENTS":
            return upstream_health((), self.lineage_depth).message
        return ""

    def incident(self, selection_set: SelectionSetNode | None) -> tuple[tuple[str, Node], ...]:
        return self.object(selection_set, _INCIDENT)

    def object(
        self, selection_set: SelectionSetNode | None, known: Mapping[str, Node | _Object]
    ) -> tuple[tuple[str, Node], ...]:
        out: list[tuple[str, Node]] = []
        for node in self.fields(selection_set):
            if node.arguments:
                raise _NotCompiledError
            found = known.get(node.name.value)
            if found is None:
                raise _NotCompiledError
            key = (node.alias or node.name).value
            if isinstance(found, _Object):
                value = Obj(self.object(node.selection_set, found.fields))
                out.append(
                    (key, value if found.null_unless is None else OrNull(found.null_unless, value))
                )
            else:
                if node.selection_set is not None:
                    raise _NotCompiledError
                out.append((key, found))
        return tuple(out)

"""How compiled operations read their arguments: as graphql-core coerces them, or not at all.

Each coercion accepts a subset of what graphql-core accepts and gives the same value; anything
else raises NotCompiledError, and the request goes through the resolvers, which answer it
(errors included) their own way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final

from graphql import (
    BooleanValueNode,
    EnumValueNode,
    IntValueNode,
    ListTypeNode,
    ListValueNode,
    NamedTypeNode,
    NonNullTypeNode,
    NullValueNode,
    ObjectValueNode,
    StringValueNode,
    TypeNode,
    ValueNode,
)

from incident_graph.api.enums import EntityType, FilterOperator
from incident_graph.api.search.inputs import SortOrder
from incident_graph.domain import limits
from incident_graph.domain.enums import (
    IncidentPriority,
    IncidentSourceType,
    IncidentStage,
    IncidentState,
    IncidentType,
)
from incident_graph.domain.incident_search import IncidentSortField, IncidentSortOrder


class NotCompiledError(Exception):
    """The operation (or this request's arguments) goes through the resolvers."""


# GraphQL's Int is 32-bit; a variable outside it is refused by graphql-core.
_INT_MIN: Final = -(2**31)
_INT_MAX: Final = 2**31 - 1

MISSING: Final = object()


@dataclass(frozen=True, slots=True)
class Variable:
    """A declared variable of a type the compiler reads, and how to coerce its value."""

    coerce: Callable[[Any], Any]
    non_null: bool
    default: Any = MISSING


@dataclass(frozen=True, slots=True)
class Arg:
    """An argument as written: a literal value, or the variable that carries it."""

    literal: Any = None
    variable: str | None = None


Args = Mapping[str, Arg]


def value_of(arg: Arg, variables: Mapping[str, Any], default: Any) -> Any:
    if arg.variable is None:
        return arg.literal
    return variables.get(arg.variable, default)


# How a variable's value is coerced, by its declared type; any other type does not compile.
def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise NotCompiledError
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not _INT_MIN <= value <= _INT_MAX:
        raise NotCompiledError
    return value


def _enum(names: frozenset[str]) -> Callable[[Any], str]:
    def coerce(value: Any) -> str:
        if not isinstance(value, str) or value not in names:
            raise NotCompiledError
        return value

    return coerce


def _long(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise NotCompiledError
    if not limits.LONG_MIN <= value <= limits.LONG_MAX:
        raise NotCompiledError
    return value


def _list_of(item: Callable[[Any], Any]) -> Callable[[Any], list[Any]]:
    def coerce(value: Any) -> list[Any]:
        # GraphQL coerces a single value to a list of one.
        return [item(v) for v in (value if isinstance(value, list) else [value])]

    return coerce


_string_list = _list_of(_string)


def _input_object(
    fields: Mapping[str, Callable[[Any], Any]],
    *,
    required: frozenset[str] = frozenset(),
    non_null: frozenset[str] = frozenset(),
) -> Callable[[Any], dict[str, Any]]:
    """An input object: `required` fields must be given, `non_null` ones (required, or with a
    default) must not be null, the others may be either."""

    def coerce(value: Any) -> dict[str, Any]:
        if not isinstance(value, dict) or not required <= value.keys():
            raise NotCompiledError
        out: dict[str, Any] = {}
        for name, given in value.items():
            field = fields.get(name)
            if field is None or (given is None and name in non_null):
                raise NotCompiledError
            out[name] = None if given is None else field(given)
        return out

    return coerce


def _names(enum: type[Enum]) -> frozenset[str]:
    return frozenset(enum.__members__)


search_incidents_input: Final = _input_object(
    {
        "query": _string,
        "states": _list_of(_enum(_names(IncidentState))),
        "stages": _list_of(_enum(_names(IncidentStage))),
        "priorities": _list_of(_enum(_names(IncidentPriority))),
        "types": _list_of(_enum(_names(IncidentType))),
        "sourceTypes": _list_of(_enum(_names(IncidentSourceType))),
        "assigneeUrns": _string_list,
        "creatorUrns": _string_list,
        "leadUrns": _string_list,
        "resourceUrns": _string_list,
        "platforms": _string_list,
        "ownerUrns": _string_list,
        "createdAfter": _long,
        "createdBefore": _long,
        "sort": _input_object(
            {"field": _enum(_names(IncidentSortField)), "order": _enum(_names(IncidentSortOrder))},
            required=frozenset({"field"}),
            # `order` has a default, so it may be left out, but not given as null.
            non_null=frozenset({"field", "order"}),
        ),
        "start": _int,
        "count": _int,
    }
)


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise NotCompiledError
    return value


def _absent(_value: Any) -> None:
    """A field no compiled read takes: only null (or leaving it out) compiles."""
    raise NotCompiledError


_FACET_FILTER: Final = _input_object(
    {
        "field": _string,
        "value": _string,
        "values": _string_list,
        "negated": _boolean,
        "condition": _enum(_names(FilterOperator)),
    },
    required=frozenset({"field"}),
    non_null=frozenset({"field"}),
)
_SORT_CRITERION: Final = _input_object(
    {"field": _string, "sortOrder": _enum(_names(SortOrder))},
    required=frozenset({"field"}),
    non_null=frozenset({"field", "sortOrder"}),
)

search_across_entities_input: Final = _input_object(
    {
        "query": _string,
        "types": _list_of(_enum(_names(EntityType))),
        "start": _int,
        "count": _int,
        "orFilters": _list_of(_input_object({"and": _list_of(_FACET_FILTER)})),
        "filters": _list_of(_FACET_FILTER),
        "sortInput": _input_object(
            {"sortCriterion": _SORT_CRITERION, "sortCriteria": _list_of(_SORT_CRITERION)}
        ),
        "viewUrn": _absent,
        "searchFlags": _absent,
    },
    required=frozenset({"query"}),
    non_null=frozenset({"query"}),
)


_SCALARS: Final[dict[str, Callable[[Any], Any]]] = {
    "String": _string,
    "Int": _int,
    "IncidentState": _enum(_names(IncidentState)),
    "IncidentStage": _enum(_names(IncidentStage)),
    "IncidentPriority": _enum(_names(IncidentPriority)),
    "SearchIncidentsInput": search_incidents_input,
    "SearchAcrossEntitiesInput": search_across_entities_input,
}


def variable_of(type_node: TypeNode, default: ValueNode | None) -> Variable:
    non_null = isinstance(type_node, NonNullTypeNode)
    inner = type_node.type if isinstance(type_node, NonNullTypeNode) else type_node
    if isinstance(inner, ListTypeNode):
        item = inner.type
        if not (
            isinstance(item, NonNullTypeNode)
            and isinstance(item.type, NamedTypeNode)
            and item.type.name.value == "String"
        ):
            raise NotCompiledError
        coerce: Callable[[Any], Any] = _string_list
    elif isinstance(inner, NamedTypeNode) and inner.name.value in _SCALARS:
        coerce = _SCALARS[inner.name.value]
    else:
        raise NotCompiledError
    spec = Variable(coerce=coerce, non_null=non_null)
    if default is not None:
        literal = literal_of(default)
        spec = Variable(
            coerce=coerce, non_null=non_null, default=None if literal is None else coerce(literal)
        )
    return spec


def literal_of(node: ValueNode) -> Any:
    if isinstance(node, StringValueNode | EnumValueNode | BooleanValueNode):
        return node.value
    if isinstance(node, IntValueNode):
        return int(node.value)
    if isinstance(node, NullValueNode):
        return None
    if isinstance(node, ListValueNode):
        return [literal_of(v) for v in node.values]
    if isinstance(node, ObjectValueNode):
        return {f.name.value: literal_of(f.value) for f in node.fields}
    # Floats, variables inside lists or objects: no compiled argument takes them.
    raise NotCompiledError

"""A plan rendered as one dialect's SQL: one SELECT whose single value is the `data` JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from incident_graph.store.compiled.plan import (
    AssetRoot,
    Column,
    Const,
    Elapsed,
    IncidentRoot,
    Node,
    Obj,
    OrNull,
    PageFilterShape,
    PageIncidents,
    PageTotal,
    Param,
    Plan,
    TypenameOf,
)
from incident_graph.store.json_sql import JsonSql, literal

# The asset's incident links, newest first: the order and the index the resolvers' page uses
# (ix_incident_assets_page / ix_incident_assets_asset_created).
_NEWEST_FIRST = "ia.created_ms DESC, ia.incident_id DESC"


@dataclass(frozen=True, slots=True)
class Rendered:
    sql: str
    # Parameter names in placeholder order.
    params: tuple[str, ...]


@cache
def render(plan: Plan, json: JsonSql) -> Rendered:
    """Built once per plan and dialect: rendering costs more than running a small page."""
    builder = _Builder(json)
    pairs = [(key, builder.root(root)) for key, root in plan.roots]
    return Rendered(sql=json.answer(json.object(pairs)), params=tuple(builder.params))


@dataclass(slots=True)
class _Builder:
    json: JsonSql
    params: list[str] = field(default_factory=list)

    def bind(self, name: str) -> str:
        self.params.append(name)
        return self.json.placeholder(len(self.params))

    def root(self, root: AssetRoot | IncidentRoot | Const) -> str:
        if isinstance(root, Const):
            return self.json.text(root.value)
        if isinstance(root, AssetRoot):
            value = self.node(root.value, "a")
            return self.json.embed(
                f"(SELECT {value} FROM assets AS a WHERE a.urn = {self.bind(root.urn_param)})"
            )
        value = self.node(root.value, "i")
        return self.json.embed(
            f"(SELECT {value} FROM incidents AS i WHERE i.urn = {self.bind(root.urn_param)})"
        )

    def node(self, node: Node, row: str) -> str:  # noqa: PLR0911 - one case per node type
        json = self.json
        if isinstance(node, Column):
            return f"{row}.{node.name}"
        if isinstance(node, Const):
            return json.text(node.value)
        if isinstance(node, Param):
            return json.number(self.bind(node.name))
        if isinstance(node, Elapsed):
            end, start = f"{row}.{node.end}", f"{row}.{node.start}"
            return (
                f"CASE WHEN {end} IS NULL THEN NULL WHEN {end} < {start} THEN 0 "
                f"ELSE {end} - {start} END"
            )
        if isinstance(node, TypenameOf):
            cases = " ".join(f"WHEN {literal(k)} THEN {json.text(v)}" for k, v in node.names)
            return f"CASE {row}.{node.column} {cases} END"
        if isinstance(node, Obj):
            return json.object([(key, self.node(value, row)) for key, value in node.fields])
        if isinstance(node, OrNull):
            value = self.node(node.value, row)
            return json.embed(f"(CASE WHEN {row}.{node.column} IS NULL THEN NULL ELSE {value} END)")
        if isinstance(node, PageTotal):
            conditions = self.conditions(node.prefix, node.shape, row)
            return f"(SELECT count(*) FROM incident_assets AS ia WHERE {conditions})"
        return self.page(node, row)

    def page(self, node: PageIncidents, row: str) -> str:
        # The element is rendered first so its parameters come before the derived table's,
        # in the order the placeholders appear in the text.
        element = self.node(node.incident, "p")
        conditions = self.conditions(node.prefix, node.shape, row)
        limit = self.bind(f"{node.prefix}count")
        offset = self.bind(f"{node.prefix}start")
        rows = (
            "SELECT i.*, ia.created_ms AS link_created_ms, ia.incident_id AS link_incident_id "
            "FROM incident_assets AS ia JOIN incidents AS i ON i.id = ia.incident_id "
            f"WHERE {conditions} ORDER BY {_NEWEST_FIRST} LIMIT {limit} OFFSET {offset}"
        )
        return self.json.array(
            element,
            rows,
            order_by="p.link_created_ms DESC, p.link_incident_id DESC",
            order_columns="link_created_ms, link_incident_id",
        )

    def conditions(self, prefix: str, shape: PageFilterShape, asset_row: str) -> str:
        """The resolvers' page filters (store.incidents._page_statements), as SQL text."""
        out = [f"ia.asset_id = {asset_row}.id"]
        if shape.state:
            out.append(f"ia.state = {self.bind(prefix + 'state')}")
        if shape.stage or shape.priority:
            matches = []
            if shape.stage:
                matches.append(f"stage = {self.bind(prefix + 'stage')}")
            if shape.priority:
                matches.append(f"priority = {self.bind(prefix + 'priority')}")
            out.append(
                f"ia.incident_id IN (SELECT id FROM incidents WHERE {' AND '.join(matches)})"
            )
        if shape.assignees:
            urns = ", ".join(self.bind(f"{prefix}assignee{n}") for n in range(shape.assignees))
            out.append(
                "ia.incident_id IN (SELECT incident_id FROM incident_assignees "
                f"WHERE assignee_urn IN ({urns}))"
            )
        return " AND ".join(out)

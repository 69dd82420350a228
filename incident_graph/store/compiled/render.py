"""A plan rendered as one dialect's SQL: one SELECT whose single value is the `data` JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from incident_graph.store.compiled.plan import (
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
from incident_graph.store.health import HEALTH_URN_LIMIT
from incident_graph.store.json_sql import JsonSql, literal

# The asset's incident links, newest first: the order and the index the resolvers' page uses
# (ix_incident_assets_page / ix_incident_assets_asset_created).
_NEWEST_FIRST = "ia.created_ms DESC, ia.incident_id DESC"


@dataclass(frozen=True, slots=True)
class Rendered:
    sql: str
    # Parameter names in placeholder order.
    params: tuple[str, ...]


# An asset's active links, and those links with their incidents.
_ACTIVE_LINKS = "FROM incident_assets AS ia WHERE ia.asset_id = {asset_id} AND ia.state = 'ACTIVE'"
_ACTIVE = (
    "FROM incident_assets AS ia JOIN incidents AS i ON i.id = ia.incident_id "
    "WHERE ia.asset_id = {asset_id} AND ia.state = 'ACTIVE'"
)
# The assets upstream of `asset` with active incidents (health's upstream problems), and how
# many, from the walk every health statement starts with (see `lineage_walk`).
_PROBLEMS = "FROM problems AS u WHERE u.root = {asset}.id"
_PROBLEM_COUNT = "coalesce((SELECT pc.n FROM problem_counts AS pc WHERE pc.root = {asset}.id), 0)"
_CHECKS = "FROM checks AS c WHERE c.asset_id = {asset}.id"


@cache
def render(plan: Plan, json: JsonSql) -> Rendered:
    """Built once per plan and dialect: rendering costs more than running a small page."""
    builder = _Builder(json)
    ctes = [*builder.lineage_walk(plan), *builder.shared_values(plan)]
    pairs = [(key, builder.root(root)) for key, root in plan.roots]
    with_clause = "WITH RECURSIVE " + ", ".join(ctes) + " " if ctes else ""
    return Rendered(sql=with_clause + json.answer(json.object(pairs)), params=tuple(builder.params))


def _health_of(root: AssetRoot) -> Health | None:
    return next((v for _, v in root.value.fields if isinstance(v, Health)), None)


@dataclass(slots=True)
class _Builder:
    json: JsonSql
    params: list[str] = field(default_factory=list)
    # Derived tables made so far: each gets its own name, so a nested one never shadows the
    # row its enclosing element reads.
    tables: int = 0
    # The derived table of the health entry being rendered, holding its counts.
    stats: str = ""
    # Asset values that several roots select alike, by the CTE that computes them all.
    shared: dict[Obj, str] = field(default_factory=dict)

    def table(self) -> str:
        self.tables += 1
        return f"p{self.tables}"

    def bind(self, name: str) -> str:
        self.params.append(name)
        return self.json.placeholder(len(self.params))

    def shared_values(self, plan: Plan) -> list[str]:
        """One CTE per asset selection that several roots make (health of 50 assets, say):
        the selection is written, planned and run once as a set, not once per root; on
        PostgreSQL planning fifty copies cost more than running them."""
        roots: dict[Obj, list[AssetRoot]] = {}
        for _, root in plan.roots:
            if isinstance(root, AssetRoot):
                roots.setdefault(root.value, []).append(root)
        ctes: list[str] = []
        for value, alike in roots.items():
            if len(alike) < 2:
                continue
            name = self.shared[value] = f"assets_{len(self.shared) + 1}"
            seeds = ", ".join(self.bind(root.urn_param) for root in alike)
            ctes.append(
                f"{name} AS MATERIALIZED (SELECT a.urn AS urn, {self.node(value, 'a')} AS v "
                f"FROM assets AS a WHERE a.urn IN ({seeds}))"
            )
        return ctes

    def lineage_walk(self, plan: Plan) -> list[str]:
        """`nearest` (root, asset_id, depth): each health asset's upstream closure, nearest
        hop per asset, for every root that asks for health (store.lineage.closure's walk)."""
        asked = [
            (root, health)
            for _, root in plan.roots
            if isinstance(root, AssetRoot) and (health := _health_of(root)) is not None
        ]
        if not asked:
            return []
        seeds = ", ".join(self.bind(root.urn_param) for root, _ in asked)
        depth = asked[0][1].depth
        return [
            (
                "closure(root, asset_id, depth) AS ("
                f"SELECT id, id, 0 FROM assets WHERE urn IN ({seeds}) "
                "UNION SELECT c.root, e.upstream_id, c.depth + 1 FROM closure AS c "
                "JOIN lineage_edges AS e ON e.downstream_id = c.asset_id "
                f"WHERE c.depth < {depth:d})"
            ),
            (
                "nearest AS (SELECT root, asset_id, min(depth) AS depth FROM closure "
                "GROUP BY root, asset_id)"
            ),
            # Materialized once for the statement: read from inside each asset's correlated
            # subqueries, the walk was otherwise run again per asset (quadratic in assets).
            (
                "problems AS MATERIALIZED (SELECT n.root AS root, x.id AS asset_id, "
                "x.urn AS urn, n.depth AS depth FROM nearest AS n "
                "JOIN assets AS x ON x.id = n.asset_id "
                "WHERE n.depth >= 1 AND x.deleted_ms IS NULL AND EXISTS (SELECT 1 "
                "FROM incident_assets AS ia WHERE ia.asset_id = x.id AND ia.state = 'ACTIVE'))"
            ),
            (
                "problem_counts AS MATERIALIZED (SELECT root, count(*) AS n FROM problems "
                "GROUP BY root)"
            ),
        ]

    def root(self, root: AssetRoot | IncidentRoot | Const) -> str:
        if isinstance(root, Const):
            return self.json.text(root.value)
        if isinstance(root, AssetRoot):
            shared = self.shared.get(root.value)
            if shared is not None:
                return self.json.embed(
                    f"(SELECT g.v FROM {shared} AS g WHERE g.urn = {self.bind(root.urn_param)})"
                )
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
        if isinstance(node, PageIncidents):
            return self.page(node, row)
        return self.health_node(node, row)

    def health_node(self, node: Node, row: str) -> str:
        json = self.json
        if isinstance(node, Null):
            return "NULL"
        if isinstance(node, Health):
            # Each count once per asset, in a one-row derived table the entries read from.
            self.stats = stats = self.table()
            entries = [self.node(e, row) for e in (node.incidents, node.upstream)]
            with_checks = json.list([*entries, self.node(node.assertions, row)])
            checks = _CHECKS.format(asset=row)
            counts = (
                f"SELECT (SELECT count(*) {_ACTIVE_LINKS.format(asset_id=f'{row}.id')}) "
                f"AS own_active, {_PROBLEM_COUNT.format(asset=row)} "
                f"AS upstream_problems, (SELECT count(*) {checks}) AS checks_total, "
                f"(SELECT count(*) {checks} AND c.latest_status = 'FAIL') AS checks_failing, "
                f"(SELECT count(*) {checks} AND c.latest_status IN ('WARN', 'ERROR')) "
                f"AS checks_doubtful{json.fence()}"
            )
            return json.embed(
                f"(SELECT CASE WHEN {stats}.checks_total > 0 THEN {with_checks} "
                f"ELSE {json.list(entries)} END FROM ({counts}) AS {stats})"
            )
        if isinstance(node, UpstreamAssets):
            rows = f"SELECT u.urn, u.depth, u.asset_id {_PROBLEMS.format(asset=row)}"
            alias = self.table()
            return json.array(
                self.node(node.element, alias),
                rows + " ORDER BY u.depth, u.urn",
                alias,
                order_by=f"{alias}.depth, {alias}.urn",
            )
        if isinstance(node, ActiveUrns):
            return self.urns_newest_first(f"{_ACTIVE.format(asset_id=row + '.asset_id')}")
        if isinstance(node, HealthValue):
            return self.health_value(node, row)
        raise TypeError(f"not a plan node: {node!r}")

    def health_value(self, node: HealthValue, a: str) -> str:  # noqa: PLR0911 - one per value
        json = self.json
        stats = self.stats
        if node.entry == "INCIDENTS":
            active = _ACTIVE.format(asset_id=f"{a}.id")
            count = f"{stats}.own_active"
            failing = f"{count} > 0"
            newest = f"{active} ORDER BY {_NEWEST_FIRST}"
            values = {
                "count": count,
                "latestIncidentUrn": f"(SELECT i.urn {newest} LIMIT 1)",
                "latestIncidentTitle": f"(SELECT i.title {newest} LIMIT 1)",
                "lastActivityAt": f"(SELECT max(i.updated_ms) {active})",
            }
            if node.name in values:
                return values[node.name]
            if node.name == "activeIncidentUrns":
                return self.urns_newest_first(active, limit=HEALTH_URN_LIMIT)
            return self._verdict(
                node,
                failing,
                fail_message=f"CAST({count} AS TEXT) || ' active incident(s)'",
                cause="ACTIVE_INCIDENTS",
            )
        if node.entry == "UPSTREAM_INCIDENTS":
            count = f"{stats}.upstream_problems"
            if node.name == "count":
                return count
            return self._verdict(
                node,
                f"{count} > 0",
                fail_message=f"CAST({count} AS TEXT) || ' upstream asset(s) have active incidents'",
                cause="UPSTREAM_ACTIVE_INCIDENTS",
            )
        checks = _CHECKS.format(asset=a)
        total = f"{stats}.checks_total"
        failing = f"{stats}.checks_failing"
        doubtful = f"{stats}.checks_doubtful"
        if node.name == "total":
            return total
        if node.name == "failingAssertionUrns":
            alias = self.table()
            return json.array(
                f"{alias}.urn",
                f"SELECT c.urn AS urn, c.name AS name, c.id AS id {checks} "
                "AND c.latest_status = 'FAIL' ORDER BY c.name, c.id",
                alias,
                order_by=f"{alias}.name, {alias}.id",
            )
        if node.name == "status":
            return (
                f"CASE WHEN {failing} > 0 THEN {json.text('FAIL')} "
                f"WHEN {doubtful} > 0 THEN {json.text('WARN')} ELSE {json.text('PASS')} END"
            )
        if node.name == "causes":
            return json.embed(
                f"(CASE WHEN {failing} > 0 THEN {json.list([json.text('FAILING_ASSERTIONS')])} "
                f"ELSE {json.list([])} END)"
            )
        of_total = f"' of ' || CAST({total} AS TEXT)"
        return (
            f"CASE WHEN {failing} > 0 THEN CAST({failing} AS TEXT) || {of_total} "
            "|| ' assertions are failing' "
            f"WHEN {doubtful} > 0 THEN CAST({doubtful} AS TEXT) || {of_total} "
            "|| ' assertions warned or could not run' "
            f"ELSE 'All ' || CAST({total} AS TEXT) || ' assertions are passing' END"
        )

    def urns_newest_first(self, active: str, limit: int | None = None) -> str:
        """The URNs of the incidents `active` (a FROM ... WHERE) selects, newest first."""
        bound = "" if limit is None else f" LIMIT {limit:d}"
        alias = self.table()
        return self.json.array(
            f"{alias}.urn",
            "SELECT i.urn AS urn, ia.created_ms AS link_created_ms, "
            f"ia.incident_id AS link_incident_id {active} ORDER BY {_NEWEST_FIRST}{bound}",
            alias,
            order_by=f"{alias}.link_created_ms DESC, {alias}.link_incident_id DESC",
        )

    def _verdict(self, node: HealthValue, failing: str, *, fail_message: str, cause: str) -> str:
        """An entry's status, message or causes: FAIL while `failing` holds, else PASS."""
        json = self.json
        name = node.name
        if name == "status":
            return f"CASE WHEN {failing} THEN {json.text('FAIL')} ELSE {json.text('PASS')} END"
        if name == "message":
            passing = json.text(node.pass_message)
            return f"CASE WHEN {failing} THEN {fail_message} ELSE {passing} END"
        if name == "causes":
            return json.embed(
                f"(CASE WHEN {failing} THEN {json.list([json.text(cause)])} "
                f"ELSE {json.list([])} END)"
            )
        raise ValueError(f"no health value {name!r}")

    def page(self, node: PageIncidents, row: str) -> str:
        # The element is rendered first so its parameters come before the derived table's,
        # in the order the placeholders appear in the text.
        alias = self.table()
        element = self.node(node.incident, alias)
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
            alias,
            order_by=f"{alias}.link_created_ms DESC, {alias}.link_incident_id DESC",
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

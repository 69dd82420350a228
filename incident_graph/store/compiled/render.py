"""A plan rendered as one dialect's SQL: one SELECT whose single value is the `data` JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Final

from incident_graph.domain.enums import IncidentPriority
from incident_graph.store.compiled import asset_search_sql
from incident_graph.store.compiled.plan import (
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


# searchIncidents' list filters on the incident's own columns, and on its other rows
# (store.incident_search._conditions).
_SEARCH_COLUMNS: Final = {
    "states": "state",
    "stages": "stage",
    "priorities": "priority",
    "types": "incident_type",
    "source_types": "source_type",
    "creators": "created_actor",
    "leads": "lead_urn",
}
_ON_ASSETS: Final = (
    "i.id IN (SELECT ia.incident_id FROM incident_assets AS ia "
    "JOIN assets AS a ON a.id = ia.asset_id{owners} WHERE {column} IN ({values}))"
)
_OWNED: Final = " JOIN asset_owners AS ao ON ao.asset_id = ia.asset_id"
_SEARCH_LINKED: Final = {
    "assignees": (
        "i.id IN (SELECT incident_id FROM incident_assignees WHERE assignee_urn IN ({values}))"
    ),
    "resources": _ON_ASSETS.replace("{owners}", "").replace("{column}", "a.urn"),
    "platforms": _ON_ASSETS.replace("{owners}", "").replace("{column}", "a.platform"),
    "owners": _ON_ASSETS.replace("{owners}", _OWNED).replace("{column}", "ao.owner_urn"),
}
# Incidents without a priority have no rank, and come last whichever way priorities sort.
_PRIORITY_RANK: Final = (
    "CASE i.priority "
    + " ".join(f"WHEN {literal(p.value)} THEN {n}" for n, p in enumerate(IncidentPriority, 1))
    + " ELSE NULL END"
)
# Facet values: the incident's own column, or the platforms of its assets.
_FACET_COLUMNS: Final = {
    "state": "state",
    "stage": "stage",
    "priority": "priority",
    "type": "incident_type",
}


@cache
def render(plan: Plan, json: JsonSql) -> Rendered:
    """Built once per plan and dialect: rendering costs more than running a small page."""
    builder = _Builder(json)
    ctes = [*builder.lineage_walk(plan), *builder.shared_values(plan)]
    for _, root in plan.roots:
        if isinstance(root, IncidentSearchRoot):
            ctes += builder.search(root)
        if isinstance(root, AssetSearchRoot):
            ctes.append(builder.asset_page(root.prefix, root.shape))
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
    # Each search's shape (and an incident search's bound on matches), by its prefix: the
    # nodes that read a search's CTEs name it by prefix alone.
    incident_searches: dict[str, IncidentSearchRoot] = field(default_factory=dict)
    asset_searches: dict[str, AssetSearchShape] = field(default_factory=dict)

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

    def root(self, root: Root) -> str:
        if isinstance(root, Const):
            return self.json.text(root.value)
        if isinstance(root, IncidentSearchRoot):
            return self.node(root.value, "i")
        if isinstance(root, AssetSearchRoot):
            return self.node(root.value, "a")
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
        if isinstance(node, Items):
            return json.list([self.node(value, row) for value in node.values])
        if isinstance(node, OrNull):
            value = self.node(node.value, row)
            return json.embed(f"(CASE WHEN {row}.{node.column} IS NULL THEN NULL ELSE {value} END)")
        return self.rows_node(node, row)

    def rows_node(self, node: Node, row: str) -> str:
        """A value read from other rows: a page, a search, health."""
        if isinstance(node, PageTotal):
            conditions = self.conditions(node.prefix, node.shape, row)
            return f"(SELECT count(*) FROM incident_assets AS ia WHERE {conditions})"
        if isinstance(node, PageIncidents):
            return self.page(node, row)
        if isinstance(node, SearchTotal | SearchCapped | SearchPageSize | SearchPage | FacetValues):
            return self.search_node(node)
        if isinstance(node, AssetSearchTotal | AssetSearchSize | AssetSearchHits):
            return self.asset_search_node(node)
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
            # The asset's checks are counted in one pass, each status with its own FILTER.
            counts = (
                f"SELECT (SELECT count(*) {_ACTIVE_LINKS.format(asset_id=f'{row}.id')}) "
                f"AS own_active, {_PROBLEM_COUNT.format(asset=row)} AS upstream_problems, "
                "cc.checks_total, cc.checks_failing, cc.checks_doubtful FROM (SELECT "
                "count(*) AS checks_total, "
                "count(*) FILTER (WHERE c.latest_status = 'FAIL') AS checks_failing, "
                "count(*) FILTER (WHERE c.latest_status IN ('WARN', 'ERROR')) "
                f"AS checks_doubtful {checks}) AS cc{json.fence()}"
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

    def search(self, root: IncidentSearchRoot) -> list[str]:
        """searchIncidents' matches as store.incident_search finds them without words:
        `found` counts up to `max_matches` + 1 of them; `considered` is every match, or the
        `max_matches` most recently raised when more match; `page` is the page of those in
        the search's order."""
        p, most = root.prefix, root.max_matches
        found = f"(SELECT n FROM {p}found)"
        ctes = [
            (
                f"{p}found AS MATERIALIZED (SELECT count(*) AS n FROM (SELECT i.id "
                f"FROM incidents AS i WHERE {self.search_conditions(p, root.shape)} "
                f"LIMIT {most + 1:d}) AS f)"
            )
        ]
        # Only one branch runs: its condition on `found` is tested once, before any row. The
        # capped one walks newest first; the other reads every match without sorting them.
        ctes.append(
            f"{p}considered AS MATERIALIZED (SELECT c.id AS id FROM (SELECT i.id AS id "
            f"FROM incidents AS i WHERE {self.search_conditions(p, root.shape)} "
            f"AND {found} > {most:d} ORDER BY i.created_ms DESC, i.id DESC "
            f"LIMIT {most:d}) AS c UNION ALL SELECT i.id FROM incidents AS i "
            f"WHERE {self.search_conditions(p, root.shape)} AND {found} <= {most:d})"
        )
        limit = self.bind(f"{p}count")
        offset = self.bind(f"{p}start")
        # The rank is a column of the derived table, so the order is written over page rows
        # here as where the page is read.
        ctes.append(
            f"{p}page AS MATERIALIZED (SELECT * FROM (SELECT i.*, {_PRIORITY_RANK} "
            f"AS priority_rank FROM incidents AS i WHERE i.id IN (SELECT id FROM {p}considered)"
            f") AS r ORDER BY {', '.join(_search_order(root.shape))} LIMIT {limit} OFFSET {offset})"
        )
        self.incident_searches[p] = root
        return ctes

    def search_conditions(self, prefix: str, shape: SearchShape) -> str:
        out: list[str] = []
        for name, n in shape.lists:
            values = ", ".join(self.bind(f"{prefix}{name}{k}") for k in range(n))
            column = _SEARCH_COLUMNS.get(name)
            if column is not None:
                out.append(f"i.{column} IN ({values})")
            else:
                out.append(_SEARCH_LINKED[name].replace("{values}", values))
        if shape.created_after:
            out.append(f"i.created_ms >= {self.bind(prefix + 'created_after')}")
        if shape.created_before:
            out.append(f"i.created_ms <= {self.bind(prefix + 'created_before')}")
        return " AND ".join(out) if out else "1 = 1"

    def search_node(
        self, node: SearchTotal | SearchCapped | SearchPageSize | SearchPage | FacetValues
    ) -> str:
        json = self.json
        p = node.prefix
        search = self.incident_searches[p]
        # The cap is in the SQL text: a plan is made per server setting.
        most = search.max_matches
        if isinstance(node, SearchTotal):
            return f"(SELECT CASE WHEN n > {most:d} THEN {most:d} ELSE n END FROM {p}found)"
        if isinstance(node, SearchCapped):
            return json.boolean(f"(SELECT n FROM {p}found) > {most:d}")
        if isinstance(node, SearchPageSize):
            return f"(SELECT count(*) FROM {p}page)"
        alias = self.table()
        if isinstance(node, SearchPage):
            keys = _search_order(search.shape)
            return json.array(
                self.node(node.incident, alias),
                f"SELECT * FROM {p}page ORDER BY {', '.join(keys)}",
                alias,
                order_by=", ".join(f"{alias}.{key}" for key in keys),
            )
        considered = f"(SELECT id FROM {p}considered)"
        column = _FACET_COLUMNS.get(node.facet)
        if column is not None:
            rows = (
                f"SELECT i.{column} AS facet_value, count(*) AS facet_count FROM incidents AS i "
                f"WHERE i.id IN {considered} AND i.{column} IS NOT NULL GROUP BY i.{column}"
            )
        else:
            # An incident on two assets of one platform counts once for it.
            rows = (
                "SELECT a.platform AS facet_value, count(DISTINCT ia.incident_id) AS facet_count "
                "FROM incident_assets AS ia JOIN assets AS a ON a.id = ia.asset_id "
                f"WHERE ia.incident_id IN {considered} AND a.platform IS NOT NULL "
                "GROUP BY a.platform"
            )
        # Ordered outside the GROUP BY: PostgreSQL takes no collation on an output name.
        ordered = f"facet_count DESC, {json.by_code_point('g.facet_value')}"
        return json.array(
            self.node(node.element, alias),
            f"SELECT g.facet_value, g.facet_count FROM ({rows}) AS g ORDER BY {ordered}",
            alias,
            order_by=f"{alias}.facet_count DESC, {json.by_code_point(alias + '.facet_value')}",
        )

    def asset_search_node(self, node: AssetSearchTotal | AssetSearchSize | AssetSearchHits) -> str:
        p = node.prefix
        shape = self.asset_searches[p]
        if isinstance(node, AssetSearchTotal):
            where = asset_search_sql.where(p, shape, self.bind)
            return f"(SELECT count(*) FROM assets AS a WHERE {where})"
        if isinstance(node, AssetSearchSize):
            return f"(SELECT count(*) FROM {p}page)"
        alias = self.table()
        return self.json.array(
            self.node(node.element, alias),
            f"SELECT * FROM {p}page ORDER BY {asset_search_sql.order(shape)}",
            alias,
            order_by=asset_search_sql.order(shape, alias),
        )

    def asset_page(self, p: str, shape: AssetSearchShape) -> str:
        """The page of an asset search, found once for the statement (its size and its
        results read it)."""
        self.asset_searches[p] = shape
        rank = asset_search_sql.rank(p, shape, self.bind)
        where = asset_search_sql.where(p, shape, self.bind)
        order = asset_search_sql.order(shape)
        limit, offset = self.bind(f"{p}count"), self.bind(f"{p}start")
        return (
            f"{p}page AS MATERIALIZED (SELECT a.*, {rank} AS relevance_rank FROM assets AS a "
            f"WHERE {where} ORDER BY {order} LIMIT {limit} OFFSET {offset})"
        )


def _search_order(shape: SearchShape) -> list[str]:
    """searchIncidents' order (store.incident_search._order) as columns of a page row."""
    newest = ["created_ms DESC", "id DESC"]
    if shape.sort is None:
        return newest
    field_name, order = shape.sort
    direction = "DESC" if order == "DESC" else "ASC"
    if field_name == "PRIORITY":
        return ["priority_rank IS NULL", f"priority_rank {direction}", *newest]
    column = "created_ms" if field_name == "CREATED" else "updated_ms"
    return [f"{column} {direction}", f"id {direction}"]

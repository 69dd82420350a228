"""Compiled reads: a whole GraphQL operation answered by one SQL statement that builds the JSON.

`plan` holds the statement's shape (what JSON, from which rows), `render` turns a plan into one
dialect's SQL once, and `run` executes it on a request's read session.
"""

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
from incident_graph.store.compiled.run import run_plan

__all__ = [
    "ActiveUrns",
    "AssetRoot",
    "Column",
    "Const",
    "Elapsed",
    "Health",
    "HealthValue",
    "IncidentRoot",
    "Node",
    "Null",
    "Obj",
    "OrNull",
    "PageFilterShape",
    "PageIncidents",
    "PageTotal",
    "Param",
    "Plan",
    "TypenameOf",
    "UpstreamAssets",
    "run_plan",
]

"""Compiled reads: a whole GraphQL operation answered by one SQL statement that builds the JSON.

`plan` holds the statement's shape (what JSON, from which rows), `render` turns a plan into one
dialect's SQL once, and `run` executes it on a request's read session.
"""

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
from incident_graph.store.compiled.run import run_plan

__all__ = [
    "AssetRoot",
    "Column",
    "Const",
    "Elapsed",
    "IncidentRoot",
    "Node",
    "Obj",
    "OrNull",
    "PageFilterShape",
    "PageIncidents",
    "PageTotal",
    "Param",
    "Plan",
    "TypenameOf",
    "run_plan",
]

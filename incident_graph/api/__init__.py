"""The GraphQL API: one folder per feature, the HTTP edge in http/, the schema built from them."""

from incident_graph.api.schema import IncidentSchema, build_schema, sdl

__all__ = ["IncidentSchema", "build_schema", "sdl"]

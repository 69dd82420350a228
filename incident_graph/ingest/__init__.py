"""DataHub's GMS REST endpoints: proposals decoded, each aspect mapped to a typed value, then
to a service."""

from incident_graph.ingest.routes import ingest_routes

__all__ = ["ingest_routes"]

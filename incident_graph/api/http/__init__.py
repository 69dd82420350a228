"""The HTTP edge of /api/graphql: request gate, GraphQL views, plain routes, static files,
the web console."""

from incident_graph.api.http.badge import BadgeRoute
from incident_graph.api.http.console import console_routes
from incident_graph.api.http.gate import RequestGate
from incident_graph.api.http.graphql_view import GraphQLView
from incident_graph.api.http.live_view import LiveView
from incident_graph.api.http.routes import http_routes

__all__ = ["BadgeRoute", "GraphQLView", "LiveView", "RequestGate", "console_routes", "http_routes"]

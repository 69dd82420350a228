"""The HTTP edge of /api/graphql: request gate, GraphQL views, plain routes, static files."""

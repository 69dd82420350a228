"""The caller of an incident mutation, as the service's unit of work checks it.

MANAGE_INCIDENTS on every asset is decided inside the write's transaction (auth/privileges.py),
not here: a check read before the unit could be outdated by the time the unit writes.
"""

from __future__ import annotations

from incident_graph.api.context import Info
from incident_graph.auth.privileges import IncidentAccess


def incident_access(info: Info) -> IncidentAccess:
    """Who is changing incidents and through which operation (named in refusals and the audit)."""
    return IncidentAccess(principal=info.context.principal, operation=info.field_name)

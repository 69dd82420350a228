"""Role checks on root fields; refusals are audited and answer FORBIDDEN.

Per-asset MANAGE_INCIDENTS is decided in auth/privileges.py, inside the write's transaction
(a check read before the unit could be outdated by the time the unit writes); these only gate
by role, and `incident_access` names the caller that check is made for.
"""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from incident_graph.api.context import Info
from incident_graph.auth.audit import record_refusal
from incident_graph.auth.privileges import IncidentAccess
from incident_graph.domain.enums import Role
from incident_graph.domain.errors import ForbiddenError


def incident_access(info: Info) -> IncidentAccess:
    """Who is changing incidents and through which operation (named in refusals and the audit)."""
    return IncidentAccess(principal=info.context.principal, operation=info.field_name)


async def refuse(info: Info, reason: str, target: Any = None) -> None:
    """Audit the refusal, then raise FORBIDDEN with the reason."""
    operation = info.field_name
    await record_refusal(
        writer=info.context.writer,
        principal=info.context.principal,
        operation=operation,
        target=None if target is None else str(target),
        reason=reason,
    )
    raise ForbiddenError(reason, operation=operation)


class CanWrite(BasePermission):
    """Admins and editors write; members and viewers are refused here."""

    message = "this token's role can only read; ask an admin for an editor token"
    error_extensions = {"code": "FORBIDDEN"}  # noqa: RUF012 - strawberry reads a class attribute

    def admits(self, role: Role) -> bool:
        return role.writes_everywhere

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:  # noqa: ARG002
        role = info.context.principal.role
        if self.admits(role):
            return True
        reason = self.message
        if role.can_write:
            reason = (
                f"{info.field_name} needs an editor or admin token; role {role.value!r} "
                "changes only incidents on assets it holds MANAGE_INCIDENTS on"
            )
        await refuse(info, reason, kwargs.get("urn"))
        return False


class CanManageIncidents(CanWrite):
    """Also admits members; the resolver then checks MANAGE_INCIDENTS on every asset."""

    def admits(self, role: Role) -> bool:
        return role.can_write


class IsAdmin(BasePermission):
    message = "only an admin may do this; ask an admin"
    error_extensions = {"code": "FORBIDDEN"}  # noqa: RUF012 - strawberry reads a class attribute

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:  # noqa: ARG002
        principal = info.context.principal
        if principal.role is Role.ADMIN:
            return True
        await refuse(
            info,
            f"{info.field_name} is for admins only; user {principal.name!r} has role "
            f"{principal.role.value!r}",
            kwargs.get("urn"),
        )
        return False


__all__ = ["CanManageIncidents", "CanWrite", "IsAdmin", "incident_access", "refuse"]

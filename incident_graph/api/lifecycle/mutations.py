"""Root mutation fields of the incident lifecycle: acknowledge, root cause, comments, following."""

from __future__ import annotations

import strawberry

from incident_graph.api.context import Info
from incident_graph.api.lifecycle.inputs import ExpectedVersion, IncidentRootCauseInput
from incident_graph.api.permissions import CanManageIncidents, incident_access
from incident_graph.domain import lifecycle as rules
from incident_graph.services import lifecycle as lifecycle_service


@strawberry.type
class LifecycleMutations:
    @strawberry.mutation(
        permission_classes=[CanManageIncidents],
        description=(
            "Ours: record that you acknowledged the incident. Only the first acknowledgement "
            "counts; true when this call recorded it, false when it was already acknowledged."
        ),
    )
    async def acknowledge_incident(
        self, info: Info, urn: str, expected_version: ExpectedVersion = None
    ) -> bool:
        ctx = info.context
        return await lifecycle_service.acknowledge(
            writer=ctx.writer,
            urn=urn,
            actor=ctx.principal.urn,
            expected_version=expected_version,
            access=incident_access(info),
        )

    @strawberry.mutation(
        permission_classes=[CanManageIncidents],
        description="Ours: record or correct why the incident happened (also after resolving).",
    )
    async def set_incident_root_cause(
        self,
        info: Info,
        urn: str,
        root_cause: IncidentRootCauseInput,
        expected_version: ExpectedVersion = None,
    ) -> bool:
        ctx = info.context
        await lifecycle_service.set_root_cause(
            writer=ctx.writer,
            urn=urn,
            root_cause=rules.check_root_cause(root_cause.category, root_cause.detail),
            actor=ctx.principal.urn,
            expected_version=expected_version,
            access=incident_access(info),
        )
        return True

    @strawberry.mutation(
        permission_classes=[CanManageIncidents],
        description=(
            "Ours: comment on an incident; users @mentioned as @urn:li:corpuser:<name> are "
            "subscribed. Returns the comment id."
        ),
    )
    async def add_incident_comment(
        self, info: Info, urn: str, text: str, expected_version: ExpectedVersion = None
    ) -> str:
        ctx = info.context
        comment_id = await lifecycle_service.add_comment(
            writer=ctx.writer,
            urn=urn,
            text=text,
            actor=ctx.principal.urn,
            expected_version=expected_version,
            access=incident_access(info),
        )
        return str(comment_id)

    @strawberry.mutation(
        permission_classes=[CanManageIncidents],
        description="Ours: change the text of your own comment; the timeline keeps both texts.",
    )
    async def edit_incident_comment(
        self,
        info: Info,
        urn: str,
        comment_id: str,
        text: str,
        expected_version: ExpectedVersion = None,
    ) -> bool:
        ctx = info.context
        await lifecycle_service.edit_comment(
            writer=ctx.writer,
            urn=urn,
            comment_id=comment_id,
            text=text,
            actor=ctx.principal.urn,
            expected_version=expected_version,
            access=incident_access(info),
        )
        return True

    @strawberry.mutation(description="Ours: follow an incident (any role may).")
    async def subscribe_to_incident(self, info: Info, urn: str) -> bool:
        ctx = info.context
        await lifecycle_service.set_subscription(
            writer=ctx.writer, urn=urn, user=ctx.principal.urn, subscribed=True
        )
        return True

    @strawberry.mutation(description="Ours: stop following an incident.")
    async def unsubscribe_from_incident(self, info: Info, urn: str) -> bool:
        ctx = info.context
        await lifecycle_service.set_subscription(
            writer=ctx.writer, urn=urn, user=ctx.principal.urn, subscribed=False
        )
        return True

"""SQLAlchemy tables: one ORM model set for SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from incident_graph.domain import limits
from incident_graph.domain.access import GrantScope, Privilege
from incident_graph.domain.assets import OwnershipType
from incident_graph.domain.changes import TimelinePayload
from incident_graph.domain.checks import CheckType, ResultStatus
from incident_graph.domain.enums import (
    EventKind,
    IncidentPriority,
    IncidentSourceType,
    IncidentStage,
    IncidentState,
    IncidentType,
    Role,
    RootCauseCategory,
    SubscriptionReason,
)
from incident_graph.domain.notifications import (
    ChannelConfig,
    DeliveryStatus,
    DestinationKind,
    NotifyKind,
)
from incident_graph.domain.operations import OperationSourceType, OperationType
from incident_graph.store.columns import EnumText, Id

# Stable constraint names so Alembic batch migrations on SQLite can find them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def core_table(model: type[Base]) -> Table:
    """The Core table behind a mapped class, for statements that skip the ORM's bookkeeping
    (typed: to mypy `__table__` is only a FromClause)."""
    return cast("Table", model.__table__)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(limits.NAME), unique=True)
    role: Mapped[Role] = mapped_column(EnumText(Role, 20))
    created_ms: Mapped[int] = mapped_column(BigInteger)
    display_name: Mapped[str | None] = mapped_column(String(limits.NAME))
    email: Mapped[str | None] = mapped_column(String(limits.EMAIL))


class AccessToken(Base):
    __tablename__ = "access_tokens"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(limits.NAME))
    # sha256 of the secret: the secret itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_ms: Mapped[int] = mapped_column(BigInteger)
    expires_ms: Mapped[int | None] = mapped_column(BigInteger)
    revoked_ms: Mapped[int | None] = mapped_column(BigInteger)


class Group(Base):
    """A team (urn:li:corpGroup:<name>): privileges and asset ownership reach its members."""

    __tablename__ = "corp_groups"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(limits.NAME), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(limits.NAME))
    created_ms: Mapped[int] = mapped_column(BigInteger)


class GroupMember(Base):
    __tablename__ = "group_members"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("corp_groups.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )

    __table_args__ = (Index("ix_group_members_user", "user_id", "group_id"),)


class PrivilegeGrant(Base):
    """A privilege held by a user or group (by URN) globally, on a platform or on one asset."""

    __tablename__ = "privilege_grants"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    privilege: Mapped[Privilege] = mapped_column(EnumText(Privilege, 40))
    grantee_urn: Mapped[str] = mapped_column(String(limits.ACTOR_URN))
    scope: Mapped[GrantScope] = mapped_column(EnumText(GrantScope, 10))
    # The platform or asset URN; "" for a global grant, so the unique constraint holds.
    resource: Mapped[str] = mapped_column(String(limits.URN))
    created_ms: Mapped[int] = mapped_column(BigInteger)
    created_actor: Mapped[str] = mapped_column(String(limits.ACTOR_URN))

    __table_args__ = (
        UniqueConstraint(
            "privilege", "grantee_urn", "scope", "resource", name="uq_privilege_grants_grant"
        ),
        Index("ix_privilege_grants_grantee", "grantee_urn"),
    )


class AuditEntry(Base):
    """Who tried what, when, and whether it was allowed; append-only."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    time_ms: Mapped[int] = mapped_column(BigInteger)
    actor: Mapped[str] = mapped_column(String(limits.ACTOR_URN))
    operation: Mapped[str] = mapped_column(String(limits.OPERATION))
    target: Mapped[str | None] = mapped_column(Text)
    allowed: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_audit_log_time", "time_ms", "id"),)


class Asset(Base):
    __tablename__ = "assets"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    urn: Mapped[str] = mapped_column(String(limits.URN), unique=True)
    entity_type: Mapped[str] = mapped_column(String(20))
    platform: Mapped[str | None] = mapped_column(String(limits.PLATFORM))
    name: Mapped[str] = mapped_column(String(limits.URN))
    created_ms: Mapped[int] = mapped_column(BigInteger)
    description: Mapped[str | None] = mapped_column(Text)
    updated_ms: Mapped[int | None] = mapped_column(BigInteger)
    # Deleted assets leave search and lineage but keep their incidents readable.
    deleted_ms: Mapped[int | None] = mapped_column(BigInteger)
    # Active incidents naming this asset, kept by every write that links incidents or
    # changes their state, so "has active incidents" searches need no scan of the links.
    active_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (
        Index("ix_assets_entity_type_urn", "entity_type", "urn"),
        Index("ix_assets_active", "active_count", "deleted_ms"),
    )


class AssetOwner(Base):
    __tablename__ = "asset_owners"

    asset_id: Mapped[int] = mapped_column(
        ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True
    )
    owner_urn: Mapped[str] = mapped_column(String(limits.ACTOR_URN), primary_key=True)
    ownership_type: Mapped[OwnershipType] = mapped_column(
        EnumText(OwnershipType, 40), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_asset_owners_owner", "owner_urn"),)


class AssetTag(Base):
    __tablename__ = "asset_tags"

    asset_id: Mapped[int] = mapped_column(
        ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(limits.TAG), primary_key=True)

    __table_args__ = (Index("ix_asset_tags_tag", "tag"),)


class LineageEdge(Base):
    """`upstream` feeds `downstream`; walked both ways with recursive queries."""

    __tablename__ = "lineage_edges"

    downstream_id: Mapped[int] = mapped_column(
        ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True
    )
    upstream_id: Mapped[int] = mapped_column(
        ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True
    )

    __table_args__ = (Index("ix_lineage_edges_upstream", "upstream_id", "downstream_id"),)


class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    urn: Mapped[str] = mapped_column(String(limits.INCIDENT_URN), unique=True)
    # Digest of a raise's content, so a retried raise with the same caller id is recognised.
    fingerprint: Mapped[str] = mapped_column(String(64))
    incident_type: Mapped[IncidentType] = mapped_column(EnumText(IncidentType, 20))
    custom_type: Mapped[str | None] = mapped_column(String(limits.NAME))
    title: Mapped[str | None] = mapped_column(String(limits.TITLE))
    description: Mapped[str | None] = mapped_column(Text)
    priority: Mapped[IncidentPriority | None] = mapped_column(EnumText(IncidentPriority, 10))
    state: Mapped[IncidentState] = mapped_column(EnumText(IncidentState, 10))
    stage: Mapped[IncidentStage | None] = mapped_column(EnumText(IncidentStage, 20))
    status_message: Mapped[str | None] = mapped_column(Text)
    status_time_ms: Mapped[int] = mapped_column(BigInteger)
    status_actor: Mapped[str] = mapped_column(String(limits.ACTOR_URN))
    source_type: Mapped[IncidentSourceType] = mapped_column(EnumText(IncidentSourceType, 20))
    source_urn: Mapped[str | None] = mapped_column(String(limits.URN))
    started_at_ms: Mapped[int | None] = mapped_column(BigInteger)
    created_ms: Mapped[int] = mapped_column(BigInteger)
    created_actor: Mapped[str] = mapped_column(String(limits.ACTOR_URN))
    updated_ms: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The lifecycle beyond DataHub's status: who leads, who acknowledged and resolved, and why.
    lead_urn: Mapped[str | None] = mapped_column(String(limits.ACTOR_URN), index=True)
    acknowledged_ms: Mapped[int | None] = mapped_column(BigInteger)
    acknowledged_actor: Mapped[str | None] = mapped_column(String(limits.ACTOR_URN))
    # Set when the incident last became RESOLVED; cleared when it is reopened.
    resolved_ms: Mapped[int | None] = mapped_column(BigInteger)
    resolved_actor: Mapped[str | None] = mapped_column(String(limits.ACTOR_URN))
    resolution_note: Mapped[str | None] = mapped_column(Text)
    root_cause_category: Mapped[RootCauseCategory | None] = mapped_column(
        EnumText(RootCauseCategory, 30)
    )
    root_cause_detail: Mapped[str | None] = mapped_column(Text)

    # For the organisation-wide incident list: newest/updated first, by state, by source check.
    __table_args__ = (
        Index("ix_incidents_created", "created_ms", "id"),
        Index("ix_incidents_updated", "updated_ms", "id"),
        Index("ix_incidents_state_created", "state", "created_ms", "id"),
        Index("ix_incidents_source_urn", "source_urn"),
    )


class IncidentAsset(Base):
    """Which assets an incident names, with the incident's state and creation time copied in.

    The copies let an asset's incident page, its health and the hasActiveIncidents search
    filter be answered from one index without touching the incidents table.
    """

    __tablename__ = "incident_assets"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    asset_id: Mapped[int] = mapped_column(
        ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer)
    state: Mapped[IncidentState] = mapped_column(EnumText(IncidentState, 10))
    created_ms: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (
        Index("ix_incident_assets_page", "asset_id", "state", "created_ms", "incident_id"),
        Index("ix_incident_assets_asset_created", "asset_id", "created_ms", "incident_id"),
    )


class Check(Base):
    """A data-quality check on one asset (DataHub: an assertion), with its incident policy.

    The policy columns are null where the check inherits the server's default. The latest
    result's status and time are copied in, so health and the hasFailingAssertions filter read
    one row per check instead of ranking its results.
    """

    __tablename__ = "checks"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    urn: Mapped[str] = mapped_column(String(limits.CHECK_URN), unique=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(limits.CHECK_NAME))
    check_type: Mapped[CheckType] = mapped_column(EnumText(CheckType, 20))
    description: Mapped[str | None] = mapped_column(Text)
    platform: Mapped[str | None] = mapped_column(String(limits.PLATFORM))
    external_url: Mapped[str | None] = mapped_column(String(limits.EXTERNAL_URL))
    raise_on_fail: Mapped[bool | None] = mapped_column(Boolean)
    raise_on_warn: Mapped[bool | None] = mapped_column(Boolean)
    priority: Mapped[IncidentPriority | None] = mapped_column(EnumText(IncidentPriority, 10))
    auto_resolve: Mapped[bool | None] = mapped_column(Boolean)
    assignees: Mapped[list[str] | None] = mapped_column(JSON)
    latest_result_id: Mapped[int | None] = mapped_column(BigInteger)
    latest_status: Mapped[ResultStatus | None] = mapped_column(EnumText(ResultStatus, 10))
    latest_time_ms: Mapped[int | None] = mapped_column(BigInteger)
    created_ms: Mapped[int] = mapped_column(BigInteger)
    updated_ms: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_checks_asset", "asset_id", "latest_status"),)


class CheckResult(Base):
    """One run's result of one check; a retried run (same run id) is stored once."""

    __tablename__ = "check_results"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("checks.id", ondelete="CASCADE"))
    run_id: Mapped[str] = mapped_column(String(limits.RUN_ID))
    time_ms: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[ResultStatus] = mapped_column(EnumText(ResultStatus, 10))
    observed_value: Mapped[str | None] = mapped_column(String(limits.CHECK_VALUE))
    threshold: Mapped[str | None] = mapped_column(String(limits.CHECK_VALUE))
    message: Mapped[str | None] = mapped_column(Text)
    external_url: Mapped[str | None] = mapped_column(String(limits.EXTERNAL_URL))
    created_ms: Mapped[int] = mapped_column(BigInteger)
    created_actor: Mapped[str] = mapped_column(String(limits.ACTOR_URN))

    __table_args__ = (
        UniqueConstraint("check_id", "run_id", name="uq_check_results_run"),
        Index("ix_check_results_time", "check_id", "time_ms", "id"),
    )


class IncidentCheckResult(Base):
    """Which check results an incident covers (raised from, or linked later)."""

    __tablename__ = "incident_check_results"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    result_id: Mapped[int] = mapped_column(
        ForeignKey("check_results.id", ondelete="CASCADE"), primary_key=True
    )
    # The result's time copied in: an incident's results page newest first from this index.
    result_time_ms: Mapped[int] = mapped_column(BigInteger)
    linked_ms: Mapped[int] = mapped_column(BigInteger)
    linked_actor: Mapped[str] = mapped_column(String(limits.ACTOR_URN))

    __table_args__ = (
        Index("ix_incident_check_results_page", "incident_id", "result_time_ms", "result_id"),
        Index("ix_incident_check_results_result", "result_id"),
    )


class AssetOperation(Base):
    """A change a pipeline or platform made to an asset's data (DataHub's `operation`)."""

    __tablename__ = "asset_operations"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    time_ms: Mapped[int] = mapped_column(BigInteger)
    last_updated_ms: Mapped[int] = mapped_column(BigInteger)
    operation_type: Mapped[OperationType] = mapped_column(EnumText(OperationType, 20))
    custom_operation_type: Mapped[str | None] = mapped_column(String(limits.NAME))
    source_type: Mapped[OperationSourceType] = mapped_column(EnumText(OperationSourceType, 20))
    actor: Mapped[str | None] = mapped_column(String(limits.ACTOR_URN))
    num_affected_rows: Mapped[int | None] = mapped_column(BigInteger)
    partition: Mapped[str | None] = mapped_column(String(limits.PARTITION))
    custom_properties: Mapped[list[list[str | None]] | None] = mapped_column(JSON)
    created_ms: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_asset_operations_time", "asset_id", "time_ms", "id"),)


class IncidentAssignee(Base):
    __tablename__ = "incident_assignees"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    assignee_urn: Mapped[str] = mapped_column(String(limits.ACTOR_URN), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_incident_assignees_urn", "assignee_urn"),)


class IncidentEvent(Base):
    """Append-only history of every change to an incident; never updated or deleted."""

    __tablename__ = "incident_events"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[EventKind] = mapped_column(EnumText(EventKind, 30))
    actor: Mapped[str] = mapped_column(String(limits.ACTOR_URN))
    time_ms: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[TimelinePayload] = mapped_column(JSON)
    # The state the incident entered with this event (a raise enters its first state); None
    # when the event left the state as it was. A copy of the payload's, so incidentMetrics
    # and /metrics count state moves from an index rather than by parsing JSON.
    moved_to: Mapped[IncidentState | None] = mapped_column(EnumText(IncidentState, 10))

    __table_args__ = (
        # Only the events that moved a state, in time order, with what the counts read.
        Index(
            "ix_incident_events_moves",
            "time_ms",
            "moved_to",
            "kind",
            "incident_id",
            sqlite_where=text("moved_to IS NOT NULL"),
            postgresql_where=text("moved_to IS NOT NULL"),
        ),
    )


class IncidentComment(Base):
    """A comment on an incident; edits change the text here and append a timeline event."""

    __tablename__ = "incident_comments"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str] = mapped_column(String(limits.ACTOR_URN))
    text: Mapped[str] = mapped_column(Text)
    created_ms: Mapped[int] = mapped_column(BigInteger)
    edited_ms: Mapped[int | None] = mapped_column(BigInteger)


class IncidentSubscriber(Base):
    """Users (and groups) who follow an incident, and why they were subscribed."""

    __tablename__ = "incident_subscribers"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    user_urn: Mapped[str] = mapped_column(String(limits.ACTOR_URN), primary_key=True)
    reason: Mapped[SubscriptionReason] = mapped_column(EnumText(SubscriptionReason, 20))
    created_ms: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_incident_subscribers_user", "user_urn"),)


class NotificationEvent(Base):
    """The outbox: one row per notifiable change, written in the change's own transaction."""

    __tablename__ = "notification_events"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    kind: Mapped[NotifyKind] = mapped_column(EnumText(NotifyKind, 40))
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_ms: Mapped[int] = mapped_column(BigInteger)
    # False until the worker has turned the event into deliveries (in one transaction).
    dispatched: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_notification_events_pending", "dispatched", "id"),)


class NotificationChannel(Base):
    """Where notifications go: a webhook, Slack, Teams or an email list."""

    __tablename__ = "notification_channels"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(limits.NAME), unique=True)
    kind: Mapped[DestinationKind] = mapped_column(EnumText(DestinationKind, 20))
    # url, secret, recipients, SMTP settings, Slack member ids: whatever the kind needs.
    config: Mapped[ChannelConfig] = mapped_column(JSON)
    soda_event_names: Mapped[bool] = mapped_column(Boolean, default=False)
    created_ms: Mapped[int] = mapped_column(BigInteger)
    created_actor: Mapped[str] = mapped_column(String(limits.ACTOR_URN))


class NotificationPolicy(Base):
    """Which events go where: empty match lists match everything."""

    __tablename__ = "notification_policies"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(limits.NAME), unique=True)
    # event_types, priorities, incident_types, platforms, asset_urns, tags: lists of strings.
    match: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    channel_ids: Mapped[list[int]] = mapped_column(JSON)
    user_urns: Mapped[list[str]] = mapped_column(JSON)
    # "HH:MM" local times in quiet_time_zone; events are held until the window ends.
    quiet_start: Mapped[str | None] = mapped_column(String(limits.CLOCK_TIME))
    quiet_end: Mapped[str | None] = mapped_column(String(limits.CLOCK_TIME))
    quiet_time_zone: Mapped[str | None] = mapped_column(String(limits.TIME_ZONE))
    created_ms: Mapped[int] = mapped_column(BigInteger)
    created_actor: Mapped[str] = mapped_column(String(limits.ACTOR_URN))
    # Whoever is on call in these schedules joins the recipients; None for policies made
    # before schedules existed.
    oncall_schedule_ids: Mapped[list[int] | None] = mapped_column(JSON)


class Delivery(Base):
    """One event to one channel, or to one user personally; retried until DELIVERED or DEAD."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("notification_events.id", ondelete="CASCADE"), index=True
    )
    # None for a personal delivery (to user_urn, by the server's own email).
    channel_id: Mapped[int | None] = mapped_column(
        ForeignKey("notification_channels.id", ondelete="CASCADE"), index=True
    )
    # A personal delivery's user (or team); None on channel deliveries, and on a delivery to
    # whoever is on call until it is first sent.
    user_urn: Mapped[str | None] = mapped_column(String(limits.ACTOR_URN))
    # Schedules whose on-call person is looked up when the delivery is first sent (not when
    # the event was processed: quiet hours may hold it past a handoff); None once looked up.
    oncall_schedule_ids: Mapped[list[int] | None] = mapped_column(JSON)
    # Who the message names (owners, subscribers, policy users), as a JSON list of URNs.
    recipients: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[DeliveryStatus] = mapped_column(EnumText(DeliveryStatus, 10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_ms: Mapped[int] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(Text)
    # A worker's lease while it sends; another worker may take the delivery once it passes.
    locked_until_ms: Mapped[int | None] = mapped_column(BigInteger)
    lock_token: Mapped[str | None] = mapped_column(String(40))
    created_ms: Mapped[int] = mapped_column(BigInteger)
    delivered_ms: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (
        UniqueConstraint("event_id", "channel_id", name="uq_deliveries_event_channel"),
        UniqueConstraint("event_id", "user_urn", name="uq_deliveries_event_user"),
        Index("ix_deliveries_due", "status", "next_attempt_ms"),
    )


class DeliveryAttempt(Base):
    """The attempt log: one row per try, whatever its outcome."""

    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("deliveries.id", ondelete="CASCADE"), index=True
    )
    time_ms: Mapped[int] = mapped_column(BigInteger)
    outcome: Mapped[str] = mapped_column(String(10))
    http_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(Integer)


class OnCallSchedule(Base):
    """A rotation: members take turns, handing over at a local time every length_days."""

    __tablename__ = "oncall_schedules"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(limits.NAME), unique=True)
    members: Mapped[list[str]] = mapped_column(JSON)
    handoff: Mapped[str] = mapped_column(String(limits.CLOCK_TIME))
    length_days: Mapped[int] = mapped_column(Integer)
    time_zone: Mapped[str] = mapped_column(String(limits.TIME_ZONE))
    start_date: Mapped[str] = mapped_column(String(limits.DATE))
    created_ms: Mapped[int] = mapped_column(BigInteger)
    created_actor: Mapped[str] = mapped_column(String(limits.ACTOR_URN))


class OnCallOverride(Base):
    """Someone covers a schedule from start to end; the latest override wins."""

    __tablename__ = "oncall_overrides"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    schedule_id: Mapped[int] = mapped_column(
        ForeignKey("oncall_schedules.id", ondelete="CASCADE"), index=True
    )
    user_urn: Mapped[str] = mapped_column(String(limits.ACTOR_URN))
    start_ms: Mapped[int] = mapped_column(BigInteger)
    end_ms: Mapped[int] = mapped_column(BigInteger)
    created_ms: Mapped[int] = mapped_column(BigInteger)

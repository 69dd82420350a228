"""On-call schedules and overrides; policies may notify whoever is on call.

A policy can name people, but at 3 a.m. the person to wake is whoever holds the pager this
week. Schedules store a rotation (members, handoff time, length in days, time zone), overrides
record cover, and notification_policies.oncall_schedule_ids points at the schedules whose
current on-call person joins the recipients.

Revision ID: 20261125_07
Revises: 20261125_06
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261125_07"
down_revision: str | None = "20261125_06"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "oncall_schedules",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("handoff", sa.String(length=5), nullable=False),
        sa.Column("length_days", sa.Integer(), nullable=False),
        sa.Column("time_zone", sa.String(length=100), nullable=False),
        sa.Column("start_date", sa.String(length=10), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("created_actor", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oncall_schedules")),
        sa.UniqueConstraint("name", name=op.f("uq_oncall_schedules_name")),
    )
    op.create_table(
        "oncall_overrides",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "schedule_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("user_urn", sa.String(length=300), nullable=False),
        sa.Column("start_ms", sa.BigInteger(), nullable=False),
        sa.Column("end_ms", sa.BigInteger(), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["oncall_schedules.id"],
            name=op.f("fk_oncall_overrides_schedule_id_oncall_schedules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oncall_overrides")),
    )
    with op.batch_alter_table("oncall_overrides", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oncall_overrides_schedule_id"), ["schedule_id"], unique=False
        )

    with op.batch_alter_table("notification_policies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("oncall_schedule_ids", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notification_policies", schema=None) as batch_op:
        batch_op.drop_column("oncall_schedule_ids")

    with op.batch_alter_table("oncall_overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oncall_overrides_schedule_id"))

    op.drop_table("oncall_overrides")
    op.drop_table("oncall_schedules")

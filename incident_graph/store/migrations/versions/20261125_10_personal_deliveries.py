"""Deliveries to users personally, and on-call people looked up when a delivery is sent.

A policy that names users (or whoever is on call) used to add them only to the recipients of
channel messages: with no channel, nobody heard. A delivery may now go to one user by the
server's own email (channel_id null, user_urn set; one per user per event). And a delivery
keeps the on-call schedules it pages (oncall_schedule_ids) until it is first sent, so an event
held by quiet hours reaches whoever is on call when it goes out, not when it happened.

Revision ID: 20261125_10
Revises: 20261125_09
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261125_10"
down_revision: str | None = "20261125_09"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_urn", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("oncall_schedule_ids", sa.JSON(), nullable=True))
        batch_op.alter_column(
            "channel_id",
            existing_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        )
        batch_op.create_unique_constraint("uq_deliveries_event_user", ["event_id", "user_urn"])


def downgrade() -> None:
    # Personal deliveries have no channel to keep them under.
    op.execute("DELETE FROM deliveries WHERE channel_id IS NULL")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_constraint("uq_deliveries_event_user", type_="unique")
        batch_op.alter_column(
            "channel_id",
            existing_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        )
        batch_op.drop_column("oncall_schedule_ids")
        batch_op.drop_column("user_urn")

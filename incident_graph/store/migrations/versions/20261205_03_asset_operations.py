"""Operations on assets (DataHub's `operation` aspect): when a pipeline last changed the data.

DataHub's circuit breakers read them: OperationCircuitBreaker stops a job when its input was not
updated recently, and AssertionCircuitBreaker asks for a check run after the last update.
Pipelines report them with `reportOperation`. Kept per asset, newest first by the operation's
time.

Revision ID: 20261205_03
Revises: 20261205_02
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261205_03"
down_revision: str | None = "20261205_02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "asset_operations",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("asset_id", _ID, nullable=False),
        sa.Column("time_ms", sa.BigInteger(), nullable=False),
        sa.Column("last_updated_ms", sa.BigInteger(), nullable=False),
        sa.Column("operation_type", sa.String(length=20), nullable=False),
        sa.Column("custom_operation_type", sa.String(length=200), nullable=True),
        sa.Column("source_type", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=300), nullable=True),
        sa.Column("num_affected_rows", sa.BigInteger(), nullable=True),
        sa.Column("partition", sa.String(length=500), nullable=True),
        sa.Column("custom_properties", sa.JSON(), nullable=True),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_asset_operations_asset_id_assets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_operations")),
    )
    op.create_index(
        "ix_asset_operations_time", "asset_operations", ["asset_id", "time_ms", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_asset_operations_time", table_name="asset_operations")
    op.drop_table("asset_operations")

"""Checks (DataHub: assertions), their results, and which results an incident covers.

Pipelines report data-quality results (DataHub's assertionRunEvent, Soda scans, our own
reportCheckResults); a failing run raises or joins an incident. A check belongs to one asset
and holds its incident policy (null columns inherit the server's default) and a copy of its
latest result, so health reads one row per check. Results are unique on (check, run id): a
retried run is stored once. incident_check_results links results to incidents, with the
result's time copied in for the newest-first page.

Revision ID: 20261205_01
Revises: 20261125_11
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261205_01"
down_revision: str | None = "20261125_11"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "checks",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("urn", sa.String(length=300), nullable=False),
        sa.Column("asset_id", _ID, nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("check_type", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("platform", sa.String(length=200), nullable=True),
        sa.Column("external_url", sa.String(length=2000), nullable=True),
        sa.Column("raise_on_fail", sa.Boolean(), nullable=True),
        sa.Column("raise_on_warn", sa.Boolean(), nullable=True),
        sa.Column("priority", sa.String(length=10), nullable=True),
        sa.Column("auto_resolve", sa.Boolean(), nullable=True),
        sa.Column("assignees", sa.JSON(), nullable=True),
        sa.Column("latest_result_id", sa.BigInteger(), nullable=True),
        sa.Column("latest_status", sa.String(length=10), nullable=True),
        sa.Column("latest_time_ms", sa.BigInteger(), nullable=True),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_checks_asset_id_assets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checks")),
        sa.UniqueConstraint("urn", name=op.f("uq_checks_urn")),
    )
    op.create_index("ix_checks_asset", "checks", ["asset_id", "latest_status"], unique=False)
    op.create_table(
        "check_results",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("check_id", _ID, nullable=False),
        sa.Column("run_id", sa.String(length=300), nullable=False),
        sa.Column("time_ms", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("observed_value", sa.String(length=1000), nullable=True),
        sa.Column("threshold", sa.String(length=1000), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("external_url", sa.String(length=2000), nullable=True),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("created_actor", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["check_id"],
            ["checks.id"],
            name=op.f("fk_check_results_check_id_checks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_results")),
        sa.UniqueConstraint("check_id", "run_id", name="uq_check_results_run"),
    )
    op.create_index(
        "ix_check_results_time", "check_results", ["check_id", "time_ms", "id"], unique=False
    )
    op.create_table(
        "incident_check_results",
        sa.Column("incident_id", _ID, nullable=False),
        sa.Column("result_id", _ID, nullable=False),
        sa.Column("result_time_ms", sa.BigInteger(), nullable=False),
        sa.Column("linked_ms", sa.BigInteger(), nullable=False),
        sa.Column("linked_actor", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_check_results_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["result_id"],
            ["check_results.id"],
            name=op.f("fk_incident_check_results_result_id_check_results"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident_id", "result_id", name=op.f("pk_incident_check_results")),
    )
    op.create_index(
        "ix_incident_check_results_page",
        "incident_check_results",
        ["incident_id", "result_time_ms", "result_id"],
        unique=False,
    )
    op.create_index(
        "ix_incident_check_results_result", "incident_check_results", ["result_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_incident_check_results_result", table_name="incident_check_results")
    op.drop_index("ix_incident_check_results_page", table_name="incident_check_results")
    op.drop_table("incident_check_results")
    op.drop_index("ix_check_results_time", table_name="check_results")
    op.drop_table("check_results")
    op.drop_index("ix_checks_asset", table_name="checks")
    op.drop_table("checks")

"""Users, teams, per-asset privileges and the audit log.

Roles alone let every editor change every incident. Soda's and DataHub's rule is per asset:
only users holding Manage Incidents on an asset (granted to them or a team they are in, on
the asset, its platform or everywhere, or as an owner) change its incidents. Users gain a
display name and email; groups and their members, privilege grants and an append-only audit
log of refusals (and security changes) are new tables.

Revision ID: 20261125_06
Revises: 20261125_05
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261125_06"
down_revision: str | None = "20261125_05"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("display_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("email", sa.String(length=320), nullable=True))

    id_type = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table(
        "corp_groups",
        sa.Column("id", id_type, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=True),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corp_groups")),
        sa.UniqueConstraint("name", name=op.f("uq_corp_groups_name")),
    )
    op.create_table(
        "group_members",
        sa.Column("group_id", id_type, nullable=False),
        sa.Column("user_id", id_type, nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["corp_groups.id"],
            name=op.f("fk_group_members_group_id_corp_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_group_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "user_id", name=op.f("pk_group_members")),
    )
    op.create_index("ix_group_members_user", "group_members", ["user_id", "group_id"], unique=False)
    op.create_table(
        "privilege_grants",
        sa.Column("id", id_type, autoincrement=True, nullable=False),
        sa.Column("privilege", sa.String(length=40), nullable=False),
        sa.Column("grantee_urn", sa.String(length=300), nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("resource", sa.String(length=1000), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("created_actor", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privilege_grants")),
        sa.UniqueConstraint(
            "privilege", "grantee_urn", "scope", "resource", name="uq_privilege_grants_grant"
        ),
    )
    op.create_index(
        "ix_privilege_grants_grantee", "privilege_grants", ["grantee_urn"], unique=False
    )
    op.create_table(
        "audit_log",
        sa.Column("id", id_type, autoincrement=True, nullable=False),
        sa.Column("time_ms", sa.BigInteger(), nullable=False),
        sa.Column("actor", sa.String(length=300), nullable=False),
        sa.Column("operation", sa.String(length=100), nullable=False),
        sa.Column("target", sa.Text(), nullable=True),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_time", "audit_log", ["time_ms", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_log_time", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_privilege_grants_grantee", table_name="privilege_grants")
    op.drop_table("privilege_grants")
    op.drop_index("ix_group_members_user", table_name="group_members")
    op.drop_table("group_members")
    op.drop_table("corp_groups")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email")
        batch_op.drop_column("display_name")

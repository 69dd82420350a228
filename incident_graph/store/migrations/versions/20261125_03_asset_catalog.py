"""Asset catalog: descriptions, owners, tags and lineage edges; soft delete.

Assets used to exist only because an incident named them. Owners and lineage let health see
upstream incidents and let notifications reach downstream owners; deleted assets keep their
row (deleted_ms) so the incidents that name them stay readable.

Revision ID: 20261125_03
Revises: 20261125_02
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261125_03"
down_revision: str | None = "20261125_02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("description", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("updated_ms", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("deleted_ms", sa.BigInteger(), nullable=True))

    id_type = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table(
        "asset_owners",
        sa.Column("asset_id", id_type, nullable=False),
        sa.Column("owner_urn", sa.String(length=300), nullable=False),
        sa.Column("ownership_type", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_asset_owners_asset_id_assets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "asset_id", "owner_urn", "ownership_type", name=op.f("pk_asset_owners")
        ),
    )
    op.create_index("ix_asset_owners_owner", "asset_owners", ["owner_urn"], unique=False)
    op.create_table(
        "asset_tags",
        sa.Column("asset_id", id_type, nullable=False),
        sa.Column("tag", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_asset_tags_asset_id_assets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("asset_id", "tag", name=op.f("pk_asset_tags")),
    )
    op.create_index("ix_asset_tags_tag", "asset_tags", ["tag"], unique=False)
    op.create_table(
        "lineage_edges",
        sa.Column("downstream_id", id_type, nullable=False),
        sa.Column("upstream_id", id_type, nullable=False),
        sa.ForeignKeyConstraint(
            ["downstream_id"],
            ["assets.id"],
            name=op.f("fk_lineage_edges_downstream_id_assets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["upstream_id"],
            ["assets.id"],
            name=op.f("fk_lineage_edges_upstream_id_assets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("downstream_id", "upstream_id", name=op.f("pk_lineage_edges")),
    )
    op.create_index(
        "ix_lineage_edges_upstream", "lineage_edges", ["upstream_id", "downstream_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_lineage_edges_upstream", table_name="lineage_edges")
    op.drop_table("lineage_edges")
    op.drop_index("ix_asset_tags_tag", table_name="asset_tags")
    op.drop_table("asset_tags")
    op.drop_index("ix_asset_owners_owner", table_name="asset_owners")
    op.drop_table("asset_owners")
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.drop_column("deleted_ms")
        batch_op.drop_column("updated_ms")
        batch_op.drop_column("description")

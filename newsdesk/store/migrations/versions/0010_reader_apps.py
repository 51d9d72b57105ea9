"""feed-reader apps: per-user folders and per-user subscription settings (title, folder, hidden)

What the Google Reader and Fever APIs show one user; the articles and their read state are the
desk's own tables.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reader_folders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name="fk_reader_folders_user_id_users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reader_folders")),
        sa.UniqueConstraint("user_id", "name", name="uq_reader_folders_user_name"),
    )
    op.create_table(
        "reader_subscriptions",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("folder_id", sa.Integer(), nullable=True),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name="fk_reader_subscriptions_user_id_users"),
        sa.ForeignKeyConstraint(["folder_id"], ["reader_folders.id"], ondelete="SET NULL",
                                name="fk_reader_subscriptions_folder_id_reader_folders"),
        sa.PrimaryKeyConstraint("user_id", "source", name=op.f("pk_reader_subscriptions")),
    )
    op.create_index("ix_reader_subscriptions_folder", "reader_subscriptions", ["folder_id"])


def downgrade() -> None:
    op.drop_index("ix_reader_subscriptions_folder", table_name="reader_subscriptions")
    op.drop_table("reader_subscriptions")
    op.drop_table("reader_folders")

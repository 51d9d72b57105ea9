"""accounts: users, per-user read state and visits, watchlists and their alert ledger

``api_tokens`` gains ``user_id`` (a token made before any user existed keeps NULL and acts as an
admin, so upgraded desks keep working).

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("api_password_hash", sa.Text(), nullable=False),
        sa.Column("fever_key", sa.String(length=32), nullable=False),
        sa.Column("digest_mode", sa.String(length=10), nullable=False),
        sa.Column("digest_time", sa.String(length=5), nullable=False),
        sa.Column("digest_weekday", sa.Integer(), nullable=False),
        sa.Column("last_digest_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_login", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
    )
    op.create_index("ix_users_fever_key", "users", ["fever_key"])
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_api_tokens_user_id_users", "users", ["user_id"], ["id"], ondelete="CASCADE")
    op.create_table(
        "read_state",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("is_read", sa.Boolean(), nullable=False),
        sa.Column("starred", sa.Boolean(), nullable=False),
        sa.Column("kept", sa.Boolean(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE", name="fk_read_state_user_id_users"),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE",
                                name="fk_read_state_article_id_articles"),
        sa.PrimaryKeyConstraint("user_id", "article_id", name=op.f("pk_read_state")),
    )
    op.create_index("ix_read_state_user_starred", "read_state", ["user_id", "starred"])
    op.create_index("ix_read_state_user_kept", "read_state", ["user_id", "kept"])
    op.create_table(
        "user_visits",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("seen_at", TS, nullable=False),
        sa.Column("previous_seen_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE", name="fk_user_visits_user_id_users"),
        sa.PrimaryKeyConstraint("user_id", "place", name=op.f("pk_user_visits")),
    )
    op.create_table(
        "watchlists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("filters", sa.Text(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("alert_mode", sa.String(length=10), nullable=False),
        sa.Column("alert_time", sa.String(length=5), nullable=False),
        sa.Column("min_new", sa.Integer(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("webhook_url", sa.Text(), nullable=False),
        sa.Column("webhook_secret", sa.Text(), nullable=False),
        sa.Column("feed_nonce", sa.String(length=64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("checked_at", TS, nullable=False),
        sa.Column("last_alert_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE", name="fk_watchlists_user_id_users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watchlists")),
        sa.UniqueConstraint("user_id", "name", name="uq_watchlists_user_name"),
    )
    op.create_index("ix_watchlists_user", "watchlists", ["user_id"])
    op.create_table(
        "watchlist_alerts",
        sa.Column("watchlist_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("queued_at", TS, nullable=False),
        sa.Column("sent_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["watchlist_id"], ["watchlists.id"], ondelete="CASCADE",
                                name="fk_watchlist_alerts_watchlist_id_watchlists"),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE",
                                name="fk_watchlist_alerts_article_id_articles"),
        sa.PrimaryKeyConstraint("watchlist_id", "article_id", name=op.f("pk_watchlist_alerts")),
    )
    op.create_index("ix_watchlist_alerts_status", "watchlist_alerts", ["watchlist_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_watchlist_alerts_status", table_name="watchlist_alerts")
    op.drop_table("watchlist_alerts")
    op.drop_index("ix_watchlists_user", table_name="watchlists")
    op.drop_table("watchlists")
    op.drop_table("user_visits")
    op.drop_index("ix_read_state_user_kept", table_name="read_state")
    op.drop_index("ix_read_state_user_starred", table_name="read_state")
    op.drop_table("read_state")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_constraint("fk_api_tokens_user_id_users", type_="foreignkey")
        batch.drop_column("user_id")
    op.drop_index("ix_users_fever_key", table_name="users")
    op.drop_table("users")

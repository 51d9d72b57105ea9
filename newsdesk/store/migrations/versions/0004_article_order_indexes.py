"""indexes for the newest-first order and previous/next within an outlet or a story

Revision ID: 0004
Revises: 0003
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ORDER = "coalesce(published, first_seen)"


def upgrade() -> None:
    op.execute(f"CREATE INDEX ix_articles_order ON articles ({ORDER})")
    op.execute(f"CREATE INDEX ix_articles_outlet_order ON articles (outlet_id, {ORDER})")
    op.execute(f"CREATE INDEX ix_articles_story_order ON articles (story_id, {ORDER})")


def downgrade() -> None:
    for name in ("ix_articles_order", "ix_articles_outlet_order", "ix_articles_story_order"):
        op.execute(f"DROP INDEX IF EXISTS {name}")

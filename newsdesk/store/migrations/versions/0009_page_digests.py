"""precomputed page data: one digest per story and per article, refreshed when they change

``story_digests`` holds what a story's page and its line on the home page show (summary line,
timeline, summary, entities, framing, coverage series) as JSON; ``article_digests`` holds an
article's related list. ``basis`` names what a digest was computed from (the story's
``updated_at`` and size), so a page knows a digest is stale without recomputing it.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "story_digests",
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("basis", sa.String(length=80), nullable=False),
        sa.Column("summary_line", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("computed_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["story_id"], ["stories.id"], ondelete="CASCADE",
                                name="fk_story_digests_story_id_stories"),
        sa.PrimaryKeyConstraint("story_id", name="pk_story_digests"),
    )
    op.create_table(
        "article_digests",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("basis", sa.String(length=80), nullable=False),
        sa.Column("related", sa.Text(), nullable=False),
        sa.Column("computed_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE",
                                name="fk_article_digests_article_id_articles"),
        sa.PrimaryKeyConstraint("article_id", name="pk_article_digests"),
    )


def downgrade() -> None:
    op.drop_table("article_digests")
    op.drop_table("story_digests")

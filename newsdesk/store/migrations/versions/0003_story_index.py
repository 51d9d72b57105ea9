"""story clustering state: inverted index of story top terms, document frequencies

``story_terms``: the terms each live story is filed under (the candidate search of the
incremental clusterer); ``term_df``: in how many analysed articles each term occurs, with the
empty term holding the number of articles (the IDF the clusterer and related search use).

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "story_terms",
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["story_id"], ["stories.id"], name=op.f("fk_story_terms_story_id_stories"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("story_id", "term", name=op.f("pk_story_terms")),
    )
    op.create_index("ix_story_terms_term", "story_terms", ["term"], unique=False)
    op.create_table(
        "term_df",
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.Column("df", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_term_df")),
    )


def downgrade() -> None:
    op.drop_table("term_df")
    op.drop_index("ix_story_terms_term", table_name="story_terms")
    op.drop_table("story_terms")

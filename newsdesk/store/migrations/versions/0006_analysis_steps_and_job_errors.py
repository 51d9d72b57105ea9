"""per-step analysis outcomes and the errors of failed jobs

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "analysis_steps",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE",
                                name="fk_analysis_steps_article_id_articles"),
        sa.PrimaryKeyConstraint("article_id", "step", name="pk_analysis_steps"),
    )
    op.create_index("ix_analysis_steps_status", "analysis_steps", ["status"])
    op.create_table(
        "job_errors",
        sa.Column("job_id", sa.BigInteger(), nullable=False),
        sa.Column("task", sa.String(length=100), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("failed_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("job_id", name="pk_job_errors"),
    )


def downgrade() -> None:
    op.drop_table("job_errors")
    op.drop_index("ix_analysis_steps_status", table_name="analysis_steps")
    op.drop_table("analysis_steps")

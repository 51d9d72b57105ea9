"""the type each article's text gave an entity, so an entity's type can follow the majority

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("article_entities") as batch:
        batch.add_column(sa.Column("type", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("article_entities") as batch:
        batch.drop_column("type")

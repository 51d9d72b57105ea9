"""precomputed entity pages: one digest per entity, refreshed when its coverage changes

``entity_digests`` holds what an entity's page and ``/api/entities/{id}`` show (the entity with
its counts and aliases, its newest articles, its stories, coverage per day, co-occurring
entities) as JSON, and its counts as columns (what an article page lists beside its entities).
``entities.updated_at`` is set whenever an article starts or stops mentioning
the entity or such an article changes story; a digest's ``basis`` is the ``updated_at`` it was
computed from, so a page knows it is stale without recomputing it. Two expression indexes let
the case-insensitive name and alias lookups of an entity page use an index instead of a scan;
``ix_stories_recent`` lets the home page's stories list walk an index in its own order.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("entities", sa.Column("updated_at", TS, nullable=True))
    op.create_table(
        "entity_digests",
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("basis", sa.String(length=80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("article_count", sa.Integer(), nullable=False),
        sa.Column("story_count", sa.Integer(), nullable=False),
        sa.Column("mention_count", sa.Integer(), nullable=False),
        sa.Column("computed_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["entity_id"], ["entities.id"], ondelete="CASCADE",
                                name="fk_entity_digests_entity_id_entities"),
        sa.PrimaryKeyConstraint("entity_id", name="pk_entity_digests"),
    )
    op.execute("CREATE INDEX ix_entities_name_lower ON entities (lower(name))")
    op.execute("CREATE INDEX ix_entity_aliases_alias_lower ON entity_aliases (lower(alias))")
    # the home page's order (newest activity first, undated last): an index walk, not a sort of every
    # story; SQLite sorts NULL lowest, so DESC is already NULLS LAST there (and takes no NULLS clause)
    nulls = " NULLS LAST" if op.get_bind().dialect.name == "postgresql" else ""
    op.execute(f"CREATE INDEX ix_stories_recent ON stories (last_seen DESC{nulls}, id DESC)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_stories_recent")
    op.execute("DROP INDEX IF EXISTS ix_entity_aliases_alias_lower")
    op.execute("DROP INDEX IF EXISTS ix_entities_name_lower")
    op.drop_table("entity_digests")
    # ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35), not a batch copy: dropping and recreating the
    # entities table would cascade to every article's entity rows
    op.drop_column("entities", "updated_at")

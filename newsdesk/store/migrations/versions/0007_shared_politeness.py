"""per-host politeness and the robots.txt cache shared by every worker; pgvector where available

``host_state`` (spacing, cool-down, back-off per host) and ``host_slots`` (concurrency leases)
hold the fetcher's politeness across processes; ``robots_cache`` keeps fetched robots.txt files.
Times in these three tables are seconds since the epoch (floats), so the atomic updates that
book a request can do their arithmetic in portable SQL.

On PostgreSQL servers that offer the pgvector extension, it is enabled and ``embeddings`` gets a
``embedding vector`` column next to the portable bytes (nearest-neighbour search in SQL); where it
is not offered (or may not be created by this user) nothing changes.

Revision ID: 0007
Revises: 0005  (the lead relinks it after 0006 when merging)
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "host_state",
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("next_start_at", sa.Float(), nullable=False),
        sa.Column("cool_until", sa.Float(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("host", name=op.f("pk_host_state")),
    )
    op.create_table(
        "host_slots",
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=False),
        sa.Column("lease_until", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("host", "slot", name=op.f("pk_host_slots")),
    )
    op.create_table(
        "robots_cache",
        sa.Column("origin", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("fetched_at", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("origin", name=op.f("pk_robots_cache")),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        _enable_pgvector(bind)


def _enable_pgvector(bind: sa.Connection) -> None:
    available = bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")).first()
    if available is None:
        return
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS vector"))
            bind.execute(sa.text("ALTER TABLE embeddings ADD COLUMN embedding vector"))
    except sa.exc.DBAPIError:
        pass  # offered but not creatable by this user: the bytes column serves alone


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("ALTER TABLE embeddings DROP COLUMN IF EXISTS embedding"))
    op.drop_table("robots_cache")
    op.drop_table("host_slots")
    op.drop_table("host_state")

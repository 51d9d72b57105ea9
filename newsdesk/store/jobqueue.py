"""The job queue's tables on PostgreSQL: procrastinate's schema, applied once per database.

procrastinate keeps its jobs in the same PostgreSQL database as the desk (tables
``procrastinate_*`` in the first schema of the connection's ``search_path``). The schema is
applied the first time a worker, ``serve`` or ``jobs`` opens the queue; an advisory lock makes
two processes starting at once apply it once.
"""

from __future__ import annotations

from newsdesk.errors import StoreError

#: advisory-lock key of the schema check ("newsdesk" in ASCII, folded to 63 bits)
SCHEMA_LOCK_KEY = 0x6E657773646573


def psycopg_conninfo(url: str) -> str:
    """The libpq URL of a SQLAlchemy PostgreSQL URL (``postgresql+psycopg://`` → ``postgresql://``)."""
    scheme, rest = url.split("://", 1)
    if not scheme.startswith(("postgresql", "postgres")):
        raise StoreError(f"the job queue needs PostgreSQL, not {scheme}", source=scheme)
    return f"postgresql://{rest}"


def ensure_job_schema(url: str) -> bool:
    """Apply procrastinate's schema unless it is there; True when it was applied now."""
    import psycopg
    from procrastinate.schema import SchemaManager

    try:
        with psycopg.connect(psycopg_conninfo(url), autocommit=True) as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK_KEY,))
            try:
                row = conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").fetchone()
                if row and row[0]:
                    return False
                conn.execute(SchemaManager.get_schema().encode())
                return True
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK_KEY,))
    except psycopg.Error as exc:
        raise StoreError(f"cannot prepare the job queue: {exc}".strip()) from None

"""The Alembic migrations produce exactly the schema in store/schema.py, on both backends."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from newsdesk.store import Store, migrate
from newsdesk.store.schema import metadata


# SQLite cannot reflect expression indexes (0004); alembic says so and compares the rest.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_migrated_schema_matches_metadata(any_store: Store) -> None:
    with any_store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    # The full-text index is created by raw SQL in 0002 and is not part of the metadata.
    diff = [d for d in diff if "search_vector" not in repr(d) and "articles_fts" not in repr(d)]
    assert diff == []


def test_migrate_twice_is_a_no_op(any_store: Store) -> None:
    before = sorted(inspect(any_store.engine).get_table_names())
    migrate(any_store.engine)
    assert sorted(inspect(any_store.engine).get_table_names()) == before
    assert "articles" in before and "duplicate_links" in before

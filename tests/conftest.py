"""Shared fixtures: real SQLite and PostgreSQL stores, settings for loopback tests, shared data."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsdesk.config import Settings, load_settings
from newsdesk.store import Store

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TESTDATA = Path(__file__).resolve().parent / "testdata"
PG_URL = os.environ.get("NEWSDESK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for tests: a private data dir, loopback fetching allowed, no politeness delays."""
    return load_settings(
        data_dir=tmp_path, environ={}, allow_private_addresses=True, min_host_delay=0.0,
        host_delay_jitter=0.0, timeout=5.0,
    )


#: ``NEWSDESK_TEST_BACKEND=postgresql`` runs every test that uses ``store`` on PostgreSQL
TEST_BACKEND = os.environ.get("NEWSDESK_TEST_BACKEND", "sqlite").lower()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the PostgreSQL pass only the tests that use the ``store`` fixture run (the others do not
    touch a database, or already run on both backends through ``any_store`` / ``pg_store``)."""
    if TEST_BACKEND != "postgresql":
        return
    keep = [item for item in items if "store" in getattr(item, "fixturenames", ())]
    dropped = [item for item in items if "store" not in getattr(item, "fixturenames", ())]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh desk: SQLite in a tmp dir, or a throw-away PostgreSQL schema when
    ``NEWSDESK_TEST_BACKEND=postgresql``."""
    if TEST_BACKEND == "postgresql":
        s = Store(request.getfixturevalue("pg_url"))
    elif TEST_BACKEND == "sqlite":
        s = Store(f"sqlite:///{tmp_path / 'test.db'}")
    else:
        raise pytest.UsageError(f"NEWSDESK_TEST_BACKEND must be sqlite or postgresql, not {TEST_BACKEND!r}")
    yield s
    s.close()


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3):
            return True
    except Exception:
        return False


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL schema for one test (dropped afterwards)."""
    if not _pg_available():
        pytest.skip(f"no PostgreSQL server at {PG_URL}")
    import psycopg

    plain = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in plain else "?"
    yield f"{plain}{sep}options=-csearch_path%3D{schema}"
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[Store]:
    s = Store(pg_url)
    yield s
    s.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The same test on both backends."""
    if request.param == "sqlite":
        s = Store(f"sqlite:///{tmp_path / 'test.db'}")
    else:
        s = Store(request.getfixturevalue("pg_url"))
    yield s
    s.close()


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test where that folder is absent (a user's machine)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not present")
    return path

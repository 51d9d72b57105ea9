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


def _uses_backend(item: pytest.Item) -> bool:
    return "store" in getattr(item, "fixturenames", ()) or item.get_closest_marker("backend") is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the PostgreSQL pass only the tests on the test backend run: those using the ``store``
    fixture or marked ``backend`` (their desks come from :func:`backend_database_url`). The others
    touch no database, or run on both backends already (``any_store`` / ``pg_store``)."""
    if TEST_BACKEND != "postgresql":
        return
    keep = [item for item in items if _uses_backend(item)]
    dropped = [item for item in items if not _uses_backend(item)]
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


_created_schemas: list[str] = []


#: where PostgreSQL was asked for (CI sets the URL; the PostgreSQL pass sets the backend), a missing
#: server fails the tests instead of skipping them
PG_REQUIRED = "NEWSDESK_TEST_POSTGRES_URL" in os.environ or TEST_BACKEND == "postgresql"


def _new_pg_schema() -> str:
    """A new, empty PostgreSQL schema; its URL (the search path set to it)."""
    if not _pg_available():
        if PG_REQUIRED:
            pytest.fail(f"no PostgreSQL server at {PG_URL}, but the tests were asked to use it")
        pytest.skip(f"no PostgreSQL server at {PG_URL}")
    import psycopg

    plain = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    _created_schemas.append(schema)
    sep = "&" if "?" in plain else "?"
    return f"{plain}{sep}options=-csearch_path%3D{schema}"


def _drop_pg_schema(url: str) -> None:
    import psycopg

    schema = url.rsplit("%3D", 1)[1]
    with psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    if schema in _created_schemas:
        _created_schemas.remove(schema)


def backend_database_url(tmp: Path, name: str = "test") -> str:
    """A fresh desk on the test backend: a SQLite file in ``tmp``, or — with
    ``NEWSDESK_TEST_BACKEND=postgresql`` — a new PostgreSQL schema, dropped when the session ends.
    For fixtures wider than one test (module-scoped corpora), which cannot use ``pg_url``."""
    if TEST_BACKEND == "postgresql":
        return _new_pg_schema()
    return f"sqlite:///{tmp / (name + '.db')}"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for schema in list(_created_schemas):
        sep = "&" if "?" in PG_URL else "?"
        _drop_pg_schema(f"{PG_URL}{sep}options=-csearch_path%3D{schema}")


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
    url = _new_pg_schema()
    yield url
    _drop_pg_schema(url)


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

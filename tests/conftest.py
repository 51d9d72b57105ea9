"""Shared fixtures: real SQLite and PostgreSQL stores, settings for loopback tests, shared data."""

from __future__ import annotations

import importlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
from chromium import browser  # noqa: F401  (the browser tests' fixture)

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


def on_ci() -> bool:
    """True in a CI run (``CI=true``, as CI services set it): there nothing a gate needs may be missing."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def postgres_required() -> bool:
    """Where PostgreSQL was asked for — ``NEWSDESK_REQUIRE_POSTGRES=1`` (set by .ci/run), a
    ``NEWSDESK_TEST_POSTGRES_URL`` or the PostgreSQL pass — a missing server fails the tests."""
    return (os.environ.get("NEWSDESK_REQUIRE_POSTGRES", "").strip() == "1"
            or "NEWSDESK_TEST_POSTGRES_URL" in os.environ or TEST_BACKEND == "postgresql")


def unavailable(reason: str, *, required: bool) -> NoReturn:
    """The one rule for a test whose outside resource is missing: skip it on a user's machine,
    fail it where the run requires the resource (CI, or NEWSDESK_REQUIRE_POSTGRES=1)."""
    if required:
        pytest.fail(f"{reason} (required in this run)", pytrace=False)
    pytest.skip(reason)


_created_schemas: list[str] = []


def _new_pg_schema() -> str:
    """A new, empty PostgreSQL schema; its URL (the search path set to it)."""
    require_postgres()
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


def _pg_available(url: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3):
            return True
    except Exception:
        return False


def require_postgres(url: str = PG_URL) -> None:
    if not _pg_available(url):
        unavailable(f"no PostgreSQL server at {url}", required=postgres_required())


def require_module(name: str) -> None:
    """Import ``name`` for a quality gate: skip where it is not installed, fail on CI."""
    try:
        importlib.import_module(name)
    except ImportError:
        unavailable(f"{name} is not installed", required=on_ci())


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
    """A path under ../shared; where it is absent the test skips (a user's machine) or fails (CI)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        unavailable(f"{path} not present", required=on_ci())
    return path

"""Shared fixtures: real SQLite and PostgreSQL stores, settings for loopback tests, shared data."""

from __future__ import annotations

import importlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

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


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path / 'test.db'}")
    yield s
    s.close()


def on_ci() -> bool:
    """True in a CI run (``CI=true``, as CI services set it): there nothing a gate needs may be missing."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def postgres_required() -> bool:
    """``NEWSDESK_REQUIRE_POSTGRES=1`` (set by .ci/run): a PostgreSQL test fails instead of skipping."""
    return os.environ.get("NEWSDESK_REQUIRE_POSTGRES", "").strip() == "1"


def unavailable(reason: str, *, required: bool) -> NoReturn:
    """The one rule for a test whose outside resource is missing: skip it on a user's machine,
    fail it where the run requires the resource (CI, or NEWSDESK_REQUIRE_POSTGRES=1)."""
    if required:
        pytest.fail(f"{reason} (required in this run)", pytrace=False)
    pytest.skip(reason)


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
    require_postgres()
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
    """A path under ../shared; where it is absent the test skips (a user's machine) or fails (CI)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        unavailable(f"{path} not present", required=on_ci())
    return path

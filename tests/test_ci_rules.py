"""The CI entry point and the skip rule of tests/conftest.py: where a run requires PostgreSQL or the
shared data, their absence fails the run instead of skipping tests quietly."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import conftest
import pytest
from conftest import ROOT, require_postgres, shared_path


def _run_ci(folder: Path, *, postgres_up: bool) -> subprocess.CompletedProcess[str]:
    """.ci/run with stand-ins for the PostgreSQL tools and for ``make`` (which reports what it got)."""
    stubs = {"pg_isready": "exit 0" if postgres_up else "exit 2", "pg_ctlcluster": "exit 0", "psql": "exit 0",
             "sleep": "exit 0", "make": 'echo "make ran with NEWSDESK_REQUIRE_POSTGRES=$NEWSDESK_REQUIRE_POSTGRES"'}
    for name, script in stubs.items():
        tool = folder / name
        tool.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
        tool.chmod(0o755)
    env = {**os.environ, "PATH": f"{folder}:{os.environ['PATH']}"}
    return subprocess.run(["bash", str(ROOT / ".ci" / "run")], capture_output=True, text=True, env=env,
                          timeout=60, check=False)


def test_ci_run_fails_when_postgres_does_not_come_up(tmp_path: Path) -> None:
    result = _run_ci(tmp_path, postgres_up=False)
    assert result.returncode != 0
    assert "make ran" not in result.stdout
    assert "PostgreSQL did not come up" in result.stderr


def test_ci_run_makes_the_postgres_tests_required(tmp_path: Path) -> None:
    result = _run_ci(tmp_path, postgres_up=True)
    assert result.returncode == 0, result.stderr
    assert "make ran with NEWSDESK_REQUIRE_POSTGRES=1" in result.stdout


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_missing_postgres_skips_or_fails_as_the_run_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    nowhere = f"postgresql://postgres@127.0.0.1:{_closed_port()}/postgres"
    monkeypatch.delenv("NEWSDESK_REQUIRE_POSTGRES", raising=False)
    monkeypatch.delenv("NEWSDESK_TEST_POSTGRES_URL", raising=False)  # either one asks for PostgreSQL
    monkeypatch.setattr(conftest, "TEST_BACKEND", "sqlite")
    with pytest.raises(pytest.skip.Exception):
        require_postgres(nowhere)
    monkeypatch.setenv("NEWSDESK_REQUIRE_POSTGRES", "1")
    with pytest.raises(pytest.fail.Exception, match="no PostgreSQL server"):
        require_postgres(nowhere)


def test_missing_shared_data_fails_on_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        shared_path("no-such-folder", "evaluate.py")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="not present"):
        shared_path("no-such-folder", "evaluate.py")

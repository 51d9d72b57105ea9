"""Errors at the CLI edge, through the real command in a subprocess: one line on stderr, the README's
exit code, no traceback, no password."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from newsdesk.errors import ConflictError, StoreError
from newsdesk.store import Store


def newsdesk(*args: str, tmp_path: Path, env: dict[str, str] | None = None,
             timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``python -m newsdesk ARGS`` with stdout and stderr captured (so neither is a terminal)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    environ.update({"NEWSDESK_DATA_DIR": str(tmp_path / "data"), "NEWSDESK_CONFIG": str(tmp_path / "none.toml"),
                    "COLUMNS": "80", **(env or {})})
    return subprocess.run([sys.executable, "-m", "newsdesk", *args], capture_output=True, text=True,
                          env=environ, cwd=tmp_path, timeout=timeout, check=False)


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int, *words: str) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == code, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_a_file_that_is_not_a_database_is_a_database_error(tmp_path: Path) -> None:
    page = tmp_path / "some-page.html"
    page.write_text("<html><body><p>not a database</p></body></html>" * 40, encoding="utf-8")
    line = assert_one_line_error(newsdesk("--db", str(page), "ls", tmp_path=tmp_path), 5, "some-page.html")
    assert "not a database" in line
    by_env = newsdesk("ls", tmp_path=tmp_path, env={"NEWSDESK_DATABASE_URL": str(page)})
    assert_one_line_error(by_env, 5, "not a database")


def test_a_data_dir_that_is_a_file_is_a_database_error(tmp_path: Path) -> None:
    blocker = tmp_path / "some-file"
    blocker.write_text("x", encoding="utf-8")
    result = newsdesk("--data-dir", str(blocker), "ls", tmp_path=tmp_path)
    assert_one_line_error(result, 5, "some-file")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_database_messages_never_show_the_password(tmp_path: Path) -> None:
    unreachable = f"postgresql://reader:s3cretpw@127.0.0.1:{_closed_port()}/news"
    line = assert_one_line_error(newsdesk("--db", unreachable, "ls", tmp_path=tmp_path), 5, "127.0.0.1")
    assert "s3cretpw" not in line and "reader" in line
    no_driver = "mysql://reader:s3cretpw@127.0.0.1/news"
    line = assert_one_line_error(newsdesk("--db", no_driver, "ls", tmp_path=tmp_path), 5, "mysql")
    assert "s3cretpw" not in line


@pytest.mark.parametrize("url", [
    "postgresql://127.0.0.1:{port}/news?user=reader&password=s3cretpw",   # libpq takes it as a parameter
    "postgresql://reader:s3cret@pw@127.0.0.1:{port}/news",                # an unescaped @ in the password
    "postgresql://reader:s3cretpw@127.0.0.1:notaport/news",               # a URL SQLAlchemy cannot parse
    "postgresql://reader:s3cret%40pw@127.0.0.1:{port}/news",              # an escaped one
], ids=["query-parameter", "unescaped-at", "bad-port", "escaped-at"])
def test_no_part_of_a_password_reaches_a_message(tmp_path: Path, url: str) -> None:
    line = assert_one_line_error(newsdesk("--db", url.format(port=_closed_port()), "ls", tmp_path=tmp_path), 5,
                                 "cannot open database")
    for secret in ("s3cret", "pw@", "%40pw"):
        assert secret not in line, line
    assert "127.0.0.1" in line


def test_redact_url_hides_every_password() -> None:
    from newsdesk.store.database import redact_url

    assert redact_url("postgresql://u:pw@h:5432/d") == "postgresql://u:***@h:5432/d"
    assert redact_url("postgresql://h/d?sslmode=require&password=pw&user=u") == \
        "postgresql://h/d?sslmode=require&password=***&user=u"
    assert redact_url("postgresql://u:p@w@h/d") == "postgresql://u:***@h/d"
    assert redact_url("sqlite:////tmp/news.db") == "sqlite:////tmp/news.db"
    assert redact_url("postgresql://u@h/d") == "postgresql://u@h/d"


def test_every_sqlalchemy_error_in_a_transaction_is_a_store_error(store: Store) -> None:
    from sqlalchemy import text

    with pytest.raises(StoreError, match="no such table|does not exist"), store.read() as conn:
        conn.execute(text("SELECT * FROM no_such_table"))
    with pytest.raises(StoreError, match="incomplete input|syntax error"), store.transaction() as conn:
        conn.execute(text("INSERT INTO"))


def test_a_unique_constraint_is_a_conflict(store: Store) -> None:
    store.save_search("budget", "budget OR council")
    with pytest.raises(ConflictError, match="exists already"):
        store.save_search("budget", "other words")

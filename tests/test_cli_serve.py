"""``newsdesk serve`` in a subprocess: a busy port is a one-line argument error, a free one serves."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

import httpx
from test_cli_errors import assert_one_line_error, newsdesk


def test_a_busy_port_is_reported_before_serving(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = newsdesk("serve", "--port", str(port), tmp_path=tmp_path)
    assert_one_line_error(result, 2, f"port {port}", "in use")
    assert "serving" not in result.stdout


def test_the_port_is_checked_before_the_desk_is_opened(tmp_path: Path) -> None:
    not_a_database = tmp_path / "page.html"
    not_a_database.write_text("<html><body>not a database</body></html>" * 40, encoding="utf-8")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = newsdesk("--db", str(not_a_database), "serve", "--port", str(port), tmp_path=tmp_path)
    assert_one_line_error(result, 2, f"port {port}", "in use")


def test_port_zero_serves_on_the_port_it_names(tmp_path: Path) -> None:
    process = subprocess.Popen([sys.executable, "-m", "newsdesk", "--data-dir", str(tmp_path), "serve",
                                "--port", "0", "--read-only"], cwd=tmp_path, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.search(r"on http://127\.0\.0\.1:(\d+)", first)
        assert match and match.group(1) != "0", first
        answer = httpx.get(f"http://127.0.0.1:{match.group(1)}/api", timeout=10)
        assert answer.json()["read_only"] is True
    finally:
        process.terminate()
        process.wait(timeout=10)

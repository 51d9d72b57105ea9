"""An empty or blank target is a bad argument (exit 2, nothing done), never "the current folder"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli_errors import assert_one_line_error, newsdesk


@pytest.mark.parametrize("blank", ["", "   "])
def test_add_refuses_an_empty_target_and_adds_nothing(tmp_path: Path, blank: str) -> None:
    (tmp_path / "page.html").write_text("<html><body><article><h1>Here</h1><p>" + "Some words here. " * 40
                                        + "</p></article></body></html>", encoding="utf-8")
    db = str(tmp_path / "news.db")
    assert_one_line_error(newsdesk("--db", db, "add", blank, "--no-analyze", tmp_path=tmp_path), 2, "empty target")
    assert_one_line_error(newsdesk("--db", db, "add", "page.html", blank, tmp_path=tmp_path), 2, "empty target")
    listed = newsdesk("--db", db, "ls", "--json", tmp_path=tmp_path)
    assert json.loads(listed.stdout) == []


@pytest.mark.parametrize("command", ["extract", "summarize"])
def test_other_commands_taking_targets_refuse_it_too(tmp_path: Path, command: str) -> None:
    assert_one_line_error(newsdesk(command, "", tmp_path=tmp_path), 2, "empty target")

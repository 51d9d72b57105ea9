"""What the listing commands say, on the bundled demo corpus (55 articles, stories across 5 outlets):
nothing left out silently, the same numbers and lines as the API, a not-found said once."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsdesk.cli import app
from newsdesk.config import load_settings
from newsdesk.serve import views
from newsdesk.store import Store


class DemoCli:
    """``newsdesk`` against one data dir holding the demo corpus."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env = {"NEWSDESK_DATA_DIR": str(folder), "NEWSDESK_CONFIG": str(folder / "none.toml")}

    def __call__(self, *args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(app, list(args), env=self.env)
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        return result.exit_code, result.stdout, result.stderr


Run = DemoCli


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> DemoCli:
    cli = DemoCli(tmp_path_factory.mktemp("demo"))
    code, _out, err = cli("demo")
    assert code == 0, err
    return cli


def test_stories_table_says_how_many_outlets_it_leaves_out(run: Run) -> None:
    code, out, _err = run("stories", "--json")
    wide = next(s for s in json.loads(out) if len(s["outlets"]) > 4)
    code, out, _err = run("stories", "--limit", "50")
    assert code == 0
    assert f"+{len(wide['outlets']) - 4} more" in out


def test_stories_json_has_the_summary_line_the_api_shows(run: Run) -> None:
    code, out, _err = run("stories", "--json", "--limit", "5")
    assert code == 0
    cli_lines = {s["id"]: s["summary_line"] for s in json.loads(out)}
    settings = load_settings(data_dir=run.folder, environ={})
    store = Store(settings.resolved_database_url)
    try:
        api = views.home_view(store, settings, views.parse_filters(), limit=5)
    finally:
        store.close()
    api_lines = {s["id"]: s["summary_line"] for s in api["stories"]}
    assert cli_lines == api_lines
    assert all(cli_lines.values())


def test_entity_mentions_mean_the_same_in_the_list_and_the_detail(run: Run) -> None:
    code, out, _err = run("entities", "--json", "--limit", "3")
    listed = json.loads(out)
    assert listed[0]["mentions"] > 0
    for row in listed:
        code, out, _err = run("entity", str(row["id"]), "--json")
        assert code == 0
        assert json.loads(out)["entity"]["mentions"] == row["mentions"]


def test_a_missing_story_is_said_once(run: Run) -> None:
    code, out, err = run("story", "999")
    assert code == 6
    assert err.strip() == "error: no story with id 999"


def test_ls_says_when_a_page_does_not_show_everything(run: Run) -> None:
    code, out, err = run("ls")
    assert code == 0
    assert re.search(r"showing 1–50 of 55; the next page: --offset 50", err), err
    code, out, err = run("ls", "--offset", "50")
    assert "showing 51–55 of 55" in err and "next page" not in err
    code, out, err = run("ls", "--limit", "100")
    assert err == ""
    code, out, err = run("ls", "--json")
    assert err == "" and len(json.loads(out)) == 50
    code, out, err = run("search", "Veridia", "--limit", "2")
    assert re.search(r"showing 1–2 of \d+; the next page: --offset 2", err), err

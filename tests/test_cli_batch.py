"""One rule for every JSONL batch command (``cluster``, ``summarize``, ``add``): a bad line is skipped
and reported with its line number, the rest go on; exit 0 if anything was processed, 3 if nothing
could be, 2 for a file with no records."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsdesk.cli import app

TEXT = ("The Port Aldwin council approved a harbour levy on cruise passengers on Monday. "
        "The levy of four euros per passenger will fund dredging of the north channel. "
        "Opponents said cruise lines might skip the port.")
OTHER = ("Tram services in Grevik will run every six minutes from May, the transport board said. "
         "The board bought four new trams with a regional grant.")

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(tmp_path: Path) -> Run:
    env = {"NEWSDESK_DATA_DIR": str(tmp_path), "NEWSDESK_CONFIG": str(tmp_path / "none.toml")}

    def invoke(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(app, list(args), env=env)
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        return result.exit_code, result.stdout, result.stderr

    return invoke


def _write(path: Path, *lines: object) -> Path:
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n",
                    encoding="utf-8")
    return path


def test_cluster_skips_bad_lines_and_clusters_the_rest(run: Run, tmp_path: Path) -> None:
    records = _write(tmp_path / "records.jsonl",
                     {"id": "a", "title": "Harbour levy approved", "text": TEXT, "published": "2026-03-02"},
                     "{not json",
                     {"title": "no id", "text": OTHER},
                     {"id": "d", "text": OTHER, "published": "last Tuesday"},
                     {"id": "e", "title": "Grevik trams", "text": OTHER})
    code, out, err = run("cluster", str(records), "--json")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r.get("id") for r in rows] == ["a", None, None, None, "e"]
    assert [r.get("line") for r in rows] == [None, 2, 3, 4, None]
    assert rows[0]["story"] != rows[4]["story"]
    assert [line.split(": ")[1] for line in err.splitlines()] == [f"{records}:{n}" for n in (2, 3, 4)]
    code, out, err = run("cluster", str(records))
    assert code == 0 and "2 records in 2 stories" in out and "3 bad lines skipped" in out


def test_summarize_reports_a_record_with_no_text(run: Run, tmp_path: Path) -> None:
    records = _write(tmp_path / "records.jsonl", {"id": 1, "text": TEXT}, {"id": "blank", "text": "   "},
                     {"id": 3, "text": 42})
    code, out, err = run("summarize", str(records), "--json")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[0]["id"] == 1 and rows[0]["summary"]
    assert rows[1] == {"id": "blank", "line": 2, "error": f"{records}:2: no text to summarize"}
    assert rows[2]["line"] == 3 and "'text' must be a string" in rows[2]["error"]
    assert len(err.splitlines()) == 2
    code, out, err = run("summarize", str(records))
    assert code == 0 and out.startswith("1: ") and f"{records}:2: no text to summarize" in err


def test_summarize_needs_an_id_like_cluster(run: Run, tmp_path: Path) -> None:
    records = _write(tmp_path / "records.jsonl", {"title": "no id", "text": TEXT}, {"id": 2, "text": TEXT})
    code, out, err = run("summarize", str(records))
    assert code == 0, err
    assert "None" not in out and out.startswith("2: ") and len(out.strip().splitlines()) == 1
    assert f"{records}:1: no \"id\"" in err


@pytest.mark.parametrize("command", ["cluster", "summarize"])
def test_nothing_processed_is_a_failure(run: Run, tmp_path: Path, command: str) -> None:
    bad = _write(tmp_path / "bad.jsonl", "[1, 2]", {"title": "no id, no text"})
    code, _out, err = run(command, str(bad))
    assert code == 3, err
    assert err.splitlines()[-1].startswith("error: ") and "none of its 2 records" in err
    empty = _write(tmp_path / "empty.jsonl", "")
    code, _out, err = run(command, str(empty))
    assert code == 2 and "no records" in err


def test_add_follows_the_same_rule(run: Run, tmp_path: Path) -> None:
    records = _write(tmp_path / "export.jsonl",
                     {"url": "https://coastpost.example/levy", "title": "Levy", "text": TEXT}, "{not json")
    code, out, _err = run("--db", str(tmp_path / "news.db"), "add", str(records), "--no-analyze")
    assert code == 0 and "1 added" in out and "line 2" in out
    code, out, _err = run("--db", str(tmp_path / "news.db"), "add", str(_write(tmp_path / "bad.jsonl", "{x")))
    assert code == 3

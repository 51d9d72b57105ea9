"""``newsdesk summarize``: stored article, story, JSONL batch, file and URL targets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from loopback import LoopbackServer
from typer.testing import CliRunner

from newsdesk.analyze.dedupe import content_hash
from newsdesk.cli import app
from newsdesk.models import ExtractedArticle
from newsdesk.store import Store

TEXT = ("The Port Aldwin council approved a harbour levy on cruise passengers on Monday. "
        "The levy of four euros per passenger will fund dredging of the north channel. "
        "Councillor Mira Santos proposed the measure after two postponed dredging seasons. "
        "Opponents said cruise lines might skip the port. "
        "The levy takes effect in April and will be reviewed after eighteen months.")
OTHER = ("Tram services in Grevik will run every six minutes from May, the transport board said. "
         "The board bought four new trams with a regional grant. "
         "Night services stay unchanged.")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"NEWSDESK_DATA_DIR": str(tmp_path), "NEWSDESK_CONFIG": str(tmp_path / "none.toml")}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[tuple[Path, Store]]:
    path = tmp_path / "cli.db"
    store = Store(f"sqlite:///{path}")
    yield path, store
    store.close()


def _save(store: Store, url: str, text: str, *, day: int = 2) -> int:
    extracted = ExtractedArticle(url=url, title="Harbour levy approved", text=text, outlet="coastpost",
                                 published=datetime(2026, 3, day, tzinfo=UTC))
    with store.transaction() as conn:
        return int(store.save_article(conn, extracted, canonical_url=url, content_hash=content_hash(text)).id)


def test_batch_jsonl_prints_one_summary_per_record_in_order(runner: CliRunner, env: dict[str, str],
                                                            tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    rows = [{"id": "b", "title": "Levy", "text": TEXT}, {"id": 7, "text": OTHER}, {"id": "empty", "text": ""}]
    records.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    db = tmp_path / "never.db"
    result = runner.invoke(app, ["--db", str(db), "summarize", str(records), "--json", "--sentences", "2"],
                           env=env)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["b", 7, "empty"]
    assert out[0]["summary"].startswith("The Port Aldwin council approved")
    assert out[0]["summary"].count(".") == 2
    assert out[1]["summary"].startswith("Tram services in Grevik")
    assert "summary" not in out[2] and out[2]["id"] == "empty" and "no text to summarize" in out[2]["error"]
    assert not db.exists()  # the batch path touches no database
    assert not (tmp_path / "newsdesk.db").exists()


def test_batch_reports_a_bad_line_and_goes_on(runner: CliRunner, env: dict[str, str], tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    records.write_text(json.dumps({"id": 1, "text": TEXT}) + "\n{not json\n" + json.dumps({"id": 2, "text": OTHER}),
                       encoding="utf-8")
    result = runner.invoke(app, ["summarize", str(records), "--json", "--words", "20"], env=env)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, None, 2]
    assert "records.jsonl:2" in out[1]["error"]
    assert len(out[0]["summary"].split()) <= 20


def test_stored_article_by_id(runner: CliRunner, env: dict[str, str], db: tuple[Path, Store]) -> None:
    path, store = db
    article_id = _save(store, "https://coastpost.example/levy", TEXT)
    result = runner.invoke(app, ["--db", str(path), "summarize", str(article_id), "--json", "-n", "2"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["article_id"] == article_id
    assert len(data["sentences"]) == 2
    assert data["sentences"][0]["position"] == 0
    assert all(s["article_id"] == article_id for s in data["sentences"])
    assert store.count_cached() == 1
    text = runner.invoke(app, ["--db", str(path), "summarize", str(article_id)], env=env)
    assert text.exit_code == 0 and "Port Aldwin council approved" in text.stdout


def test_unknown_article_exits_with_not_found(runner: CliRunner, env: dict[str, str],
                                              db: tuple[Path, Store]) -> None:
    path, _ = db
    result = runner.invoke(app, ["--db", str(path), "summarize", "999"], env=env)
    assert result.exit_code == 6
    assert "999" in result.output


def test_story(runner: CliRunner, env: dict[str, str], db: tuple[Path, Store]) -> None:
    path, store = db
    first = _save(store, "https://coastpost.example/levy", TEXT, day=2)
    second = _save(store, "https://dailyvane.example/levy",
                   "A cruise operator objected to the Port Aldwin levy on Wednesday. "
                   "The operator said four euros per passenger was too much. "
                   "Port Aldwin councillors approved the harbour levy on cruise passengers on Monday.", day=3)
    with store.transaction() as conn:
        story_id = store.create_story(conn, title="Levy", size=2, centroid=b"", first_seen=None, last_seen=None)
        store.set_article_story(conn, first, story_id)
        store.set_article_story(conn, second, story_id)
    result = runner.invoke(app, ["--db", str(path), "summarize", "--story", str(story_id), "--json"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["story_id"] == story_id
    assert {s["article_id"] for s in data["sentences"]} == {first, second}


def test_needs_exactly_one_subject(runner: CliRunner, env: dict[str, str]) -> None:
    assert runner.invoke(app, ["summarize"], env=env).exit_code == 2
    assert runner.invoke(app, ["summarize", "1", "--story", "2"], env=env).exit_code == 2
    missing = runner.invoke(app, ["summarize", "no-such-file.html"], env=env)
    assert missing.exit_code == 2 and "no-such-file.html" in missing.output


def test_text_file_target(runner: CliRunner, env: dict[str, str], tmp_path: Path) -> None:
    pytest.importorskip("newsdesk.collect.files")
    page = tmp_path / "levy.txt"
    page.write_text(TEXT, encoding="utf-8")
    result = runner.invoke(app, ["summarize", str(page), "--json", "-n", "1"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["target"] == str(page)
    assert len(data["sentences"]) == 1 and data["text"] in TEXT
    assert data["sentences"][0]["position"] <= 1  # from the opening of the file's text


def test_url_target_through_loopback(runner: CliRunner, env: dict[str, str]) -> None:
    pytest.importorskip("newsdesk.collect.fetcher")
    html = ("<html><head><title>Harbour levy approved</title></head><body><article><h1>Harbour levy approved</h1>"
            + "".join(f"<p>{sentence}.</p>" for sentence in TEXT.split(". ")) + "</article></body></html>")
    with LoopbackServer() as server:
        server.route("/levy", body=html, headers={"Content-Type": "text/html; charset=utf-8"})
        result = runner.invoke(app, ["--allow-private-addresses", "summarize", server.url("/levy"), "--json"],
                               env={**env, "NEWSDESK_OBEY_ROBOTS": "false", "NEWSDESK_MIN_HOST_DELAY": "0"})
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert "harbour levy" in data["text"].lower()

"""Briefings, citations and export where users meet them: the API routes (media types,
Content-Disposition, problems), the Cite and Briefing controls of the pages, and the
``brief``/``cite``/``export`` commands (files, stdout, exit codes)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import rispy
from test_web_corpus import Corpus, TestClient, client_for, make_corpus
from typer.testing import CliRunner

from newsdesk.cli import app

pytestmark = pytest.mark.backend


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    built = make_corpus(Path(tmp_path_factory.mktemp("surfaces")), hostile=True)
    yield built
    built.store.close()


@pytest.fixture(scope="module")
def client(corpus: Corpus) -> TestClient:
    return client_for(corpus)


def _story(corpus: Corpus) -> int:
    story_id = corpus.store.get_article(corpus.ids["bridge-closure"]).story_id
    assert story_id is not None
    return story_id


@pytest.mark.parametrize(("path", "media_type", "filename"), [
    ("/api/articles/{a}/cite?format=bibtex", "application/x-bibtex", "article-{a}.bib"),
    ("/api/articles/{a}/cite?format=ris", "application/x-research-info-systems", "article-{a}.ris"),
    ("/api/stories/{s}/cite?format=csl-json", "application/vnd.citationstyles.csl+json", "story-{s}.json"),
    ("/api/search/cite?q=harbour", "application/x-bibtex", "search.bib"),
    ("/api/cite?ids={a}&ids={w}", "application/x-bibtex", "articles.bib"),
    ("/api/stories/{s}/brief?format=pdf", "application/pdf", "story-{s}-briefing.pdf"),
    ("/api/stories/{s}/brief?format=docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "story-{s}-briefing.docx"),
    ("/api/stories/{s}/brief", "text/html", "story-{s}-briefing.html"),
    ("/api/search/brief?q=water&format=md", "text/markdown", "search-briefing.md"),
    ("/api/brief?ids={a}&format=html", "text/html", "briefing.html"),
    ("/api/export?story_id={s}&format=jsonl", "application/jsonl", "story-{s}.jsonl"),
    ("/api/export?q=water", "text/csv", "search.csv"),
    ("/api/export", "text/csv", "articles.csv"),
])
def test_downloads_have_their_media_type_and_file_name(corpus: Corpus, client: TestClient, path: str,
                                                        media_type: str, filename: str) -> None:
    values = {"a": corpus.ids["water-rise"], "w": corpus.ids["bridge-closure"], "s": _story(corpus)}
    answer = client.get(path.format(**values))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].split(";")[0] == media_type
    assert answer.headers["content-disposition"] == f'attachment; filename="{filename.format(**values)}"'
    assert answer.content


def test_problems_for_unknown_ids_bad_styles_and_formats(client: TestClient) -> None:
    for path, status in (("/api/stories/999999/brief", 404), ("/api/articles/999999/cite", 404),
                         ("/api/export?story_id=999999", 404), ("/api/cite?ids=1&ids=999999", 404),
                         ("/api/articles/1/reference?style=no-such-style", 400),
                         ("/api/articles/1/cite?format=endnote", 422)):
        answer = client.get(path)
        assert answer.status_code == status, (path, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")


def test_spreadsheet_safe_export_from_the_command_and_the_api(corpus: Corpus, client: TestClient) -> None:
    def formulas(text: str) -> list[str]:
        frame = pd.read_csv(io.StringIO(text), keep_default_na=False, dtype=str)
        assert len(frame) == 10
        return [c for column in frame.columns for c in frame[column] if c.startswith(("=", "+", "-", "@"))]

    assert formulas(client.get("/api/export").text)  # the hostile twin's author is one
    code, out, err = _cli(corpus, "export", "--all", "--spreadsheet-safe")
    assert code == 0, err
    api = client.get("/api/export?spreadsheet=true")
    assert api.status_code == 200
    assert formulas(out) == [] and formulas(api.text) == []


def test_api_export_shows_web_addresses_only(corpus: Corpus, client: TestClient) -> None:
    frame = pd.read_csv(io.StringIO(client.get("/api/export").text), keep_default_na=False, dtype=str)
    assert all(u == "" or u.startswith("https://") for u in frame["url"])  # the hostile javascript: URL is gone
    assert len(frame) == 10
    story_id = corpus.store.get_article(corpus.ids["bridge-closure"]).story_id
    narrowed = client.get(f"/api/export?story_id={story_id}&q=Lantern&format=jsonl").text.splitlines()
    assert 0 < len(narrowed) < len(client.get(f"/api/export?story_id={story_id}&format=jsonl").text.splitlines())


def test_the_html_briefing_may_not_run_scripts_when_opened_from_the_desk(corpus: Corpus, client: TestClient) -> None:
    answer = client.get(f"/api/brief?ids={corpus.ids['article']}&format=html")
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    assert "<script>window" not in answer.text


def test_references_in_a_chosen_style(corpus: Corpus, client: TestClient) -> None:
    answer = client.get(f"/api/articles/{corpus.ids['water-rise']}/reference?style=chicago-author-date").json()
    assert answer["references"][0]["text"].startswith("Castillo, B. 2026.")
    listed = client.get(f"/api/stories/{_story(corpus)}/references").json()
    assert listed["style"] == "apa" and len(listed["references"]) == 3
    assert {s["name"] for s in client.get("/api/citation-styles").json()["styles"]} >= {"apa", "chicago-author-date"}


def test_pages_offer_cite_and_briefing_controls(corpus: Corpus, client: TestClient) -> None:
    article = client.get(f"/articles/{corpus.ids['article']}?cite_style=apa").text
    assert f'href="/api/articles/{corpus.ids["article"]}/cite?format=ris"' in article
    assert '<ol class="references plain"><li>' in article and "<script>window" not in article
    story = client.get(f"/stories/{_story(corpus)}").text
    assert f'href="/api/stories/{_story(corpus)}/brief?format=pdf"' in story and 'class="cite-control"' in story
    search = client.get("/search?q=water").text
    assert 'href="/api/search/brief?q=water&amp;format=docx"' in search
    assert 'href="/api/export?q=water&amp;format=csv"' in search


# --- the commands ---------------------------------------------------------------------------------

def _cli(corpus: Corpus, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--db", corpus.store.url, *args],
                                env={"NEWSDESK_DATA_DIR": str(corpus.settings.data_dir)})
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


def test_cite_command_writes_each_format(corpus: Corpus) -> None:
    code, out, _ = _cli(corpus, "cite", str(corpus.ids["water-rise"]), "--format", "ris")
    assert code == 0 and rispy.loads(out)[0]["title"] == "Westmoor Water seeks nine per cent bill rise"
    code, out, _ = _cli(corpus, "cite", "--story", str(_story(corpus)), "--format", "csl-json")
    assert code == 0 and len(json.loads(out)) == 3
    code, out, _ = _cli(corpus, "cite", "--search", "water", "--style", "apa", "--json")
    assert code == 0 and all(r["style"] == "apa" for r in json.loads(out))
    code, out, _ = _cli(corpus, "cite", "--styles", "--json")
    assert code == 0 and json.loads(out)[0]["name"] == "apa"


def test_brief_and_export_write_files(corpus: Corpus, tmp_path: Path) -> None:
    from pypdf import PdfReader

    target = tmp_path / "brief.pdf"
    code, _, err = _cli(corpus, "brief", "--story", str(_story(corpus)), "--format", "pdf", "-o", str(target))
    assert code == 0, err
    assert "Harbour bridge" in PdfReader(target).pages[0].extract_text()
    exported = tmp_path / "all.jsonl"
    code, _, err = _cli(corpus, "export", "--all", "--format", "jsonl", "-o", str(exported))
    assert code == 0, err
    assert len(exported.read_text(encoding="utf-8").splitlines()) == 10
    code, out, _ = _cli(corpus, "brief", "--search", "water", "--json")
    assert code == 0 and json.loads(out)["title"] == "Search: water"


@pytest.mark.parametrize(("args", "code"), [
    (("brief",), 2),  # no selection
    (("brief", "--story", "1", "--search", "x"), 2),  # two selections
    (("brief", "--story", "1", "--format", "odt"), 2),
    (("cite", "999999"), 6),
    (("brief", "--story", "999999"), 6),
    (("export", "--story", "999999"), 6),
    (("cite", "1", "--style", "no-such-style"), 2),
    (("export", "--all", "-o", "/no/such/folder/out.csv"), 2),
    (("export", "--all", "--format", "jsonl", "--spreadsheet-safe"), 2),
])
def test_command_errors_have_their_exit_codes(corpus: Corpus, args: tuple[str, ...], code: int) -> None:
    found, out, err = _cli(corpus, *args)
    assert found == code, (out, err)
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1


# --- watchlists: one more selection, each reader's own ---------------------------------------------

@pytest.fixture(scope="module")
def watcher(corpus: Corpus) -> dict[str, object]:
    store = corpus.store
    alice = store.create_user("alice-cite", "not-a-real-hash")
    bob = store.create_user("bob-cite", "not-a-real-hash")
    watchlist = store.create_watchlist(alice.id, "Water bills", "search", query="water")
    _token, secret = store.create_token("alice phone", user_id=alice.id)
    _token, other = store.create_token("bob phone", user_id=bob.id)
    return {"id": watchlist.id, "alice": secret, "bob": other}


def test_a_watchlist_briefs_cites_and_exports(corpus: Corpus, client: TestClient, watcher: dict[str, object]) -> None:
    wid, auth = watcher["id"], {"Authorization": f"Bearer {watcher['alice']}"}
    briefing = client.get(f"/api/watchlists/{wid}/brief?format=json", headers=auth).json()
    assert briefing["title"] == "Water bills"
    assert {s["title"] for s in briefing["sources"]} == {"Westmoor Water seeks nine per cent bill rise",
                                                         "Regulator to rule on Westmoor Water price review in May"}
    cited = rispy.loads(client.get(f"/api/watchlists/{wid}/cite?format=ris", headers=auth).text)
    assert len(cited) == 2
    exported = client.get(f"/api/watchlists/{wid}/export?format=jsonl", headers=auth)
    assert exported.headers["content-disposition"] == f'attachment; filename="watchlist-{wid}.jsonl"'
    assert len(exported.text.splitlines()) == 2
    code, out, _ = _cli(corpus, "brief", "--watchlist", str(wid), "--format", "md")
    assert code == 0 and out.startswith("# Water bills")


def test_a_watchlist_is_its_owners_only(client: TestClient, watcher: dict[str, object]) -> None:
    wid = watcher["id"]
    assert client.get(f"/api/watchlists/{wid}/brief").status_code == 401
    other = {"Authorization": f"Bearer {watcher['bob']}"}
    for route in ("brief", "cite", "export"):
        assert client.get(f"/api/watchlists/{wid}/{route}", headers=other).status_code == 404

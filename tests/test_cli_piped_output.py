"""Output that is not going to a terminal: no hard wrapping of lines (a URL stays whole), and every
error is one line on stderr, however long."""

from __future__ import annotations

from pathlib import Path

from test_cli_errors import assert_one_line_error, newsdesk

LONG_URL = "https://news.example.org/2026/11/30/" + "-".join(["harbour-budget-vote"] * 8) + "?ref=front-page"
TITLE = "Council approves the harbour budget after a night-long debate on library funding and road repairs"


def _article(tmp_path: Path) -> Path:
    paragraphs = "".join(
        f"<p>The city council approved the harbour budget on Tuesday after a debate number {n} that ran past "
        f"midnight and ended with a compromise on library funding and road repairs in the north.</p>"
        for n in range(4))
    page = tmp_path / "budget.html"
    page.write_text(f"<!doctype html><html lang='en'><head><title>{TITLE}</title>"
                    f"<link rel='canonical' href='{LONG_URL}'></head><body><article><h1>{TITLE}</h1>"
                    f"{paragraphs}</article></body></html>", encoding="utf-8")
    return page


def test_piped_show_and_search_keep_urls_and_titles_on_one_line(tmp_path: Path) -> None:
    db = str(tmp_path / "news.db")
    added = newsdesk("--db", db, "add", str(_article(tmp_path)), "--no-analyze", tmp_path=tmp_path)
    assert added.returncode == 0, added.stderr
    shown = newsdesk("--db", db, "show", "1", tmp_path=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert LONG_URL in shown.stdout.splitlines()[1]
    assert TITLE in shown.stdout.splitlines()[0]
    found = newsdesk("--db", db, "search", "harbour", tmp_path=tmp_path)
    assert found.returncode == 0, found.stderr
    assert any(TITLE in line for line in found.stdout.splitlines()), found.stdout


def test_long_errors_are_one_line(tmp_path: Path) -> None:
    db = str(tmp_path / "news.db")
    long_date = "the-thirtieth-of-november-in-the-year-two-thousand-and-twenty-six-at-noon"
    assert_one_line_error(newsdesk("--db", db, "ls", "--since", long_date, tmp_path=tmp_path), 2, long_date)
    assert_one_line_error(newsdesk("--db", db, "ls", "--limit", "0", tmp_path=tmp_path), 2, "--limit")
    assert_one_line_error(newsdesk("--db", db, "no-such-command", tmp_path=tmp_path), 2, "no-such-command")
    missing = tmp_path / ("a-folder-with-a-rather-long-name-" * 3) / "records.jsonl"
    assert_one_line_error(newsdesk("cluster", str(missing), tmp_path=tmp_path), 2, str(missing))


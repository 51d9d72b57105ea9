"""Malformed URLs wherever a URL is parsed: the bad item is skipped or rejected, the rest go on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from newsdesk.cli import app
from newsdesk.collect.feeds import discover_feed_links, parse_feed
from newsdesk.collect.opml import parse_opml
from newsdesk.collect.sitemaps import parse_sitemap
from newsdesk.extract import extract_document
from newsdesk.models import Document
from newsdesk.urls import host_of, join_url, join_web_url, split_url, web_url_problem

BAD_URLS = ["http://[::1", "http://[zz]/", "http://[127.0.0.1]/", "http://[::1/", "http://x.example.test:99999/"]
GOOD = "https://good.example.test/story"
FEED_URL = "https://feeds.example.test/feed.xml"


@pytest.mark.parametrize("bad", BAD_URLS)
def test_url_helpers_never_raise(bad: str) -> None:
    assert split_url(bad) is None
    assert web_url_problem(bad).startswith("malformed URL")
    assert join_url(FEED_URL, bad) == "" and join_web_url(bad, "/a") == ""
    assert join_web_url(bad, GOOD) == GOOD  # an absolute link does not need the base
    assert host_of(bad) == ""


@pytest.mark.parametrize("bad", BAD_URLS)
def test_rss_and_atom_entries_with_a_bad_link_are_skipped(bad: str) -> None:
    rss = (f'<rss version="2.0"><channel><title>T</title><item><title>bad</title><link>{bad}</link></item>'
           f'<item><title>good</title><link>{GOOD}</link></item></channel></rss>').encode()
    atom = (f'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><title>bad</title>'
            f'<link href="{bad}"/></entry><entry><title>good</title><link href="{GOOD}"/></entry></feed>').encode()
    for content in (rss, atom):
        assert [e.url for e in parse_feed(content, FEED_URL).entries] == [GOOD]


@pytest.mark.parametrize("bad", BAD_URLS)
def test_json_feed_items_with_a_bad_url_are_skipped(bad: str) -> None:
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "T", "home_page_url": bad,
            "items": [{"id": "1", "url": bad}, {"id": "2", "external_url": bad}, {"id": bad},
                      {"id": "4", "url": GOOD}]}
    parsed = parse_feed(json.dumps(feed).encode(), FEED_URL)
    assert [e.url for e in parsed.entries] == [GOOD]
    assert parsed.site_url == ""


@pytest.mark.parametrize("bad", BAD_URLS)
def test_opml_outlines_with_a_bad_url_are_skipped(bad: str) -> None:
    opml = (f'<opml version="2.0"><body><outline text="bad" xmlUrl="{bad}" htmlUrl="{bad}"/>'
            f'<outline text="good" xmlUrl="{GOOD}" htmlUrl="{bad}"/></body></opml>').encode()
    for source in ("subs.opml", "https://lists.example.test/subs.opml", bad):
        feeds = parse_opml(opml, source)
        assert [(f.url, f.site_url) for f in feeds] == [(GOOD, "")]


@pytest.mark.parametrize("bad", BAD_URLS)
def test_sitemap_and_index_locations_with_a_bad_url_are_skipped(bad: str) -> None:
    urlset = f"<urlset><url><loc>{bad}</loc></url><url><loc>{GOOD}</loc></url></urlset>".encode()
    index = f"<sitemapindex><sitemap><loc>{bad}</loc></sitemap><sitemap><loc>{GOOD}</loc></sitemap></sitemapindex>"
    assert [p.url for p in parse_sitemap(urlset, FEED_URL).pages] == [GOOD]
    assert parse_sitemap(index.encode(), FEED_URL).sitemaps == [GOOD]
    assert [p.url for p in parse_sitemap(urlset, bad).pages] == [GOOD]


@pytest.mark.parametrize("bad", BAD_URLS)
def test_feed_discovery_skips_bad_links_and_a_bad_base(bad: str) -> None:
    page = (f'<html><head><base href="{bad}"><link rel="alternate" type="application/rss+xml" href="{bad}">'
            f'<link rel="alternate" type="application/atom+xml" href="/atom.xml"></head><body></body></html>')
    assert discover_feed_links(page.encode(), "https://site.example.test/") == [
        "https://site.example.test/atom.xml"]
    assert discover_feed_links(page.encode(), bad) == []


@pytest.mark.parametrize("bad", BAD_URLS)
def test_a_bad_canonical_link_falls_back_to_the_page_url(bad: str) -> None:
    body = " ".join(["The council met on Tuesday to vote on the budget for the coming year."] * 6)
    page = (f'<html><head><title>Budget vote</title><link rel="canonical" href="{bad}">'
            f'<meta property="og:url" content="{bad}"></head><body><article><h1>Budget vote</h1>'
            f"<p>{body}</p><p>{body}</p></article></body></html>")
    article = extract_document(Document(url=GOOD, content=page.encode(), content_type="text/html"))
    assert article.canonical_url == GOOD
    article = extract_document(Document(url=bad, content=page.encode(), content_type="text/html"))
    assert article.canonical_url == "" and article.outlet == ""


def _newsdesk(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSDESK_DATA_DIR": str(tmp_path), "NEWSDESK_CONFIG": str(tmp_path / "none.toml")}
    return subprocess.run([sys.executable, "-m", "newsdesk", "--db", str(tmp_path / "n.db"), *args],
                          capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)


def _cli(tmp_path: Path, *args: str) -> Result:
    env = {"NEWSDESK_DATA_DIR": str(tmp_path), "NEWSDESK_CONFIG": str(tmp_path / "none.toml")}
    return CliRunner().invoke(app, ["--db", str(tmp_path / "n.db"), *args], env=env)


@pytest.mark.parametrize("command", ["add", "extract"])
@pytest.mark.parametrize("target, message", [
    ("http://[::1/", "malformed URL"),
    ("http://[127.0.0.1]/", "malformed URL"),
    ("http://", "URL has no host"),
    ("", "empty target"),
])
def test_cli_bad_target_is_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               command: str, target: str, message: str) -> None:
    monkeypatch.chdir(tmp_path)  # "" must not mean "this folder"
    (tmp_path / "stray.html").write_text("<html><body><p>not to be ingested</p></body></html>")
    done = _cli(tmp_path, command, target, "--no-analyze" if command == "add" else "--json")
    assert done.exit_code == 2, done.output
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    assert message in done.output
    if command == "add":
        assert json.loads(_cli(tmp_path, "ls", "--json").stdout) == []


def test_cli_bad_url_target_gives_no_traceback(tmp_path: Path) -> None:
    for command in ("add", "extract"):
        done = _newsdesk(tmp_path, command, "http://[::1/")
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and "malformed URL" in done.stderr


def test_cli_adds_a_file_url_like_a_path(tmp_path: Path) -> None:
    body = " ".join(["The council met on Tuesday to vote on the budget for the coming year."] * 6)
    page = tmp_path / "budget vote.html"
    page.write_text(f"<html><head><title>Budget vote</title></head><body><article><h1>Budget vote</h1>"
                    f"<p>{body}</p></article></body></html>", encoding="utf-8")
    done = _cli(tmp_path, "add", page.as_uri(), "--no-analyze")
    assert done.exit_code == 0, done.output
    stored = json.loads(_cli(tmp_path, "ls", "--json").stdout)
    assert [a["title"] for a in stored] == ["Budget vote"]
    done = _cli(tmp_path, "extract", page.as_uri(), "--json")
    assert done.exit_code == 0 and json.loads(done.stdout)["title"] == "Budget vote", done.output

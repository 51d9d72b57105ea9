"""Sitemaps (urlset, index, Google News, gzip) and OPML (nested read, export round trip), parsed safely."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.collect.opml import export_opml, parse_opml
from newsdesk.collect.sitemaps import looks_like_sitemap, parse_sitemap
from newsdesk.errors import FeedError
from newsdesk.models import Feed

DATA = Path(__file__).parent / "testdata" / "collect"
XXE = """<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY secret SYSTEM "{uri}">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.example.test/&secret;</loc></url>
<url><loc>https://x.example.test/plain</loc></url></urlset>
"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE opml [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<opml version="2.0"><body><outline text="&e;" xmlUrl="https://x.example.test/feed"/></body></opml>
"""


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


# -- sitemaps ----------------------------------------------------------------------------------
def test_urlset() -> None:
    sitemap = parse_sitemap(read("sitemap.xml"), "https://courier.example.test/sitemap.xml")
    assert sitemap.sitemaps == []
    assert [p.url for p in sitemap.pages] == ["https://courier.example.test/2026/03/ferry-timetable",
                                              "https://courier.example.test/about"]
    assert sitemap.pages[0].lastmod == datetime(2026, 3, 3, 8, 30, tzinfo=UTC)
    assert sitemap.pages[1].lastmod == datetime(2025, 12, 1, tzinfo=UTC)
    assert sitemap.pages[0].title == "" and sitemap.pages[0].published is None


def test_google_news_sitemap() -> None:
    (page,) = parse_sitemap(read("news_sitemap.xml"), "https://ledger.example.test/news.xml").pages
    assert page.url == "https://ledger.example.test/budget-forecast"
    assert page.title == "Budget office revises growth forecast"
    assert page.published == datetime(2026, 3, 4, 9, 15, tzinfo=UTC)


def test_sitemap_index_lists_children_once_and_absolute() -> None:
    index = parse_sitemap(read("sitemap_index.xml"), "https://courier.example.test/sitemap_index.xml")
    assert index.pages == []
    assert index.sitemaps == ["https://courier.example.test/sitemap-2026-03.xml",
                              "https://courier.example.test/sitemap-2026-02.xml.gz"]


def test_gzipped_sitemap() -> None:
    content = gzip.compress(read("news_sitemap.xml"))
    assert looks_like_sitemap(content)
    assert parse_sitemap(content, "https://ledger.example.test/news.xml.gz").pages[0].title.startswith("Budget")


def test_gzip_bomb_sitemap_is_refused() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * 60_000_000 + b"</urlset>")
    with pytest.raises(FeedError, match="expands past"):
        parse_sitemap(bomb, "https://x.example.test/bomb.xml.gz")


def test_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRETTOKEN")
    content = XXE.format(uri=secret.as_uri()).encode()
    try:
        sitemap = parse_sitemap(content, "https://x.example.test/sitemap.xml")
    except FeedError:
        return  # refusing the document outright is fine too
    assert sitemap.pages[-1].url == "https://x.example.test/plain"
    assert all("TOPSECRETTOKEN" not in page.url for page in sitemap.pages)


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"<urlset><url><loc>https://x", "not well-formed"),
    (b"<html><body>hi</body></html>", "not a sitemap"),
    (b"\x1f\x8b\x08\x00garbage", "corrupt gzip"),
])
def test_bad_sitemaps(content: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message) as info:
        parse_sitemap(content, "https://x.example.test/sitemap.xml")
    assert info.value.source == "https://x.example.test/sitemap.xml"


def test_looks_like_sitemap() -> None:
    assert looks_like_sitemap(read("sitemap.xml"))
    assert looks_like_sitemap(read("sitemap_index.xml"))
    assert not looks_like_sitemap(read("rss20.xml"))
    assert not looks_like_sitemap(b"<html></html>")
    assert not looks_like_sitemap(b"\x1f\x8bnot really gzip")


# -- OPML --------------------------------------------------------------------------------------
def test_parse_nested_opml() -> None:
    feeds = parse_opml(read("subscriptions.opml"), "subscriptions.opml")
    assert [(f.url, f.title, f.site_url) for f in feeds] == [
        ("https://courier.example.test/rss.xml", "The Lakeside Courier", "https://courier.example.test/"),
        ("http://gazette.example.test/rss", "Valley Gazette Brief", ""),
        ("https://ledger.example.test/atom.xml", "Policy Ledger", ""),
    ]


def test_opml_entity_expansion_is_refused() -> None:
    try:
        feeds = parse_opml(LAUGHS, "laughs.opml")
    except FeedError:
        return  # refusing the document outright is fine too
    assert all(len(f.title) < 10_000 for f in feeds)


@pytest.mark.parametrize("content", [b"", b"<rss version='2.0'/>", b"<opml><body><outline"])
def test_bad_opml(content: bytes) -> None:
    with pytest.raises(FeedError) as info:
        parse_opml(content, "list.opml")
    assert "list.opml" in str(info.value)


def test_export_round_trip() -> None:
    feeds = [
        Feed(id=1, url="https://courier.example.test/rss.xml", title="The Lakeside Courier & Friends",
             site_url="https://courier.example.test/"),
        Feed(id=2, url="https://ledger.example.test/sitemap.xml", kind="sitemap"),
    ]
    text = export_opml(feeds, title="My desk")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert "<title>My desk</title>" in text
    back = parse_opml(text.encode(), "export.opml")
    assert [(f.url, f.title, f.site_url) for f in back] == [
        ("https://courier.example.test/rss.xml", "The Lakeside Courier & Friends", "https://courier.example.test/"),
        ("https://ledger.example.test/sitemap.xml", "https://ledger.example.test/sitemap.xml", ""),
    ]

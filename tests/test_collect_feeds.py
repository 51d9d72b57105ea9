"""Feed parsing (RSS 0.91/1.0/2.0, Atom, JSON Feed), broken input, sniffing and autodiscovery."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.collect.feeds import discover_feed_links, looks_like_feed, parse_feed
from newsdesk.errors import FeedError

DATA = Path(__file__).parent / "testdata" / "collect"


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def test_rss20() -> None:
    feed = parse_feed(read("rss20.xml"), "https://courier.example.test/rss.xml")
    assert feed.title == "The Lakeside Courier"
    assert feed.site_url == "https://courier.example.test/"
    assert len(feed.entries) == 2  # the item with no link is skipped
    first, second = feed.entries
    assert first.url == "https://courier.example.test/2026/03/ferry-timetable"
    assert first.title == "Harbour council approves new ferry timetable"
    assert first.published == datetime(2026, 3, 3, 8, 30, tzinfo=UTC)
    assert first.author == "Mira Okonkwo-Lund"
    assert "7 to 2" in first.summary
    assert "<b>7 to 2</b>" in first.content_html
    assert second.url == "https://courier.example.test/2026/03/reading-room"  # relative link resolved
    assert second.title == "Library extends & renovates reading room"
    assert second.published == datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


def test_rss091() -> None:
    feed = parse_feed(read("rss091.xml"), "http://gazette.example.test/rss")
    assert feed.title == "Valley Gazette Brief"
    assert [e.title for e in feed.entries] == ["Café on Mill Street reopens"]
    assert feed.entries[0].published is None


def test_rss10_rdf() -> None:
    feed = parse_feed(read("rss10.rdf"), "http://observer.example.test/rss")
    assert feed.title == "Northern Observer"
    (entry,) = feed.entries
    assert entry.url == "http://observer.example.test/tram-line"
    assert entry.published == datetime(2026, 2, 27, 14, 5, tzinfo=UTC)
    assert entry.author == "Inez Caldwell"


def test_atom() -> None:
    feed = parse_feed(read("atom.xml"), "https://ledger.example.test/atom.xml")
    assert (feed.title, feed.site_url) == ("Policy Ledger", "https://ledger.example.test/")
    first, second = feed.entries
    assert first.url == "https://ledger.example.test/budget-forecast"
    assert first.published == datetime(2026, 3, 4, 9, 15, tzinfo=UTC)
    assert first.author == "Samir Haddad"
    assert "<strong>1.2 percent</strong>" in first.content_html
    assert "<script" not in first.content_html  # feedparser sanitizes
    assert second.published == datetime(2026, 3, 1, 8, 0, tzinfo=UTC)  # falls back to <updated>


def test_json_feed() -> None:
    feed = parse_feed(read("feed.json"), "https://review.example.test/feed.json")
    assert (feed.title, feed.site_url) == ("Coastal Review", "https://review.example.test/")
    assert [e.url for e in feed.entries] == ["https://review.example.test/dunes",
                                             "https://review.example.test/pier"]
    dunes, pier = feed.entries
    assert dunes.published == datetime(2026, 3, 1, 15, 0, tzinfo=UTC)
    assert dunes.author == "Leah Brandt" and dunes.content_html == "<p>Two hundred volunteers came.</p>"
    assert pier.published == datetime(2026, 2, 28, tzinfo=UTC)
    assert pier.author == "Ola Nwosu"
    assert pier.content_html == "<p>Inspectors were satisfied.</p><p>The pier stays open.</p>"


def test_truncated_xml_keeps_what_was_recovered() -> None:
    feed = parse_feed(read("truncated.xml"), "https://cut.example.test/rss")
    assert feed.entries[0].url == "https://cut.example.test/first"
    assert feed.entries[0].title == "First complete story"


def test_truncated_before_any_entry_is_an_error() -> None:
    content = read("rss20.xml")
    cut = content[: content.index(b"<item>")]
    with pytest.raises(FeedError, match="no readable entries"):
        parse_feed(cut, "https://courier.example.test/rss.xml")


def test_empty_but_valid_feed_has_no_entries() -> None:
    content = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    feed = parse_feed(content, "https://quiet.example.test/rss")
    assert feed.title == "Quiet" and feed.entries == []


def test_html_page_is_not_a_feed() -> None:
    with pytest.raises(FeedError, match="not a feed: looks like an HTML page") as info:
        parse_feed(read("page_with_feeds.html"), "https://courier.example.test/")
    assert info.value.source == "https://courier.example.test/"


@pytest.mark.parametrize("content", [b"", b"   ", b"\x00\x01 binary junk", b"{not json", b'{"title": "x"}'])
def test_garbage_is_a_feed_error(content: bytes) -> None:
    with pytest.raises(FeedError):
        parse_feed(content, "https://junk.example.test/feed")


@pytest.mark.parametrize("name, content_type, expected", [
    ("rss20.xml", "application/rss+xml", True),
    ("rss20.xml", "text/xml", True),
    ("rss20.xml", "", True),
    ("rss10.rdf", "application/xml", True),
    ("atom.xml", "text/plain", True),
    ("feed.json", "application/json", True),
    ("feed.json", "application/feed+json", True),
    ("page_with_feeds.html", "text/html", False),
    ("page_with_feeds.html", "", False),
])
def test_looks_like_feed(name: str, content_type: str, expected: bool) -> None:
    assert looks_like_feed(read(name), content_type) is expected


def test_looks_like_feed_rejects_other_json_and_xml() -> None:
    assert not looks_like_feed(b'{"users": []}', "application/json")
    assert not looks_like_feed(b'<?xml version="1.0"?><urlset></urlset>', "application/xml")


def test_discover_feed_links() -> None:
    links = discover_feed_links(read("page_with_feeds.html"), "https://courier.example.test/section/")
    assert links == [
        "https://courier.example.test/feeds/all.rss",
        "https://courier.example.test/feeds/politics.atom",
        "https://courier.example.test/section/feeds/all.json",
    ]


def test_discover_respects_base_href_and_accepts_text() -> None:
    page = ('<html><head><base href="https://cdn.example.test/site/">'
            '<link rel="alternate" type="application/atom+xml" href="atom.xml"></head><body></body></html>')
    assert discover_feed_links(page, "https://www.example.test/") == ["https://cdn.example.test/site/atom.xml"]


def test_discover_on_a_page_without_links() -> None:
    assert discover_feed_links(b"<html><body><p>nothing</p></body></html>", "https://x.example.test/") == []
    assert discover_feed_links(b"", "https://x.example.test/") == []


def test_a_body_that_is_a_local_path_is_not_opened(tmp_path: Path) -> None:
    local = tmp_path / "local-feed.xml"
    local.write_bytes(read("rss20.xml"))
    with pytest.raises(FeedError):
        parse_feed(str(local).encode(), "https://evil.example.test/feed")


def test_external_entities_in_feeds_are_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRETTOKEN")
    content = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY s SYSTEM "{secret.as_uri()}">]>'
               '<rss version="2.0"><channel><title>&s;</title><item><title>&s;</title>'
               '<link>https://x.example.test/a</link><description>&s;</description></item></channel></rss>')
    try:
        feed = parse_feed(content.encode(), "https://x.example.test/feed")
    except FeedError:
        return
    assert "TOPSECRETTOKEN" not in repr(feed)

"""Hostile XML through the feed, OPML and sitemap parsers: bounded time, a FeedError or the good part."""

from __future__ import annotations

import time

import pytest

from newsdesk.collect.feeds import parse_feed
from newsdesk.collect.opml import parse_opml
from newsdesk.collect.safexml import MAX_ELEMENTS, well_formed_xml
from newsdesk.collect.sitemaps import parse_sitemap
from newsdesk.errors import FeedError

FEED_URL = "https://feeds.example.test/feed.xml"
#: an attribute quote left open: feedparser's own fallback parser took minutes on 40 KB of it
OPEN_ATTRIBUTE = (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><title>x</title>'
                  b'\x9b< a="')
BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10)) + b"]>")


def _timed(call, *args):  # type: ignore[no-untyped-def]
    started = time.monotonic()
    try:
        result = call(*args)
    except FeedError as exc:
        result = exc
    return result, time.monotonic() - started


def test_feed_with_an_open_attribute_quote_parses_in_bounded_time() -> None:
    result, seconds = _timed(parse_feed, OPEN_ATTRIBUTE + b"A" * 40_000, FEED_URL)
    assert isinstance(result, FeedError) and result.source == FEED_URL
    assert seconds < 5, f"{seconds:.1f} s"


def test_entry_html_with_an_open_attribute_quote_parses_in_bounded_time() -> None:
    feed = (b'<rss version="2.0"><channel><title>T</title><item><title>x</title>'
            b'<link>https://news.example.test/x</link><description>&lt;p&gt;x&lt; a="' + b"A" * 40_000
            + b"</description></item></channel></rss>")
    result, seconds = _timed(parse_feed, feed, FEED_URL)
    assert not isinstance(result, FeedError) and [e.url for e in result.entries] == ["https://news.example.test/x"]
    assert seconds < 5, f"{seconds:.1f} s"


def test_megabytes_of_broken_markup_are_cut_at_the_element_limit() -> None:
    junk = b'<rss version="2.0"><channel><title>T</title>' + b'<a b="' * 400_000
    result, seconds = _timed(parse_feed, junk, FEED_URL)
    assert isinstance(result, FeedError)
    assert seconds < 30, f"{seconds:.1f} s"
    assert len(well_formed_xml(junk).content) < len(junk)


def test_a_broken_feed_keeps_its_entries_entities_and_ampersands() -> None:
    feed = (b'<rss version="2.0"><channel><title>Caf&eacute; &amp; Co</title>'
            b'<item><title>Rates&nbsp;rise &mdash; again &amp; again &bogus; here</title>'
            b"<link>https://news.example.test/a?x=1&amp;y=2</link></item>"
            b"<item><title>Second</title><link>https://news.example.test/b?x=1&y=2</link></item>"
            b'<item><title>Broken <b a="x></title></item></channel>')
    parsed = parse_feed(feed, FEED_URL)
    assert parsed.title == "Café & Co"
    assert [(e.title, e.url) for e in parsed.entries[:2]] == [
        ("Rates rise — again & again &bogus; here", "https://news.example.test/a?x=1&y=2"),
        ("Second", "https://news.example.test/b?x=1&y=2"),
    ]


def test_a_feed_past_the_element_limit_keeps_its_first_entries() -> None:
    items = b"".join(b"<item><title>%d</title><link>https://news.example.test/%d</link></item>" % (i, i)
                     for i in range(MAX_ELEMENTS))
    parsed = parse_feed(b'<rss version="2.0"><channel><title>T</title>' + items + b"</channel></rss>", FEED_URL)
    assert 0 < len(parsed.entries) < MAX_ELEMENTS // 3 + 1
    assert parsed.entries[0].url == "https://news.example.test/0"
    assert [int(e.title) for e in parsed.entries] == list(range(len(parsed.entries)))


def test_entry_html_is_cleaned_of_scripts() -> None:
    feed = (b'<rss version="2.0"><channel><item><link>https://news.example.test/a</link><description>'
            b"&lt;p onclick=&quot;x()&quot;&gt;Hi&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</description>"
            b"</item></channel></rss>")
    entry = parse_feed(feed, FEED_URL).entries[0]
    assert entry.summary == "<p>Hi</p>"


DEEP = 100_000


@pytest.mark.parametrize("parse, document", [
    (lambda c: parse_feed(c, FEED_URL),
     b'<rss version="2.0"><channel>' + b"<a>" * DEEP + b"</a>" * DEEP + b"</channel></rss>"),
    (lambda c: parse_feed(c, FEED_URL),
     BILLION_LAUGHS + b'<rss version="2.0"><channel><item><title>&lol9;</title></item></channel></rss>'),
    (lambda c: parse_opml(c, "subs.opml"), b"<opml><body>" + b"<outline>" * DEEP + b"</outline>" * DEEP),
    (lambda c: parse_opml(c, "subs.opml"),
     BILLION_LAUGHS + b'<opml><body><outline xmlUrl="https://x.example.test/&lol9;"/></body></opml>'),
    (lambda c: parse_sitemap(c, FEED_URL), b"<urlset>" + b"<url>" * DEEP + b"</url>" * DEEP + b"</urlset>"),
    (lambda c: parse_sitemap(c, FEED_URL),
     BILLION_LAUGHS + b"<urlset><url><loc>https://x.example.test/&lol9;</loc></url></urlset>"),
], ids=["feed-deep", "feed-entities", "opml-deep", "opml-entities", "sitemap-deep", "sitemap-entities"])
def test_deep_nesting_and_entity_bombs_are_refused_quickly(parse, document) -> None:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    try:
        result = parse(document)
    except FeedError:
        result = None
    assert time.monotonic() - started < 5
    text = repr(result)
    assert "lollol" not in text

"""Feeds: RSS 0.9x/1.0/2.0 and Atom (through feedparser), JSON Feed (parsed here), and autodiscovery.

:func:`parse_feed` never fetches anything: it reads bytes. Relative entry links are resolved against
the feed's URL; an entry whose link is not a usable http(s) URL is skipped. feedparser only ever
sees well-formed XML: broken bytes are repaired by lxml first (:func:`safexml.well_formed_xml`,
linear time, at most :data:`safexml.MAX_ELEMENTS` elements). A broken feed is accepted when its
repair still gives entries; otherwise it is a :class:`FeedError`, and an HTML page is reported as
such ("not a feed: looks like an HTML page").
"""

from __future__ import annotations

import calendar
import html
import io
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import feedparser
import lxml.html
import nh3

from newsdesk.collect.safejson import load_json
from newsdesk.collect.safexml import well_formed_xml
from newsdesk.dates import parse_iso_datetime
from newsdesk.errors import FeedError
from newsdesk.sniff import head, looks_like_html
from newsdesk.urls import join_url, join_web_url, web_url

FEED_MEDIA_TYPES = frozenset({
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json",
    "application/x-rss+xml", "application/x-atom+xml",
})
XML_MEDIA_TYPES = frozenset({"application/xml", "text/xml"})
JSON_FEED_VERSION = re.compile(rb'"version"\s*:\s*"https?://jsonfeed\.org/version/', re.IGNORECASE)
XML_FEED_ROOT = re.compile(rb"<(?:[A-Za-z0-9_-]+:)?(rss|feed|RDF)[\s>/]")
log = logging.getLogger(__name__)
DISCOVERY_TYPES = frozenset({
    "application/rss+xml", "application/atom+xml", "application/feed+json", "application/json",
    "application/rdf+xml", "application/x-rss+xml", "application/x-atom+xml",
})


@dataclass
class FeedEntry:
    url: str
    title: str = ""
    published: datetime | None = None
    author: str = ""
    summary: str = ""
    content_html: str = ""


@dataclass
class ParsedFeed:
    title: str = ""
    site_url: str = ""
    entries: list[FeedEntry] = field(default_factory=list)
    #: the links of entries skipped because they are not usable http(s) URLs (``http://[::1``, ``javascript:``)
    unusable_links: list[str] = field(default_factory=list)


# -- sniffing ----------------------------------------------------------------------------------
def _looks_like_json_feed(content: bytes) -> bool:
    start = head(content)
    return start.startswith(b"{") and bool(JSON_FEED_VERSION.search(start) or b'"items"' in start)


def looks_like_feed(content: bytes, content_type: str) -> bool:
    """True for RSS/Atom/RDF XML or a JSON Feed, judged from the media type and the first bytes."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media in FEED_MEDIA_TYPES:
        return True
    if _looks_like_json_feed(content):
        return True
    if looks_like_html(content):
        return False
    return bool(XML_FEED_ROOT.search(head(content, 2048)))


# -- parsing -----------------------------------------------------------------------------------
def parse_feed(content: bytes, url: str) -> ParsedFeed:
    """Parse RSS, Atom or JSON Feed bytes; ``url`` is the feed's own URL (base for relative links)."""
    if not content.strip():
        raise FeedError("empty feed", source=url)
    if head(content, 2048).startswith(b"{"):
        return _parse_json_feed(content, url)
    xml = well_formed_xml(content)
    if not xml.content:
        if looks_like_html(content):
            raise FeedError("not a feed: looks like an HTML page", source=url)
        raise FeedError(f"not a feed: {xml.problem or 'no RSS, Atom or RDF root element'}", source=url)
    parsed = _feedparser(xml.content)
    unusable: list[str] = []
    entries = [e for e in (_entry(raw, url, unusable) for raw in parsed.entries) if e is not None]
    if not parsed.version and not parsed.entries:
        if looks_like_html(content):
            raise FeedError("not a feed: looks like an HTML page", source=url)
        reason = xml.problem or parsed.get("bozo_exception") or "no RSS, Atom or RDF root element"
        raise FeedError(f"not a feed: {reason}", source=url)
    if (xml.problem or parsed.bozo) and not entries and not _is_well_formed_empty(parsed):
        reason = xml.problem or parsed.get("bozo_exception")
        raise FeedError(f"broken feed with no readable entries: {reason}", source=url)
    meta = parsed.feed
    return ParsedFeed(title=_text(meta.get("title", "")),
                      site_url=_absolute(url, meta.get("link", "")), entries=entries, unusable_links=unusable)


def _feedparser(xml: bytes) -> Any:
    """feedparser on well-formed XML, without its HTML sanitiser and relative-link rewriter.

    Both run feedparser's SGML parser over every entry's HTML, which takes quadratic time on an
    attribute quote left open; entry HTML is cleaned by :func:`_safe_html` instead, and entry links
    are resolved against the feed URL by :func:`_entry_url`.
    """
    # a stream, never bytes: feedparser would open bytes that look like a file path as a local file.
    # No base URL: feedparser would resolve one against every element; links are resolved here.
    return feedparser.parse(io.BytesIO(xml), response_headers={"content-type": "application/xml"},
                            sanitize_html=False, resolve_relative_uris=False)


def _is_well_formed_empty(parsed: Any) -> bool:
    """A feed with no items whose only complaint is about encoding or media type, not structure."""
    exc = parsed.get("bozo_exception")
    return isinstance(exc, feedparser.CharacterEncodingOverride | feedparser.NonXMLContentType)


def _entry(raw: Any, feed_url: str, unusable: list[str]) -> FeedEntry | None:
    link = raw.get("link") or _alternate_link(raw) or _url_like(raw.get("id", ""))
    url = _entry_url(feed_url, link, unusable)
    if not url:
        return None
    content_html = ""
    for part in raw.get("content", []) or []:
        if part.get("value"):
            content_html = part["value"]
            if "html" in (part.get("type") or ""):
                break
    return FeedEntry(
        url=url,
        title=_text(raw.get("title", "")),
        published=_struct_to_datetime(raw.get("published_parsed") or raw.get("updated_parsed")
                                      or raw.get("created_parsed")),
        author=_text(raw.get("author", "")),
        summary=_safe_html(raw.get("summary", "") or ""),
        content_html=_safe_html(content_html),
    )


def _alternate_link(raw: Any) -> str:
    for link in raw.get("links", []) or []:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link["href"])
    return ""


def _safe_html(fragment: str) -> str:
    """Entry HTML without scripts, styles and event handlers (nh3: linear time, unlike feedparser's)."""
    return nh3.clean(fragment) if fragment else ""


def _url_like(value: str) -> str:
    return web_url(value)


def _entry_url(feed_url: str, link: str, unusable: list[str]) -> str:
    """An entry's link made absolute; '' (the entry is skipped, its link kept in ``unusable``) when it
    is not a usable web URL."""
    url = join_web_url(feed_url, link)
    if link and not url:
        log.info("feed %s: skipped an entry whose link is not a usable URL: %.200r", feed_url, link)
        unusable.append(link)
    return url


def _absolute(base: str, link: str) -> str:
    return join_url(base, link)


def _text(value: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", value or "")).strip()


def _struct_to_datetime(value: time.struct_time | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


# -- JSON Feed ---------------------------------------------------------------------------------
def _parse_json_feed(content: bytes, url: str) -> ParsedFeed:
    try:
        data = load_json(content, url)
    except FeedError as exc:
        raise FeedError(f"not a JSON Feed: {exc.message}", source=url) from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise FeedError("not a JSON Feed: no 'items' list", source=url)
    unusable: list[str] = []
    entries = [e for e in (_json_entry(item, url, unusable) for item in data["items"]) if e is not None]
    return ParsedFeed(title=_text(str(data.get("title") or "")),
                      site_url=_absolute(url, str(data.get("home_page_url") or "")), entries=entries,
                      unusable_links=unusable)


def _json_entry(item: Any, feed_url: str, unusable: list[str]) -> FeedEntry | None:
    if not isinstance(item, dict):
        return None
    link = item.get("url") or item.get("external_url") or _url_like(str(item.get("id") or ""))
    url = _entry_url(feed_url, link, unusable) if isinstance(link, str) else ""
    if not url:
        return None
    content_html = item.get("content_html") or ""
    if not content_html and item.get("content_text"):
        content_html = "".join(f"<p>{html.escape(p)}</p>" for p in str(item["content_text"]).split("\n\n"))
    return FeedEntry(
        url=url,
        title=_text(str(item.get("title") or "")),
        published=parse_iso_datetime(item.get("date_published") or item.get("date_modified")),
        author=_json_author(item),
        summary=_safe_html(str(item.get("summary") or "")),
        content_html=_safe_html(str(content_html)),
    )


def _json_author(item: dict[str, Any]) -> str:
    authors = item.get("authors")
    if isinstance(authors, list):
        names = [str(a.get("name")) for a in authors if isinstance(a, dict) and a.get("name")]
        if names:
            return ", ".join(names)
    author = item.get("author")
    if isinstance(author, dict) and author.get("name"):
        return str(author["name"])
    return ""


# -- autodiscovery -----------------------------------------------------------------------------
def discover_feed_links(page: bytes | str, base_url: str) -> list[str]:
    """Absolute URLs of ``<link rel="alternate" type="…rss/atom/json…">`` in an HTML page, in order."""
    if isinstance(page, bytes | str) and not page.strip():
        return []
    try:
        root = lxml.html.fromstring(page)
    except (ValueError, lxml.etree.ParserError):
        return []
    base = base_url
    for base_el in root.iter("base"):
        if base_el.get("href"):
            base = join_url(base_url, base_el.get("href", "")) or base_url
            break
    found: list[str] = []
    for link in root.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";", 1)[0].strip().lower()
        href = (link.get("href") or "").strip()
        if "alternate" in rels and kind in DISCOVERY_TYPES and href:
            absolute = join_web_url(base, href)
            if absolute and absolute not in found:
                found.append(absolute)
    return found

"""OPML subscription lists: read (nested outlines, safe parser) and write."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from lxml import etree

from newsdesk.collect.safexml import local_name, parse_xml
from newsdesk.errors import FeedError
from newsdesk.models import Feed
from newsdesk.urls import is_web_url, join_web_url, web_url


@dataclass
class OutlineFeed:
    url: str
    title: str = ""
    site_url: str = ""


def _attr(element: etree._Element, name: str) -> str:
    """Attribute by name, case-insensitively (``xmlUrl`` is spelled ``xmlurl`` by some exporters)."""
    wanted = name.lower()
    for key, value in element.attrib.items():
        if str(key).lower() == wanted:
            return str(value).strip()
    return ""


def parse_opml(content: bytes, source: str, unusable: list[str] | None = None) -> list[OutlineFeed]:
    """Every outline with an ``xmlUrl``, at any depth, once each, in document order; an ``xmlUrl`` that
    is not a usable http(s) URL is skipped (and appended to ``unusable`` when given)."""
    root = parse_xml(content, source)
    if local_name(root).lower() != "opml":
        raise FeedError(f"not an OPML file: root element is <{local_name(root) or '?'}>", source=source)
    feeds: dict[str, OutlineFeed] = {}
    for outline in root.iter():
        if local_name(outline).lower() != "outline":
            continue
        url = _attr(outline, "xmlUrl")
        if not url:
            continue
        raw, url = url, join_web_url(source, url) if is_web_url(source) else web_url(url)
        if not url:  # not an http(s) URL, or one that does not parse
            if unusable is not None:
                unusable.append(raw)
            continue
        if url not in feeds:
            feeds[url] = OutlineFeed(url=url, title=_attr(outline, "title") or _attr(outline, "text"),
                                     site_url=web_url(_attr(outline, "htmlUrl")))
    return list(feeds.values())


def export_opml(feeds: Sequence[Feed], title: str = "newsdesk subscriptions") -> str:
    """An OPML 2.0 document listing ``feeds`` (sitemaps are listed with ``type="sitemap"``)."""
    opml = etree.Element("opml", version="2.0")
    head = etree.SubElement(opml, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC), usegmt=True)
    body = etree.SubElement(opml, "body")
    for feed in feeds:
        label = feed.title or feed.url
        outline = etree.SubElement(body, "outline", type="rss" if feed.kind == "feed" else feed.kind,
                                   text=label, title=label, xmlUrl=feed.url)
        if feed.site_url:
            outline.set("htmlUrl", feed.site_url)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(opml, encoding="unicode",
                                                                       pretty_print=True)

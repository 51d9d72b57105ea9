"""XML sitemaps: ``urlset`` (with Google News extensions), ``sitemapindex``, gzipped or not.

Parsed with the safe lxml parser of :mod:`newsdesk.collect.safexml` (no entities, no network).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

from newsdesk.collect.safexml import child_text, local_name, parse_xml
from newsdesk.dates import parse_iso_datetime
from newsdesk.errors import FeedError
from newsdesk.sniff import sniffable_head
from newsdesk.urls import join_web_url

SITEMAP_ROOT = re.compile(rb"<(?:[A-Za-z0-9_-]+:)?(urlset|sitemapindex)[\s>]")


@dataclass
class SitemapPage:
    url: str
    lastmod: datetime | None = None
    title: str = ""
    published: datetime | None = None


@dataclass
class ParsedSitemap:
    pages: list[SitemapPage] = field(default_factory=list)
    #: child sitemaps listed by a sitemap index
    sitemaps: list[str] = field(default_factory=list)
    #: ``<loc>`` values skipped because they are not usable http(s) URLs (``http://[::1``, ``javascript:``)
    unusable_locs: list[str] = field(default_factory=list)


def looks_like_sitemap(content: bytes) -> bool:
    """True for a ``urlset``/``sitemapindex`` document, gzipped or not."""
    return bool(SITEMAP_ROOT.search(sniffable_head(content)))


def parse_sitemap(content: bytes, url: str) -> ParsedSitemap:
    """Pages (``<url>``) and child sitemaps (``<sitemap>``) of a sitemap; relative locs use ``url``."""
    root = parse_xml(content, url)
    kind = local_name(root)
    unusable: list[str] = []
    if kind == "urlset":
        pages = [page for el in root if local_name(el) == "url" and (page := _page(el, url, unusable)) is not None]
        return ParsedSitemap(pages=pages, unusable_locs=unusable)
    if kind == "sitemapindex":
        locs = [_loc(url, child_text(el, "loc"), unusable) for el in root if local_name(el) == "sitemap"]
        return ParsedSitemap(sitemaps=_unique(loc for loc in locs if loc), unusable_locs=unusable)
    raise FeedError(f"not a sitemap: root element is <{kind or '?'}>", source=url)


def _loc(base: str, loc: str, unusable: list[str]) -> str:
    """``loc`` made absolute; '' when it is missing, or not a usable web URL (then kept in ``unusable``)."""
    url = join_web_url(base, loc)
    if loc and not url:
        unusable.append(loc)
    return url


def _page(element: etree._Element, base: str, unusable: list[str]) -> SitemapPage | None:
    """One ``<url>`` entry; None when its ``<loc>`` is missing or not a usable web URL."""
    url = _loc(base, child_text(element, "loc"), unusable)
    if not url:
        return None
    return SitemapPage(
        url=url,
        lastmod=parse_iso_datetime(child_text(element, "lastmod")),
        title=child_text(element, "news", "title"),
        published=parse_iso_datetime(child_text(element, "news", "publication_date")),
    )


def _unique(urls: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(urls))

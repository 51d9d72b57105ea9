"""Metadata of a page: title, author, published date, outlet, canonical URL, excerpt.

HTML pages go through trafilatura's metadata readers (OpenGraph and ``<meta>`` tags, JSON-LD,
``<title>``/``<h1>``, byline patterns) and htmldate for the date, skipping the parts newsdesk does
not use (categories, tags, licence). Feed hints fill what the page does not say; the outlet falls
back to a readable name made from the domain.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml.html import HtmlElement

from newsdesk.dates import parse_datetime
from newsdesk.models import ExtractedArticle
from newsdesk.urls import host_of, join_web_url, web_url

EXCERPT_CHARS = 300
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]?(?=\s|$)")
_TWO_LEVEL_SUFFIXES = {"co", "com", "org", "net", "ac", "gov", "edu", "or", "ne", "go", "gv", "nic"}
_IGNORED_LABELS = {"www", "www1", "www2", "m", "mobile", "amp", "news", "en", "edition"}
_DATE_XPATH = (
    './/head/meta[@property="article:published_time" or @property="og:published_time" '
    'or @itemprop="datePublished" or @name="article:published_time" or @name="pubdate" '
    'or @name="publishdate" or @name="publish-date" or @name="date" or @name="dc.date" '
    'or @name="DC.date" or @name="dcterms.created" or @name="DC.date.issued" '
    'or @name="parsely-pub-date" or @name="sailthru.date" or @name="citation_publication_date"]/@content'
    ' | .//time[@itemprop="datePublished"]/@datetime'
)
_BYLINE_XPATH = (
    './/*[@rel="author"] | .//*[@itemprop="author"] | .//*[contains(@class, "byline") '
    'or contains(@class, "author-name") or contains(@class, "article-author")]'
)
_BY_PREFIX = re.compile(r"^(written |posted )?by:?\s+", re.IGNORECASE)
_JSONLD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{8,40})"')


@dataclass
class PageMetadata:
    title: str = ""
    author: str = ""
    published: datetime | None = None
    site_name: str = ""
    other_site_name: str = ""
    canonical_url: str = ""
    description: str = ""


def outlet_from_domain(url: str) -> str:
    """A readable outlet name from a URL's host: ``https://www.daily-planet.co.uk/x`` → ``Daily Planet``."""
    host = host_of(url)
    if not host or host.replace(".", "").isdigit() or host == "localhost":
        return host
    labels = [label for label in host.split(".") if label]
    if len(labels) >= 3 and labels[-2] in _TWO_LEVEL_SUFFIXES and len(labels[-1]) == 2:
        labels = labels[:-2]
    elif len(labels) >= 2:
        labels = labels[:-1]
    labels = [label for label in labels if label not in _IGNORED_LABELS] or labels
    name = labels[-1] if labels else host
    return " ".join(part.capitalize() for part in re.split(r"[-_]", name) if part)


def _http_url(candidate: str | None, base: str) -> str:
    return join_web_url(base, candidate or "")


def canonical_url(tree: HtmlElement, url: str) -> str:
    """``<link rel=canonical>``, then ``og:url``, resolved against ``url``; else ``url`` if it is a web URL."""
    for href in tree.xpath('.//link[@rel="canonical" or @rel="Canonical"]/@href'):
        resolved = _http_url(str(href), url)
        if resolved:
            return resolved
    for content in tree.xpath('.//meta[@property="og:url"]/@content'):
        resolved = _http_url(str(content), url)
        if resolved:
            return resolved
    return web_url(url)


def _first_str(values: list[Any]) -> str:
    for value in values:
        text = " ".join(str(value).split())
        if text:
            return text
    return ""


def published_date(tree: HtmlElement, url: str) -> datetime | None:
    """Publication time from meta tags / JSON-LD, else htmldate's quick search."""
    for value in tree.xpath(_DATE_XPATH):
        parsed = parse_datetime(str(value))
        if parsed:
            return parsed
    for script in tree.xpath('.//script[@type="application/ld+json"]/text()'):
        match = _JSONLD_DATE.search(str(script))
        if match and (parsed := parse_datetime(match.group(1))):
            return parsed
    from htmldate import find_date

    found = find_date(tree, extensive_search=False, original_date=True, url=url or None)
    return parse_datetime(found) if found else None


def clean_author(author: str) -> str:
    """An author without a "By:" prefix or stray separators."""
    return _BY_PREFIX.sub("", " ".join(author.split())).strip(" ,|·-")


def strip_outlet_suffix(title: str, outlet: str) -> str:
    """``"Headline | Outlet"`` or ``"Outlet | Headline"`` → ``"Headline"`` (also " - ", " – ", ": "…)."""
    if not outlet:
        return title
    folded, name = title.casefold(), outlet.casefold()
    for sep in (" | ", " - ", " – ", " — ", " :: ", " · ", ": "):
        cut = len(outlet) + len(sep)
        if len(title) <= cut + 3:
            continue
        if folded.endswith(f"{sep}{name}".casefold()):
            return title[:-cut].rstrip()
        if folded.startswith(f"{name}{sep}".casefold()):
            return title[cut:].lstrip()
    return title


def byline(tree: HtmlElement) -> str:
    """An author name from the page's byline markup (rel/itemprop author, "byline" classes)."""
    for element in tree.xpath(_BYLINE_XPATH)[:4]:
        name = _BY_PREFIX.sub("", " ".join(element.text_content().split())).strip(" ,|·-")
        if 3 <= len(name) <= 80 and 2 <= len(name.split()) <= 8 and not any(ch.isdigit() for ch in name):
            return name
    return ""


def page_metadata(tree: HtmlElement, url: str) -> PageMetadata:
    """Everything newsdesk reads from a page's head and byline (the tree is not modified)."""
    from trafilatura.metadata import (
        examine_meta,
        extract_meta_json,
        extract_sitename,
        extract_title,
    )

    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None
    # trafilatura's JSON-LD reader trips over odd markup; the meta tags still count
    with contextlib.suppress(Exception):
        meta = extract_meta_json(tree, meta)
    title = meta.title or extract_title(tree) or ""
    author = meta.author or byline(tree)
    return PageMetadata(
        title=" ".join(title.split()),
        author=" ".join(author.split()),
        published=published_date(tree, url),
        site_name=_first_str(tree.xpath('.//meta[@property="og:site_name"]/@content')).lstrip("@"),
        other_site_name=(meta.sitename or extract_sitename(tree) or "").lstrip("@"),
        canonical_url=canonical_url(tree, url),
        description=" ".join((meta.description or "").split()),
    )


def make_excerpt(text: str, description: str = "", limit: int = EXCERPT_CHARS) -> str:
    """The first ~``limit`` characters of ``text`` cut at a sentence end; else the description."""
    flat = " ".join(text.split())
    if not flat:
        return description[: limit * 2]
    if len(flat) <= limit:
        return flat
    ends = [m.end() for m in _SENTENCE_END.finditer(flat, 0, limit + limit // 3)]
    good = [end for end in ends if limit // 3 <= end]
    if good:
        before = [end for end in good if end <= limit]
        return flat[: (before[-1] if before else good[0])].strip()
    if description:
        return description[: limit * 2]
    cut = flat.rfind(" ", 0, limit)
    return flat[: cut if cut > 0 else limit].rstrip(",;:") + "…"


def apply_hints(article: ExtractedArticle, hints: dict[str, Any]) -> ExtractedArticle:
    """Fill title/author/published/outlet the document did not give from feed or record hints."""
    if not article.title and hints.get("title"):
        article.title = " ".join(str(hints["title"]).split())
    if not article.author and hints.get("author"):
        article.author = " ".join(str(hints["author"]).split())
    if article.published is None and hints.get("published"):
        article.published = parse_datetime(hints["published"])
    if not article.outlet and hints.get("outlet"):
        article.outlet = " ".join(str(hints["outlet"]).split())
    return article

"""Everything untrusted reaches a page through here or through Jinja autoescape.

Article and feed content is written by strangers. Plain text (titles, authors, outlet and feed
names, article bodies) is escaped by Jinja; the few places that need markup (search snippets
with ``<mark>``, feed descriptions) go through an nh3 allow-list; links to the outside go
through :func:`safe_url`, which lets only http(s) through so ``javascript:`` never becomes a link.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import nh3
from markupsafe import Markup

#: tags allowed in rich content (feed descriptions); no style, no script, no media
RICH_TAGS = {"p", "a", "em", "strong", "b", "i", "ul", "ol", "li", "blockquote", "br", "code", "pre",
             "h2", "h3", "h4", "mark", "q", "cite", "abbr", "sub", "sup"}
RICH_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
URL_SCHEMES = {"http", "https", "mailto"}
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n+")


def clean_html(html: str) -> Markup:
    """Rich HTML reduced to an allow-list of tags and attributes; links get rel=noopener."""
    return Markup(nh3.clean(html or "", tags=RICH_TAGS, attributes=RICH_ATTRIBUTES, url_schemes=URL_SCHEMES,
                            link_rel="nofollow noopener noreferrer", strip_comments=True))


def snippet_html(snippet: str) -> Markup:
    """A search snippet: ``<mark>`` survives, every other tag and attribute is dropped."""
    return Markup(nh3.clean(snippet or "", tags={"mark"}, attributes={}, strip_comments=True))


def snippet_text(snippet: str) -> str:
    """A search snippet as plain text (the ``<mark>`` tags dropped, entities decoded), for feeds."""
    return html.unescape(nh3.clean(snippet or "", tags=set(), attributes={}, strip_comments=True))


def safe_url(url: str | None) -> str:
    """``url`` if it is an absolute http(s) URL, else an empty string (render no link)."""
    text = (url or "").strip()
    if any(ord(ch) < 32 for ch in text):
        return ""
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return ""
    return text


def paragraphs(text: str) -> list[str]:
    """Plain article text split into paragraphs (blank-line separated; single newlines too
    when the text has no blank lines). Each is still plain text, escaped by the template."""
    body = (text or "").replace("\r\n", "\n").strip()
    if not body:
        return []
    parts = _PARAGRAPH_BREAK.split(body) if _PARAGRAPH_BREAK.search(body) else body.split("\n")
    return [" ".join(p.split()) for p in parts if p.strip()]


def shorten(text: str, limit: int = 240) -> str:
    """Plain text cut at a word boundary near ``limit`` characters, with an ellipsis."""
    flat = " ".join((text or "").split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:") + "…"

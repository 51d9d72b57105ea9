"""Pre-extracted article records, one JSON object per line.

Each line ``{"url", "title", "text", "published", "source"}`` (optionally ``author``, ``language``)
becomes a :class:`Document` with no bytes (``content_type`` :data:`RECORD_MEDIA_TYPE`) whose
``hints`` carry the fields; extraction uses the hints as they are. A bad line is yielded as a
:class:`FeedError` naming its line number, and the lines after it are still read.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsdesk.collect.safejson import load_json
from newsdesk.dates import parse_iso_datetime
from newsdesk.errors import FeedError, UnsupportedTargetError
from newsdesk.models import Document
from newsdesk.urls import is_web_url

RECORD_MEDIA_TYPE = "application/x-newsdesk-record"


def iter_jsonl(path: Path) -> Iterator[Document | FeedError]:
    """Documents from a JSON Lines file; blank lines are skipped, bad ones yielded as errors."""
    path = Path(path)
    if not path.is_file():
        raise UnsupportedTargetError("no such file", source=str(path))
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                yield record_to_document(_load(raw, path, number), path, number)
            except FeedError as exc:
                yield exc


def _load(raw: bytes, path: Path, number: int) -> dict[str, Any]:
    where = f"{path}:{number}"
    try:
        record = load_json(raw, where)
    except FeedError as exc:
        raise FeedError(f"line {number}: {exc.message}", source=where) from None
    if not isinstance(record, dict):
        raise FeedError(f"line {number}: expected a JSON object", source=f"{path}:{number}")
    return record


def _string(record: dict[str, Any], key: str, where: str, number: int) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FeedError(f"line {number}: {key!r} must be a string", source=where)
    return value.strip()


def record_to_document(record: dict[str, Any], path: Path, number: int) -> Document:
    """One parsed record as a Document; :class:`FeedError` when it lacks a URL or text."""
    where = f"{path}:{number}"
    url = _string(record, "url", where, number)
    if not is_web_url(url):
        raise FeedError(f"line {number}: 'url' must be an http(s) URL, got {url[:200] or 'nothing'!r}",
                        source=where)
    text = _string(record, "text", where, number)
    title = _string(record, "title", where, number)
    if not text and not title:
        raise FeedError(f"line {number}: record has neither 'text' nor 'title'", source=where)
    published_raw = record.get("published")
    published = parse_iso_datetime(published_raw) if published_raw else None
    if published_raw and published is None:
        raise FeedError(f"line {number}: 'published' is not an ISO 8601 date: {published_raw!r}", source=where)
    hints: dict[str, Any] = {
        "title": title, "text": text, "published": published,
        "outlet": _string(record, "source", where, number),
        "author": _string(record, "author", where, number),
    }
    language = _string(record, "language", where, number)
    if language:
        hints["language"] = language
    return Document(url=url, content=b"", content_type=RECORD_MEDIA_TYPE, fetched_at=datetime.now(UTC),
                    hints=hints)

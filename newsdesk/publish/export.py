"""Data export for analysis: one row per article (copies included, ``original_of`` naming the
original they copy) as CSV or JSON Lines, written as the store streams its keyset pages — memory
stays flat however many articles are exported.

CSV is RFC 4180 (``csv`` module, minimal quoting, ``\\r\\n`` rows, UTF-8 without BOM): pandas
``read_csv`` and R ``read.csv(encoding="UTF-8")`` read it as-is; fields keep their text exactly
by default; ``spreadsheet=True`` (``--spreadsheet-safe``, ``?spreadsheet=true``) prefixes ``'`` to a
cell a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from newsdesk.errors import InvalidArgumentError
from newsdesk.publish.selection import Selection
from newsdesk.store import Store
from newsdesk.store.publish import ExportRow
from newsdesk.urls import web_url

FORMATS = ("csv", "jsonl")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}
COLUMNS = ("id", "story", "outlet", "author", "published", "language", "url", "canonical_url", "original_of",
           "title", "text")
#: rows per chunk handed to the writer
CHUNK_ROWS = 200


def export_rows(store: Store, selection: Selection | None) -> Iterator[ExportRow]:
    """The rows of a selection (``None``: every article), streamed by id."""
    if selection is None:
        return store.iter_export_rows()
    if selection.kind == "story":
        story_id = store.resolve_story_id(int(selection.story_id or 0))
        store.get_story(story_id)  # NotFoundError now, not in the middle of a streamed answer
        return store.iter_export_rows(story_id=story_id, query=selection.query)  # a query narrows the story
    if selection.kind == "search":
        return store.iter_export_rows(query=selection.query or "")
    if selection.kind == "articles":
        return store.iter_export_rows(article_ids=list(selection.article_ids))
    if selection.kind == "watchlist":
        watchlist = store.get_watchlist(int(selection.watchlist_id or 0), selection.user_id)
        return store.iter_export_rows(watchlist=watchlist)
    raise InvalidArgumentError(f"unknown selection {selection.kind!r}")


def row_values(row: ExportRow, *, public: bool) -> dict[str, Any]:
    """The row's columns; ``public`` (the web API) shows web addresses only, never a local path."""
    url, canonical = row.url, row.canonical_url
    if public:
        url, canonical = web_url(url) or web_url(canonical), web_url(canonical)
    return {"id": row.id, "story": row.story, "outlet": row.outlet, "author": row.author,
            "published": row.published.isoformat() if row.published else None, "language": row.language,
            "url": url, "canonical_url": canonical, "original_of": row.original_of, "title": row.title,
            "text": row.text}


# A cell a spreadsheet would run as a formula (OWASP "CSV injection"): =, +, -, @, tab, carriage return.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    """``value`` made inert for a spreadsheet: a text that would start a formula gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_chunks(rows: Iterator[ExportRow], public: bool, spreadsheet: bool) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for count, row in enumerate(rows, start=1):
        values = row_values(row, public=public)
        cells = ["" if values[c] is None else values[c] for c in COLUMNS]
        writer.writerow([spreadsheet_cell(c) for c in cells] if spreadsheet else cells)
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _jsonl_chunks(rows: Iterator[ExportRow], public: bool) -> Iterator[str]:
    lines: list[str] = []
    for row in rows:
        lines.append(json.dumps(row_values(row, public=public), ensure_ascii=False) + "\n")
        if len(lines) >= CHUNK_ROWS:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def export_chunks(store: Store, selection: Selection | None, fmt: str, *, public: bool = False,
                  spreadsheet: bool = False) -> Iterator[str]:
    """The export as text chunks (a few hundred rows each), for a file, stdout or a streamed response.

    ``spreadsheet`` (CSV only) defuses cells a spreadsheet would run as formulas; by default values
    are written exactly as stored, for pandas and R."""
    if fmt not in FORMATS:
        raise InvalidArgumentError(f"unknown export format {fmt!r} (csv or jsonl)", source="--format")
    rows = export_rows(store, selection)
    return _csv_chunks(rows, public, spreadsheet) if fmt == "csv" else _jsonl_chunks(rows, public)

"""Data export read back by pandas: commas, quotes, newlines and non-Latin text survive CSV and JSON
Lines exactly; copies carry ``original_of``; rows stream in keyset pages (each page one query)."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime

import pandas as pd
import pytest

from newsdesk.models import ExtractedArticle
from newsdesk.publish.export import COLUMNS, export_chunks
from newsdesk.publish.selection import Selection
from newsdesk.store import Store

AWKWARD = [
    ("Comma, \"quoted\" and, more", "Line one\nline two, with \"quotes\"\r\nline three", "Zoë O'Brien, Jr."),
    ("Двуязычный заголовок — 中文标题", "Текст статьи.\n\n中文正文，带逗号，和引号“”。", "Иван Петров"),
    ("Tabs\tand ;semicolons; =SUM(A1) @cell", "\"Starts with a quote", ""),
]


def _save(store: Store, n: int, title: str, text: str, author: str) -> int:
    url = f"https://paper.example/a/{n}"
    extracted = ExtractedArticle(url=url, canonical_url=url, title=title, text=text, author=author,
                                 outlet="Paper, Inc.", language="ru" if "Д" in title else "en",
                                 published=datetime(2026, 9, n + 1, 7, 30, tzinfo=UTC))
    with store.transaction() as conn:
        return store.save_article(conn, extracted, canonical_url=url,
                                  content_hash=hashlib.sha256(f"{n}{text}".encode()).hexdigest()).id


@pytest.fixture
def filled(store: Store) -> tuple[Store, list[int]]:
    ids = [_save(store, n, *fields) for n, fields in enumerate(AWKWARD)]
    with store.transaction() as conn:
        store.link_duplicate(conn, ids[2], ids[0], "near", 0.9)
    return store, ids


def _text(store: Store, selection: Selection | None, fmt: str) -> str:
    return "".join(export_chunks(store, selection, fmt))


def test_pandas_reads_the_csv_back_exactly(filled: tuple[Store, list[int]]) -> None:
    store, ids = filled
    frame = pd.read_csv(io.StringIO(_text(store, None, "csv")), keep_default_na=False, dtype=str)
    assert tuple(frame.columns) == COLUMNS and len(frame) == 3
    for row, (title, text, author) in zip(frame.itertuples(index=False), AWKWARD, strict=True):
        assert (row.title, row.text, row.author) == (title, text, author)
        assert row.outlet == "Paper, Inc."
    assert list(frame["original_of"]) == ["", "", str(ids[0])]
    assert frame["published"][0] == "2026-09-01T07:30:00+00:00"


def test_pandas_reads_the_jsonl_back_exactly(filled: tuple[Store, list[int]]) -> None:
    store, ids = filled
    frame = pd.read_json(io.StringIO(_text(store, None, "jsonl")), lines=True, dtype=False)
    assert tuple(frame.columns) == COLUMNS
    assert [tuple(r) for r in frame[["title", "text", "author"]].itertuples(index=False)] == AWKWARD
    assert frame["id"].tolist() == ids


def test_a_selection_exports_only_its_articles(filled: tuple[Store, list[int]]) -> None:
    store, ids = filled
    lines = _text(store, Selection.of_articles([ids[1]]), "jsonl").splitlines()
    assert len(lines) == 1 and str(ids[1]) in lines[0]
    found = pd.read_csv(io.StringIO(_text(store, Selection.of_search("line"), "csv")), dtype=str)
    assert list(found["id"]) == [str(ids[0])]
    nothing = _text(store, Selection.of_search("nosuchwordanywhere"), "csv")
    assert nothing.strip() == ",".join(COLUMNS)


def test_rows_stream_in_keyset_pages(filled: tuple[Store, list[int]]) -> None:
    store, ids = filled
    rows = store.iter_export_rows(page=2)
    first = next(rows)
    assert first.id == ids[0]
    assert [r.id for r in rows] == ids[1:]
    assert [r.id for r in store.iter_export_rows(page=1)] == ids


def test_an_unknown_story_is_refused_before_streaming(store: Store) -> None:
    from newsdesk.errors import NotFoundError

    with pytest.raises(NotFoundError):
        export_chunks(store, Selection.of_story(424242), "csv")


def test_spreadsheet_safe_csv_defuses_formula_cells_and_only_those(store: Store) -> None:
    hostile = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
               "\tTab first"]
    ids = [_save(store, n, title, "Body text.", "Ann Lee") for n, title in enumerate(hostile)]
    raw = pd.read_csv(io.StringIO(_text(store, None, "csv")), keep_default_na=False, dtype=str)
    assert list(raw["title"]) == hostile  # by default, exact
    safe = pd.read_csv(io.StringIO("".join(export_chunks(store, None, "csv", spreadsheet=True))),
                       keep_default_na=False, dtype=str)
    assert list(safe["title"]) == ["'" + t for t in hostile]
    assert list(safe["author"]) == ["Ann Lee"] * len(ids) and list(safe["id"]) == [str(i) for i in ids]

"""Search ranks a bounded set of candidates (the newest matches), so a common word costs what a
rare one does, and counts every match only when asked (SQLite FTS5 and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from test_web_corpus import save

from newsdesk.config import load_settings
from newsdesk.models import ExtractedArticle
from newsdesk.serve import views
from newsdesk.store import Store
from newsdesk.store import articles as article_queries

START = datetime(2026, 3, 1, tzinfo=UTC)


def _fill(store: Store, count: int) -> list[int]:
    ids = []
    for n in range(count):
        rare = " The zeppelin landed." if n == 3 else ""
        text = f"The harbour council met for session {n}. Councillors spoke about the harbour.{rare}"
        url = f"https://quay.example/{n}"
        ids.append(save(store, ExtractedArticle(url=url, title=f"Harbour session {n}", author="Desk",
                                                published=START + timedelta(days=n), outlet="Quay Courier",
                                                language="en", canonical_url=url, text=text, excerpt=text[:80]),
                        "quay.example"))
    return ids


def test_common_words_rank_the_newest_matches_only(any_store: Store, monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    ids = _fill(any_store, 12)
    monkeypatch.setattr(article_queries.ArticleQueries._match, "__kwdefaults__", {"candidates": 5})
    hits = any_store.search("harbour", limit=20)
    assert {h.article_id for h in hits} == set(ids[-5:])  # the five newest matches, ranked
    assert [h.article_id for h in any_store.search("zeppelin")] == [ids[3]]  # an old rare match is found
    assert any_store.count_search("harbour") == 12  # counting is not bounded
    settings = load_settings(data_dir=tmp_path, environ={})
    page = views.search_view(any_store, settings, "harbour", views.Filters(), limit=2)
    assert page["total"] is None and page["next_cursor"]  # more pages: not counted unless asked
    counted = views.search_view(any_store, settings, "harbour", views.Filters(), limit=2, count=True)
    assert counted["total"] == 12

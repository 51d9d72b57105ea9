"""Home-page filters run in the query, before paging: every page of a filtered list is full but the
last, and walking the cursors gives exactly the filtered stories (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from test_web_corpus import TestClient, create_app, save

from newsdesk.config import Settings, load_settings
from newsdesk.models import ExtractedArticle
from newsdesk.serve import views
from newsdesk.store import Store
from newsdesk.store.entities import EntityGroup

START = datetime(2026, 5, 1, 6, 0, tzinfo=UTC)
COUNT = 60
PAGE = 4
#: (query, which of the 60 stories match): each a sparse subset, spread over the whole list
FILTERS: list[tuple[dict[str, str], Callable[[int], bool]]] = [
    ({"entity": "Harbor Institute"}, lambda i: i % 5 == 0),
    ({"language": "de"}, lambda i: i % 7 == 3),
    ({"outlet": "Sparse Post"}, lambda i: i % 6 == 1),
    ({"until": "2026-05-20"}, lambda i: i < 20),
    ({"entity": "Harbor Institute", "language": "de"}, lambda i: i % 5 == 0 and i % 7 == 3),
]


def _article(i: int) -> ExtractedArticle:
    german = i % 7 == 3
    words = "Der Hafenrat beriet am Montag" if german else "The harbour council met on Monday"
    text = f"{words} about item {i}. " + " ".join(f"Sentence {j} of story {i} goes on." for j in range(6))
    return ExtractedArticle(
        url=f"https://news{i % 6}.example/story-{i}", title=f"Story number {i}", author="Desk",
        published=START + timedelta(days=i), outlet="Sparse Post" if i % 6 == 1 else f"Outlet {i % 6}",
        language="de" if german else "en", canonical_url=f"https://news{i % 6}.example/story-{i}", text=text,
        excerpt=text[:120])


def fill(store: Store) -> dict[int, int]:
    """60 articles, each in its own story one day apart; story id by article number."""
    story_of: dict[int, int] = {}
    for i in range(COUNT):
        article_id = save(store, _article(i), f"news{i % 6}.example")
        when = START + timedelta(days=i)
        with store.transaction() as conn:
            story_id = store.create_story(conn, title=f"Story number {i}", size=1, centroid=b"",
                                          first_seen=when, last_seen=when)
            store.set_article_story(conn, article_id, story_id)
        if i % 5 == 0:
            store.replace_article_entities(article_id, [EntityGroup("Harbor Institute", "org", positions=[(0, 6)])])
        story_of[i] = story_id
    return story_of


@pytest.fixture
def filled(any_store: Store, tmp_path: Path) -> Iterator[tuple[Store, Settings, dict[int, int]]]:
    settings = load_settings(data_dir=tmp_path, environ={})
    yield any_store, settings, fill(any_store)


def walk(client: TestClient, query: dict[str, str]) -> list[list[int]]:
    pages: list[list[int]] = []
    cursor = ""
    while True:
        data = client.get("/api/stories", params={**query, "limit": PAGE, "cursor": cursor}).json()
        pages.append([s["id"] for s in data["stories"]])
        cursor = data["next_cursor"]
        if not cursor:
            return pages
        assert len(pages) <= COUNT, "the cursors do not end"


def test_filtered_pages_are_full_and_cover_the_filtered_set(filled: tuple[Store, Settings, dict[int, int]]) -> None:
    store, settings, story_of = filled
    client = TestClient(create_app(settings, store), base_url="https://testserver")
    for query, matches in FILTERS:
        expected = [story_of[i] for i in reversed(range(COUNT)) if matches(i)]
        assert 0 < len(expected) < COUNT / 2
        pages = walk(client, query)
        assert all(len(page) == PAGE for page in pages[:-1]), (query, pages)
        assert 0 < len(pages[-1]) <= PAGE, (query, pages)
        assert [s for page in pages for s in page] == expected, query
    assert walk(client, {"entity": "Nobody At All"}) == [[]]


@contextmanager
def statements(store: Store) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", count)


def test_the_language_filter_costs_no_query_per_story(store: Store, tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, environ={})
    fill(store)
    plain, german = views.Filters(), views.parse_filters(language="de")
    views.home_view(store, settings, plain, limit=8)  # summary lines computed and remembered
    views.home_view(store, settings, german, limit=8)
    with statements(store) as unfiltered:
        views.home_view(store, settings, plain, limit=8)
    with statements(store) as filtered:
        views.home_view(store, settings, german, limit=8)
    assert len(filtered) <= len(unfiltered), filtered

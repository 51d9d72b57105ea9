"""Related publications over the full-text index (SQLite FTS5 and PostgreSQL tsvector)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import backend_database_url
from test_stories_corpus import BRIDGE, DAM, STRIKE, extracted, save, save_event
from typer.testing import CliRunner

from newsdesk.analyze.related import MIN_SIMILARITY, related_articles
from newsdesk.analyze.stories import assign_story
from newsdesk.cli import app
from newsdesk.config import Settings
from newsdesk.errors import NotFoundError
from newsdesk.store import Store


def _library(store: Store) -> dict[str, list[int]]:
    return {"bridge": save_event(store, BRIDGE, 1, "bridge"), "dam": save_event(store, DAM, 2, "dam"),
            "strike": save_event(store, STRIKE, 3, "strike")}


def test_same_event_ranks_first_and_copies_are_left_out(any_store: Store, settings: Settings) -> None:
    events = _library(any_store)
    bridge = events["bridge"]
    copy = save(any_store, extracted("Bay Post", BRIDGE[1][1], BRIDGE[1][2], day=5, slug="copy"))
    with any_store.transaction() as conn:
        any_store.link_duplicate(conn, copy, bridge[1], "exact", 1.0)
    found = related_articles(any_store, bridge[0], settings, limit=5)
    ids = [r.article_id for r in found]
    assert set(ids[:2]) == {bridge[1], bridge[2]}
    assert bridge[0] not in ids and copy not in ids
    assert all(a >= b for a, b in zip([r.score for r in found], [r.score for r in found][1:], strict=False))
    assert found[0].outlet in {"The Ledger", "Northern Courier"} and found[0].excerpt


def test_a_short_list_beats_a_padded_one(any_store: Store, settings: Settings) -> None:
    events = _library(any_store)
    for event, ids in events.items():
        found = related_articles(any_store, ids[0], settings, limit=8)
        assert found and {r.article_id for r in found} <= set(ids), event  # other events fall under the floor
        assert all(r.score >= MIN_SIMILARITY for r in found)
    padded = related_articles(any_store, events["dam"][0], settings, limit=8, min_score=0.0)
    assert {r.article_id for r in padded} - set(events["dam"])  # without it the list is padded


def test_a_copy_never_lists_its_original_or_siblings(store: Store, settings: Settings) -> None:
    events = _library(store)
    original = events["dam"][0]
    copies = [save(store, extracted(o, DAM[0][1], DAM[0][2], day=6, slug=f"c{n}"))
              for n, o in enumerate(["Bay Post", "The Ledger"])]
    with store.transaction() as conn:
        for c in copies:
            store.link_duplicate(conn, c, original, "exact", 1.0)
    ids = [r.article_id for r in related_articles(store, copies[0], settings)]
    assert ids and ids[0] == events["dam"][1]
    assert original not in ids and not set(copies) & set(ids)


def test_ranking_with_library_wide_idf_from_story_statistics(store: Store, settings: Settings) -> None:
    events = _library(store)
    for ids in events.values():
        for i in ids:
            assign_story(store, i, settings)
    found = related_articles(store, events["strike"][0], settings, limit=3)
    assert store.read_term_frequencies(["kestrel"]) == ({"kestrel": 2}, 7)
    assert found[0].article_id == events["strike"][1]
    assert all(r.score < found[0].score / 2 for r in found[1:])


def test_an_article_without_text_has_no_related(store: Store, settings: Settings) -> None:
    _library(store)
    empty = save(store, extracted("Bay Post", "", "", day=1, slug="empty"))
    assert related_articles(store, empty, settings) == []


def test_unknown_article_is_not_found(store: Store, settings: Settings) -> None:
    with pytest.raises(NotFoundError):
        related_articles(store, 4242, settings)


@pytest.mark.backend
def test_cli_related_gives_lexical_results_and_names_the_missing_model(tmp_path: Path) -> None:
    db = backend_database_url(tmp_path, "rel")
    store = Store(db)
    events = _library(store)
    store.close()
    result = CliRunner().invoke(app, ["--db", db, "--data-dir", str(tmp_path), "related",
                                      str(events["dam"][0]), "--json", "--limit", "2"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows[0]["article_id"] == events["dam"][1] and len(rows) <= 2
    assert "pip install 'newsdesk[semantic]'" in result.stderr

"""Store-level summaries and the summary cache, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsdesk.analyze.dedupe import content_hash
from newsdesk.analyze.summarize import METHOD, summarize_article, summarize_story
from newsdesk.config import Settings
from newsdesk.errors import NotFoundError, StoreError
from newsdesk.models import ExtractedArticle
from newsdesk.store import Store

LEVY = ("Port Aldwin councillors approved a harbour levy on cruise passengers on Monday. "
        "The levy of four euros per passenger will fund dredging of the north channel. "
        "Councillor Mira Santos proposed the measure after two postponed dredging seasons. "
        "Opponents said cruise lines might skip the port. "
        "The levy takes effect in April.")
LEVY_UPDATED = LEVY + " The regional authority confirmed on Tuesday that the levy is lawful."
OBJECTION = ("A cruise operator lodged an objection to the Port Aldwin harbour levy on Wednesday. "
             "The operator said four euros per passenger would make the port uncompetitive. "
             "Port Aldwin councillors approved the harbour levy on cruise passengers on Monday. "
             "The regional authority has thirty days to answer.")


def _save(store: Store, url: str, title: str, text: str, *, day: int = 2, outlet: str = "coastpost") -> int:
    extracted = ExtractedArticle(url=url, title=title, text=text, outlet=outlet,
                                 published=datetime(2026, 3, day, 8, tzinfo=UTC))
    with store.transaction() as conn:
        return int(store.save_article(conn, extracted, canonical_url=url, content_hash=content_hash(text)).id)


def _story(store: Store, article_ids: list[int]) -> int:
    with store.transaction() as conn:
        story_id = store.create_story(conn, title="Harbour levy", size=len(article_ids), centroid=b"",
                                      first_seen=None, last_seen=None)
        for article_id in article_ids:
            store.set_article_story(conn, article_id, story_id)
    return story_id


def test_cache_round_trip_and_overwrite(any_store: Store) -> None:
    assert any_store.get_cached("article:1:x") is None
    any_store.put_cached("article:1:x", {"text": "first", "n": 1})
    assert any_store.get_cached("article:1:x") == {"text": "first", "n": 1}
    any_store.put_cached("article:1:x", {"text": "second \u00e9", "n": 2})
    assert any_store.get_cached("article:1:x") == {"text": "second \u00e9", "n": 2}
    assert any_store.count_cached() == 1
    any_store.put_cached("article:10:x", {"n": 3})
    any_store.put_cached("story:1:x", {"n": 4})
    assert any_store.drop_cached("article:1:") == 1
    assert any_store.get_cached("article:10:x") == {"n": 3}


def test_cache_rejects_bad_keys(store: Store) -> None:
    with pytest.raises(StoreError):
        store.put_cached("", {})
    with pytest.raises(StoreError):
        store.put_cached("k" * 201, {})


def test_article_summary_is_cached_until_the_article_changes(any_store: Store, settings: Settings) -> None:
    article_id = _save(any_store, "https://coastpost.example/levy", "Harbour levy approved", LEVY)
    first = summarize_article(any_store, article_id, settings, sentences=2)
    assert len(first.sentences) == 2
    assert all(s.article_id == article_id for s in first.sentences)
    assert first.method == METHOD
    assert any_store.count_cached() == 1
    # the same request is answered from the cache: a changed body in the cache proves it
    (key,) = _cache_keys(any_store)
    any_store.put_cached(key, {**first.to_json(), "params": {"from": "cache"}})
    assert summarize_article(any_store, article_id, settings, sentences=2).params == {"from": "cache"}
    # other parameters are another entry
    assert len(summarize_article(any_store, article_id, settings, sentences=1).sentences) == 1
    assert any_store.count_cached() == 2
    # a changed article gets a new key and a fresh summary
    _save(any_store, "https://coastpost.example/levy", "Harbour levy approved", LEVY_UPDATED)
    again = summarize_article(any_store, article_id, settings, sentences=2)
    assert again.params == {"sentences": 2, "words": None}
    assert any_store.count_cached() == 3


def _cache_keys(store: Store) -> list[str]:
    from sqlalchemy import select

    from newsdesk.store.schema import summaries

    with store.read() as conn:
        return [row.key for row in conn.execute(select(summaries.c.key))]


def test_unknown_article_raises_not_found(store: Store, settings: Settings) -> None:
    with pytest.raises(NotFoundError):
        summarize_article(store, 999, settings)


def test_story_summary_cached_and_recomputed_when_the_story_grows(any_store: Store, settings: Settings) -> None:
    levy = _save(any_store, "https://coastpost.example/levy", "Harbour levy approved", LEVY, day=2)
    story_id = _story(any_store, [levy])
    alone = summarize_story(any_store, story_id, settings, sentences=3)
    assert {s.article_id for s in alone.sentences} == {levy}
    objection = _save(any_store, "https://dailyvane.example/objection", "Operator objects to levy", OBJECTION,
                      day=4, outlet="dailyvane")
    with any_store.transaction() as conn:
        any_store.set_article_story(conn, objection, story_id)
    both = summarize_story(any_store, story_id, settings, sentences=3)
    assert {s.article_id for s in both.sentences} == {levy, objection}
    first_objection = next(i for i, s in enumerate(both.sentences) if s.article_id == objection)
    assert all(s.article_id == levy for s in both.sentences[:first_objection])  # published order
    approvals = [s for s in both.sentences if "approved" in s.text and "Monday" in s.text]
    assert len(approvals) == 1  # told by both outlets, said once
    assert summarize_story(any_store, story_id, settings, sentences=3) == both
    assert any_store.count_cached() == 2


def test_unknown_story_raises_not_found(store: Store, settings: Settings) -> None:
    with pytest.raises(NotFoundError):
        summarize_story(store, 4242, settings)

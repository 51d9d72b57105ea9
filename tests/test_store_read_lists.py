"""The store's lists behind the read-state API and "new since" (SQLite and PostgreSQL): unread
originals with a keyset, new articles per story, and the last admin kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from test_store_users import add_article

from newsdesk.errors import InvalidArgumentError
from newsdesk.follow.passwords import hash_password
from newsdesk.store import Store
from newsdesk.store.database import utcnow
from newsdesk.store.schema import articles


def test_unread_lists_originals_highest_id_first_and_pages(store: Store) -> None:
    reader = store.create_user("reader", hash_password("reader password"))
    ids = [add_article(store, f"a{i}", f"Harbour story number {i} about dredging and tides.") for i in range(5)]
    copy = add_article(store, "copy", "Harbour story number 0 about dredging and tides, syndicated.")
    with store.transaction() as conn:
        store.link_duplicate(conn, copy, ids[0], "near", 0.9)
    assert store.unread_article_ids(reader.id) == sorted(ids, reverse=True)  # the copy is left out
    store.mark_articles(reader.id, [ids[3]], read=True)
    store.mark_articles(reader.id, [ids[1]], starred=True)  # starred but still unread
    first = store.unread_article_ids(reader.id, limit=2)
    rest = store.unread_article_ids(reader.id, limit=10, before_id=first[-1])
    assert first + rest == [ids[4], ids[2], ids[1], ids[0]]
    assert store.marked_article_ids(reader.id, "read") == [ids[3]]


def test_new_articles_count_after_a_time_per_story(store: Store) -> None:
    ids = [add_article(store, f"n{i}", f"Tide gauge reading number {i} at the quay.") for i in range(4)]
    now = utcnow()
    with store.transaction() as conn:
        story = store.create_story(conn, title="Tides", size=2, centroid=b"", first_seen=now, last_seen=now)
        conn.execute(update(articles).where(articles.c.id.in_(ids[:2])).values(first_seen=now - timedelta(days=2)))
        conn.execute(update(articles).where(articles.c.id.in_(ids[1:3])).values(story_id=story))
    since = now - timedelta(days=1)
    assert store.count_new_articles(since) == {None: 2}  # ids[2] and ids[3]
    assert store.count_new_articles(since, story_ids=[story]) == {story: 1}  # ids[2]; ids[1] is old
    assert store.count_new_articles(since, story_ids=[]) == {}
    reader = store.create_user("reader", hash_password("reader password"))
    assert store.count_unread_by_story(reader.id, [story]) == {story: 2}
    store.mark_articles(reader.id, [ids[1]], read=True)
    assert store.count_unread_by_story(reader.id, [story]) == {story: 1}
    store.mark_articles(reader.id, [ids[2]], read=True)
    assert store.count_unread_by_story(reader.id, [story]) == {}


def test_the_last_admin_stays(store: Store) -> None:
    alice = store.create_user("alice", hash_password("alice password"), role="admin")
    bob = store.create_user("bob", hash_password("bob password"))
    with pytest.raises(InvalidArgumentError, match="last admin"):
        store.remove_user(alice.id)
    with pytest.raises(InvalidArgumentError, match="last admin"):
        store.update_user(alice.id, role="reader")
    store.update_user(bob.id, role="admin")
    assert store.update_user(alice.id, role="reader").role == "reader"
    store.remove_user(alice.id)
    assert [u.name for u in store.list_users()] == ["bob"]

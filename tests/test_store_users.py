"""Accounts in the store, on SQLite and PostgreSQL: users without their hashes, per-user read state,
visits ("new since"), watchlists that only their owner sees, and the once-per-article alert ledger."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.errors import ConflictError, InvalidArgumentError, NotFoundError
from newsdesk.follow.passwords import fever_key, hash_password, verify_password
from newsdesk.models import ExtractedArticle
from newsdesk.store import Store


def add_article(store: Store, slug: str, text: str, *, day: int = 1, outlet: str = "Meridian Wire") -> int:
    article = ExtractedArticle(url=f"https://meridianwire.example/{slug}", title=slug, text=text, outlet=outlet,
                               language="en", published=datetime(2026, 10, day, 9, 0, tzinfo=UTC))
    with store.transaction() as conn:
        stored = store.save_article(conn, article, canonical_url=article.url,
                                    content_hash=hashlib.sha256(text.encode()).hexdigest(),
                                    domain="meridianwire.example")
    return stored.id


def test_users_keep_hashes_to_themselves(store: Store) -> None:
    alice = store.create_user("alice", hash_password("correct horse"), role="admin")
    assert alice.is_admin and "hash" not in str(alice.to_json())
    assert verify_password(store.password_hash_of(alice.id), "correct horse")
    assert not verify_password(store.password_hash_of(alice.id), "wrong horse")
    with pytest.raises(ConflictError):
        store.create_user(" alice ", hash_password("another one"))
    with pytest.raises(InvalidArgumentError):
        store.create_user("a:b", hash_password("long enough"))
    with pytest.raises(InvalidArgumentError):
        hash_password("short")
    store.set_api_password(alice.id, hash_password("api secret"), fever_key("alice", "api secret"))
    assert store.get_user(alice.id).has_api_password
    assert store.find_user_by_fever_key(hashlib.md5(b"alice:api secret").hexdigest()) == store.get_user(alice.id)
    assert store.find_user_by_fever_key("0" * 32) is None
    assert store.require_user("alice").id == alice.id
    with pytest.raises(NotFoundError):
        store.require_user("nobody")


def test_removing_a_user_removes_their_tokens_and_marks(store: Store) -> None:
    bob = store.create_user("bob", hash_password("bob password"))
    token, secret = store.create_token("phone", user_id=bob.id)
    article = add_article(store, "a", "Harbour dredging resumes at the port.")
    store.mark_articles(bob.id, [article], read=True)
    store.remove_user(bob.id)
    assert store.verify_token(secret) is None
    with pytest.raises(NotFoundError):
        store.get_user(bob.id)


def test_read_state_is_per_user_and_partial_updates_keep_other_marks(store: Store) -> None:
    alice = store.create_user("alice", hash_password("alice password"))
    bob = store.create_user("bob", hash_password("bob password"))
    one, two = add_article(store, "one", "First text."), add_article(store, "two", "Second text.")
    assert store.mark_articles(alice.id, [one, two, 999_999], starred=True) == 2
    store.mark_articles(alice.id, [one], read=True)
    states = store.read_states(alice.id, [one, two])
    assert states[one].read and states[one].starred and not states[two].read and states[two].starred
    assert store.read_states(bob.id, [one, two]) == {}
    assert store.marked_article_ids(alice.id, "starred") == [two, one]
    assert store.count_read(alice.id) == 1
    assert store.mark_all_read(alice.id) == 1  # only two was unread
    assert store.count_read(alice.id) == 2 and store.count_read(bob.id) == 0
    assert store.mark_all_read(bob.id) == 2


def test_visits_give_the_time_before_this_session(store: Store) -> None:
    alice = store.create_user("alice", hash_password("alice password"))
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    assert store.record_visit(alice.id, "home", now=monday) is None
    assert store.record_visit(alice.id, "home", now=monday + timedelta(minutes=5)) is None  # same session
    tuesday = monday + timedelta(days=1)
    assert store.record_visit(alice.id, "home", now=tuesday) == monday + timedelta(minutes=5)
    assert store.record_visit(alice.id, "home", now=tuesday + timedelta(minutes=1)) == monday + timedelta(minutes=5)


def test_a_watchlist_is_found_only_by_its_owner(store: Store) -> None:
    alice = store.create_user("alice", hash_password("alice password"))
    bob = store.create_user("bob", hash_password("bob password"))
    dredging = add_article(store, "dredge", "Harbour dredging resumes at the port of Castellan.")
    add_article(store, "other", "Grain prices fell on Tuesday.")
    watch = store.create_watchlist(alice.id, "Dredging", "search", query="dredging",
                                   filters={"outlet": "Meridian Wire"})
    assert store.watchlist_article_ids(watch) == [dredging]
    assert store.count_watchlist_articles(watch) == 1
    with pytest.raises(NotFoundError):
        store.get_watchlist(watch.id, bob.id)
    with pytest.raises(NotFoundError):
        store.delete_watchlist(watch.id, bob.id)
    assert [w.id for w in store.list_watchlists(alice.id)] == [watch.id] and store.list_watchlists(bob.id) == []
    with pytest.raises(ConflictError):
        store.create_watchlist(alice.id, "Dredging", "search", query="port")
    with pytest.raises(InvalidArgumentError):
        store.create_watchlist(alice.id, "Bad", "search", query="x", alert_mode="weekly-ish")
    renewed = store.renew_feed_nonce(watch.id, alice.id)
    assert renewed.feed_nonce != watch.feed_nonce


def test_outlet_watchlist_folds_copies_and_counts_only_new(store: Store) -> None:
    alice = store.create_user("alice", hash_password("alice password"))
    first = add_article(store, "first", "The council met on Monday to set the budget.")
    outlet_id = store.get_article(first).outlet_id if hasattr(store.get_article(first), "outlet_id") else None
    outlets = {o["name"]: o["id"] for o in store.outlets()}
    watch = store.create_watchlist(alice.id, "Wire", "outlet", target_id=outlet_id or outlets["Meridian Wire"])
    later = datetime.now(UTC) + timedelta(seconds=1)
    assert store.watchlist_article_ids(watch) == [first]
    assert store.watchlist_article_ids(watch, stored_after=later) == []


def test_alert_ledger_records_each_article_once(store: Store) -> None:
    alice = store.create_user("alice", hash_password("alice password"))
    one, two = add_article(store, "one", "Port text one."), add_article(store, "two", "Port text two.")
    watch = store.create_watchlist(alice.id, "Port", "search", query="port", alert_mode="immediate")
    assert store.queue_alerts(watch.id, [one, two]) == 2
    assert store.queue_alerts(watch.id, [one, two]) == 0  # a re-run after a crash queues nothing twice
    assert store.pending_alerts(watch.id) == [one, two]
    assert store.mark_alerts_sent(watch.id, [one]) == 1
    assert store.mark_alerts_sent(watch.id, [one]) == 0
    assert store.pending_alerts(watch.id) == [two]
    assert store.queue_alerts(watch.id, [one]) == 0  # sent stays sent
    assert store.get_watchlist(watch.id, alice.id).last_alert_at is not None

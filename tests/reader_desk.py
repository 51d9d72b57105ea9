"""A small invented desk for the feed-reader API tests: two feeds, documents added directly
(an outlet's), a copy folded into its original, two users with API passwords, a watchlist."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from newsdesk.follow.passwords import fever_key, hash_password
from newsdesk.models import ExtractedArticle
from newsdesk.store import Store

ALICE_PASSWORD = "alice api password"
BOB_PASSWORD = "bob api password"
HARBOUR_FEED = "https://harbourgazette.example/feed.xml"
ORBIT_FEED = "https://orbitalreview.example/rss"


@dataclass
class Desk:
    store: Store
    alice: int
    bob: int
    harbour_feed: int
    orbit_feed: int
    #: article ids by slug
    ids: dict[str, int]


@functools.cache
def hashed(password: str) -> str:
    """argon2 is slow on purpose: hash each test password once per run."""
    return hash_password(password)


def add(store: Store, slug: str, text: str, *, outlet: str, feed_id: int | None = None, day: int = 1,
        hour: int = 9) -> int:
    domain = outlet.lower().replace(" ", "") + ".example"
    article = ExtractedArticle(url=f"https://{domain}/{slug}", title=slug.replace("-", " ").title(), text=text,
                               outlet=outlet, language="en",
                               published=datetime(2026, 10, day, hour, 0, tzinfo=UTC))
    with store.transaction() as conn:
        stored = store.save_article(conn, article, canonical_url=article.url, feed_id=feed_id,
                                    content_hash=hashlib.sha256(f"{slug}{text}".encode()).hexdigest(),
                                    domain=domain)
    return stored.id


def make_desk(store: Store) -> Desk:
    harbour, _ = store.add_feed(HARBOUR_FEED, "Harbour Gazette", "https://harbourgazette.example/")
    orbit, _ = store.add_feed(ORBIT_FEED, "Orbital Review", "https://orbitalreview.example/")
    ids = {
        "dredging-resumes": add(store, "dredging-resumes", "Dredging resumes at the north harbour.\n\n"
                                "Crews <b>start</b> on Monday.", outlet="Harbour Gazette", feed_id=harbour.id),
        "ferry-timetable": add(store, "ferry-timetable", "The winter ferry timetable is out.",
                               outlet="Harbour Gazette", feed_id=harbour.id, day=2),
        "launch-window": add(store, "launch-window", "A launch window for the survey satellite opens in May.",
                             outlet="Orbital Review", feed_id=orbit.id, day=3),
        "council-minutes": add(store, "council-minutes", "Minutes of the harbour council, added as a file.",
                               outlet="Town Archive", day=4),
        "launch-window-copy": add(store, "launch-window-copy", "A launch window for the survey satellite "
                                  "opens in May.", outlet="Coast Courier", day=5),
    }
    with store.transaction() as conn:
        store.link_duplicate(conn, ids["launch-window-copy"], ids["launch-window"], "near", 0.97)
    alice = store.create_user("alice", hashed("alice login password"), role="admin")
    bob = store.create_user("bob", hashed("bob login password"))
    store.set_api_password(alice.id, hashed(ALICE_PASSWORD), fever_key("alice", ALICE_PASSWORD))
    store.set_api_password(bob.id, hashed(BOB_PASSWORD), fever_key("bob", BOB_PASSWORD))
    return Desk(store, alice.id, bob.id, harbour.id, orbit.id, ids)


def add_many(store: Store, feed_id: int, count: int, *, start: datetime | None = None) -> list[int]:
    """``count`` articles in one feed, in one transaction (for paging tests)."""
    start = start or datetime(2026, 11, 1, tzinfo=UTC)
    ids = []
    with store.transaction() as conn:
        for n in range(count):
            article = ExtractedArticle(url=f"https://bulk.example/{n}", title=f"Bulk item {n}",
                                       text=f"Bulk item number {n} of the paging test.", outlet="Bulk Wire",
                                       language="en", published=start + timedelta(minutes=n))
            ids.append(store.save_article(conn, article, canonical_url=article.url, feed_id=feed_id,
                                          content_hash=hashlib.sha256(article.url.encode()).hexdigest(),
                                          domain="bulk.example").id)
    return ids

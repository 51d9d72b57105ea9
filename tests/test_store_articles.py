"""The article store on SQLite and PostgreSQL: idempotent saves, versions, links, listing, search."""

from __future__ import annotations

from datetime import UTC, datetime

from newsdesk.analyze.dedupe import Fingerprint
from newsdesk.models import ExtractedArticle
from newsdesk.store import Store


def _article(url: str, title: str, text: str, day: int, outlet: str = "Meridian Wire") -> ExtractedArticle:
    return ExtractedArticle(url=url, title=title, text=text, outlet=outlet, language="en",
                            published=datetime(2026, 10, day, 9, 0, tzinfo=UTC))


def _save(store: Store, art: ExtractedArticle) -> tuple[int, str]:
    fp = Fingerprint.of(art.text, 0.8)
    with store.transaction() as conn:
        stored = store.save_article(conn, art, canonical_url=art.url, content_hash=fp.content_hash,
                                    domain="meridianwire.example")
        store.save_fingerprint(conn, stored.id, fp.signature, fp.buckets)
    return stored.id, stored.action


def test_save_is_idempotent_and_keeps_versions(any_store: Store) -> None:
    art = _article("https://meridianwire.example/a", "Dam talks stall", "Negotiators left without a deal.", 3)
    first = _save(any_store, art)
    assert first[1] == "added"
    assert _save(any_store, art) == (first[0], "unchanged")
    changed = _article(art.url, "Dam talks stall again", "Negotiators left without a deal on Friday.", 3)
    assert _save(any_store, changed) == (first[0], "updated")
    assert any_store.get_article(first[0]).title == "Dam talks stall again"
    versions = any_store.article_versions(first[0])
    assert [v["title"] for v in versions] == ["Dam talks stall"]
    assert any_store.count_articles() == 1


def test_duplicate_links_follow_the_original(any_store: Store) -> None:
    a, _ = _save(any_store, _article("https://x.example/1", "Original", "Alpha beta gamma delta.", 1))
    b, _ = _save(any_store, _article("https://y.example/2", "Copy", "Alpha beta gamma delta!", 2, "Newsloop"))
    c, _ = _save(any_store, _article("https://z.example/3", "Copy of copy", "alpha beta gamma delta", 3, "Other"))
    with any_store.transaction() as conn:
        any_store.link_duplicate(conn, c, b, "exact", 1.0)
        any_store.link_duplicate(conn, b, a, "exact", 1.0)  # b's copies move to a
    assert any_store.original_of(b).id == a  # type: ignore[union-attr]
    assert any_store.original_of(c).id == a  # type: ignore[union-attr]
    assert any_store.original_of(a) is None
    assert [x.id for x in any_store.duplicates_of(a)] == [b, c]
    originals = any_store.list_articles(include_duplicates=False)
    assert [x.id for x in originals] == [a]


def test_list_filters_and_neighbours(any_store: Store) -> None:
    ids = [_save(any_store, _article(f"https://w.example/{d}", f"Day {d}", f"Report number {d} text.", d))[0]
           for d in (1, 5, 9)]
    _save(any_store, _article("https://o.example/x", "Other outlet", "Different words here.", 4, "The Ledger"))
    assert [a.id for a in any_store.list_articles(outlet="meridian wire")] == ids[::-1]
    since = datetime(2026, 10, 4, tzinfo=UTC)
    assert [a.title for a in any_store.list_articles(since=since, outlet="Meridian Wire")] == ["Day 9", "Day 5"]
    prev, nxt = any_store.neighbours(ids[1], scope="outlet")
    assert (prev.id, nxt.id) == (ids[0], ids[2])  # type: ignore[union-attr]
    page = any_store.list_articles(limit=2)
    rest = any_store.list_articles(before=(page[-1].published, page[-1].id))
    assert len(page) + len(rest) == 4 and not {a.id for a in page} & {a.id for a in rest}


def test_search_ranks_and_highlights_with_escaping(any_store: Store) -> None:
    _save(any_store, _article("https://w.example/s1", "Reservoir levels fall",
                              "The reservoir behind the <Kessel> dam fell to a record low & officials worried.", 2))
    _save(any_store, _article("https://w.example/s2", "Budget vote", "Parliament passed the budget.", 3))
    hits = any_store.search("reservoir")
    assert [h.title for h in hits] == ["Reservoir levels fall"]
    assert "<mark>reservoir</mark>" in hits[0].snippet.lower()
    assert "<Kessel>" not in hits[0].snippet  # escaped (SQLite) or dropped as markup (PostgreSQL)
    assert "&amp;" in hits[0].snippet
    assert any_store.search('"record low"')
    assert any_store.search("nothingmatchesthis") == []
    # query syntax characters are treated as text, never as an error
    assert any_store.search('(" OR : *') == []


def test_count_search_matches_the_hits(any_store: Store) -> None:
    for day in (1, 2, 3):
        _save(any_store, _article(f"https://w.example/c{day}", f"Flood report {day}",
                                  f"Flood waters rose again on day {day} of the emergency.", day))
    _save(any_store, _article("https://w.example/c9", "Budget", "Nothing about water here.", 9))
    assert any_store.count_search("flood") == 3 == len(any_store.search("flood"))
    assert any_store.count_search("flood", since=datetime(2026, 10, 2, tzinfo=UTC)) == 2
    assert any_store.count_search("") == 0

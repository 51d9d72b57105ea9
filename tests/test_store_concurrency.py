"""Concurrent writers: real processes and threads adding the same things at once, on both databases."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from newsdesk.analyze.dedupe import Fingerprint
from newsdesk.analyze.stories import StoreIndex, StreamClusterer, assign_story
from newsdesk.collect.identity import identity_url
from newsdesk.config import Settings
from newsdesk.errors import StoreError
from newsdesk.extract import extract_document
from newsdesk.ingest import store_document
from newsdesk.models import Document, ExtractedArticle, IngestOutcome
from newsdesk.store import Store
from newsdesk.store.entities import EntityGroup

ROOT = Path(__file__).resolve().parent.parent
DEMO_SITE = ROOT / "newsdesk" / "demo" / "site"


def newsdesk_add(db: str, folder: Path, data_dir: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "NEWSDESK_DATA_DIR": str(data_dir)}
    env.pop("NEWSDESK_DATABASE_URL", None)
    return subprocess.Popen([sys.executable, "-m", "newsdesk", "--db", db, "add", "--no-analyze", str(folder)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)


def desk_summary(url: str) -> dict[str, Any]:
    """What one `newsdesk add` of the demo site leaves: the articles and who copies whom."""
    store = Store(url)
    try:
        rows = store.list_articles(limit=10_000)
        by_id = {a.id: a.canonical_url for a in rows}
        return {
            "count": store.count_articles(),
            "urls": sorted(by_id.values()),
            "copies": sorted((a.canonical_url, by_id[a.duplicate_of]) for a in rows if a.duplicate_of),
            "feeds": len(store.list_feeds()),
        }
    finally:
        store.close()


@pytest.fixture(scope="module")
def one_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The desk a single `newsdesk add` of the demo site makes (the reference for the races)."""
    tmp = tmp_path_factory.mktemp("one-run")
    url = f"sqlite:///{tmp / 'one.db'}"
    proc = newsdesk_add(url, DEMO_SITE, tmp)
    _out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    return desk_summary(url)


def race_two_adds(url: str, data_dir: Path) -> None:
    procs = [newsdesk_add(url, DEMO_SITE, data_dir) for _ in range(2)]
    results = [p.communicate(timeout=600) for p in procs]
    for proc, (_out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert "Traceback" not in err


def test_two_concurrent_adds_on_postgresql_equal_one_run(pg_url: str, tmp_path: Path,
                                                         one_run: dict[str, Any]) -> None:
    race_two_adds(pg_url, tmp_path)
    raced = desk_summary(pg_url)
    assert raced["count"] == one_run["count"] == len(raced["urls"]) == len(set(raced["urls"]))
    assert raced["urls"] == one_run["urls"]
    assert raced["copies"] == one_run["copies"]
    assert one_run["copies"], "the demo site has syndicated copies"


def test_two_concurrent_adds_on_sqlite_equal_one_run(tmp_path: Path, one_run: dict[str, Any]) -> None:
    url = f"sqlite:///{tmp_path / 'raced.db'}"
    race_two_adds(url, tmp_path)
    raced = desk_summary(url)
    assert raced["urls"] == one_run["urls"]
    assert raced["copies"] == one_run["copies"]


# --- the store's upserts and locks, raced by threads ---------------------------------------------

def race(workers: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``workers`` threads released together; re-raise the first failure."""
    barrier = threading.Barrier(workers)
    results: list[Any] = [None] * workers
    errors: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001  (reported to the test below)
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


def extracted(url: str, title: str = "Tavel water talks", text: str = "Ministers met on the river.",
              outlet: str = "The Ledger") -> ExtractedArticle:
    return ExtractedArticle(url=url, title=title, text=text, outlet=outlet)


def test_same_article_saved_by_many_writers_at_once_is_one_row(any_store: Store) -> None:
    url = "https://ledger.example/tavel"

    def save(_i: int) -> tuple[int, str]:
        with any_store.transaction() as conn:
            stored = any_store.save_article(conn, extracted(url), canonical_url=url, content_hash="h1",
                                            domain="ledger.example")
            return stored.id, stored.action

    results = race(6, save)
    assert len({article_id for article_id, _ in results}) == 1
    assert sorted(action for _, action in results) == ["added"] + ["unchanged"] * 5
    assert any_store.count_articles() == 1
    assert [o["name"] for o in any_store.outlets()] == ["The Ledger"]


def test_same_feed_subscribed_by_many_writers_at_once(any_store: Store) -> None:
    results = race(6, lambda _i: any_store.add_feed("https://ledger.example/feed.xml", "The Ledger"))
    assert len({feed.id for feed, _ in results}) == 1
    assert sorted(created for _, created in results) == [False] * 5 + [True]


def test_same_entities_indexed_by_many_writers_at_once(any_store: Store) -> None:
    ids = []
    for n in range(4):
        with any_store.transaction() as conn:
            ids.append(any_store.save_article(conn, extracted(f"https://ledger.example/{n}"),
                                              canonical_url=f"https://ledger.example/{n}",
                                              content_hash=f"h{n}").id)
    groups = [EntityGroup("Harbor Institute for Policy", "org", aliases=["HIP"], positions=[(0, 5)]),
              EntityGroup("Orvane", "place", positions=[(10, 16)])]
    # every article indexed twice at the same moment: entities, aliases and mentions are upserts
    race(8, lambda i: any_store.replace_article_entities(ids[i % 4], groups))
    race(8, lambda i: any_store.replace_article_keyphrases(ids[i % 4], [("tavel water", 1.0)]))
    infos = any_store.entity_infos(sorted({any_store.find_entity_id("HIP"), any_store.find_entity_id("Orvane")}))
    assert sorted((i.name, i.article_count) for i in infos) == [("Harbor Institute for Policy", 4), ("Orvane", 4)]
    assert any_store.article_keyphrase_rows(ids[0]) == [("tavel water", 1.0)]


def test_duplicate_link_written_twice_at_once(any_store: Store) -> None:
    ids = []
    for n in range(2):
        with any_store.transaction() as conn:
            ids.append(any_store.save_article(conn, extracted(f"https://ledger.example/{n}"),
                                              canonical_url=f"https://ledger.example/{n}", content_hash="same").id)

    def link(_i: int) -> None:
        with any_store.transaction() as conn:
            any_store.link_duplicate(conn, ids[1], ids[0], "exact", 1.0)

    race(4, link)
    assert [a.id for a in any_store.duplicates_of(ids[0])] == [ids[1]]


STORY_TEXT = ("The Tavel river water-sharing talks between Orvane and Kessia resumed in Orvane on Monday, "
              "with delta salt levels rising and farmers in the Tavel delta asking ministers for a deal. ")


def test_story_assignment_waits_for_a_story_being_created_elsewhere(pg_store: Store, settings: Settings) -> None:
    """Worker A is inside its assignment (story created, not committed) when worker B assigns an
    article of the same story: B must wait for A's commit and join A's story, not make a second."""
    ids = []
    for n in range(2):
        with pg_store.transaction() as conn:
            ids.append(pg_store.save_article(
                conn, extracted(f"https://outlet{n}.example/tavel", title=f"Tavel water talks resume ({n})",
                                text=STORY_TEXT * 3, outlet=f"Outlet {n}"),
                canonical_url=f"https://outlet{n}.example/tavel", content_hash=f"h{n}").id)
    first = pg_store.get_article(ids[0])
    other: list[int | None] = []
    worker_b = threading.Thread(target=lambda: other.append(assign_story(pg_store, ids[1], settings)))
    with pg_store.transaction() as conn:  # worker A, mid-assignment
        pg_store.lock(conn, "stories")
        clusterer = StreamClusterer(settings.story_threshold, settings.story_window_days,
                                    index=StoreIndex(pg_store, conn))
        story_a = clusterer.add(first.id, first.title, first.text, first.first_seen, first.outlet, [])
        pg_store.set_article_story(conn, first.id, story_a)
        worker_b.start()
        worker_b.join(3.0)
        assert worker_b.is_alive(), "story assignment did not wait for the other worker's lock"
    worker_b.join(60)
    assert other == [story_a]
    assert pg_store.count_stories() == 1


def test_one_article_assigned_by_two_workers_at_once_is_counted_once(pg_store: Store, settings: Settings) -> None:
    """Two workers analysing the same article: the second finds it filed once the first commits."""
    with pg_store.transaction() as conn:
        article_id = pg_store.save_article(
            conn, extracted("https://outlet.example/tavel", text=STORY_TEXT * 3),
            canonical_url="https://outlet.example/tavel", content_hash="h").id
    article = pg_store.get_article(article_id)
    other: list[int | None] = []
    worker_b = threading.Thread(target=lambda: other.append(assign_story(pg_store, article_id, settings)))
    with pg_store.transaction() as conn:  # worker A, mid-assignment of the same article
        pg_store.lock(conn, "stories")
        clusterer = StreamClusterer(settings.story_threshold, settings.story_window_days,
                                    index=StoreIndex(pg_store, conn))
        story_a = clusterer.add(article.id, article.title, article.text, article.first_seen, article.outlet, [])
        pg_store.set_article_story(conn, article.id, story_a)
        worker_b.start()
        worker_b.join(2.0)
    worker_b.join(60)
    assert other == [story_a]
    assert pg_store.get_story(story_a).size == 1
    assert pg_store.count_stories() == 1


def test_a_saved_search_name_taken_twice_at_once_is_one_row_and_one_clear_error(any_store: Store) -> None:
    def save(i: int) -> str:
        try:
            any_store.save_search("tavel", f"tavel {i}")
        except StoreError as exc:
            return str(exc)
        return "saved"

    results = race(4, save)
    assert results.count("saved") == 1
    assert all("exists already" in r for r in results if r != "saved")
    assert [s.name for s in any_store.list_saved_searches()] == ["tavel"]


def test_a_refused_write_is_a_store_error_not_a_driver_exception(any_store: Store) -> None:
    with pytest.raises(StoreError), any_store.transaction() as conn:
        any_store.link_duplicate(conn, 999_001, 999_002, "exact", 1.0)  # no such articles


def _copy_page(n: int) -> Document:
    body = "".join(f"<p>{STORY_TEXT}Paragraph {i} carries the agency's wording unchanged.</p>" for i in range(4))
    html = (f"<!doctype html><html><head><title>Tavel water talks resume</title><meta property='og:site_name' "
            f"content='Outlet {n}'></head><body><article><h1>Tavel water talks resume</h1>{body}</article>"
            "</body></html>")
    return Document(url=f"https://outlet{n}.example/tavel", content=html.encode(),
                    content_type="text/html; charset=utf-8")


def test_two_copies_stored_at_once_end_with_one_original(pg_store: Store, settings: Settings) -> None:
    """Worker A is storing one copy (row written, not committed) when worker B stores another
    copy of the same article: B waits for A's commit and links to A's article as its original,
    rather than both becoming originals."""
    first = _copy_page(1)
    extracted_a = extract_document(first)
    canonical_a = identity_url(first.url, extracted_a.canonical_url)
    fingerprint = Fingerprint.of(extracted_a.text, settings.near_duplicate_threshold)
    outcome: list[IngestOutcome] = []
    worker_b = threading.Thread(target=lambda: outcome.append(store_document(pg_store, settings, _copy_page(2))))
    with pg_store.transaction() as conn:  # worker A, inside store_document
        pg_store.lock(conn, "copies")
        stored_a = pg_store.save_article(conn, extracted_a, canonical_url=canonical_a,
                                         content_hash=fingerprint.content_hash, domain="outlet1.example")
        pg_store.save_fingerprint(conn, stored_a.id, fingerprint.signature, fingerprint.buckets)
        worker_b.start()
        worker_b.join(3.0)
        assert worker_b.is_alive(), "storing a copy did not wait for the other worker's lock"
    worker_b.join(60)
    assert [(o.action, o.duplicate_of) for o in outcome] == [("duplicate", stored_a.id)]
    originals = [a for a in pg_store.list_articles(limit=10, include_duplicates=True) if a.duplicate_of is None]
    assert [a.id for a in originals] == [stored_a.id]

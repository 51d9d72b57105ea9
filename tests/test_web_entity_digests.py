"""An entity's page is stored when its coverage changes and read back in one query: a new
article naming it, or one of its articles joining a story, makes the page stale; without a queue
the page recomputes at once, with one it shows the stored page and asks for a refresh (coalesced
like a story's). SQLite and PostgreSQL through the ``store`` fixture."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from test_web_corpus import save
from test_web_home_filters import statements

from newsdesk.analyze import digests
from newsdesk.config import load_settings
from newsdesk.errors import NotFoundError
from newsdesk.jobs.desk import JobDesk
from newsdesk.models import ExtractedArticle
from newsdesk.serve import views
from newsdesk.store import Store
from newsdesk.store.entities import EntityGroup
from newsdesk.store.schema import entity_digests

START = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def _article(store: Store, n: int, names: list[tuple[str, str]]) -> int:
    text = " ".join(f"{name} spoke about the harbour levy on day {n}." for name, _kind in names)
    url = f"https://outlet{n % 3}.example/levy-{n}"
    article_id = save(store, ExtractedArticle(
        url=url, title=f"Levy day {n}", author="Desk", published=START + timedelta(hours=n), outlet=f"Outlet {n % 3}",
        language="en", canonical_url=url, text=text, excerpt=text[:100]), f"outlet{n % 3}.example")
    store.replace_article_entities(article_id, [EntityGroup(name, kind, positions=[(0, len(name))])
                                                for name, kind in names])
    return article_id


def _desk(store: Store) -> tuple[int, list[int]]:
    ids = [_article(store, n, [("Mara Vell", "person"), ("Harbor Board", "org")]) for n in range(3)]
    return store.find_entity_id("Mara Vell"), ids


class Asked:
    def __init__(self) -> None:
        self.stories: list[int] = []
        self.articles: list[int] = []
        self.entities: list[int] = []

    def story(self, sid: int) -> None:
        self.stories.append(sid)

    def related(self, aid: int) -> None:
        self.articles.append(aid)

    def entity(self, eid: int) -> None:
        self.entities.append(eid)


def test_an_entity_page_is_stored_then_read_in_one_query(store: Store) -> None:
    entity_id, ids = _desk(store)
    assert store.get_entity_digest(entity_id) is None
    first = views.entity_view(store, str(entity_id))  # nothing stored: computed now, and stored
    stored = store.get_entity_digest(entity_id)
    assert stored is not None and stored.fresh
    assert first["entity"]["name"] == "Mara Vell" and first["entity"]["article_count"] == 3
    assert {a["id"] for a in first["articles"]} == set(ids)
    assert [c["entity"]["name"] for c in first["cooccurring"]] == ["Harbor Board"]
    assert sum(d["outlets"]["articles"] for d in first["coverage"]) == 3
    with statements(store) as seen:
        again = views.entity_view(store, str(entity_id))
    assert again == first
    assert [q for q in seen if q != "BEGIN"] == [seen[-1]], seen  # one query: the digest
    # by name (any case): the name lookup, then the same stored page
    with statements(store) as seen:
        by_name = views.entity_view(store, "mara VELL")
    assert by_name == first and len([q for q in seen if q != "BEGIN"]) <= 3, seen


def test_a_new_article_makes_the_page_stale_until_refreshed(store: Store) -> None:
    entity_id, _ids = _desk(store)
    digests.refresh_entity(store, entity_id)
    late = _article(store, 7, [("Mara Vell", "person"), ("Quay Union", "org")])
    stored = store.get_entity_digest(entity_id)
    assert stored is not None and not stored.fresh
    # with a queue: the stored page is shown and a refresh asked for
    asked = Asked()
    shown = views.entity_view(store, str(entity_id), refresh=asked)
    assert late not in {a["id"] for a in shown["articles"]} and asked.entities == [entity_id]
    # without one: recomputed at once
    page = views.entity_view(store, str(entity_id))
    assert late in {a["id"] for a in page["articles"]} and page["entity"]["article_count"] == 4
    assert "Quay Union" in {c["entity"]["name"] for c in page["cooccurring"]}
    assert store.get_entity_digest(entity_id).fresh  # type: ignore[union-attr]


def test_an_article_joining_a_story_makes_its_entities_stale(store: Store) -> None:
    entity_id, ids = _desk(store)
    other = _article(store, 9, [("Quay Union", "org")])
    digests.refresh_entity(store, entity_id)
    digests.refresh_entity(store, store.find_entity_id("Quay Union"))
    with store.transaction() as conn:
        story_id = store.create_story(conn, title="Harbour levy", size=1, centroid=b"",
                                      first_seen=START, last_seen=START)
        store.set_article_story(conn, ids[0], story_id)
    assert not store.get_entity_digest(entity_id).fresh  # type: ignore[union-attr]
    assert store.get_entity_digest(store.find_entity_id("Quay Union")).fresh  # type: ignore[union-attr]
    page = views.entity_view(store, str(entity_id))
    assert [s["id"] for s in page["stories"]] == [story_id]
    assert other not in {a["id"] for a in page["articles"]}


def test_a_name_nobody_mentions_is_not_found_and_an_unused_id_too(store: Store) -> None:
    _desk(store)
    with pytest.raises(NotFoundError):
        views.entity_view(store, "Nobody Here")
    with pytest.raises(NotFoundError):
        views.entity_view(store, "987654")


def test_a_damaged_digest_is_recomputed(store: Store) -> None:
    entity_id, _ids = _desk(store)
    for damaged in ("not a page", ["nor", "this"]):  # JSON, but not a page
        store.put_entity_digest(entity_id, store.entity_basis(entity_id) or "-", damaged)
        assert store.get_entity_digest(entity_id) is None
        assert views.entity_view(store, str(entity_id))["entity"]["id"] == entity_id
    with store.transaction() as conn:  # not JSON at all
        conn.execute(update(entity_digests).values(body="{not json"))
    assert store.get_entity_digest(entity_id) is None
    assert views.entity_view(store, str(entity_id))["entity"]["id"] == entity_id
    assert store.get_entity_digest(entity_id) is not None


def test_the_refresh_job_is_coalesced_and_stores_the_page(store: Store, tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, environ={}, database_url=store.url)
    entity_id, _ids = _desk(store)
    digests.refresh_entity(store, entity_id)
    late = _article(store, 5, [("Mara Vell", "person")])
    desk = JobDesk(settings, store=store)

    async def run() -> None:
        await asyncio.to_thread(desk.prepare)  # procrastinate's schema on PostgreSQL
        async with desk.app.open_async():
            first = await asyncio.to_thread(desk.defer_entity_refresh, entity_id)
            second = await asyncio.to_thread(desk.defer_entity_refresh, entity_id)
            assert first is not None and second is None  # coalesced into the waiting one
            await desk.app.run_worker_async(queues=["analysis"], wait=False, install_signal_handlers=False)

    asyncio.run(run())
    stored = store.get_entity_digest(entity_id)
    assert stored is not None and stored.fresh
    assert late in {a["id"] for a in stored.body["articles"]}


def test_filing_articles_into_stories_refreshes_their_entities_pages(store: Store, tmp_path: Path) -> None:
    """The story step's job (assign_stories) queues the refresh of every entity the filed articles
    mention; after the queue has run, their pages are stored, fresh, and list the story."""
    from newsdesk.analyze.pipeline import STEPS, analyze_article

    settings = load_settings(data_dir=tmp_path, environ={}, database_url=store.url, spacy_model="rules")
    ids = []
    for n in range(2):
        text = (f"Mara Vell of the Harbor Board said on day {n} that the harbour levy vote would go ahead. "
                "Mara Vell told councillors the Harbor Board had counted the ballots twice.")
        url = f"https://outlet{n}.example/levy"
        ids.append(save(store, ExtractedArticle(
            url=url, title=f"Harbour levy vote {n}", author="Desk", published=START + timedelta(hours=n),
            outlet=f"Outlet {n}", language="en", canonical_url=url, text=text, excerpt=text[:100]),
            f"outlet{n}.example"))
        analyze_article(store, ids[-1], settings, steps=[s for s in STEPS if s != "story"])
    entity_id = store.find_entity_id("Mara Vell")
    digests.refresh_entity(store, entity_id)  # before the story step: no story listed
    assert store.get_entity_digest(entity_id).body["stories"] == []  # type: ignore[union-attr]
    desk = JobDesk(settings, store=store)

    async def run() -> None:
        await asyncio.to_thread(desk.prepare)
        async with desk.app.open_async():
            await asyncio.to_thread(desk.defer_stories)
            await desk.app.run_worker_async(queues=["analysis"], wait=False, install_signal_handlers=False)

    asyncio.run(run())
    story_id = store.get_article(ids[0]).story_id
    assert story_id is not None
    for eid in store.entity_ids_of_articles(ids):
        stored = store.get_entity_digest(eid)
        assert stored is not None and stored.fresh, eid
    page = store.get_entity_digest(entity_id).body  # type: ignore[union-attr]
    assert story_id in [s["id"] for s in page["stories"]]


def test_an_article_page_reads_its_entities_counts_from_their_stored_pages(store: Store) -> None:
    """Counting a popular entity's articles on every article view would cost its coverage: the
    counts come from the entity's stored page where there is one, counted now where not."""
    entity_id, ids = _desk(store)
    board = store.find_entity_id("Harbor Board")
    live = {e.id: e for e in store.article_entity_rows(ids[0])}
    assert live[entity_id].article_count == 3 and live[board].article_count == 3
    digests.refresh_entity(store, entity_id)
    _article(store, 8, [("Mara Vell", "person"), ("Harbor Board", "org")])
    shown = {e.id: e for e in store.article_entity_rows(ids[0])}
    assert shown[entity_id].article_count == 3  # as of its stored page (a refresh is due)
    assert shown[board].article_count == 4  # no stored page: counted
    assert shown[entity_id].mentions == 1 and shown[entity_id].name == "Mara Vell"
    digests.refresh_entity(store, entity_id)
    assert {e.id: e for e in store.article_entity_rows(ids[0])}[entity_id].article_count == 4

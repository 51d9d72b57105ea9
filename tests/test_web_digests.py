"""Stored page data (story and article digests) replaces the one-hour memos: a page is read from
what was stored when its story last changed, and a change makes it stale and refreshed (SQLite
and PostgreSQL through the ``store`` fixture)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from test_web_corpus import save
from test_web_home_filters import statements

from newsdesk.analyze import digests
from newsdesk.config import Settings, load_settings
from newsdesk.jobs.desk import JobDesk
from newsdesk.models import ExtractedArticle
from newsdesk.serve import views
from newsdesk.store import Store

START = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def _article(n: int, outlet: str) -> ExtractedArticle:
    text = (f"The harbour levy vote number {n} went ahead on Monday. Councillors argued about the levy "
            f"for hours. Dock workers from {outlet} waited outside the hall.")
    url = f"https://{outlet.lower().replace(' ', '')}.example/levy-{n}"
    return ExtractedArticle(url=url, title=f"Harbour levy vote {n}", author="Desk", published=START + timedelta(hours=n),
                            outlet=outlet, language="en", canonical_url=url, text=text, excerpt=text[:100])


def _story(store: Store, count: int) -> tuple[int, list[int]]:
    ids = [save(store, _article(n, f"Outlet {n % 3}"), f"outlet{n % 3}.example") for n in range(count)]
    with store.transaction() as conn:
        story_id = store.create_story(conn, title="Harbour levy vote", size=count, centroid=b"",
                                      first_seen=START, last_seen=START + timedelta(hours=count))
        for article_id in ids:
            store.set_article_story(conn, article_id, story_id)
    return story_id, ids


def _grow(store: Store, story_id: int, n: int) -> int:
    """A new article joins the story (what the story step does)."""
    article_id = save(store, _article(n, "Late Outlet"), "lateoutlet.example")
    with store.transaction() as conn:
        store.set_article_story(conn, article_id, story_id)
        store.update_story(conn, story_id, size=n + 1, last_seen=START + timedelta(hours=n))
    return article_id


def _settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path, environ={})


def test_a_story_page_is_stored_then_read_in_few_queries(store: Store, tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    story_id, _ids = _story(store, 4)
    assert store.get_story_digest(story_id) is None
    first = views.story_view(store, settings, story_id)  # nothing stored: computed now, and stored
    assert store.get_story_digest(story_id) is not None and store.get_story_digest(story_id).fresh  # type: ignore[union-attr]
    with statements(store) as seen:
        again = views.story_view(store, settings, story_id)
    assert again == first
    assert [q for q in seen if q != "BEGIN"] == [seen[-1]], seen  # one query: the digest


def test_a_story_that_gains_an_article_is_stale_until_refreshed(store: Store, tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    story_id, _ids = _story(store, 3)
    digests.refresh_story(store, settings, story_id)
    line_before = store.story_lines([story_id])[story_id]
    assert line_before[1] is True
    late = _grow(store, story_id, 3)
    stored = store.get_story_digest(story_id)
    assert stored is not None and not stored.fresh
    assert store.story_lines([story_id])[story_id][1] is False
    # without a queue the page recomputes at once and shows the new article
    page = views.story_view(store, settings, story_id)
    assert late in [entry["article_id"] for entry in page["story"]["timeline"]]
    assert store.get_story_digest(story_id).fresh  # type: ignore[union-attr]


def test_a_stale_page_is_shown_while_its_refresh_is_queued(store: Store, tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    story_id, _ids = _story(store, 3)
    digests.refresh_story(store, settings, story_id)
    _grow(store, story_id, 3)

    class Asked:
        stories: list[int] = []
        articles: list[int] = []

        def story(self, sid: int) -> None:
            self.stories.append(sid)

        def related(self, aid: int) -> None:
            self.articles.append(aid)

    asked = Asked()
    page = views.story_view(store, settings, story_id, refresh=asked)
    assert len(page["story"]["timeline"]) == 3 and asked.stories == [story_id]


def test_the_refresh_job_stores_the_grown_story(store: Store, tmp_path: Path) -> None:
    """The job the story step's job defers: queued twice while waiting, run once; afterwards the
    digest is fresh and holds the new article and its outlet."""
    settings = load_settings(data_dir=tmp_path, environ={}, database_url=store.url)
    story_id, _ids = _story(store, 3)
    digests.refresh_story(store, settings, story_id)
    late = _grow(store, story_id, 3)
    desk = JobDesk(settings, store=store)

    async def run() -> None:
        await asyncio.to_thread(desk.prepare)  # procrastinate's schema on PostgreSQL
        async with desk.app.open_async():
            first = await asyncio.to_thread(desk.defer_story_refresh, story_id)
            second = await asyncio.to_thread(desk.defer_story_refresh, story_id)
            assert first is not None and second is None  # coalesced into the waiting one
            await desk.app.run_worker_async(queues=["analysis"], wait=False, install_signal_handlers=False)

    asyncio.run(run())
    stored = store.get_story_digest(story_id)
    assert stored is not None and stored.fresh
    assert late in [entry["article_id"] for entry in stored.body["story"]["timeline"]]
    assert "Late Outlet" in stored.body["story"]["outlets"]


def test_related_lists_are_stored_and_follow_the_story(store: Store, tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    story_id, ids = _story(store, 3)
    view = views.article_view(store, settings, ids[0])
    stored = store.get_article_digest(ids[0])
    assert stored is not None and stored.fresh and stored.body == view["related"]
    assert {r["article_id"] for r in view["related"]} >= set(ids[1:])
    late = _grow(store, story_id, 3)
    assert not store.get_article_digest(ids[0]).fresh  # type: ignore[union-attr]
    digests.refresh_story(store, settings, story_id)  # refreshes the newest members' lists too
    refreshed = store.get_article_digest(ids[0])
    assert refreshed is not None and refreshed.fresh
    assert late in {r["article_id"] for r in refreshed.body}


def test_the_home_page_reads_stored_lines(store: Store, tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    story_id, _ids = _story(store, 3)
    digests.refresh_story(store, settings, story_id)
    line = store.story_lines([story_id])[story_id][0]
    assert line
    data = views.home_view(store, settings, views.Filters())
    assert [s["summary_line"] for s in data["stories"]] == [line]
    assert data["stories"][0]["recent"] == 3 and data["stories"][0]["growing"]

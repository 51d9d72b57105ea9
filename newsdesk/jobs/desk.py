"""The procrastinate app of one desk, and the follow-ups that defer work as jobs."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued, ConnectorException

from newsdesk.collect.identity import normalize_url
from newsdesk.config import Settings
from newsdesk.errors import StoreError
from newsdesk.models import Feed, IngestOutcome
from newsdesk.store import Store, open_store

if TYPE_CHECKING:
    from newsdesk.collect.fetcher import Fetcher
    from newsdesk.ingest import Hints, Ingestor
    from newsdesk.jobs.tasks import DeskTasks

QUEUES = ("ingest", "analysis", "schedule", "alerts")


def uses_postgres(settings: Settings) -> bool:
    return settings.resolved_database_url.startswith(("postgresql", "postgres"))


def _connector(settings: Settings, *, pool_size: int) -> Any:
    if not uses_postgres(settings):
        from procrastinate.testing import InMemoryConnector

        return InMemoryConnector()
    from newsdesk.store.jobqueue import psycopg_conninfo

    conninfo = psycopg_conninfo(settings.resolved_database_url)
    return procrastinate.PsycopgConnector(conninfo=conninfo, min_size=1, max_size=pool_size)


class JobDesk:
    """The job queue of one desk: a procrastinate :class:`~procrastinate.App` with newsdesk's tasks.

    ``durable`` is True on PostgreSQL (jobs live in the database, any number of workers);
    on SQLite the queue is procrastinate's in-memory connector, alive as long as the process.
    Open it with ``desk.app.open_async()`` (workers, ``serve``) or ``desk.app.open()`` (a CLI
    command deferring jobs synchronously).
    """

    def __init__(self, settings: Settings, *, concurrency: int = 4,
                 store: Store | None = None) -> None:
        from newsdesk.jobs.tasks import register_tasks

        self.settings = settings
        self.durable = uses_postgres(settings)
        self.app = procrastinate.App(connector=_connector(settings, pool_size=concurrency + 4))
        self._store = store
        self._fetcher: Fetcher | None = None
        self._lock = threading.Lock()
        self.tasks: DeskTasks = register_tasks(self)

    # --- what the tasks work with (one per process, shared by the worker's threads) ----------
    @property
    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                self._store = open_store(self.settings)
            return self._store

    @property
    def fetcher(self) -> Fetcher:
        from newsdesk.collect.fetcher import Fetcher

        store = self.store  # (takes the lock itself)
        with self._lock:
            if self._fetcher is None:
                # politeness and the robots.txt cache live in the database: shared by every worker
                self._fetcher = Fetcher(self.settings, ledger=store, robots_cache=store)
            return self._fetcher

    def ingestor(self) -> Ingestor:
        from newsdesk.ingest import Ingestor

        return Ingestor(self.store, self.settings, fetcher=self.fetcher, analyze=False,
                        follow_ups=lambda ingestor: QueuedFollowUps(ingestor, self))

    def prepare(self) -> None:
        """Make the queue usable: procrastinate's schema on PostgreSQL; on SQLite the errors of a
        previous process's in-memory jobs are forgotten (their ids are reused)."""
        if self.durable:
            from newsdesk.store.jobqueue import ensure_job_schema

            ensure_job_schema(self.settings.resolved_database_url)
        else:
            self.store.forget_job_errors()

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()
            self._fetcher = None

    # --- deferring -------------------------------------------------------------------------
    def defer(self, task: Any, *, lock: str | None = None, queueing_lock: str | None = None,
              **kwargs: Any) -> int | None:
        """Defer one job; None when a job with the same key is already waiting or running.

        When ``lock`` is the job's own key (equal to ``queueing_lock``), a running job is checked
        too: procrastinate's queueing lock covers waiting jobs only, and a second waiting job
        would stop the running one from being put back in the queue for its retry.
        """
        try:
            if lock and lock == queueing_lock and self.app.job_manager.list_jobs(lock=lock, status="doing"):
                return None
            return int(task.configure(lock=lock, queueing_lock=queueing_lock).defer(**kwargs))
        except AlreadyEnqueued:
            return None
        except ConnectorException as exc:
            raise StoreError(f"cannot queue a job: {exc.__cause__ or exc}") from None

    async def defer_target_async(self, target: str) -> int:
        """Defer the job adding one target (from an event loop: the web server)."""
        try:
            return int(await self.tasks.add_target.defer_async(target=target))
        except ConnectorException as exc:
            raise StoreError(f"cannot queue a job: {exc.__cause__ or exc}") from None

    def defer_target(self, target: str) -> int:
        job_id = self.defer(self.tasks.add_target, target=target)
        assert job_id is not None  # no queueing lock: never refused
        return job_id

    def defer_poll(self, feed_id: int) -> int | None:
        """Queue a poll of one feed; its first run skips it if the feed is polled meanwhile."""
        from newsdesk.store import utcnow

        key = f"feed:{feed_id}"
        return self.defer(self.tasks.poll_feed, lock=key, queueing_lock=key, feed_id=feed_id,
                          queued_at=utcnow().isoformat())

    def defer_page(self, url: str, *, hints: Hints, feed_id: int | None, fallback_html: str) -> int | None:
        key = f"page:{normalize_url(url)}"
        return self.defer(self.tasks.fetch_page, lock=key, queueing_lock=key, url=url,
                          hints=_json_hints(hints), feed_id=feed_id, fallback_html=fallback_html)

    def defer_sitemap(self, url: str, depth: int) -> int | None:
        key = f"sitemap:{normalize_url(url)}"
        return self.defer(self.tasks.read_sitemap, lock=key, queueing_lock=key, url=url, depth=depth)

    def defer_analysis(self, article_id: int) -> int | None:
        key = f"article:{article_id}"
        return self.defer(self.tasks.analyze_article, lock=key, queueing_lock=key, article_id=article_id)

    def defer_stories(self) -> int | None:
        """Queue the story assignment of every waiting article (once; a running one is not enough:
        it chose its articles when it started)."""
        return self.defer(self.tasks.assign_stories, lock="stories", queueing_lock="stories-waiting")

    def defer_story_merge(self) -> int | None:
        """Queue one merge pass over the recent stories (a waiting one covers every change so far);
        it shares the queue lock of the story assignment, so the two never run at once."""
        return self.defer(self.tasks.merge_stories, lock="stories", queueing_lock="stories-merge-waiting")

    def defer_summary(self, story_id: int) -> int | None:
        key = f"summary:{story_id}"
        return self.defer(self.tasks.summarize_story, lock=key, queueing_lock=key, story_id=story_id)

    def defer_watchlist_alert(self, watchlist_id: int) -> int | None:
        key = f"watchlist:{watchlist_id}"
        return self.defer(self.tasks.alert_watchlist, lock=key, queueing_lock=key, watchlist_id=watchlist_id)

    def defer_immediate_alerts(self) -> int | None:
        """Queue one look at the immediate watchlists (a waiting one covers every article so far)."""
        return self.defer(self.tasks.check_immediate_watchlists, queueing_lock="immediate-alerts")

    def defer_digest(self, user_id: int) -> int | None:
        key = f"digest:{user_id}"
        return self.defer(self.tasks.send_digest, lock=key, queueing_lock=key, user_id=user_id)


    def defer_story_refresh(self, story_id: int) -> int | None:
        """Queue the refresh of a story's stored page data; repeated requests while one waits
        coalesce into it (a running refresh is not enough: it may have read the story before
        the change)."""
        return self.defer(self.tasks.refresh_story, lock=f"digest:{story_id}",
                          queueing_lock=f"digest-waiting:{story_id}", story_id=story_id)

    def defer_entity_refresh(self, entity_id: int) -> int | None:
        """Queue the refresh of an entity's stored page (coalesced like a story's)."""
        return self.defer(self.tasks.refresh_entity, lock=f"entity:{entity_id}",
                          queueing_lock=f"entity-waiting:{entity_id}", entity_id=entity_id)

    def defer_related_refresh(self, article_id: int) -> int | None:
        return self.defer(self.tasks.refresh_related, lock=f"related:{article_id}",
                          queueing_lock=f"related-waiting:{article_id}", article_id=article_id)


def _json_hints(hints: Hints) -> dict[str, Any]:
    """Feed hints as JSON values (a job's arguments are stored as JSON)."""
    out: dict[str, Any] = {}
    for key, value in hints.items():
        if value in (None, ""):
            continue
        out[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


class QueuedFollowUps:
    """Follow-up work as jobs. On a durable queue everything is deferred; on the in-memory queue
    (SQLite) the pages of a feed or sitemap are fetched at once, because the feed's validators are
    saved after its entries and a lost in-memory job would never be seen again; feeds to poll and
    articles to analyse are deferred there too, since the schedule finds them again after a restart
    (a feed never polled is due; an article with unfinished steps is caught up)."""

    def __init__(self, ingestor: Ingestor, desk: JobDesk) -> None:
        self.ingestor = ingestor
        self.desk = desk

    def page(self, url: str, *, hints: Hints, feed_id: int | None, fallback_html: str) -> Iterator[IngestOutcome]:
        if not self.desk.durable:
            yield from self.ingestor.fetch_page(url, hints=hints, feed_id=feed_id, fallback_html=fallback_html)
            return
        job_id = self.desk.defer_page(url, hints=hints, feed_id=feed_id, fallback_html=fallback_html)
        yield _queued(url, job_id)

    def feed(self, feed: Feed) -> Iterator[IngestOutcome]:
        yield _queued(feed.url, self.desk.defer_poll(feed.id))

    def sitemap(self, url: str, depth: int) -> Iterator[IngestOutcome]:
        if not self.desk.durable:
            yield from self.ingestor.read_sitemap(url, depth)
            return
        yield _queued(url, self.desk.defer_sitemap(url, depth))

    def analysis(self, article_id: int) -> None:
        self.desk.defer_analysis(article_id)


def _queued(target: str, job_id: int | None) -> IngestOutcome:
    return IngestOutcome(target, "queued", detail=f"job {job_id}" if job_id else "already queued")

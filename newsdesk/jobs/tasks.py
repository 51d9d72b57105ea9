"""The tasks of the desk and its schedule, registered on one :class:`~newsdesk.jobs.desk.JobDesk`.

Every task is idempotent: it reads what it needs from the database, and running it twice (a
retry, a job of a worker that was killed and is run again) stores nothing twice, because
articles are found by canonical URL and content hash and analysis steps record what is done.
A task that fails raises; procrastinate retries it with exponential back-off
(``job_retry_delay ** n`` seconds) until ``job_max_attempts`` runs, and the error of each
failed run is kept in ``job_errors`` for ``newsdesk jobs`` and the jobs page.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from procrastinate import JobContext, RetryStrategy

from newsdesk.errors import NewsdeskError, NotFoundError
from newsdesk.models import IngestOutcome
from newsdesk.store import utcnow

if TYPE_CHECKING:
    from newsdesk.jobs.desk import JobDesk

log = logging.getLogger(__name__)
#: hours a finished job stays listed before the daily clean-up removes it
KEEP_FINISHED_HOURS = 72
#: scheduler ticks without a change to an article (or its steps) before the catch-up queues it
CATCH_UP_AFTER_TICKS = 10


class JobFailedError(NewsdeskError):
    """A job's work failed (the message says why); the queue retries it with back-off."""

    exit_code = 3


@dataclass(frozen=True)
class DeskTasks:
    add_target: Any
    poll_feed: Any
    fetch_page: Any
    read_sitemap: Any
    analyze_article: Any
    assign_stories: Any
    summarize_story: Any
    merge_stories: Any
    refresh_story: Any
    refresh_related: Any
    refresh_entity: Any
    enqueue_due_feeds: Any
    catch_up_analysis: Any
    retry_stalled_jobs: Any
    remove_old_jobs: Any
    alert_watchlist: Any
    check_immediate_watchlists: Any
    evaluate_watchlists: Any
    send_digest: Any


def scheduler_cron(seconds: int) -> str:
    """A procrastinate cron line (6th field = seconds) firing every ``seconds``."""
    if seconds < 60:
        return f"* * * * * */{seconds}"
    return f"*/{max(1, seconds // 60)} * * * *"


def _failures(outcomes: list[IngestOutcome]) -> str:
    return "; ".join(o.detail or o.target for o in outcomes if o.action == "failed")


def register_tasks(desk: JobDesk) -> DeskTasks:
    app = desk.app
    settings = desk.settings
    # procrastinate counts the runs before the current one; max_attempts=0 would mean "forever"
    retries = settings.job_max_attempts - 1
    retry: Any = RetryStrategy(max_attempts=retries, exponential_wait=settings.job_retry_delay) if retries else False

    def job(name: str, queue: str, *, retry: Any = retry,
            with_attempts: bool = False) -> Callable[[Callable[..., Any]], Any]:
        """Register ``func`` as task ``newsdesk.<name>``; the error of a failed run is recorded.
        ``with_attempts``: ``func`` is told how many runs of its job came before (``attempts``)."""
        def decorate(func: Callable[..., Any]) -> Any:
            @functools.wraps(func)
            def run(context: JobContext, **kwargs: Any) -> Any:
                if with_attempts:
                    kwargs["attempts"] = context.job.attempts
                try:
                    return func(**kwargs)
                except Exception as exc:
                    message = str(exc) if isinstance(exc, NewsdeskError) else f"{type(exc).__name__}: {exc}"
                    job_row = context.job
                    try:
                        if job_row.id is not None:
                            desk.store.record_job_error(job_row.id, job_row.task_name, job_row.attempts + 1,
                                                        message)
                    except NewsdeskError as store_error:  # the job's own error is the one to report
                        log.warning("cannot record the error of job %s: %s", job_row.id, store_error)
                    raise
            return app.task(name=f"newsdesk.{name}", queue=queue, retry=retry, pass_context=True)(run)
        return decorate

    @job("add_target", "ingest")
    def add_target(target: str) -> None:
        """Dispatch one target: a page, feed, sitemap, front page, or a file/folder/archive path."""
        outcomes = list(desk.ingestor().add_target(target))
        if outcomes and all(o.action == "failed" for o in outcomes):
            raise JobFailedError(_failures(outcomes), source=target)

    @job("poll_feed", "ingest", with_attempts=True)
    def poll_feed(feed_id: int, queued_at: str | None = None, attempts: int = 0) -> None:
        """One conditional GET of a feed; its new entries become fetch_page jobs.

        A first run does nothing when the feed was polled after this job was queued: a tick
        that found the feed due while its previous poll was finishing queued it again (the
        queueing lock is free once that poll is done). A retry always polls."""
        try:
            feed = desk.store.get_feed(feed_id)
        except NotFoundError:
            return  # unsubscribed meanwhile
        if (not attempts and queued_at and feed.last_fetched is not None
                and feed.last_fetched > datetime.fromisoformat(queued_at)):
            return
        outcomes = list(desk.ingestor().poll_feed(feed))
        if outcomes and outcomes[0].action == "failed" and outcomes[0].target == feed.url:
            raise JobFailedError(_failures(outcomes[:1]), source=feed.url)

    @job("fetch_page", "ingest")
    def fetch_page(url: str, hints: dict[str, Any] | None = None, feed_id: int | None = None,
                   fallback_html: str = "") -> None:
        """Fetch, extract, deduplicate and store one page; its analysis becomes a job."""
        outcomes = list(desk.ingestor().fetch_page(url, hints=hints or {}, feed_id=feed_id,
                                                   fallback_html=fallback_html))
        if any(o.action == "failed" for o in outcomes):
            raise JobFailedError(_failures(outcomes), source=url)

    @job("read_sitemap", "ingest")
    def read_sitemap(url: str, depth: int = 0) -> None:
        outcomes = list(desk.ingestor().read_sitemap(url, depth))
        if outcomes and outcomes[0].action == "failed" and outcomes[0].target == url:
            raise JobFailedError(_failures(outcomes[:1]), source=url)

    @job("analyze_article", "analysis")
    def analyze_article(article_id: int) -> None:
        """The analysis steps of one article not done yet, but the story (the assign_stories job
        does it); a failed step fails the job (retried), the steps done stay done."""
        from newsdesk.analyze.pipeline import STEPS, require_complete
        from newsdesk.analyze.pipeline import analyze_article as run_steps

        try:
            result = run_steps(desk.store, article_id, settings, steps=[s for s in STEPS if s != "story"])
        except NotFoundError:
            return  # removed meanwhile
        if "story" not in desk.store.completed_steps(article_id):
            desk.defer_stories()
        else:
            desk.defer_immediate_alerts()
        require_complete(result)

    # Story assignment compares an article with the stories so far: two at once could each open a
    # story for the same event, and the clusterer works best in publication order. So one job at a
    # time (a shared lock) assigns every article waiting for its story, oldest first. It is not
    # retried by the queue (a waiting copy would block the retry): a failed step is recorded on
    # its article, and the catch-up queues the article again.
    @job("assign_stories", "analysis", retry=False)
    def assign_stories() -> None:
        """Put every article whose entities are done into a story (joining or opening one), in
        publication order; then refresh the stored page data (summary, timeline, framing…) of the stories that grew."""
        from newsdesk.analyze.pipeline import analyze_article as run_steps

        grown: set[int] = set()
        filed: list[int] = []
        tried: set[int] = set()
        while ids := [i for i in desk.store.awaiting_story_ids(limit=200 + len(tried)) if i not in tried]:
            for article_id in ids:
                tried.add(article_id)
                try:
                    result = run_steps(desk.store, article_id, settings, steps=["story"])
                    story_id = desk.store.get_article(article_id).story_id
                except NotFoundError:
                    continue
                if story_id is not None and result.complete:
                    grown.add(story_id)
                    filed.append(article_id)
            # each round's articles are complete now: their alerts need not wait for later arrivals
            desk.defer_immediate_alerts()
        for story_id in sorted(grown):
            desk.defer_story_refresh(story_id)
        # the entities of the filed articles gained coverage (and a story): their pages too
        for entity_id in desk.store.entity_ids_of_articles(filed):
            desk.defer_entity_refresh(entity_id)
        if grown:  # the stories that grew may now match ones the stream kept apart
            desk.defer_story_merge()

    # The stream joins an article to a story only when it is clearly similar; this job merges the
    # recent stories it split (newsdesk.analyze.story_merge). It takes the same queue lock as
    # assign_stories (and the stories lock in the database), so it never runs beside an
    # assignment or another merge; it runs after assignments and on the schedule.
    @job("merge_stories", "analysis", retry=False)
    def merge_stories(timestamp: int = 0) -> None:
        """Merge the recent stories the stream split (average link over their members); move
        the articles, point old ids and watchlists to the survivor, refresh its page data."""
        from newsdesk.analyze.stories import merge_recent_stories

        for story_id in merge_recent_stories(desk.store, settings):
            desk.defer_story_refresh(story_id)

    @job("summarize_story", "analysis")
    def summarize_story(story_id: int) -> None:
        """Compute (and cache) a story's summary, so its page opens at once."""
        from newsdesk.analyze.summarize import summarize_story as summarize

        try:
            summarize(desk.store, story_id, settings)
        except NotFoundError:
            return

    @job("refresh_story", "analysis")
    def refresh_story(story_id: int) -> None:
        """Recompute a story's stored page data (its digest: summary line, timeline, summary,
        entities, framing, coverage) and the related lists of its newest articles."""
        from newsdesk.analyze.digests import refresh_story as refresh

        refresh(desk.store, settings, story_id)

    @job("refresh_related", "analysis")
    def refresh_related(article_id: int) -> None:
        """Recompute an article's stored related list."""
        from newsdesk.analyze.digests import refresh_article

        refresh_article(desk.store, settings, article_id)

    @job("refresh_entity", "analysis")
    def refresh_entity(entity_id: int) -> None:
        """Recompute an entity's stored page (articles, stories, coverage, co-occurring entities)."""
        from newsdesk.analyze.digests import refresh_entity as refresh

        refresh(desk.store, entity_id)

    cron = scheduler_cron(settings.scheduler_interval)

    @app.periodic(cron=cron, periodic_id="due-feeds")
    @job("enqueue_due_feeds", "schedule")
    def enqueue_due_feeds(timestamp: int) -> None:
        """Defer a poll of every feed whose next poll time has come (one per feed at a time)."""
        for feed in desk.store.due_feeds():
            desk.defer_poll(feed.id)

    # on the schedule too (every 15 minutes), for a merge an assignment round did not trigger
    app.periodic(cron="*/15 * * * *", periodic_id="merge-stories")(merge_stories)

    @app.periodic(cron=cron, periodic_id="catch-up")
    @job("catch_up_analysis", "schedule")
    def catch_up_analysis(timestamp: int) -> None:
        """Defer the analysis of articles whose steps are unfinished and that nothing touched for a
        few ticks (a lost job, a restart of the in-memory queue, a story assignment that failed);
        steps failed ``job_max_attempts`` times are left alone."""
        quiet_since = utcnow() - timedelta(seconds=CATCH_UP_AFTER_TICKS * settings.scheduler_interval)
        for article_id in desk.store.unanalyzed_article_ids(limit=1000, max_attempts=settings.job_max_attempts,
                                                            quiet_since=quiet_since):
            desk.defer_analysis(article_id)

    @app.periodic(cron=cron, periodic_id="stalled")
    @app.task(name="newsdesk.retry_stalled_jobs", queue="schedule", pass_context=True)
    async def retry_stalled_jobs(context: JobContext, timestamp: int) -> None:
        """Run again the jobs of workers that stopped sending heartbeats (killed, machine lost)."""
        manager = context.app.job_manager
        for stalled in await manager.get_stalled_jobs(seconds_since_heartbeat=3 * settings.worker_heartbeat):
            log.warning("job %s (%s) of a stalled worker is run again", stalled.id, stalled.task_name)
            await manager.retry_job(stalled)

    @app.periodic(cron="17 3 * * *", periodic_id="cleanup")
    @app.task(name="newsdesk.remove_old_jobs", queue="schedule", pass_context=True)
    async def remove_old_jobs(context: JobContext, timestamp: int) -> None:
        """Forget succeeded and cancelled jobs after a few days (failed ones stay until retried)."""
        await context.app.job_manager.delete_old_jobs(nb_hours=KEEP_FINISHED_HOURS, include_cancelled=True)

    # --- watchlist alerts and digests (newsdesk.follow.alerts; docs/watchlists.md) ------------
    @job("alert_watchlist", "alerts")
    def alert_watchlist(watchlist_id: int) -> None:
        """Queue a watchlist's new articles in its alert ledger and send a batch if its rule is
        due; a failed delivery is retried and resends the same batch (same delivery id)."""
        from newsdesk.follow.alerts import run_watchlist_alerts

        try:
            run_watchlist_alerts(desk.store, settings, watchlist_id)
        except NotFoundError:
            return  # removed meanwhile

    @job("check_immediate_watchlists", "alerts")
    def check_immediate_watchlists() -> None:
        """After analysed articles: an alert run for every watchlist alerting immediately."""
        from newsdesk.follow.alerts import due_watchlist_ids

        for watchlist_id in due_watchlist_ids(desk.store, modes=("immediate",)):
            desk.defer_watchlist_alert(watchlist_id)

    @app.periodic(cron=scheduler_cron(min(60, settings.scheduler_interval)), periodic_id="watchlists")
    @job("evaluate_watchlists", "schedule")
    def evaluate_watchlists(timestamp: int) -> None:
        """Each minute: an alert run for every watchlist whose rule is due, a digest job for every
        user whose digest is due."""
        from newsdesk.follow.alerts import due_digest_user_ids, due_watchlist_ids

        for watchlist_id in due_watchlist_ids(desk.store):
            desk.defer_watchlist_alert(watchlist_id)
        for user_id in due_digest_user_ids(desk.store):
            desk.defer_digest(user_id)

    @job("send_digest", "alerts")
    def send_digest(user_id: int) -> None:
        """Build and e-mail one user's scheduled digest if it is due."""
        from newsdesk.follow.alerts import send_scheduled_digest

        try:
            send_scheduled_digest(desk.store, settings, user_id)
        except NotFoundError:
            return

    return DeskTasks(add_target, poll_feed, fetch_page, read_sitemap, analyze_article, assign_stories,
                     summarize_story, merge_stories, refresh_story, refresh_related, refresh_entity,
                     enqueue_due_feeds, catch_up_analysis, retry_stalled_jobs, remove_old_jobs,
                     alert_watchlist, check_immediate_watchlists, evaluate_watchlists, send_digest)

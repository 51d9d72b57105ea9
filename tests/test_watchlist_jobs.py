"""Alerts on the real scheduler: the in-process procrastinate worker (SQLite) fetches a loopback
page, stores and analyses it, and the alert job that follows the analysis e-mails the reader
through a real SMTP server on loopback — once, however many times the scheduler looks again."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from loopback import LoopbackServer
from smtp_loopback import Mailbox

from newsdesk.config import Settings
from newsdesk.follow.passwords import hash_password
from newsdesk.follow.watchlists import WatchlistSpec, create_watchlist
from newsdesk.jobs.desk import JobDesk
from newsdesk.jobs.runner import run_jobs
from newsdesk.store import Store

pytestmark = pytest.mark.slow


def page(title: str, body: str) -> str:
    paragraphs = "".join(f"<p>{body} Paragraph {i} adds detail for readers of the Courier.</p>" for i in range(5))
    return (f"<!doctype html><html><head><title>{title}</title><meta property=\"og:site_name\" content=\"Loopback "
            f"Courier\"></head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>")


class Worker:
    """A JobDesk's worker (with its periodic scheduler) on an event loop in a thread."""

    def __init__(self, desk: JobDesk) -> None:
        self.desk = desk
        self.loop = asyncio.new_event_loop()
        self.task: asyncio.Task[None] | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.task = self.loop.create_task(run_jobs(self.desk, concurrency=2, install_signal_handlers=False))
        with contextlib.suppress(asyncio.CancelledError):
            self.loop.run_until_complete(self.task)

    def __enter__(self) -> Worker:
        self.thread.start()
        time.sleep(0.5)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.task is not None:
            self.loop.call_soon_threadsafe(self.task.cancel)
        self.thread.join(timeout=60)

    def defer_page(self, url: str) -> None:
        async def defer() -> None:
            key = f"page:{url}"
            await self.desk.tasks.fetch_page.configure(lock=key, queueing_lock=key).defer_async(url=url, hints={})
        asyncio.run_coroutine_threadsafe(defer(), self.loop).result(timeout=30)


@pytest.fixture
def site() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        srv.route("/robots.txt", body="User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
        yield srv


def test_an_analysed_article_is_alerted_by_the_in_process_scheduler(tmp_path: Path, settings: Settings,
                                                                    site: LoopbackServer) -> None:
    with Mailbox() as mailbox:
        desk_settings = settings.replace(
            database_url=f"sqlite:///{tmp_path / 'desk.db'}", smtp_host="127.0.0.1", smtp_port=mailbox.port,
            smtp_security="none", scheduler_interval=1, job_retry_delay=1, spacy_model="rules")
        store = Store(desk_settings.resolved_database_url)
        user = store.create_user("ana", hash_password("correct horse"), email="ana@example.org")
        watchlist, _ = create_watchlist(store, desk_settings, user, WatchlistSpec(
            kind="search", query="lighthouse", alert_mode="immediate"))
        site.route("/news/1", body=page("Lighthouse keeper retires after forty years",
                                        "The keeper of the Carrick lighthouse hands over to an automatic lamp."),
                   headers={"Content-Type": "text/html; charset=utf-8"})
        site.route("/news/2", body=page("Tram line opens to the airport",
                                        "The new tram line carries its first passengers to the airport."),
                   headers={"Content-Type": "text/html; charset=utf-8"})
        desk = JobDesk(desk_settings, store=store)
        with Worker(desk) as worker:
            worker.defer_page(site.url("/news/1"))
            worker.defer_page(site.url("/news/2"))
            message = mailbox.wait_for(1, timeout=120)[0]
            time.sleep(4)  # the per-tick evaluation runs a few more times: nothing more is sent
        assert len(mailbox.messages) == 1
        body = message.get_body(("plain",))
        assert body is not None and "Lighthouse keeper retires" in body.get_content()
        assert "Tram line" not in body.get_content()
        article = store.find_article_by_url(site.url("/news/1"))
        assert article is not None and store.pending_alerts(watchlist.id) == []
        assert store.get_watchlist(watchlist.id, user.id).last_alert_at is not None
        store.close()

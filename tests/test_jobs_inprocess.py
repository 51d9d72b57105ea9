"""The in-process job queue on SQLite: ``newsdesk serve`` and ``newsdesk run`` keep the desk current
by themselves (real subprocesses, a loopback feed, a short poll interval)."""

from __future__ import annotations

import json
import signal
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from jobrun import desk_env, newsdesk, start, stop, wait_for
from loopback import LoopbackServer

pytestmark = pytest.mark.slow

TOPICS = {1: ("Harbour ferry timetable changes for winter", "The Lantern Line ferry service changes its winter "
              "timetable, with fewer crossings to the outer islands and later first sailings."),
          2: ("Reservoir levels fall after a dry autumn", "Water managers at the Calder reservoir report levels "
              "well below the seasonal average and ask households to save water.")}


def _page(title: str, body: str) -> str:
    paragraphs = "".join(f"<p>{body} Paragraph {i} gives more detail for readers.</p>" for i in range(6))
    return (f"<!doctype html><html><head><title>{title}</title><meta property=\"og:site_name\" "
            f"content=\"Loopback Courier\"></head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>")


def _publish(server: LoopbackServer, count: int) -> str:
    """The feed with its first ``count`` entries (each a page on the server)."""
    items = ""
    for n in range(1, count + 1):
        title, body = TOPICS[n]
        path = f"/news/{n}"
        server.route(path, body=_page(title, body), headers={"Content-Type": "text/html; charset=utf-8"})
        items += (f"<item><title>{title}</title><link>{server.url(path)}</link><guid>{server.url(path)}</guid>"
                  f"<pubDate>Mon, 0{n} Mar 2026 09:00:00 GMT</pubDate></item>")
    server.route("/feed.xml", body=(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback Courier'
                                   f'</title><link>{server.url("/")}</link><description>news</description>{items}'
                                   "</channel></rss>"), headers={"Content-Type": "application/rss+xml"})
    return server.url("/feed.xml")


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        srv.route("/robots.txt", body="User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
        yield srv


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_polls_a_feed_on_its_schedule_and_shows_the_new_entry(server: LoopbackServer,
                                                                     tmp_path: Path) -> None:
    env = desk_env(f"sqlite:///{tmp_path / 'desk.db'}", tmp_path, poll_interval=2)
    feed_url = _publish(server, 1)
    assert "subscribed" in newsdesk(env, "add", feed_url).stdout
    port = _free_port()
    serve = start(env, "serve", "--port", str(port), log=tmp_path / "serve.log")
    try:
        home = f"http://127.0.0.1:{port}/"
        wait_for(lambda: _get(home), timeout=60, what="serve to answer")
        assert TOPICS[2][0] not in _get(home)
        _publish(server, 2)  # a new entry appears in the feed; nobody runs a command
        wait_for(lambda: TOPICS[2][0] in _get(home), timeout=90, what="the new entry on the home page")
        jobs_page = _get(f"http://127.0.0.1:{port}/sources/jobs")
        assert "poll_feed" in jobs_page and "enqueue_due_feeds" in jobs_page
        listed = httpx.get(f"http://127.0.0.1:{port}/api/jobs?status=done", timeout=10).json()
        assert any(j["task"] == "poll_feed" and j["subject"] == "feed 1" for j in listed["jobs"])
        # the CLI says where a SQLite desk's queue lives, and what is failing (nothing)
        cli = newsdesk(env, "jobs", "--json")
        assert json.loads(cli.stdout)["queue"] == "in-process"
    finally:
        code = stop(serve)
    # uvicorn shuts down (our lifespan stops the in-process worker) and then re-raises SIGTERM
    assert code in (0, -signal.SIGTERM), (tmp_path / "serve.log").read_text()
    assert "Traceback" not in (tmp_path / "serve.log").read_text()


def test_serve_with_two_processes_runs_one_schedule(server: LoopbackServer, tmp_path: Path) -> None:
    """``serve --workers 2`` on SQLite: one of the two server processes runs the schedule (the
    other only serves), so a due feed is polled once per interval, not once per process."""
    interval = 3
    env = desk_env(f"sqlite:///{tmp_path / 'desk.db'}", tmp_path, poll_interval=interval)
    feed_url = _publish(server, 1)
    newsdesk(env, "add", "--no-analyze", feed_url)
    port = _free_port()
    serve = start(env, "serve", "--workers", "2", "--port", str(port), log=tmp_path / "serve.log")
    try:
        wait_for(lambda: _get(f"http://127.0.0.1:{port}/"), timeout=60, what="serve to answer")
        since = len(server.requests_to("/feed.xml"))
        # five polls in a row (a loaded machine is slow to tick: no fixed window)
        wait_for(lambda: len(server.requests_to("/feed.xml")) >= since + 5, timeout=240,
                 what="five more polls")
        polls = [r.at for r in server.requests_to("/feed.xml")][since:]
    finally:
        code = stop(serve)
    log = (tmp_path / "serve.log").read_text()
    assert code in (0, -signal.SIGTERM), log
    assert "Traceback" not in log
    gaps = [round(b - a, 2) for a, b in zip(polls, polls[1:], strict=False)]
    # a poll moves the feed's next poll time `interval` on: one schedule never polls sooner
    assert min(gaps) >= interval / 2, gaps


def test_run_keeps_the_desk_current_headless_and_stops_cleanly(server: LoopbackServer, tmp_path: Path) -> None:
    env = desk_env(f"sqlite:///{tmp_path / 'desk.db'}", tmp_path, poll_interval=2)
    feed_url = _publish(server, 1)
    newsdesk(env, "add", "--no-analyze", feed_url)
    run = start(env, "run", log=tmp_path / "run.log")
    try:
        _publish(server, 2)
        listed = wait_for(lambda: TOPICS[2][0] in newsdesk(env, "ls", "--json", check=False).stdout,
                          timeout=90, what="newsdesk run to fetch the new entry")
        assert listed
        # the article added with --no-analyze is caught up by the schedule
        wait_for(lambda: '"story_id": null' not in newsdesk(env, "ls", "--json").stdout, timeout=90,
                 what="the catch-up analysis")
    finally:
        code = stop(run)
    assert code == 0, (tmp_path / "run.log").read_text()


def test_worker_needs_postgresql(tmp_path: Path) -> None:
    env = desk_env(f"sqlite:///{tmp_path / 'desk.db'}", tmp_path)
    result = newsdesk(env, "worker", check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == ("error: workers need PostgreSQL; `newsdesk serve` or `newsdesk run` runs "
                                     "jobs in-process")
    queued = newsdesk(env, "add", "--enqueue", "https://example.org/feed.xml", check=False)
    assert queued.returncode == 2 and "needs PostgreSQL" in queued.stderr


def _get(url: str) -> str:
    try:
        return httpx.get(url, timeout=10).text
    except httpx.TransportError:
        return ""


def test_the_schedule_lock_has_one_holder_at_a_time(tmp_path: Path) -> None:
    from newsdesk.jobs.schedule_lock import ScheduleLock

    url = f"sqlite:///{tmp_path / 'desk.db'}"
    first, second = ScheduleLock(url), ScheduleLock(url)
    assert first.acquire() and not second.acquire()  # flock: one holder, whichever file handle
    assert (tmp_path / "desk.db.schedule.lock").read_text().strip().isdigit()
    first.release()
    assert second.acquire() and not first.acquire()
    second.release()
    assert ScheduleLock("postgresql://db/desk").acquire()  # PostgreSQL: the database keeps one schedule


def test_a_poll_queued_before_the_feed_was_polled_does_nothing(server: LoopbackServer, tmp_path: Path) -> None:
    """A tick found the feed due while its previous poll was finishing and queued it again: that
    job does nothing (no second GET). (A retry of a failed poll still polls: test_jobs_workers.)"""
    import asyncio

    from newsdesk.config import load_settings
    from newsdesk.jobs.desk import JobDesk
    from newsdesk.store import Store

    url = f"sqlite:///{tmp_path / 'desk.db'}"
    settings = load_settings(data_dir=tmp_path, database_url=url, environ={}, allow_private_addresses=True,
                             min_host_delay=0, host_delay_jitter=0)
    store = Store(url)
    feed, _created = store.add_feed(_publish(server, 1), "Loopback Courier")
    desk = JobDesk(settings, store=store)

    async def run_queue(defer: Any) -> None:
        async with desk.app.open_async():
            await asyncio.to_thread(defer)
            await desk.app.run_worker_async(wait=False, install_signal_handlers=False)

    def queue_then_poll_elsewhere() -> None:
        assert desk.defer_poll(feed.id)
        store.record_feed_success(feed.id, interval=60)  # another poll finished after it was queued

    asyncio.run(run_queue(queue_then_poll_elsewhere))
    assert not server.requests_to("/feed.xml")
    asyncio.run(run_queue(lambda: desk.defer_poll(feed.id)))  # queued after the last poll: it polls
    assert len(server.requests_to("/feed.xml")) == 1
    desk.close()
    store.close()

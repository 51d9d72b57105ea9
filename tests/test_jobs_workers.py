"""Real ``newsdesk worker`` processes on PostgreSQL: racing workers, a worker killed mid-job, a
failing feed retried with back-off. The demo corpus is served over loopback HTTP (one address
per outlet), so the real fetch → extract → dedupe → store → analyse path runs in the workers."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from demo_origins import DemoOrigins
from jobrun import desk_env, jobs_json, newsdesk, start, stop, wait_for
from loopback import LoopbackServer

from newsdesk.demo import load_manifest
from newsdesk.store import Store

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
SCHEDULE_TASKS = {"enqueue_due_feeds", "catch_up_analysis", "retry_stalled_jobs", "remove_old_jobs"}


@pytest.fixture
def desk(pg_url: str) -> Iterator[Store]:
    store = Store(pg_url)  # migrated here, before any worker starts
    yield store
    store.close()


def _work_left(env: dict[str, str]) -> list[dict[str, Any]]:
    jobs = jobs_json(env)["jobs"]
    return [j for j in jobs if j["status"] in {"queued", "running"} and j["task"] not in SCHEDULE_TASKS]


def _settled(store: Store, env: dict[str, str], expected: set[str]) -> bool:
    stored = {a.canonical_url for a in store.list_articles(limit=1000, include_duplicates=True)}
    return expected <= stored and store.count_unanalyzed() == 0 and not _work_left(env)


def _expected(origins: DemoOrigins) -> tuple[set[str], dict[str, str], dict[str, str]]:
    manifest = load_manifest()
    html = [m for m in manifest if m.get("format", "html") == "html"]
    urls = {origins.url(m["url"]) for m in html}
    copies = {origins.url(m["url"]): origins.url(m["duplicate_of"]) for m in html if m.get("duplicate_of")}
    storylines = {origins.url(m["url"]): m["storyline"] for m in manifest}
    return urls, copies, storylines


def _check_desk(store: Store, origins: DemoOrigins) -> None:
    """Every demo page stored once, every copy linked to its original, stories close to the gold."""
    urls, copies, storylines = _expected(origins)
    articles = store.list_articles(limit=1000, include_duplicates=True)
    stored = [a.canonical_url for a in articles]
    assert len(stored) == len(set(stored)) and urls <= set(stored)
    found = {a.canonical_url: store.get_article(a.duplicate_of).canonical_url for a in articles if a.duplicate_of}
    assert found == copies
    story = {a.canonical_url: a.story_id for a in articles if a.canonical_url in storylines and not a.duplicate_of}
    assert None not in story.values()
    tp = fp = fn = 0
    for a, b in combinations(story, 2):
        same_gold, same_story = storylines[a] == storylines[b], story[a] == story[b]
        tp += same_gold and same_story
        fp += same_story and not same_gold
        fn += same_gold and not same_story
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert f1 >= 0.70, f1
    assert store.count_stories() <= 2 * len(set(storylines.values()))


def test_two_workers_racing_on_the_same_feeds_store_everything_once(desk: Store, pg_url: str,
                                                                    tmp_path: Path) -> None:
    env = desk_env(pg_url, tmp_path, scheduler_interval=2)
    with DemoOrigins() as origins:
        workers = [start(env, "worker", "--concurrency", "2", log=tmp_path / f"worker{i}.log") for i in (1, 2)]
        try:
            feeds = origins.feed_urls()
            # the same feeds queued twice, from two processes at once
            adders = [start(env, "add", "--enqueue", *feeds, log=tmp_path / f"add{i}.log") for i in (1, 2)]
            assert [a.wait(timeout=60) for a in adders] == [0, 0]
            expected, _copies, _stories = _expected(origins)
            wait_for(lambda: _settled(desk, env, expected), timeout=900, what="the workers to finish", interval=3)
        finally:
            codes = [stop(w) for w in workers]
        assert codes == [0, 0], [(tmp_path / f"worker{i}.log").read_text() for i in (1, 2)]
        _check_desk(desk, origins)
        assert jobs_json(env)["counts"]["failed"] == 0
        done = json.loads(newsdesk(env, "jobs", "--json", "--status", "done", "--limit", "100000").stdout)["jobs"]
        assert sum(j["task"] == "add_target" for j in done) == 12
        assert sum(j["task"] == "fetch_page" for j in done) >= len(expected)


def test_a_worker_killed_mid_job_loses_nothing(desk: Store, pg_url: str, tmp_path: Path) -> None:
    env = desk_env(pg_url, tmp_path, scheduler_interval=2)
    with DemoOrigins(page_delay=0.4) as origins:
        newsdesk(env, "add", "--enqueue", *origins.feed_urls())
        first = start(env, "worker", "--concurrency", "2", log=tmp_path / "first.log")
        try:
            wait_for(lambda: desk.count_articles() >= 6, timeout=180, what="articles to land")
            wait_for(lambda: [j for j in jobs_json(env, "--status", "running")["jobs"] if j["task"] == "fetch_page"],
                     timeout=60, what="a page being fetched")
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            stop(first)
        stuck = {j["id"] for j in jobs_json(env, "--status", "running")["jobs"]}
        assert stuck  # the dead worker's jobs are still marked running
        second = start(env, "worker", "--concurrency", "2", log=tmp_path / "second.log")
        try:
            expected, _copies, _stories = _expected(origins)
            wait_for(lambda: _settled(desk, env, expected), timeout=900, what="the second worker to finish",
                     interval=3)
        finally:
            assert stop(second) == 0, (tmp_path / "second.log").read_text()
        _check_desk(desk, origins)
        every = json.loads(newsdesk(env, "jobs", "--json", "--limit", "100000").stdout)["jobs"]
        rerun = [j for j in every if j["id"] in stuck]
        assert rerun and all(j["status"] == "done" and j["attempts"] >= 2 for j in rerun), rerun


def test_a_failing_feed_is_retried_with_back_off_and_shows_its_error(desk: Store, pg_url: str,
                                                                    tmp_path: Path) -> None:
    # the job retries itself (2 s, 4 s); the feed's own back-off (from poll_interval) is longer
    env = desk_env(pg_url, tmp_path, job_max_attempts=3, poll_interval=120)
    with LoopbackServer() as server:
        server.route("/robots.txt", body="User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
        server.route("/feed.xml", status=503, body="down for maintenance", headers={"Content-Type": "text/plain"})
        desk.add_feed(server.url("/feed.xml"), "Flaky Feed")
        worker = start(env, "worker", log=tmp_path / "worker.log")
        try:
            failed = wait_for(lambda: [j for j in jobs_json(env, "--status", "failed")["jobs"]
                                       if j["task"] == "poll_feed"], timeout=90, what="the poll to fail 3 times")
            job = failed[0]
            assert job["attempts"] == 3 and "503" in job["error"], job
            polls = [r.at for r in server.requests_to("/feed.xml")][:3]
            gaps = [b - a for a, b in zip(polls, polls[1:], strict=False)]
            assert gaps[0] >= 2 - 0.2 and gaps[1] >= 4 - 0.2, gaps  # job_retry_delay ** attempt
            listing = newsdesk(env, "jobs", "--status", "failed").stdout
            assert "poll_feed" in listing and "503" in listing
            feed = desk.list_feeds()[0]
            assert feed.error_count >= 3 and "503" in feed.last_error
            # the sources page shows the feed's error
            from fastapi.testclient import TestClient

            from newsdesk.config import load_settings
            from newsdesk.serve.app import create_app

            settings = load_settings(data_dir=tmp_path, database_url=pg_url, environ={})
            page = TestClient(create_app(settings, desk, run_worker=False)).get("/sources").text
            assert "503" in page and "Flaky Feed" in page
            # fixed at the source, the failed job is run again on request
            server.route("/feed.xml", body=(
                "<?xml version='1.0'?><rss version='2.0'><channel><title>Flaky Feed</title>"
                f"<link>{server.url('/')}</link><description>x</description></channel></rss>"),
                headers={"Content-Type": "application/rss+xml"})
            assert f"job {job['id']}" in newsdesk(env, "jobs", "retry", str(job["id"])).stdout
            wait_for(lambda: jobs_json(env)["jobs"] and next(
                j for j in jobs_json(env)["jobs"] if j["id"] == job["id"])["status"] == "done",
                timeout=60, what="the retried job to succeed")
            assert desk.get_feed(feed.id).error_count == 0
        finally:
            assert stop(worker) == 0, (tmp_path / "worker.log").read_text()


def test_jobs_commands_refuse_cleanly(desk: Store, pg_url: str, tmp_path: Path) -> None:
    env = desk_env(pg_url, tmp_path)
    queued = newsdesk(env, "add", "--enqueue", "https://example.org/feed.xml", "--json")
    job_id = json.loads(queued.stdout)[0]["job_id"]
    assert "cancelled" in newsdesk(env, "jobs", "cancel", str(job_id)).stdout
    again = newsdesk(env, "jobs", "cancel", str(job_id), check=False)
    assert again.returncode == 2 and again.stderr.count("\n") == 1 and "cancelled" in again.stderr
    missing = newsdesk(env, "jobs", "retry", "999999", check=False)
    assert missing.returncode == 6 and "no job" in missing.stderr and "Traceback" not in missing.stderr
    bad = newsdesk(env, "jobs", "--status", "sleeping", check=False)
    assert bad.returncode == 2 and "unknown job status" in bad.stderr


def _feed(server: LoopbackServer) -> str:
    server.route("/feed.xml", body=("<?xml version='1.0'?><rss version='2.0'><channel><title>Steady Feed</title>"
                                    f"<link>{server.url('/')}</link><description>x</description></channel></rss>"),
                 headers={"Content-Type": "application/rss+xml"})
    return server.url("/feed.xml")


def test_two_workers_poll_a_due_feed_once_per_interval(desk: Store, pg_url: str, tmp_path: Path) -> None:
    """Every worker runs procrastinate's periodic deferrer, yet the schedule is one: a due feed is
    polled once per interval, not once per worker."""
    interval = 3
    env = desk_env(pg_url, tmp_path, poll_interval=interval)
    with LoopbackServer() as server:
        server.route("/robots.txt", body="User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
        desk.add_feed(_feed(server), "Steady Feed")
        workers = [start(env, "worker", "--concurrency", "2", log=tmp_path / f"worker{i}.log") for i in (1, 2)]
        try:
            wait_for(lambda: server.requests_to("/feed.xml"), timeout=120, what="the first poll")
            since = len(server.requests_to("/feed.xml"))
            # five polls in a row (a loaded machine is slow to tick: no fixed window)
            wait_for(lambda: len(server.requests_to("/feed.xml")) >= since + 5, timeout=240,
                     what="five more polls")
            polls = [r.at for r in server.requests_to("/feed.xml")][since:]
        finally:
            assert [stop(w) for w in workers] == [0, 0]
    gaps = [round(b - a, 2) for a, b in zip(polls, polls[1:], strict=False)]
    # a poll moves the feed's next poll time `interval` on: one schedule never polls sooner
    assert min(gaps) >= interval / 2, gaps


def test_a_worker_takes_its_queues_only_and_retry_failed_runs_every_failed_job(desk: Store, pg_url: str,
                                                                              tmp_path: Path) -> None:
    env = desk_env(pg_url, tmp_path, job_max_attempts=1)
    with LoopbackServer() as server:
        server.route("/robots.txt", body="User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
        server.route("/gone", status=410, body="gone", headers={"Content-Type": "text/plain"})
        queued = json.loads(newsdesk(env, "add", "--enqueue", server.url("/gone"), "--json").stdout)
        job_id = queued[0]["job_id"]
        scheduler = start(env, "worker", "--queues", "schedule,analysis", log=tmp_path / "sched.log")
        try:
            wait_for(lambda: [j for j in jobs_json(env)["jobs"] if j["task"] == "enqueue_due_feeds"
                              and j["status"] == "done"][2:], timeout=120, what="three ticks")
            mine = next(j for j in jobs_json(env)["jobs"] if j["id"] == job_id)
            assert mine["status"] == "queued" and mine["attempts"] == 0, mine  # not its queue
            assert not server.requests_to("/gone")
        finally:
            assert stop(scheduler) == 0, (tmp_path / "sched.log").read_text()
        ingest = start(env, "worker", "--queues", "ingest", log=tmp_path / "ingest.log")
        try:
            wait_for(lambda: [j for j in jobs_json(env, "--status", "failed")["jobs"] if j["id"] == job_id],
                     timeout=60, what="the add_target job to fail")
            again = newsdesk(env, "jobs", "retry", "--failed").stdout
            assert again.strip() == f"1 failed jobs queued again: {job_id}"
            wait_for(lambda: len(server.requests_to("/gone")) >= 2, timeout=60, what="the job to run again")
            wait_for(lambda: next(j for j in jobs_json(env)["jobs"] if j["id"] == job_id)["status"] == "failed",
                     timeout=60, what="the job to fail again")
        finally:
            assert stop(ingest) == 0, (tmp_path / "ingest.log").read_text()

"""Following benchmark: digest generation for a reader with 50 watchlists over a large desk, and
the delay from an article being stored to its alert being received, on the real scheduler.

    .venv/bin/python bench/follow/run.py --stored 10000 --work /tmp/wl-bench            # what ran here
    .venv/bin/python bench/follow/run.py --stored 100000 --work /tmp/wl-bench          # the 100k desk
    .venv/bin/python bench/follow/run.py --skip-digest --backend postgresql --work /tmp/wl-bench  # a worker process

**Digest.** The desk is the first ``--stored`` articles of bench/scale's synthetic stream, filled by
bench/scale/prefill.py (stories, full-text index, copies; no entities). One user follows 50
watchlists: 30 searches (two topic words of a storyline), 10 stories, 10 outlets. A digest over
everything stored (up to 50 newest articles per watchlist) is built ``--repeats`` times; the first
build is cold (every article summary computed), the rest warm (summaries cached in the store).
Both are reported (p50 / p95 over the warm builds), plus rendering to Markdown and e-mail HTML.

**Alert delay.** A fresh SQLite desk with the in-process procrastinate worker (the ``serve`` /
``run`` runner) and its periodic scheduler, a real SMTP server (aiosmtpd) and a webhook receiver
on loopback. Two immediate watchlists (one e-mail, one webhook) follow a word every new page has.
``--alerts`` pages are served on loopback and deferred as fetch_page jobs one at a time every
``--gap`` seconds; each page is fetched, stored, analysed (spaCy rules only, no model load), and
the alert job sends it. Delay = receipt at the receiver − the article's ``first_seen`` (stored).
The scheduler tick is ``--tick`` seconds (default 60 in production; the per-tick evaluation
catches what the after-analysis trigger misses).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from newsdesk.config import load_settings  # noqa: E402
from newsdesk.follow.passwords import hash_password  # noqa: E402
from newsdesk.store import Store  # noqa: E402

PYTHON = sys.executable


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


# --- digest -------------------------------------------------------------------------------------

def prefilled(work: Path, stored: int, seed: int) -> str:
    path = work / f"stored-{stored}.db"
    if not path.exists():
        print(f"pre-filling {path} with {stored} articles (once; cached)", flush=True)
        subprocess.run([PYTHON, str(ROOT / "bench/scale/prefill.py"), f"sqlite:///{path}.part", "--stored",
                        str(stored), "--seed", str(seed)], cwd=ROOT, check=True)
        os.replace(f"{path}.part", path)
    copy = work / f"digest-{stored}.db"  # the benchmark writes users and caches: work on a copy
    with sqlite3.connect(path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    return f"sqlite:///{copy}"


def follow_fifty(store: Store, rng: random.Random) -> Any:
    """The bench user and its 50 watchlists: 30 searches (two long words of a stored story's title),
    10 stories, 10 outlets (the most prolific)."""
    user = store.find_user("bench") or store.create_user("bench", hash_password("benchmark reader"))
    stories = store.list_stories(limit=500)
    searches: list[str] = []
    for story in stories:
        words = [w.strip(".,:;'\"") for w in story.title.split() if len(w) > 5]
        if len(words) >= 2:
            searches.append(" ".join(words[:2]))
    searches = list(dict.fromkeys(searches))
    rng.shuffle(searches)
    made = 0
    for query in searches[:30]:
        store.create_watchlist(user.id, f"search {made}", "search", query=query)
        made += 1
    for story in rng.sample(stories, min(10, len(stories))):
        store.create_watchlist(user.id, f"story {story.id}", "story", target_id=story.id)
        made += 1
    for outlet in store.outlets()[:10]:
        store.create_watchlist(user.id, f"outlet {outlet['name']}", "outlet", target_id=int(outlet["id"]))
        made += 1
    return user, made


def digest_bench(options: argparse.Namespace) -> dict[str, Any]:
    from newsdesk.follow.digest import build_digest
    from newsdesk.follow.render import digest_html, digest_markdown

    url = prefilled(options.work, options.stored, options.seed)
    settings = load_settings(data_dir=options.work, environ={}, base_url="https://news.example")
    store = Store(url)
    user, count = follow_fifty(store, random.Random(5))
    since = datetime(2000, 1, 1, tzinfo=UTC)
    builds: list[float] = []
    renders: list[float] = []
    sizes: list[tuple[int, int]] = []
    for _ in range(options.repeats):
        began = time.perf_counter()
        digest = build_digest(store, settings, user, since=since)
        builds.append(time.perf_counter() - began)
        began = time.perf_counter()
        digest_markdown(digest)
        digest_html(digest)
        renders.append(time.perf_counter() - began)
        sizes.append((len(digest.stories), digest.article_count))
    matching: list[float] = []  # the floor of any digest: the 50 watchlists' queries alone
    followed = store.list_watchlists(user.id)
    for _ in range(options.repeats):
        began = time.perf_counter()
        for watchlist in followed:
            store.watchlist_article_ids(watchlist, stored_after=since, limit=50)
        matching.append(time.perf_counter() - began)
    store.close()
    warm = builds[1:] or builds
    result = {"stored": options.stored, "watchlists": count, "stories": sizes[0][0], "articles": sizes[0][1],
              "cold_s": builds[0], "warm_p50_s": pct(warm, 0.5), "warm_p95_s": pct(warm, 0.95),
              "render_p50_s": pct(renders, 0.5), "matching_only_p50_s": pct(matching, 0.5),
              "matching_only_p95_s": pct(matching, 0.95), "repeats": options.repeats}
    print(json.dumps(result), flush=True)
    return result


# --- alert delay --------------------------------------------------------------------------------

def page_html(n: int) -> bytes:
    words = ["harbour", "council", "budget", "railway", "festival", "reservoir", "museum", "election"]
    body = " ".join(f"<p>Lighthouse report {n}: the {words[n % 8]} story number {n} continues with "
                    f"{words[(n + i) % 8]} details, paragraph {i}, for readers of the Loopback Courier.</p>"
                    for i in range(6))
    return (f"<!doctype html><html><head><title>Lighthouse report {n} on the {words[n % 8]}</title>"
            f"<meta property=\"og:site_name\" content=\"Loopback Courier\"></head><body><article>"
            f"<h1>Lighthouse report {n}</h1>{body}</article></body></html>").encode()


class Site:
    """Pages on loopback, and the webhook receiver (records (time, body) of each POST)."""

    def __init__(self) -> None:
        self.hooks: list[tuple[float, bytes]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                if self.path == "/robots.txt":
                    self._send(200, "text/plain", b"User-agent: *\nAllow: /\n")
                elif self.path.startswith("/news/"):
                    self._send(200, "text/html; charset=utf-8", page_html(int(self.path.rsplit("/", 1)[1])))
                else:
                    self._send(404, "text/plain", b"no")

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                site.hooks.append((time.time(), body))
                self._send(204, "text/plain", b"")

            def _send(self, status: int, kind: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body and status != 204:
                    self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()


class Inbox:
    def __init__(self) -> None:
        self.mails: list[tuple[float, Any]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.mails.append((time.time(), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


class InProcessWorker:
    """The in-process runner (SQLite: procrastinate's in-memory queue) on an event loop in a thread."""

    def __init__(self, settings: Any, store: Store) -> None:
        from newsdesk.jobs.desk import JobDesk
        from newsdesk.jobs.runner import run_jobs

        self.desk = JobDesk(settings, store=store)
        self.loop = asyncio.new_event_loop()
        self.worker = self.loop.create_task(run_jobs(self.desk, concurrency=4, install_signal_handlers=False))
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        with contextlib.suppress(asyncio.CancelledError):
            self.loop.run_until_complete(self.worker)

    def start(self) -> None:
        self.thread.start()
        time.sleep(1.0)

    def defer_page(self, url: str) -> None:
        async def defer() -> None:
            await self.desk.tasks.fetch_page.configure(lock=f"page:{url}", queueing_lock=f"page:{url}").defer_async(
                url=url, hints={})
        asyncio.run_coroutine_threadsafe(defer(), self.loop).result(timeout=60)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.worker.cancel)
        self.thread.join(timeout=60)


class WorkerProcess:
    """A real ``newsdesk worker`` process on a PostgreSQL desk; jobs deferred from this process."""

    def __init__(self, settings: Any, env: dict[str, str], log: Path) -> None:
        from newsdesk.jobs.desk import JobDesk

        self.desk = JobDesk(settings)
        self.env, self.log = env, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.desk.prepare()
        self.desk.app.open()
        handle = self.log.open("ab")
        self.process = subprocess.Popen([PYTHON, "-m", "newsdesk", "worker", "--concurrency", "4"], env=self.env,
                                        cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT)
        time.sleep(8.0)  # imports and the first heartbeat

    def defer_page(self, url: str) -> None:
        self.desk.defer_page(url, hints={}, feed_id=None, fallback_html="")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.desk.app.close()


def _fresh_database(options: argparse.Namespace) -> str:
    if options.backend == "sqlite":
        db = options.work / "alerts.db"
        for leftover in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            leftover.unlink(missing_ok=True)
        return f"sqlite:///{db}"
    import psycopg

    admin = os.environ.get("NEWSDESK_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute('DROP DATABASE IF EXISTS "newsdesk_follow_bench"')
        conn.execute('CREATE DATABASE "newsdesk_follow_bench"')
    return admin.rsplit("/", 1)[0] + "/newsdesk_follow_bench"


def alert_bench(options: argparse.Namespace) -> dict[str, Any]:
    import socket

    from aiosmtpd.controller import Controller

    from newsdesk.follow.watchlists import WatchlistSpec, create_watchlist

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        smtp_port = int(sock.getsockname()[1])
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    values = {"database_url": _fresh_database(options), "allow_private_addresses": True, "min_host_delay": 0.0,
              "host_delay_jitter": 0.0, "smtp_host": "127.0.0.1", "smtp_port": smtp_port, "smtp_security": "none",
              "scheduler_interval": options.tick, "spacy_model": "rules", "base_url": "https://news.example"}
    settings = load_settings(data_dir=options.work, environ={}, **values)
    store = Store(settings.resolved_database_url)
    user = store.create_user("reader", hash_password("benchmark reader"), email="reader@example.org")
    with Site() as site:
        create_watchlist(store, settings, user, WatchlistSpec(kind="search", query="lighthouse", name="mail",
                                                              alert_mode="immediate"))
        create_watchlist(store, settings, user, WatchlistSpec(kind="search", query="lighthouse", name="hook",
                                                              alert_mode="immediate", email="",
                                                              webhook_url=site.url("/hook")))
        if options.backend == "sqlite":
            runner: Any = InProcessWorker(settings, store)
        else:
            env = {**os.environ, "NEWSDESK_CONFIG": "/nonexistent", "NEWSDESK_DATA_DIR": str(options.work),
                   **{f"NEWSDESK_{k.upper()}": str(int(v) if isinstance(v, bool) else v) for k, v in values.items()}}
            runner = WorkerProcess(settings, env, options.work / "worker.log")
        runner.start()
        warm_began = time.monotonic()
        try:
            if options.warmup:  # the worker's first analysis loads the models: not what an alert costs after
                runner.defer_page(site.url("/news/100000"))
                while not (inbox.mails and site.hooks) and time.monotonic() - warm_began < options.wait:
                    time.sleep(0.5)
            warmup_s = time.monotonic() - warm_began
            for n in range(options.alerts):
                runner.defer_page(site.url(f"/news/{n}"))
                time.sleep(options.gap)
            deadline = time.monotonic() + options.wait
            while time.monotonic() < deadline:
                mailed = {aid for _t, m in inbox.mails for aid in _mail_ids(m)}
                hooked = {a["id"] for _t, body in site.hooks for a in json.loads(body)["articles"]}
                if len(mailed) >= options.alerts and len(hooked) >= options.alerts:
                    break
                time.sleep(0.5)
        finally:
            runner.stop()
    controller.stop()
    stored = {a.id: a.first_seen.timestamp() for a in store.list_articles(limit=options.alerts * 2)
              if a.first_seen and not a.url.endswith("/news/100000")}
    store.close()
    mail_delay = _delays(stored, [(t, _mail_ids(m)) for t, m in inbox.mails])
    hook_delay = _delays(stored, [(t, [a["id"] for a in json.loads(b)["articles"]]) for t, b in site.hooks])
    result = {"warmup_s": round(warmup_s, 1) if options.warmup else None, "backend": options.backend, "runner": "in-process" if options.backend == "sqlite" else
              "newsdesk worker process", "articles": options.alerts, "stored": len(stored), "tick_s": options.tick,
              "gap_s": options.gap, "emails": len(inbox.mails), "webhooks": len(site.hooks),
              "email_alerted": len(mail_delay), "webhook_alerted": len(hook_delay),
              "email_p50_s": pct(mail_delay, 0.5), "email_p95_s": pct(mail_delay, 0.95),
              "webhook_p50_s": pct(hook_delay, 0.5), "webhook_p95_s": pct(hook_delay, 0.95),
              "duplicates": _duplicates([_mail_ids(m) for _t, m in inbox.mails])
              + _duplicates([[a["id"] for a in json.loads(b)["articles"]] for _t, b in site.hooks])}
    print(json.dumps(result), flush=True)
    return result


def _mail_ids(message: Any) -> list[int]:
    import re

    body = message.get_body(("plain",))
    return [int(i) for i in re.findall(r"/articles/(\d+)", body.get_content() if body else "")]


def _delays(stored: dict[int, float], received: list[tuple[float, list[int]]]) -> list[float]:
    first: dict[int, float] = {}
    for when, ids in received:
        for article_id in ids:
            first.setdefault(article_id, when)
    return [first[i] - stored[i] for i in first if i in stored]


def _duplicates(batches: list[list[int]]) -> int:
    seen = [i for batch in batches for i in batch]
    return len(seen) - len(set(seen))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--alerts", type=int, default=20, help="new articles in the alert-delay run")
    parser.add_argument("--gap", type=float, default=2.0, help="seconds between two new articles")
    parser.add_argument("--tick", type=int, default=60, help="scheduler interval (s) of the alert run")
    parser.add_argument("--warmup", type=int, choices=[0, 1], default=1,
                        help="1: one article first, alerted before the measured ones (the first analysis loads models)")
    parser.add_argument("--wait", type=float, default=300.0, help="longest wait for the last alert (s)")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite",
                        help="alert run: SQLite with the in-process runner, or PostgreSQL with a newsdesk worker")
    parser.add_argument("--skip-digest", action="store_true")
    parser.add_argument("--skip-alerts", action="store_true")
    parser.add_argument("--work", type=Path, default=Path("/tmp/newsdesk-follow-bench"))
    options = parser.parse_args()
    options.work.mkdir(parents=True, exist_ok=True)
    print(f"python {platform.python_version()}, sqlite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f}", flush=True)
    if not options.skip_digest:
        digest_bench(options)
    if not options.skip_alerts:
        alert_bench(options)


if __name__ == "__main__":
    main()

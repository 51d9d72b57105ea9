"""Scale benchmark: ingest throughput, cost per 1,000 new articles by stored size, page latency, worker memory.

    .venv/bin/python bench/scale/run.py          # small (make bench): 500 ingested, 300 new at 1k and 5k stored
    .venv/bin/python bench/scale/run.py --size 10000 --stored 10000 100000 --new 1000 --duration 5   # full
    .venv/bin/python bench/scale/run.py --size 1000000 --stored 10000 100000 1000000 --new 1000       # 1M

Everything runs the real path: ``newsdesk`` subprocesses fetching feeds and pages from a loopback
site (bench/scale/generate.py, a threaded ``http.server`` in this process), on SQLite and on a
throw-away PostgreSQL database at 127.0.0.1:5432 (user postgres). Politeness delays are off
(every outlet is served from 127.0.0.1), the SSRF guard allows loopback.

1. **Ingest throughput** of ``--size`` articles (feeds → pages → extract → dedupe → store, no
   analysis): SQLite with one ``newsdesk add``; PostgreSQL with one and with two ``newsdesk worker``
   processes (``newsdesk add --enqueue`` defers one job per feed; timed until the ingest queue is
   empty), and with one and two ``newsdesk add`` processes each given half of the feeds (only
   these where the job system is missing). The peer in the same
   run: bare ``trafilatura.extract`` of the same pages (``--peer-pages`` of them, spread evenly),
   in one process; ratios are articles/s over trafilatura's pages/s. Above 100,000 articles the
   corpus is a JSONL file (pre-extracted records) and the trafilatura peer is not run.
2. **Cost per 1,000 new articles** at each ``--stored`` size: a store pre-filled through the store
   API (bench/scale/prefill.py; cached under ``--work``) is copied, then the next ``--new`` articles
   of the same stream are added through the real path: ``newsdesk add OPML --no-analyze`` (fetch,
   extract, dedupe, store) and ``newsdesk analyze`` (entities, key phrases, stories), each timed;
   then ``newsdesk poll --force`` of the same feeds (every entry known: the cost of a poll).
3. **Latency** of the search and story pages on each grown store under 10 and 50 concurrent
   clients (bench/web/run.py's load client against ``newsdesk serve``).
4. **Peak RSS** (VmHWM) and **CPU seconds** of every newsdesk process, and the CPU seconds of the
   PostgreSQL backends serving the benchmark's database, sampled from /proc while they run: on a
   shared machine CPU per article holds up where wall-clock rates do not.

Writes bench/scale/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.scale.generate import Corpus, SiteServer, feed_urls, page_files, write_jsonl, write_site  # noqa: E402
from bench.scale.prefill import STREAM_SIZE  # noqa: E402
from bench.web.run import Result, free_port, load, sample_paths, start_newsdesk, warm  # noqa: E402

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
PG_ADMIN = os.environ.get("NEWSDESK_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
JSONL_ABOVE = 100_000


# ------------------------------------------------------------------------------------------------
# processes and their memory


@dataclass
class Run:
    """One timed run of one or more newsdesk processes."""

    label: str
    seconds: float
    articles: int
    peak_rss_mb: float
    cpu_s: float = 0.0
    database_cpu_s: float = 0.0
    notes: str = ""
    load: str = ""  # load averages at the start → at the end

    @property
    def rate(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_article(self) -> float:
        return 1000 * self.cpu_s / self.articles if self.articles else 0.0

    @property
    def database_ms_per_article(self) -> float:
        return 1000 * self.database_cpu_s / self.articles if self.articles else 0.0


def database_name(database_url: str) -> str | None:
    """The PostgreSQL database of a URL (None for SQLite), whose backends' CPU is measured."""
    return None if database_url.startswith("sqlite") else database_url.rsplit("/", 1)[1].split("?")[0]


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def loadavg() -> str:
    """The machine's 1-, 5- and 15-minute load averages now (as ``uptime`` prints them)."""
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def _proc_cpu(pid: int) -> float | None:
    """User + system CPU seconds of a running process (None once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _proc_peak_kb(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), None)


@dataclass
class Usage:
    """Peak RSS (the kernel's VmHWM) and CPU seconds of newsdesk processes, sampled every 0.2 s from
    /proc; with ``database``, also the CPU of the PostgreSQL backends serving that database. CPU
    seconds hold up on a shared machine where wall-clock rates do not."""

    database: str | None = None
    pids: list[int] = field(default_factory=list)
    peak_kb: dict[int, int] = field(default_factory=dict)
    cpu: dict[int, float] = field(default_factory=dict)
    backend_cpu: dict[int, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> Usage:
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        conn = None
        if self.database:
            import psycopg

            conn = psycopg.connect(PG_ADMIN, autocommit=True)
        backends: list[int] = []
        rounds = 0
        while not self._stop.wait(0.2):
            if conn is not None and rounds % 5 == 0:
                backends = [int(r[0]) for r in conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                    (self.database,))]
            rounds += 1
            for pid in list(self.pids):
                peak, cpu = _proc_peak_kb(pid), _proc_cpu(pid)
                if peak is not None:
                    self.peak_kb[pid] = max(self.peak_kb.get(pid, 0), peak)
                if cpu is not None:
                    self.cpu[pid] = cpu
            for pid in backends:
                if (cpu := _proc_cpu(pid)) is not None:
                    self.backend_cpu[pid] = cpu
        if conn is not None:
            conn.close()

    @property
    def peak_mb(self) -> float:
        return max(self.peak_kb.values(), default=0) / 1024

    @property
    def cpu_s(self) -> float:
        return sum(self.cpu.values())

    @property
    def database_cpu_s(self) -> float:
        return sum(self.backend_cpu.values())


def newsdesk_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    env.update(NEWSDESK_DATABASE_URL=database_url, NEWSDESK_ALLOW_PRIVATE_ADDRESSES="1",
               NEWSDESK_MIN_HOST_DELAY="0", NEWSDESK_HOST_DELAY_JITTER="0", NEWSDESK_PER_HOST_CONCURRENCY="16",
               NEWSDESK_CONFIG=os.devnull)
    return env


def run_newsdesk(args_list: list[list[str]], database_url: str, data_dir: Path, memory: Usage) -> float:
    """Start one ``newsdesk`` process per argument list, wait for all; returns the wall time."""
    env = newsdesk_env(database_url)
    began = time.perf_counter()
    processes = [subprocess.Popen([PYTHON, "-m", "newsdesk", "--data-dir", str(data_dir), *args], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for args in args_list]
    memory.pids += [p.pid for p in processes]
    for process, args in zip(processes, args_list, strict=True):
        _, err = process.communicate()
        if process.returncode not in (0, 3):
            raise RuntimeError(f"newsdesk {' '.join(args[:2])}… exited {process.returncode}: {err.decode()[-800:]}")
    return time.perf_counter() - began


# ------------------------------------------------------------------------------------------------
# databases


class Databases:
    """Throw-away databases: SQLite files under ``work``, PostgreSQL databases on the local server."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.created: list[str] = []

    def sqlite(self, name: str, copy_of: Path | None = None) -> str:
        path = self.work / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        if copy_of is not None:
            with sqlite3.connect(copy_of) as source, sqlite3.connect(path) as target:
                source.backup(target)
        return f"sqlite:///{path}"

    def postgres(self, name: str, template: str | None = None) -> str:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.created.append(name)
        return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"

    @staticmethod
    def postgres_exists(name: str) -> bool:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            for name in self.created:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.clear()


def count_articles(database_url: str) -> int:
    from newsdesk.store import Store

    store = Store(database_url)
    try:
        return store.count_articles()
    finally:
        store.close()


# ------------------------------------------------------------------------------------------------
# 1. ingest throughput


def jobs_available() -> bool:
    """Whether this newsdesk has the job system (``newsdesk worker``)."""
    probe = subprocess.run([PYTHON, "-m", "newsdesk", "worker", "--help"], cwd=ROOT, capture_output=True)
    return probe.returncode == 0


def write_opml(path: Path, urls: list[str]) -> Path:
    outlines = "".join(f'<outline type="rss" text="feed" xmlUrl="{u}"/>\n' for u in urls)
    path.write_text(f'<?xml version="1.0"?>\n<opml version="2.0"><head><title>scale</title></head><body>\n'
                    f"{outlines}</body></opml>\n", encoding="utf-8")
    return path


def time_trafilatura(pages: list[Path], base: str) -> Run:
    import trafilatura

    began_load = loadavg()
    began, cpu = time.perf_counter(), time.process_time()
    for page in pages:
        trafilatura.extract(page.read_text(encoding="utf-8").replace("__BASE__", base))
    return Run("trafilatura.extract, 1 process (peer)", time.perf_counter() - began, len(pages), 0.0,
               cpu_s=time.process_time() - cpu, load=f"{began_load} → {loadavg()}")


def ingest_inline(label: str, database_url: str, feeds: list[str], processes: int, work: Path) -> Run:
    """``processes`` ``newsdesk add OPML --no-analyze`` at once, the feeds dealt out between them."""
    shares = [write_opml(work / f"feeds-{n}.opml", feeds[n::processes]) for n in range(processes)]
    count_articles(database_url)  # creates the schema first: two processes migrating one new database race
    began_load = loadavg()
    with Usage(database_name(database_url)) as memory:
        seconds = run_newsdesk([["add", str(opml), "--no-analyze"] for opml in shares], database_url,
                               work / "data", memory)
    return Run(label, seconds, count_articles(database_url), memory.peak_mb, memory.cpu_s, memory.database_cpu_s,
               load=f"{began_load} → {loadavg()}")


def ingest_runner(label: str, database_url: str, feeds: list[str], expected: int, work: Path,
                  timeout: float) -> Run:
    """The in-process runner (``newsdesk run``: schedule and jobs in one process, SQLite's job queue)
    with the feeds subscribed but never polled, so its first scheduler tick finds them all due;
    timed from its start until ``expected`` articles are stored. Its analysis jobs run in the same
    process meanwhile (``newsdesk run`` runs every queue), as on a laptop desk."""
    from newsdesk.store import Store

    store = Store(database_url)
    try:
        for url in feeds:
            store.add_feed(url)
    finally:
        store.close()
    env = {**newsdesk_env(database_url), "NEWSDESK_SCHEDULER_INTERVAL": "2"}
    began_load = loadavg()
    with Usage(database_name(database_url)) as memory, (work / "runner.log").open("wb") as log:
        began = time.perf_counter()
        process = subprocess.Popen([PYTHON, "-m", "newsdesk", "--data-dir", str(work / "data"), "run"], cwd=ROOT,
                                   env=env, stdout=subprocess.DEVNULL, stderr=log)
        memory.pids.append(process.pid)
        try:
            deadline = time.monotonic() + timeout
            while (stored := _count_sqlite(database_url)) < expected:
                if process.poll() is not None:
                    raise RuntimeError(f"newsdesk run exited {process.returncode}; see {work / 'runner.log'}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"only {stored} of {expected} articles after {timeout:.0f} s")
                time.sleep(0.5)
            seconds = time.perf_counter() - began
            analysed = _count_sqlite(database_url, "analyzed_at IS NOT NULL")
        finally:
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
    return Run(label, seconds, stored, memory.peak_mb, memory.cpu_s, load=f"{began_load} → {loadavg()}",
               notes=f"{analysed} of them analysed by then (the runner's analysis jobs share the process)")


def _count_sqlite(database_url: str, where: str = "1") -> int:
    """Articles in a SQLite desk, read without opening a Store (no migration check, no write lock)."""
    with sqlite3.connect(database_url.split("///", 1)[1], timeout=30) as conn:
        return int(conn.execute(f"SELECT count(*) FROM articles WHERE {where}").fetchone()[0])


def ingest_jsonl(label: str, database_url: str, path: Path, work: Path) -> Run:
    began_load = loadavg()
    with Usage(database_name(database_url)) as memory:
        seconds = run_newsdesk([["add", str(path), "--no-analyze"]], database_url, work / "data", memory)
    return Run(label, seconds, count_articles(database_url), memory.peak_mb, memory.cpu_s, memory.database_cpu_s,
               load=f"{began_load} → {loadavg()}")


async def _queue_counts(database_url: str, queues: tuple[str, ...]) -> int:
    """Jobs queued or running in ``queues`` (procrastinate's own queue listing)."""
    from newsdesk.config import load_settings
    from newsdesk.jobs.desk import JobDesk

    desk = JobDesk(load_settings(environ=newsdesk_env(database_url)), concurrency=1)
    async with desk.app.open_async():
        listed = await desk.app.job_manager.list_queues_async()
    return sum(int(q.get("todo", 0) or 0) + int(q.get("doing", 0) or 0) for q in listed if q.get("name") in queues)


def wait_for_queues(database_url: str, queues: tuple[str, ...], workers: list[subprocess.Popen[bytes]],
                    timeout: float) -> None:
    """Return once no job of ``queues`` is queued or running (twice in a row, a second apart)."""
    deadline, idle = time.monotonic() + timeout, 0
    while idle < 2:
        if time.monotonic() > deadline:
            raise RuntimeError(f"jobs still waiting after {timeout:.0f} s")
        if any(w.poll() is not None for w in workers):
            raise RuntimeError("a worker exited early; see worker-*.log under --work")
        idle = idle + 1 if asyncio.run(_queue_counts(database_url, queues)) == 0 else 0
        time.sleep(1.0)


def ingest_workers(label: str, database_url: str, feeds: list[str], workers: int, work: Path,
                   timeout: float, queues: tuple[str, ...] = ("ingest",)) -> Run:
    """``newsdesk add --enqueue`` one job per feed, then ``workers`` ``newsdesk worker`` processes
    (``--queues`` ``queues``) until those queues are empty; timed from the workers' start."""
    data = work / "data"
    count_articles(database_url)
    run_newsdesk([["add", "--enqueue", *feeds]], database_url, data, Usage())
    env = newsdesk_env(database_url)
    began_load = loadavg()
    with Usage(database_name(database_url)) as memory:
        began = time.perf_counter()
        logs = [(work / f"worker-{n}.log").open("wb") for n in range(workers)]
        processes = [subprocess.Popen([PYTHON, "-m", "newsdesk", "--data-dir", str(data), "worker",
                                       "--queues", ",".join(queues)], cwd=ROOT, env=env,
                                      stdout=subprocess.DEVNULL, stderr=log) for log in logs]
        memory.pids += [p.pid for p in processes]
        try:
            wait_for_queues(database_url, queues, processes, timeout)
            seconds = time.perf_counter() - began
        finally:
            for process in processes:
                process.terminate()
            for process, log in zip(processes, logs, strict=True):
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                log.close()
    return Run(label, seconds, count_articles(database_url), memory.peak_mb, memory.cpu_s, memory.database_cpu_s,
               notes="includes each worker's start-up", load=f"{began_load} → {loadavg()}")


#: the ingest-throughput runs (``--runs``): label, kind, processes
THROUGHPUT_RUNS: dict[str, tuple[str, str, int]] = {
    "sqlite-add": ("SQLite, 1 newsdesk add", "sqlite", 1),
    "sqlite-run": ("SQLite, in-process runner (newsdesk run)", "runner", 1),
    "worker-1": ("PostgreSQL, 1 newsdesk worker", "worker", 1),
    "worker-2": ("PostgreSQL, 2 newsdesk worker", "worker", 2),
    "pg-add-1": ("PostgreSQL, 1 newsdesk add", "postgresql", 1),
    "pg-add-2": ("PostgreSQL, 2 newsdesk add (feeds split)", "postgresql", 2),
}


def throughput(options: argparse.Namespace, dbs: Databases) -> list[Run]:
    corpus = Corpus(options.size, options.seed)
    runs: list[Run] = []
    if options.size > JSONL_ABOVE:
        path = options.work / f"corpus-{options.size}-{options.seed}.jsonl"
        if not path.exists():
            write_jsonl(corpus, corpus.articles(), path, "https://scale.example")
        runs.append(ingest_jsonl("SQLite, newsdesk add JSONL", dbs.sqlite("ingest"), path, options.work))
        runs.append(ingest_jsonl("PostgreSQL, newsdesk add JSONL", dbs.postgres("nd_scale_ingest"), path,
                                 options.work))
        return runs
    site = options.work / f"site-{options.size}-{options.seed}"
    if not (site / "feeds.opml").exists():
        print(f"writing the {options.size}-article site to {site}", flush=True)
        write_site(corpus, corpus.articles(), site)
    pages = page_files(site)
    with SiteServer(site) as server:
        feeds = feed_urls(site, server.base)
        step = max(1, len(pages) // options.peer_pages)
        runs.append(time_trafilatura(pages[::step][:options.peer_pages], server.base))
        print(f"  {runs[-1].label}: {runs[-1].rate:.1f} pages/s", flush=True)
        workers = jobs_available()
        plans = [(key, *THROUGHPUT_RUNS[key]) for key in options.runs
                 if workers or THROUGHPUT_RUNS[key][1] not in ("worker", "runner")]
        for _key, label, backend, processes in plans:
            url = dbs.sqlite("ingest") if backend in ("sqlite", "runner") else dbs.postgres("nd_scale_ingest")
            if backend == "worker":
                runs.append(ingest_workers(label, url, feeds, processes, options.work, options.timeout))
            elif backend == "runner":
                runs.append(ingest_runner(label, url, feeds, len(pages), options.work, options.timeout))
            else:
                runs.append(ingest_inline(label, url, feeds, processes, options.work))
            print(f"  {label}: {runs[-1].articles} articles in {runs[-1].seconds:.1f} s "
                  f"({runs[-1].rate:.1f}/s), peak RSS {runs[-1].peak_rss_mb:.0f} MB", flush=True)
            dbs.drop()
    return runs


# ------------------------------------------------------------------------------------------------
# 2. cost per 1,000 new articles by stored size


@dataclass
class Cost:
    backend: str
    stored: int
    added: int
    ingest_s: float
    analyze_s: float
    startup_s: float
    peak_rss_mb: float
    ingest_cpu_s: float
    analysis_cpu_s: float
    database_cpu_s: float
    feeds: int
    repoll_s: float
    repoll_cpu_s: float  # less one process start-up
    repoll_database_cpu_s: float
    load: str = ""  # load averages at the start of the ingest → at the end of the analysis

    @property
    def cpu_s(self) -> float:
        return self.ingest_cpu_s + self.analysis_cpu_s

    @property
    def per_thousand(self) -> float:
        return (self.ingest_s + self.analyze_s) * 1000 / max(1, self.added)

    @property
    def cpu_per_thousand(self) -> float:
        return self.cpu_s * 1000 / max(1, self.added)


def prefilled(backend: str, stored: int, options: argparse.Namespace, dbs: Databases) -> str:
    """The cached pre-filled store for ``stored`` articles (SQLite file or PostgreSQL template database)."""
    if backend == "sqlite":
        path = options.work / f"stored-sqlite-{stored}-{options.seed}.db"
        if not path.exists():
            Path(f"{path}.part").unlink(missing_ok=True)
            _prefill(f"sqlite:///{path}.part", stored, options)
            Path(f"{path}.part").rename(path)
        return str(path)
    name = f"nd_scale_stored_{stored}_{options.seed}"
    if not dbs.postgres_exists(name):
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:  # a "_part" left by an interrupted run goes
            conn.execute(f'DROP DATABASE IF EXISTS "{name}_part"')
            conn.execute(f'CREATE DATABASE "{name}_part"')
        _prefill(PG_ADMIN.rsplit("/", 1)[0] + f"/{name}_part", stored, options)
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{name}_part" RENAME TO "{name}"')
    return name


def _prefill(url: str, stored: int, options: argparse.Namespace) -> None:
    print(f"  pre-filling {url} with {stored} articles (once; cached)", flush=True)
    subprocess.run([PYTHON, str(HERE / "prefill.py"), url, "--stored", str(stored), "--seed", str(options.seed)],
                   cwd=ROOT, check=True)


def new_site(stored: int, count: int, options: argparse.Namespace) -> Path:
    """Pages and feeds of the ``count`` articles that follow the first ``stored`` of the stream."""
    site = options.work / f"new-{stored}-{count}-{options.seed}"
    if not (site / "feeds.opml").exists():
        corpus = Corpus(STREAM_SIZE, options.seed)
        write_site(corpus, itertools.islice(corpus.articles(), stored, stored + count), site)
    return site


def cost_and_latency(options: argparse.Namespace, dbs: Databases
                     ) -> tuple[list[Cost], list[tuple[Result, str]]]:
    costs: list[Cost] = []
    latencies: list[tuple[Result, str]] = []
    for stored in options.stored:
        site = new_site(stored, options.new, options)
        for backend in options.backends:
            source = prefilled(backend, stored, options, dbs)
            url = (dbs.sqlite(f"grown-{stored}", Path(source)) if backend == "sqlite"
                   else dbs.postgres(f"nd_scale_grown_{stored}", source))
            if "cost" not in options.parts:  # latency only: on the copy of the pre-filled store
                latencies += page_latency(f"{backend} {stored:,} (pre-filled)", url, options)
                dbs.drop()
                continue
            with SiteServer(site) as server:
                opml = write_opml(options.work / f"new-{backend}-{stored}.opml", feed_urls(site, server.base))
                data = options.work / "data"
                before = count_articles(url)
                began_load = loadavg()
                with Usage(database_name(url)) as ingest:
                    ingest_s = run_newsdesk([["add", str(opml), "--no-analyze"]], url, data, ingest)
                added = count_articles(url) - before
                with Usage(database_name(url)) as analysis:
                    analyze_s = run_newsdesk([["analyze"]], url, data, analysis)
                with Usage(database_name(url)) as poll:  # every feed again: all entries known already
                    poll_s = run_newsdesk([["poll", "--force", "--no-analyze"]], url, data, poll)
                startup = Usage()
                startup_s = run_newsdesk([["feeds", "--json"]], url, data, startup)
                costs.append(Cost(backend, stored, added, ingest_s, analyze_s, startup_s,
                                  max(ingest.peak_mb, analysis.peak_mb), ingest.cpu_s, analysis.cpu_s,
                                  ingest.database_cpu_s + analysis.database_cpu_s, len(feed_urls(site, "")),
                                  poll_s, poll.cpu_s - startup.cpu_s, poll.database_cpu_s,
                                  load=f"{began_load} → {loadavg()}"))
            print(f"  {backend} {stored} stored: +{added} in {ingest_s:.1f} s ingest + {analyze_s:.1f} s analysis "
                  f"= {costs[-1].per_thousand:.1f} s per 1,000", flush=True)
            if "latency" in options.parts:
                latencies += page_latency(f"{backend} {stored:,}", url, options)
            dbs.drop()
    return costs, latencies


# ------------------------------------------------------------------------------------------------
# 3. page latency


def page_latency(name: str, database_url: str, options: argparse.Namespace) -> list[tuple[Result, str]]:
    data = options.work / "data"
    groups = sample_paths(data, database_url)
    # bench/web's search group is split by word rarity: both, mixed, are this page's "search"
    search = groups.get("search") or [*groups.get("search rare", []), *groups.get("search common", [])]
    groups = {"search": search, "story": groups["story"]}
    port = free_port()
    server = start_newsdesk(data, port, env=newsdesk_env(database_url))
    results: list[tuple[Result, str]] = []
    try:
        base = f"http://127.0.0.1:{port}"
        warm(base, groups)
        for endpoint, paths in groups.items():
            for level in options.clients:
                before = loadavg()
                count, errors, seconds_list, elapsed = asyncio.run(load(base, paths, level, options.duration))
                result = Result(name, endpoint, level, count, errors, elapsed, seconds_list)
                results.append((result, before))
                print(f"  [{name}] {endpoint:<7} c={level:<3} p50 {result.pct(0.5):7.1f} ms  "
                      f"p95 {result.pct(0.95):7.1f} ms  errors {errors}  load {before}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


# ------------------------------------------------------------------------------------------------
# the report


def throughput_table(runs: list[Run]) -> str:
    peer = next((r.rate for r in runs if r.label.startswith("trafilatura")), 0.0)
    ones = {r.label.split(", 1 ")[-1]: r.rate for r in runs if r.label.startswith("PostgreSQL, 1 ")}
    lines = ["| run | articles | seconds | articles/s | × trafilatura | × 1 process of its kind | peak RSS MB | "
             "newsdesk CPU ms/article | PostgreSQL CPU ms/article | load 1/5/15 min, start → end |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in runs:
        vs_peer = f"{r.rate / peer:.2f}" if peer else "–"
        kind = next((k for k in ones if r.label.startswith("PostgreSQL") and k.split()[-1] in r.label), "")
        vs_one = f"{r.rate / ones[kind]:.2f}" if kind else "–"
        rss = f"{r.peak_rss_mb:.0f}" if r.peak_rss_mb else "–"
        db = f"{r.database_ms_per_article:.0f}" if r.database_cpu_s else "–"
        lines.append(f"| {r.label} | {r.articles} | {r.seconds:.1f} | {r.rate:.1f} | {vs_peer} | {vs_one} | {rss} | "
                     f"{r.cpu_ms_per_article:.0f} | {db} | {r.load} |")
    notes = [f"- {r.label}: {r.notes}" for r in runs if r.notes]
    return "\n".join(lines + ([""] + notes if notes else []))


def cost_table(costs: list[Cost]) -> str:
    smallest = {c.backend: c.per_thousand for c in sorted(costs, key=lambda c: -c.stored)}
    cpu_smallest = {c.backend: c.cpu_per_thousand for c in sorted(costs, key=lambda c: -c.stored)}
    lines = ["| database | stored before | added | ingest s | analysis s | wall s per 1,000 | × smallest store | "
             "newsdesk CPU s per 1,000 (ingest + analysis) | × smallest store | PostgreSQL CPU s per 1,000 | "
             "startup s per process | peak RSS MB | load 1/5/15 min, start → end |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for c in costs:
        db = f"{c.database_cpu_s * 1000 / max(1, c.added):.1f}" if c.database_cpu_s else "–"
        split = f"{c.ingest_cpu_s * 1000 / max(1, c.added):.0f} + {c.analysis_cpu_s * 1000 / max(1, c.added):.0f}"
        lines.append(f"| {c.backend} | {c.stored:,} | {c.added} | {c.ingest_s:.1f} | {c.analyze_s:.1f} | "
                     f"{c.per_thousand:.1f} | {c.per_thousand / smallest[c.backend]:.2f} | {c.cpu_per_thousand:.0f} ({split}) | "
                     f"{c.cpu_per_thousand / cpu_smallest[c.backend]:.2f} | {db} | {c.startup_s:.1f} | "
                     f"{c.peak_rss_mb:.0f} | {c.load} |")
    lines += ["", "Polling again every feed of the new articles (`newsdesk poll --force --no-analyze`; the loopback "
              "site answers 200 with the whole feed, no conditional GET, so every entry is checked and found "
              "stored):", "",
              "| database | stored | feeds | wall s | newsdesk CPU ms per feed poll | PostgreSQL CPU ms per feed poll |",
              "|---|---:|---:|---:|---:|---:|"]
    for c in costs:
        db = f"{c.repoll_database_cpu_s * 1000 / max(1, c.feeds):.1f}" if c.repoll_database_cpu_s else "–"
        lines.append(f"| {c.backend} | {c.stored:,} | {c.feeds} | {c.repoll_s:.1f} | "
                     f"{c.repoll_cpu_s * 1000 / max(1, c.feeds):.1f} | {db} |")
    return "\n".join(lines)


def latency_table(results: list[tuple[Result, str]]) -> str:
    lines = ["| store | page | clients | req/s | p50 ms | p95 ms | p99 ms | errors | load 1/5/15 min |",
             "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for r, row_load in results:
        lines.append(f"| {r.corpus} | {r.endpoint} | {r.concurrency} | {r.rps:.1f} | {r.pct(0.5):.1f} | "
                     f"{r.pct(0.95):.1f} | {r.pct(0.99):.1f} | {r.errors} | {row_load} |")
    return "\n".join(lines)


def versions() -> str:
    import sqlalchemy
    import trafilatura

    pg = "not reached"
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            pg = str(row[0]) if row else pg
    except Exception as exc:  # the report says what happened instead of failing
        pg = f"not reached ({type(exc).__name__})"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    return (f"newsdesk at commit {commit}; Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
            f"PostgreSQL {pg}, trafilatura {trafilatura.__version__}, SQLAlchemy {sqlalchemy.__version__}; "
            f"{os.cpu_count()} CPUs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=500, help="articles in the ingest-throughput corpus")
    parser.add_argument("--stored", type=int, nargs="*", default=[1_000, 5_000],
                        help="stored sizes at which 1,000 new articles are added and pages are timed")
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--peer-pages", type=int, default=1000, help="pages timed with bare trafilatura")
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per latency row")
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--new", type=int, default=300, help="new articles added at each stored size")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--timeout", type=float, default=7200, help="longest wait for the workers' queue")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--runs", nargs="+", default=list(THROUGHPUT_RUNS), choices=list(THROUGHPUT_RUNS),
                        help="which ingest-throughput runs (default all)")
    parser.add_argument("--parts", nargs="+", default=["cost", "latency"], choices=["cost", "latency"],
                        help="at each stored size: the cost of new articles, the page latency (on the grown "
                             "store; latency alone: on a copy of the pre-filled one)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "newsdesk-bench-scale",
                        help="cache of generated sites and pre-filled stores")
    options = parser.parse_args()
    options.work.mkdir(parents=True, exist_ok=True)
    (options.work / "data").mkdir(exist_ok=True)
    load_before = os.getloadavg()[1]
    began = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    dbs = Databases(options.work)
    try:
        runs = [] if options.skip_throughput else throughput(options, dbs)
        costs, latencies = cost_and_latency(options, dbs)
    finally:
        dbs.drop()
    sections = [f"# Scale benchmark\n\n`.venv/bin/python bench/scale/run.py {' '.join(sys.argv[1:])}`, "
                f"started {began}. {versions()}, shared by the loopback site, the newsdesk processes, PostgreSQL "
                f"and the load client. Machine load (5-minute average) {load_before:.1f} at the start and "
                f"{os.getloadavg()[1]:.1f} at the end (above 2 = other work shared the CPUs). "
                f"Job system (`newsdesk worker`): {'present' if jobs_available() else 'not in this build'}. "
                "Synthetic corpus (bench/scale/generate.py): every figure is in-sample for this generator."]
    if runs:
        sections.append(f"## Ingest throughput ({options.size:,} articles, no analysis)\n\n{throughput_table(runs)}")
    if costs:
        sections.append(f"## Cost per 1,000 new articles (ingest + analysis) by stored size\n\n{cost_table(costs)}")
    if latencies:
        sections.append(f"## Page latency on the grown stores ({options.duration:g} s per row)\n\n"
                        f"{latency_table(latencies)}")
    report = "\n\n".join(sections) + "\n"
    print(report)
    options.results.write_text(report, encoding="utf-8")
    options.results.with_suffix(".json").write_text(json.dumps({
        "runs": [r.__dict__ for r in runs], "costs": [c.__dict__ for c in costs],
        "latency": [{"store": r.corpus, "page": r.endpoint, "clients": r.concurrency, "p95_ms": r.pct(0.95),
                     "load": row_load} for r, row_load in latencies]}, indent=1), encoding="utf-8")
    print(f"wrote {options.results}")


if __name__ == "__main__":
    main()

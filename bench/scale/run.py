"""Scale benchmark: ingest throughput, cost per 1,000 new articles by stored size, page latency, worker memory.

    .venv/bin/python bench/scale/run.py          # small (make bench): 1k ingest, 2k and 10k stored
    .venv/bin/python bench/scale/run.py --size 10000 --stored 10000 100000             # the full run
    .venv/bin/python bench/scale/run.py --size 1000000 --stored 10000 100000 1000000   # the 1M run

Everything runs the real path: ``newsdesk`` subprocesses fetching feeds and pages from a loopback
site (bench/scale/generate.py, a threaded ``http.server`` in this process), on SQLite and on a
throw-away PostgreSQL database at 127.0.0.1:5432 (user postgres). Politeness delays are off
(every outlet is served from 127.0.0.1), the SSRF guard allows loopback.

1. **Ingest throughput** of ``--size`` articles (feeds → pages → extract → dedupe → store, no
   analysis): SQLite with one ``newsdesk add``; PostgreSQL with one and with two ``newsdesk worker``
   processes (``newsdesk add --enqueue`` defers one job per feed) or, while the job system is not
   there, one and two ``newsdesk add`` processes each given half of the feeds. The peer in the same
   run: bare ``trafilatura.extract`` of the same pages (``--peer-pages`` of them, spread evenly),
   in one process; ratios are articles/s over trafilatura's pages/s. Above 100,000 articles the
   corpus is a JSONL file (pre-extracted records) and the trafilatura peer is not run.
2. **Cost per 1,000 new articles** at each ``--stored`` size: a store pre-filled through the store
   API (bench/scale/prefill.py; cached under ``--work``) is copied, then the next 1,000 articles
   of the same stream are added through the real path: ``newsdesk add OPML --no-analyze`` (fetch,
   extract, dedupe, store) and ``newsdesk analyze`` (entities, key phrases, stories), each timed.
3. **Latency** of the search and story pages on each grown store under 10 and 50 concurrent
   clients (bench/web/run.py's load client against ``newsdesk serve``).
4. **Peak RSS** (VmHWM) of every newsdesk process, sampled from /proc while it runs.

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
NEW_ARTICLES = 1000
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
    notes: str = ""

    @property
    def rate(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0


@dataclass
class PeakMemory:
    """Samples VmHWM (the kernel's own peak RSS) of running processes every 0.2 s."""

    pids: list[int] = field(default_factory=list)
    peak_kb: dict[int, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> PeakMemory:
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            for pid in list(self.pids):
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.peak_kb[pid] = max(self.peak_kb.get(pid, 0), int(line.split()[1]))

    @property
    def peak_mb(self) -> float:
        return max(self.peak_kb.values(), default=0) / 1024


def newsdesk_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    env.update(NEWSDESK_DATABASE_URL=database_url, NEWSDESK_ALLOW_PRIVATE_ADDRESSES="1",
               NEWSDESK_MIN_HOST_DELAY="0", NEWSDESK_HOST_DELAY_JITTER="0", NEWSDESK_PER_HOST_CONCURRENCY="16",
               NEWSDESK_CONFIG=os.devnull)
    return env


def run_newsdesk(args_list: list[list[str]], database_url: str, data_dir: Path, memory: PeakMemory) -> float:
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


def startup_seconds(database_url: str, data_dir: Path) -> float:
    """Wall time of a newsdesk command that does nothing but start and open the database."""
    return run_newsdesk([["feeds", "--json"]], database_url, data_dir, PeakMemory())


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

    began = time.perf_counter()
    for page in pages:
        trafilatura.extract(page.read_text(encoding="utf-8").replace("__BASE__", base))
    return Run("trafilatura.extract, 1 process (peer)", time.perf_counter() - began, len(pages), 0.0)


def ingest_inline(label: str, database_url: str, feeds: list[str], processes: int, work: Path) -> Run:
    """``processes`` ``newsdesk add OPML --no-analyze`` at once, the feeds dealt out between them."""
    shares = [write_opml(work / f"feeds-{n}.opml", feeds[n::processes]) for n in range(processes)]
    count_articles(database_url)  # creates the schema first: two processes migrating one new database race
    with PeakMemory() as memory:
        seconds = run_newsdesk([["add", str(opml), "--no-analyze"] for opml in shares], database_url,
                               work / "data", memory)
    return Run(label, seconds, count_articles(database_url), memory.peak_mb)


def ingest_jsonl(label: str, database_url: str, path: Path, work: Path) -> Run:
    with PeakMemory() as memory:
        seconds = run_newsdesk([["add", str(path), "--no-analyze"]], database_url, work / "data", memory)
    return Run(label, seconds, count_articles(database_url), memory.peak_mb)


def throughput(options: argparse.Namespace, dbs: Databases) -> list[Run]:
    corpus = Corpus(options.size, options.seed)
    runs: list[Run] = []
    if options.size > JSONL_ABOVE:
        path = options.work / f"corpus-{options.size}-{options.seed}.jsonl"
        if not path.exists():
            write_jsonl(corpus, corpus.articles(), path, "https://scale.example")
        runs.append(ingest_jsonl("SQLite, newsdesk add JSONL", dbs.sqlite("ingest"), path, options.work))
        runs.append(ingest_jsonl("PostgreSQL, newsdesk add JSONL", dbs.postgres("h7_scale_ingest"), path,
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
        plans: list[tuple[str, str, int]] = [("SQLite, 1 newsdesk add", "sqlite", 1),
                                             ("PostgreSQL, 1 newsdesk add", "postgresql", 1),
                                             ("PostgreSQL, 2 newsdesk add (feeds split)", "postgresql", 2)]
        for label, backend, processes in plans:
            url = dbs.sqlite("ingest") if backend == "sqlite" else dbs.postgres("h7_scale_ingest")
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

    @property
    def per_thousand(self) -> float:
        return (self.ingest_s + self.analyze_s) * 1000 / max(1, self.added)


def prefilled(backend: str, stored: int, options: argparse.Namespace, dbs: Databases) -> str:
    """The cached pre-filled store for ``stored`` articles (SQLite file or PostgreSQL template database)."""
    if backend == "sqlite":
        path = options.work / f"stored-sqlite-{stored}-{options.seed}.db"
        if not path.exists():
            _prefill(f"sqlite:///{path}.part", stored, options)
            Path(f"{path}.part").rename(path)
        return str(path)
    name = f"h7_scale_stored_{stored}_{options.seed}"
    if not dbs.postgres_exists(name):
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}_part"')
        _prefill(PG_ADMIN.rsplit("/", 1)[0] + f"/{name}_part", stored, options)
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{name}_part" RENAME TO "{name}"')
    return name


def _prefill(url: str, stored: int, options: argparse.Namespace) -> None:
    print(f"  pre-filling {url} with {stored} articles (once; cached)", flush=True)
    subprocess.run([PYTHON, str(HERE / "prefill.py"), url, "--stored", str(stored), "--seed", str(options.seed)],
                   cwd=ROOT, check=True)


def new_site(stored: int, options: argparse.Namespace) -> Path:
    """Pages and feeds of the 1,000 articles that follow the first ``stored`` of the stream."""
    site = options.work / f"new-{stored}-{options.seed}"
    if not (site / "feeds.opml").exists():
        corpus = Corpus(STREAM_SIZE, options.seed)
        write_site(corpus, itertools.islice(corpus.articles(), stored, stored + NEW_ARTICLES), site)
    return site


def cost_and_latency(options: argparse.Namespace, dbs: Databases) -> tuple[list[Cost], list[Result]]:
    costs: list[Cost] = []
    latencies: list[Result] = []
    for stored in options.stored:
        site = new_site(stored, options)
        for backend in options.backends:
            source = prefilled(backend, stored, options, dbs)
            url = dbs.sqlite("grown", Path(source)) if backend == "sqlite" else dbs.postgres("h7_scale_grown", source)
            with SiteServer(site) as server:
                opml = write_opml(options.work / "new.opml", feed_urls(site, server.base))
                data = options.work / "data"
                with PeakMemory() as memory:
                    before = count_articles(url)
                    ingest_s = run_newsdesk([["add", str(opml), "--no-analyze"]], url, data, memory)
                    added = count_articles(url) - before
                    analyze_s = run_newsdesk([["analyze"]], url, data, memory)
                costs.append(Cost(backend, stored, added, ingest_s, analyze_s, startup_seconds(url, data),
                                  memory.peak_mb))
            print(f"  {backend} {stored} stored: +{added} in {ingest_s:.1f} s ingest + {analyze_s:.1f} s analysis "
                  f"= {costs[-1].per_thousand:.1f} s per 1,000", flush=True)
            latencies += page_latency(f"{backend} {stored // 1000}k", url, options)
            dbs.drop()
    return costs, latencies


# ------------------------------------------------------------------------------------------------
# 3. page latency


def page_latency(name: str, database_url: str, options: argparse.Namespace) -> list[Result]:
    data = options.work / "data"
    groups = sample_paths(data, database_url)
    groups = {"search": groups["search"], "story": groups["story"]}
    port = free_port()
    server = start_newsdesk(data, port, env=newsdesk_env(database_url))
    results: list[Result] = []
    try:
        base = f"http://127.0.0.1:{port}"
        warm(base, groups)
        for endpoint, paths in groups.items():
            for level in options.clients:
                count, errors, seconds_list, elapsed = asyncio.run(load(base, paths, level, options.duration))
                results.append(Result(name, endpoint, level, count, errors, elapsed, seconds_list))
                print(f"  [{name}] {endpoint:<7} c={level:<3} p50 {results[-1].pct(0.5):7.1f} ms  "
                      f"p95 {results[-1].pct(0.95):7.1f} ms  errors {errors}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


# ------------------------------------------------------------------------------------------------
# the report


def throughput_table(runs: list[Run]) -> str:
    peer = next((r.rate for r in runs if r.label.startswith("trafilatura")), 0.0)
    one = next((r.rate for r in runs if r.label.startswith("PostgreSQL, 1")), 0.0)
    lines = ["| run | articles | seconds | articles/s | × trafilatura | × PostgreSQL 1 | peak RSS MB |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in runs:
        vs_peer = f"{r.rate / peer:.2f}" if peer else "–"
        vs_one = f"{r.rate / one:.2f}" if one and r.label.startswith("PostgreSQL") else "–"
        rss = f"{r.peak_rss_mb:.0f}" if r.peak_rss_mb else "–"
        lines.append(f"| {r.label} | {r.articles} | {r.seconds:.1f} | {r.rate:.1f} | {vs_peer} | {vs_one} | {rss} |")
    return "\n".join(lines)


def cost_table(costs: list[Cost]) -> str:
    smallest = {c.backend: c.per_thousand for c in sorted(costs, key=lambda c: -c.stored)}
    lines = ["| database | stored before | added | ingest s | analysis s | s per 1,000 | × smallest store | "
             "startup s per process | peak RSS MB |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for c in costs:
        lines.append(f"| {c.backend} | {c.stored:,} | {c.added} | {c.ingest_s:.1f} | {c.analyze_s:.1f} | "
                     f"{c.per_thousand:.1f} | {c.per_thousand / smallest[c.backend]:.2f} | {c.startup_s:.1f} | "
                     f"{c.peak_rss_mb:.0f} |")
    return "\n".join(lines)


def latency_table(results: list[Result]) -> str:
    lines = ["| store | page | clients | req/s | p50 ms | p95 ms | p99 ms | errors |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r.corpus} | {r.endpoint} | {r.concurrency} | {r.rps:.1f} | {r.pct(0.5):.1f} | "
                     f"{r.pct(0.95):.1f} | {r.pct(0.99):.1f} | {r.errors} |")
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
    parser.add_argument("--size", type=int, default=1_000, help="articles in the ingest-throughput corpus")
    parser.add_argument("--stored", type=int, nargs="*", default=[2_000, 10_000],
                        help="stored sizes at which 1,000 new articles are added and pages are timed")
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--peer-pages", type=int, default=1000, help="pages timed with bare trafilatura")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per latency row")
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--skip-throughput", action="store_true")
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
    (HERE / "RESULTS.md").write_text(report, encoding="utf-8")
    (options.work / "results.json").write_text(json.dumps({
        "runs": [r.__dict__ for r in runs], "costs": [c.__dict__ for c in costs],
        "latency": [{"store": r.corpus, "page": r.endpoint, "clients": r.concurrency, "p95_ms": r.pct(0.95)}
                    for r in latencies]}, indent=1), encoding="utf-8")
    print(f"wrote {HERE / 'RESULTS.md'}")


if __name__ == "__main__":
    main()

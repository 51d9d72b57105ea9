"""Web benchmark: requests/s and p50/p95/p99 latency of the reader's pages and their API twins.

    .venv/bin/python bench/web/run.py --corpus big --big-dir /tmp/ngen100k           # 100k, SQLite
    .venv/bin/python bench/web/run.py --corpus big --big-dir /tmp/ngen1m --articles 1000000
    .venv/bin/python bench/web/run.py --corpus big --big-dir /tmp/ngen100k \
        --database-url postgresql://postgres@127.0.0.1:5432/ngen100k                   # the same on PostgreSQL
    .venv/bin/python bench/web/run.py --corpus big --only mixed --clients 50 --duration 60   # a soak: every URL

For each corpus it starts ``newsdesk serve --workers N`` on a loopback port and drives it from this
process with an asyncio + httpx client at 10 and 50 concurrent connections, each request picking
the next id from a sample of stories/articles/entities/search words (a rare word: a story's own
words; a common one: words every generated article uses). Every URL is visited once first (the
stored page data of the sample is computed then, as a reader's first visit would), so the
numbers are for a reader browsing.

The floor, in the same run: ``static`` = ``/static/app.css`` served by the same server at the
same concurrency; ``p95 ×static`` is each row's p95 over the floor's. The server's resident memory
is read after the load. Appends a section to ``--results`` (default bench/web/RESULTS.md).
A PostgreSQL desk is made from a generated one with ``newsdesk db copy --from DIR/newsdesk.db --to URL``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PYTHON = sys.executable


@dataclass
class Result:
    corpus: str
    endpoint: str
    concurrency: int
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_up(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def start_newsdesk(data_dir: Path, port: int, env: dict[str, str] | None = None,
                   workers: int = 1) -> subprocess.Popen[bytes]:
    """``newsdesk serve`` on ``port``; ``env`` replaces the environment (e.g. NEWSDESK_DATABASE_URL)."""
    process = subprocess.Popen([PYTHON, "-m", "newsdesk", "--data-dir", str(data_dir), "serve", "--port", str(port),
                                "--workers", str(workers)],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    wait_up(f"http://127.0.0.1:{port}/api", process)
    return process


async def load(base: str, paths: list[str], concurrency: int, duration: float) -> tuple[int, int, list[float], float]:
    """Hammer ``paths`` (round robin) with ``concurrency`` workers for ``duration`` seconds."""
    latencies: list[float] = []
    errors = 0
    counter = 0
    kinds: dict[str, int] = {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        stop = time.perf_counter() + duration

        async def worker() -> None:
            nonlocal errors, counter
            while time.perf_counter() < stop:
                path = paths[counter % len(paths)]
                counter += 1
                began = time.perf_counter()
                try:
                    answer = await client.get(path)
                    await answer.aread()
                    if answer.status_code != 200:
                        errors += 1
                        kinds[str(answer.status_code)] = kinds.get(str(answer.status_code), 0) + 1
                except httpx.HTTPError as exc:
                    errors += 1
                    kinds[type(exc).__name__] = kinds.get(type(exc).__name__, 0) + 1
                latencies.append(time.perf_counter() - began)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    if kinds:
        print(f"    errors: {kinds}", flush=True)
    return len(latencies), errors, latencies, elapsed


#: words every generated article uses (bench/web/generate.py's COMMON list) or the demo's often do
COMMON_WORDS = ["government", "council", "minister", "officials", "report", "people", "city", "plan"]


def sample_paths(data_dir: Path, database_url: str | None = None) -> dict[str, list[str]]:
    """URLs per endpoint: a rotating sample of real ids and search words from the database. The
    floor, ``static``, is a static file served by the same server."""
    from newsdesk.config import load_settings
    from newsdesk.store import open_store

    store = open_store(load_settings(data_dir=data_dir, database_url=database_url))
    stories = [s.id for s in store.list_stories(limit=40, min_size=2)] or [s.id for s in store.list_stories(limit=40)]
    articles = [a.id for a in store.list_articles(limit=60, include_duplicates=False)]
    from newsdesk.analyze.entities import list_entities

    entities = [e.id for e in list_entities(store, limit=30)]
    words: list[str] = []
    for article in store.list_articles(limit=200, include_duplicates=False):
        words += [w.strip(".,:;'\"").lower() for w in article.title.split() if len(w.strip(".,:;'\"")) > 5]
    rare = [w for w in dict.fromkeys(words) if w not in COMMON_WORDS][:30] or ["news"]
    store.close()
    groups = {
        "static": ["/static/app.css"],
        "home": ["/"], "story": [f"/stories/{i}" for i in stories], "article": [f"/articles/{i}" for i in articles],
        "entity": [f"/entities/{i}" for i in entities],
        "search rare": [f"/search?q={w}" for w in rare], "search common": [f"/search?q={w}" for w in COMMON_WORDS],
        "api home": ["/api/stories"], "api story": [f"/api/stories/{i}" for i in stories],
        "api article": [f"/api/articles/{i}" for i in articles], "api entity": [f"/api/entities/{i}" for i in entities],
        "api search rare": [f"/api/search?q={w}" for w in rare],
        "api search common": [f"/api/search?q={w}" for w in COMMON_WORDS],
    }
    groups = {k: v for k, v in groups.items() if v}
    # every page and API URL above, interleaved: the soak (``--only mixed``)
    pages = [paths for name, paths in groups.items() if name != "static"]
    groups["mixed"] = [p for row in itertools.zip_longest(*pages) for p in row if p]
    return groups


def warm(base: str, groups: dict[str, list[str]]) -> float:
    began = time.perf_counter()
    with httpx.Client(base_url=base, timeout=300) as client:
        for paths in groups.values():
            for path in paths:
                client.get(path)
    return time.perf_counter() - began


def bench_corpus(name: str, data_dir: Path, levels: list[int], duration: float, workers: int = 1,
                 database_url: str | None = None, only: list[str] | None = None) -> list[Result]:
    groups = sample_paths(data_dir, database_url)
    if only:
        groups = {k: v for k, v in groups.items() if k in only or k == "static"}
    else:
        groups.pop("mixed")
    port = free_port()
    env = {**os.environ, **({"NEWSDESK_DATABASE_URL": database_url} if database_url else {})}
    server = start_newsdesk(data_dir, port, env=env, workers=workers)
    results: list[Result] = []
    try:
        base = f"http://127.0.0.1:{port}"
        print(f"[{name}] warming caches: {sum(map(len, groups.values()))} URLs in {warm(base, groups):.1f} s",
              flush=True)
        time.sleep(min(30.0, duration * 2))  # the refreshes the warm-up queued run before the load
        for endpoint, paths in groups.items():
            for level in levels:
                count, errors, latencies, elapsed = asyncio.run(load(base, paths, level, duration))
                results.append(Result(name, endpoint, level, count, errors, elapsed, latencies))
                print(f"[{name}] {endpoint:<18} c={level:<3} {count / elapsed:8.1f} req/s  "
                      f"p50 {results[-1].pct(0.5):7.1f} ms  p95 {results[-1].pct(0.95):7.1f} ms  "
                      f"p99 {results[-1].pct(0.99):7.1f} ms  errors {errors}", flush=True)
        rss = server_rss_mb(server.pid)
        print(f"[{name}] server RSS after the load: {rss}", flush=True)
        RSS[name] = rss
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


#: resident memory (MB) of each server process after the load, by corpus
RSS: dict[str, list[float]] = {}


def server_rss_mb(pid: int) -> list[float]:
    """VmRSS of the serve process and its children (the ``--workers`` processes), in MB."""
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        pids += [int(c) for c in (task / "children").read_text().split()]
    sizes = []
    for each in pids:
        try:
            status = Path(f"/proc/{each}/status").read_text()
        except OSError:
            continue
        kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        sizes.append(round(kb / 1024, 1))
    return sizes


def table(results: list[Result]) -> str:
    floors = {(r.corpus, r.concurrency): r.pct(0.95) for r in results if r.endpoint == "static"}
    lines = ["| corpus | endpoint | clients | req/s | p50 ms | p95 ms | p99 ms | errors | p95 ×static |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        floor = floors.get((r.corpus, r.concurrency))
        ratio = f"{r.pct(0.95) / floor:.1f}" if floor else "–"
        lines.append(f"| {r.corpus} | {r.endpoint} | {r.concurrency} | {r.rps:.1f} | {r.pct(0.5):.1f} | "
                     f"{r.pct(0.95):.1f} | {r.pct(0.99):.1f} | {r.errors} | {ratio} |")
    return "\n".join(lines)


def ensure_demo(data_dir: Path | None) -> Path:
    if data_dir and (data_dir / "newsdesk.db").exists():
        return data_dir
    target = data_dir or Path(tempfile.mkdtemp(prefix="newsdesk-bench-demo-"))
    subprocess.run([PYTHON, "-m", "newsdesk", "--data-dir", str(target), "demo"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return target


def ensure_big(data_dir: Path, articles: int, database_url: str | None = None) -> Path:
    """Generate the big desk (in ``database_url`` when given) unless it holds articles already."""
    where = ["--database-url", database_url] if database_url else []
    subprocess.run([PYTHON, str(HERE / "generate.py"), str(data_dir), "--articles", str(articles), *where],
                   cwd=ROOT, check=True)
    return data_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=["demo", "big", "both"], default="both")
    parser.add_argument("--demo-dir", type=Path, default=None)
    parser.add_argument("--big-dir", type=Path, default=Path(tempfile.gettempdir()) / "newsdesk-bench-100k")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per endpoint and level")
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--workers", type=int, default=2, help="newsdesk serve --workers")
    parser.add_argument("--database-url", default=None, help="the big corpus on this database (PostgreSQL)")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--only", nargs="+", default=None, help="endpoints to measure (the static floor always)")
    options = parser.parse_args()
    load_before = os.getloadavg()
    results: list[Result] = []
    corpora: list[tuple[str, Path]] = []
    if options.corpus in ("demo", "both"):
        corpora.append(("demo", ensure_demo(options.demo_dir)))
    if options.corpus in ("big", "both"):
        corpora.append((f"{options.articles // 1000}k",
                        ensure_big(options.big_dir, options.articles, options.database_url)))
    for name, data_dir in corpora:
        url = options.database_url if name != "demo" else None
        results += bench_corpus(name, data_dir, options.clients, options.duration, options.workers, url,
                                options.only)
    report = table(results)
    print(report)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    database = "PostgreSQL" if options.database_url else "SQLite"
    header = (f"`{' '.join(['.venv/bin/python', 'bench/web/run.py', *sys.argv[1:]])}` "
              f"at commit {commit}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
              f"{os.cpu_count()} CPUs shared by server and client, Python {platform.python_version()}, "
              f"{database}, `newsdesk serve --workers {options.workers}`, {options.duration:g} s per row, after "
              f"a warm-up visiting every URL once. Load average (1, 5, 15 min, as `uptime` shows it) "
              f"{', '.join(f'{x:.2f}' for x in load_before)} at the start and "
              f"{', '.join(f'{x:.2f}' for x in os.getloadavg())} at the end: anything above 2 means other work "
              "shared the CPUs.\n\n"
              "`p95 ×static` = the row's p95 latency over the p95 of `/static/app.css` served by the same "
              "server at the same concurrency in the same run (the floor).\n\n")
    memory = "".join(f"\nServer RSS after the load ({name}; the supervisor, multiprocessing's resource tracker, then each server process): "
                     f"{', '.join(f'{mb:g} MB' for mb in sizes)}.\n" for name, sizes in RSS.items())
    with options.results.open("a", encoding="utf-8") as out:
        out.write("\n## Run\n\n" + header + report + "\n" + memory)
    print(f"appended to {options.results}")


if __name__ == "__main__":
    main()

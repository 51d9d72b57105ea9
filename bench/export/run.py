"""Export and briefing benchmark: time and peak memory of ``newsdesk export`` (CSV, JSON Lines) over
a whole desk, beside peers run in the same session on the same columns — ``sqlite3 -csv`` (the C
shell streaming the query) and pandas ``read_sql`` → ``to_csv`` (the whole result in memory) — and
of building a briefing (Markdown, HTML, PDF, Word) for one 200-article story.

    .venv/bin/python bench/export/run.py                      # 20,000 articles (a few minutes here)
    .venv/bin/python bench/export/run.py --articles 100000    # the issue's size

Desks come from bench/web/generate.py (synthetic articles written through the store, 10 per
story) in ``--work`` (default /tmp/newsdesk-bench-export), reused when present. Each measurement
runs in a fresh child process that reports its own peak resident memory (``ru_maxrss``), so one
row's memory never leaks into the next; ``baseline`` is a child that only imports what the export
imports (the floor every row pays). Times start after the imports (the baseline row shows what
they cost) and end when the file is written. Exports run at two desk sizes (a quarter and the full size):
flat peak memory across sizes is what "streaming" means; the pandas peer grows with the desk.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
COLUMNS_SQL = ("SELECT a.id, a.story_id, o.name, a.author, a.published, a.language, a.url, a.canonical_url, "
               "d.original_id, a.title, a.text FROM articles a LEFT JOIN outlets o ON o.id = a.outlet_id "
               "LEFT JOIN duplicate_links d ON d.article_id = a.id ORDER BY a.id")

#: the child programs; each prints one JSON line {"seconds": ..., "peak_mb": ..., ...}
CHILD_PRELUDE = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
def done(began, **extra):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({{"seconds": time.perf_counter() - began, "peak_mb": peak, **extra}}))
"""
CHILDREN = {
    "baseline": """
began = time.perf_counter()
from newsdesk.publish.export import export_chunks
from newsdesk.store import Store
store = Store({url!r})
done(began)
""",
    "export": """
from newsdesk.publish.export import export_chunks
from newsdesk.store import Store
store = Store({url!r})
began = time.perf_counter()
size = 0
with open({out!r}, "w", encoding="utf-8", newline="") as fh:
    for chunk in export_chunks(store, None, {fmt!r}):
        fh.write(chunk)
        size += len(chunk)
done(began, chars=size)
""",
    "pandas": """
import pandas as pd
import sqlalchemy
engine = sqlalchemy.create_engine({url!r})
began = time.perf_counter()
with engine.connect() as conn:
    frame = pd.read_sql(sqlalchemy.text({sql!r}), conn)
frame.to_csv({out!r}, index=False)
done(began, rows=len(frame))
""",
    "brief": """
from newsdesk.config import load_settings
from newsdesk.publish.brief import build_briefing, render_briefing
from newsdesk.publish.selection import Selection
from newsdesk.store import Store
store = Store({url!r})
settings = load_settings(environ={{}}, data_dir={work!r})
if {cold!r}:
    store.drop_cached("story:")  # the story summary is computed, not read from the cache
began = time.perf_counter()
briefing = build_briefing(store, settings, Selection.of_story({story}))
built = time.perf_counter() - began
data = render_briefing(briefing, {fmt!r})
done(began, build_seconds=built, bytes=len(data), sources=len(briefing.sources))
""",
}


def child(kind: str, **values: Any) -> dict[str, Any]:
    code = CHILD_PRELUDE.format(root=str(ROOT)) + CHILDREN[kind].format(**values)
    result = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{result.stderr[-2000:]}")
    row: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return row


def sqlite_csv(db: Path, out: Path) -> dict[str, Any]:
    """The peer: sqlite3's shell streaming the same columns as CSV (peak memory from GNU time)."""
    began = time.perf_counter()
    with out.open("wb") as fh:
        result = subprocess.run(["/usr/bin/time", "-f", "%M", "sqlite3", "-csv", "-header", str(db), COLUMNS_SQL],
                                stdout=fh, stderr=subprocess.PIPE, text=False, check=False)
    seconds = time.perf_counter() - began
    if result.returncode != 0:
        raise SystemExit(result.stderr.decode()[-2000:])
    peak_kb = int(result.stderr.decode().strip().splitlines()[-1])
    return {"seconds": seconds, "peak_mb": peak_kb / 1024}


def build_desk(folder: Path, articles: int, story_size: int) -> Path:
    db = folder / "newsdesk.db"
    if db.exists():
        return db
    print(f"generating {articles} articles in {folder} ...", flush=True)
    subprocess.run([PYTHON, str(ROOT / "bench/web/generate.py"), str(folder), "--articles", str(articles),
                    "--story-size", str(story_size)], check=True, cwd=ROOT)
    return db


def first_story(db: Path) -> int:
    from sqlalchemy import create_engine, text

    with create_engine(f"sqlite:///{db}").connect() as conn:
        return int(conn.execute(text("SELECT id FROM stories ORDER BY size DESC, id LIMIT 1")).scalar_one())


def measure_exports(db: Path, size: int, work: Path) -> list[dict[str, Any]]:
    url = f"sqlite:///{db}"
    rows = [{"desk": size, "what": "baseline (imports + open store)", **child("baseline", url=url)}]
    for fmt in ("csv", "jsonl"):
        out = work / f"export-{size}.{fmt}"
        rows.append({"desk": size, "what": f"newsdesk export {fmt}", **child("export", url=url, out=str(out), fmt=fmt),
                     "file_mb": out.stat().st_size / 2**20})
    out = work / f"peer-sqlite-{size}.csv"
    rows.append({"desk": size, "what": "peer: sqlite3 -csv", **sqlite_csv(db, out), "file_mb": out.stat().st_size / 2**20})
    out = work / f"peer-pandas-{size}.csv"
    rows.append({"desk": size, "what": "peer: pandas read_sql + to_csv",
                 **child("pandas", url=url, sql=COLUMNS_SQL, out=str(out)), "file_mb": out.stat().st_size / 2**20})
    for path in work.glob(f"*-{size}.*"):
        path.unlink()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--story-size", type=int, default=200, help="articles in the briefing's story")
    parser.add_argument("--work", type=Path, default=Path("/tmp/newsdesk-bench-export"))
    options = parser.parse_args()
    work = options.work
    work.mkdir(parents=True, exist_ok=True)
    sizes = [options.articles // 4, options.articles]
    began = datetime.now(UTC)
    load = os.getloadavg()[1]
    export_rows: list[dict[str, Any]] = []
    for size in sizes:
        db = build_desk(work / f"desk-{size}", size, 10)
        export_rows += measure_exports(db, size, work)
        print(json.dumps(export_rows[-5:], indent=1), flush=True)
    brief_db = build_desk(work / f"story-{options.story_size}", options.story_size, options.story_size)
    story = first_story(brief_db)
    brief_rows = [{"format": fmt, "summary": "computed" if cold else "cached",
                   **child("brief", url=f"sqlite:///{brief_db}", work=str(work), story=story, fmt=fmt, cold=cold)}
                  for fmt in ("md", "html", "pdf", "docx") for cold in (True, False)]
    print(json.dumps(brief_rows, indent=1), flush=True)
    write_results(options, sizes, export_rows, brief_rows, began, load, os.getloadavg()[1])


def _commit() -> str:
    found = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT,
                           check=False)
    return found.stdout.strip() or "?"


def write_results(options: argparse.Namespace, sizes: list[int], exports: list[dict[str, Any]],
                  briefs: list[dict[str, Any]], began: datetime, load_start: float, load_end: float) -> None:
    command = "bench/export/run.py" + (f" --articles {options.articles}" if options.articles != 20_000 else "")
    lines = [
        "# Export and briefing benchmark", "",
        f"`.venv/bin/python {command}` at commit {_commit()}, {began:%Y-%m-%d %H:%M} UTC; "
        f"Python {platform.python_version()}, SQLite, 2 CPUs shared with other work (5-minute load average "
        f"{load_start:.1f} at the start, {load_end:.1f} at the end: above 2, every time here is slower than on an "
        "idle machine). Desks from `bench/web/generate.py` (synthetic articles of 3–6 paragraphs, 10 per story, "
        "no copies). Each row is one fresh child process; `peak MB` is its peak resident memory (`ru_maxrss`; "
        "GNU time for sqlite3). One run per row.", "",
        f"## Export of every article ({' and '.join(f'{s:,}' for s in sizes)} articles)", "",
        "`seconds` start after the child's imports (the baseline row: importing newsdesk and opening the store) and "
        "end when the file is written. `× sqlite3` = seconds divided by the `sqlite3 -csv` peer's on the same desk "
        "(the C shell streaming the same 11 columns: the floor); `+MB` = peak memory above the baseline child's "
        "(what the work itself held).", "",
        "| desk | what | seconds | × sqlite3 | peak MB | +MB over baseline | file MB |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        rows = [r for r in exports if r["desk"] == size]
        floor = next(r for r in rows if r["what"].startswith("peer: sqlite3"))["seconds"]
        base = next(r for r in rows if r["what"].startswith("baseline"))["peak_mb"]
        for r in rows:
            ratio = "" if r["what"].startswith("baseline") else f"{r['seconds'] / floor:.1f}"
            extra = "" if r["what"].startswith(("baseline", "peer: sqlite3")) else f"{r['peak_mb'] - base:.0f}"
            file_mb = f"{r['file_mb']:.1f}" if "file_mb" in r else ""
            lines.append(f"| {size:,} | {r['what']} | {r['seconds']:.2f} | {ratio} | {r['peak_mb']:.0f} | {extra} | "
                         f"{file_mb} |")
    small, big = sizes
    def peak(size: int, what: str) -> float:
        return float(next(r for r in exports if r["desk"] == size and r["what"] == what)["peak_mb"])
    lines += ["", "Peak memory from the small desk to the big one (4× the articles): "
              + "; ".join(f"{w} {peak(small, w):.0f} → {peak(big, w):.0f} MB" for w in
                          ("newsdesk export csv", "newsdesk export jsonl", "peer: pandas read_sql + to_csv")) + ".",
              "", f"## Briefing of one {options.story_size}-article story", "",
              "`build s` = selecting the sources, summary, framing and entities; `total s` adds rendering the file. "
              "`summary computed`: the story's summary cache dropped first (the first briefing of a story); "
              "`cached`: the summary read from the store's cache (every later one until the story changes). The "
              "desk is not analysed (bench/web/generate.py): no entities, so that part costs nothing here.", "",
              "| format | summary | build s | total s | peak MB | file KB | sources |",
              "|---|---|---:|---:|---:|---:|---:|"]
    for r in briefs:
        lines.append(f"| {r['format']} | {r['summary']} | {r['build_seconds']:.2f} | {r['seconds']:.2f} | "
                     f"{r['peak_mb']:.0f} | {r['bytes'] / 1024:.0f} | {r['sources']} |")
    lines += ["", "No peer is run for briefings: no other tool builds the same document from a desk.", "",
              "The issue's size, 100,000 articles (about 25 minutes of generation on this loaded machine, then the "
              "same rows): `.venv/bin/python bench/export/run.py --articles 100000`.", ""]
    (Path(__file__).with_name("RESULTS.md")).write_text("\n".join(lines), encoding="utf-8")
    print("wrote bench/export/RESULTS.md")


if __name__ == "__main__":
    main()

"""End-to-end ingest throughput vs bare trafilatura extraction, in the same run.

    .venv/bin/python bench/ingest/run.py [--repeat 3] [--analyze]

Pages: ../shared/bench/extraction/scrapinghub-aeb/html/*.html.gz (181 real news pages),
unpacked to a temporary folder. Timed, each best of ``--repeat``:

* trafilatura   ``trafilatura.extract(html)`` on every page (the peer: extraction only)
* newsdesk      ``newsdesk add FOLDER --no-analyze`` as a library call: read files, extract,
                detect language, fingerprint, dedupe, store in a fresh SQLite file, FTS index
* newsdesk+analysis (with --analyze) the same plus entities, key phrases and story assignment
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
import time
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
PAGES = ROOT.parent / "shared" / "bench" / "extraction" / "scrapinghub-aeb" / "html"


def unpack(folder: Path) -> list[Path]:
    out = []
    for gz in sorted(PAGES.glob("*.html.gz")):
        target = folder / gz.name.removesuffix(".gz")
        target.write_bytes(gzip.decompress(gz.read_bytes()))
        out.append(target)
    return out


def time_trafilatura(files: list[Path]) -> float:
    start = time.perf_counter()
    for f in files:
        trafilatura.extract(f.read_bytes().decode("utf-8", "replace"))
    return time.perf_counter() - start


def time_newsdesk(folder: Path, analyze: bool) -> tuple[float, int]:
    from newsdesk.config import load_settings
    from newsdesk.ingest import Ingestor
    from newsdesk.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp), environ={})
        store = Store(f"sqlite:///{tmp}/bench.db")
        start = time.perf_counter()
        with Ingestor(store, settings, analyze=analyze) as ingestor:
            outcomes = ingestor.add([str(folder)])
        elapsed = time.perf_counter() - start
        stored = store.count_articles()
        store.close()
    assert stored > 0, outcomes[:3]
    return elapsed, stored


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--analyze", action="store_true", help="also time ingest with analysis")
    args = parser.parse_args()
    if not PAGES.is_dir():
        print(f"skipped: {PAGES} not present")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = unpack(folder)
        time_newsdesk(folder, analyze=False)  # warm up imports and caches
        trafilatura_s = min(time_trafilatura(files) for _ in range(args.repeat))
        runs = [time_newsdesk(folder, analyze=False) for _ in range(args.repeat)]
        newsdesk_s, stored = min(runs)
        rows = [("trafilatura.extract (extraction only)", trafilatura_s, len(files)),
                ("newsdesk add --no-analyze (extract+dedupe+store+index)", newsdesk_s, stored)]
        if args.analyze:
            analyzed_s, stored_a = time_newsdesk(folder, analyze=True)
            rows.append(("newsdesk add (… + entities, key phrases, stories)", analyzed_s, stored_a))
    lines = [f"pages: {len(files)} (ScrapingHub article-extraction benchmark), best of {args.repeat}", "",
             "| pipeline | seconds | pages/s | time vs trafilatura |", "|---|---|---|---|"]
    for name, seconds, _stored in rows:
        lines.append(f"| {name} | {seconds:.2f} | {len(files) / seconds:.1f} | {seconds / trafilatura_s:.2f}× |")
    lines.append(f"\nstored articles: {stored}")
    report = "\n".join(lines)
    print(report)
    (Path(__file__).parent / "RESULTS.md").write_text(
        "# Ingest throughput\n\nCommand: `.venv/bin/python bench/ingest/run.py"
        + (" --analyze" if args.analyze else "") + "`\n\n" + report + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

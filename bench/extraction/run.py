#!/usr/bin/env python3
"""Extraction benchmark: newsdesk against trafilatura, readability-lxml, jusText and goose3 in one run.

Data: ``../shared/bench/extraction/scrapinghub-aeb`` (181 news/blog pages with hand-made article
bodies). Scorer: the shared ``evaluate.py`` (4-gram shingle P/R/F1, macro over pages, bootstrap
std), imported by path, never copied. Every extractor gets the same decoded HTML (``decode_html`` of
the scorer), except ``newsdesk extract_document``, which gets the raw bytes and does everything an
ingest does: charset decoding, metadata, main text, cleanup, language, excerpt.

Speed is CPU time of this process (``time.process_time``), so other work on the machine does not
skew the ratios; pages/second = pages / CPU seconds. The CLI is also timed once, as a user runs it:
``newsdesk extract FILE... --json`` over all pages in one process (wall time, Python start included).

    .venv/bin/python bench/extraction/run.py                 # table on stdout, writes RESULTS.md
    .venv/bin/python bench/extraction/run.py --rounds 3      # median CPU time of 3 rounds
    .venv/bin/python bench/extraction/run.py --write-baseline  # re-pin tests' quality gate slice
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SHARED = ROOT.parent / "shared" / "bench" / "extraction"
DATASET = "scrapinghub-aeb"
BASELINE = ROOT / "tests" / "testdata" / "extract" / "quality_baseline.json"
#: the quality gate's fixed slice: every 6th page of the sorted ids, 30 pages
GATE_STEP, GATE_PAGES = 6, 30
sys.path.insert(0, str(ROOT))

Extractor = Callable[[Any, Any], "str | None"]


@dataclass
class Row:
    name: str
    note: str
    metrics: dict[str, Any] = field(default_factory=dict)
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0
    errors: int = 0


def load_evaluator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("shared_extraction_evaluate", SHARED / "evaluate.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {SHARED / 'evaluate.py'}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def newsdesk_document(html: bytes, url: str | None) -> str:
    """The whole ingest path: bytes → ExtractedArticle (metadata, language, excerpt included)."""
    from newsdesk.extract import extract_document
    from newsdesk.models import Document

    return extract_document(Document(url=url or "", content=html, content_type="text/html")).text


def newsdesk_main_text(html: str, url: str | None) -> str:
    from newsdesk.extract import main_text

    return main_text(html, url)


def trafilatura_default(html: str, url: str | None) -> str | None:
    import trafilatura

    return trafilatura.extract(html, url=url)


def trafilatura_with_metadata(html: str, url: str | None) -> str | None:
    """What an ingest built on bare trafilatura would run: text and metadata in one call."""
    import trafilatura

    result: Any = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    return result.text if result is not None else None


def extractors(ev: ModuleType, with_goose: bool) -> list[tuple[str, str, Extractor, bool]]:
    """(name, note, function, wants bytes) in table order."""
    table: list[tuple[str, str, Extractor, bool]] = [
        ("newsdesk extract_document", "bytes in; + metadata, language, excerpt", newsdesk_document, True),
        ("newsdesk main_text", "text only (the --callable)", newsdesk_main_text, False),
        ("trafilatura (default)", "trafilatura.extract(html, url) — the reference", trafilatura_default, False),
        ("trafilatura + metadata", "bare_extraction(with_metadata=True)", trafilatura_with_metadata, False),
        ("trafilatura (evaluate.py)", "no comments, tables on", ev.ex_trafilatura, False),
        ("readability-lxml", "Document().summary()", ev.ex_readability, False),
        ("jusText", "English stoplist", ev.ex_justext, False),
    ]
    if with_goose:
        table.append(("goose3", "Goose().extract(raw_html)", ev.ex_goose3, False))
    return table


def run_extractor(fn: Extractor, pages: list[Any], inputs: dict[str, Any]) -> tuple[dict[str, Any], float,
                                                                                      float, int]:
    outputs: dict[str, Any] = {}
    errors = 0
    cpu, wall = time.process_time(), time.perf_counter()
    for page in pages:
        try:
            outputs[page.id] = fn(inputs[page.id], page.url)
        except Exception:  # scored as "no output", as the shared scorer does
            outputs[page.id] = None
            errors += 1
    return outputs, time.process_time() - cpu, time.perf_counter() - wall, errors


def time_cli(pages: list[Any], texts: dict[str, bytes]) -> tuple[dict[str, Any], float, float]:
    """``newsdesk extract FILE... --json`` once over every page: outputs by page id, wall and CPU seconds."""
    cli = ROOT / ".venv" / "bin" / "newsdesk"
    command = [str(cli)] if cli.exists() else [sys.executable, "-m", "newsdesk"]
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for page in pages:
            path = Path(tmp) / f"{page.id}.html"
            path.write_bytes(texts[page.id])
            paths.append(str(path))
        before, started = os.times(), time.perf_counter()
        done = subprocess.run([*command, "extract", *paths, "--json"], capture_output=True, text=True,
                              cwd=tmp, env={"NEWSDESK_DATA_DIR": tmp, "PATH": "/usr/bin:/bin"})
        elapsed, after = time.perf_counter() - started, os.times()
    cpu = (after.children_user + after.children_system) - (before.children_user + before.children_system)
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    outputs = {Path(row["target"]).name.removesuffix(".html"): row.get("text") for row in rows}
    return outputs, elapsed, cpu


def gate_slice(pages: list[Any]) -> list[Any]:
    return pages[::GATE_STEP][:GATE_PAGES]


def write_baseline(ev: ModuleType, pages: list[Any], raw: dict[str, bytes], html: dict[str, str]) -> None:
    """Pin newsdesk's (and trafilatura's) F1 on the gate slice for tests/test_extract_quality.py."""
    chosen = gate_slice(pages)
    ours, _, _, _ = run_extractor(newsdesk_document, chosen, raw)
    ref, _, _, _ = run_extractor(trafilatura_default, chosen, html)
    score = ev.score_shingles(chosen, ours, n_bootstrap=0)
    ref_score = ev.score_shingles(chosen, ref, n_bootstrap=0)
    baseline = {
        "dataset": DATASET,
        "pages": [p.id for p in chosen],
        "newsdesk": {k: round(score[k], 4) for k in ("f1", "precision", "recall")},
        "trafilatura_default": {k: round(ref_score[k], 4) for k in ("f1", "precision", "recall")},
        "tolerance": 0.005,
        "recorded": datetime.now(UTC).strftime("%Y-%m-%d"),
        "command": ".venv/bin/python bench/extraction/run.py --write-baseline",
    }
    BASELINE.write_text(json.dumps(baseline, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {BASELINE.relative_to(ROOT)}: newsdesk F1 {score['f1']:.4f} on {len(chosen)} pages "
          f"(trafilatura {ref_score['f1']:.4f})")


def fmt(metrics: dict[str, Any], key: str) -> str:
    return f"{metrics[key]:.3f} ± {metrics.get(key + '_std', 0):.3f}"


def render(rows: list[Row], cli: Row | None, pages: int, rounds: int) -> list[str]:
    ref = next(r for r in rows if r.name == "trafilatura (default)")
    lines = [
        "| extractor | F1 | precision | recall | F1 / trafilatura | pages/s (CPU) | CPU time / trafilatura "
        "| errors | notes |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.name} | {fmt(row.metrics, 'f1')} | {fmt(row.metrics, 'precision')} | "
            f"{fmt(row.metrics, 'recall')} | {row.metrics['f1'] / ref.metrics['f1']:.3f} | "
            f"{pages / row.cpu_seconds:.1f} | {row.cpu_seconds / ref.cpu_seconds:.2f}× | {row.errors} | "
            f"{row.note} |")
    if cli is not None:
        lines.append(
            f"| `newsdesk extract FILE... --json` (CLI, once) | {fmt(cli.metrics, 'f1')} | "
            f"{fmt(cli.metrics, 'precision')} | {fmt(cli.metrics, 'recall')} | "
            f"{cli.metrics['f1'] / ref.metrics['f1']:.3f} | {pages / cli.cpu_seconds:.1f} | "
            f"{cli.cpu_seconds / ref.cpu_seconds:.2f}× | {cli.errors} | one process over {pages} files, "
            f"Python start-up included; wall {cli.wall_seconds:.1f} s |")
    lines.append("")
    lines.append(f"CPU times are medians of {rounds} round(s); ± is the scorer's bootstrap std (1,000 resamples).")
    return lines


def write_results(table: list[str], argv: list[str]) -> None:
    versions = ", ".join(f"{pkg} {version(pkg)}" for pkg in
                         ("trafilatura", "readability-lxml", "jusText", "goose3", "lxml", "py3langid", "pypdf"))
    text = "\n".join([
        "# Extraction benchmark — newsdesk vs peers (ScrapingHub article-extraction-benchmark, 181 pages)",
        "",
        f"Command: `.venv/bin/python bench/extraction/run.py {' '.join(argv)}`".replace(" `", " `", 1),
        f"Run: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}, Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} cores (shared with other work; CPU time used).",
        f"Versions: {versions}.",
        "Scorer: `../shared/bench/extraction/evaluate.py` (imported by path), 4-gram shingle P/R/F1 macro over pages.",
        "",
        *table,
        "",
        "How newsdesk gets there (see `docs/extraction.md`): trafilatura with `favor_precision`, no comments, "
        "fast mode; a second, full trafilatura pass only when the fast one kept too little (<400 chars) or far "
        "more than the page's paragraph text; readability-lxml only when the text is under 60 % of the "
        "page's paragraph text (multi-section articles); then widget cleanup and dropping a repeated headline.",
        "",
    ])
    (HERE / "RESULTS.md").write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=1, help="time each extractor this many times (median)")
    parser.add_argument("--no-goose", action="store_true", help="skip goose3 (the slowest peer)")
    parser.add_argument("--no-cli", action="store_true", help="skip timing the CLI")
    parser.add_argument("--write-baseline", action="store_true",
                        help=f"re-pin {BASELINE.relative_to(ROOT)} and exit")
    args = parser.parse_args(argv)
    if not (SHARED / DATASET / "ground-truth.json").is_file():
        print(f"skipped: {SHARED / DATASET} is not present (the shared benchmark data lives beside the checkout)")
        return 0
    ev = load_evaluator()
    pages = ev.load_pages(DATASET)
    raw = {p.id: p.html_bytes() for p in pages}
    html = {p.id: ev.decode_html(raw[p.id]) for p in pages}
    if args.write_baseline:
        write_baseline(ev, pages, raw, html)
        return 0
    rows: list[Row] = []
    table = extractors(ev, with_goose=not args.no_goose)
    for _name, _note, fn, wants_bytes in table:
        fn(raw[pages[0].id] if wants_bytes else html[pages[0].id], pages[0].url)  # warm-up (imports, models)
    cpu_times: dict[str, list[float]] = {name: [] for name, *_ in table}
    for round_no in range(args.rounds):
        for name, note, fn, wants_bytes in table:
            outputs, cpu, wall, errors = run_extractor(fn, pages, raw if wants_bytes else html)
            cpu_times[name].append(cpu)
            if round_no == 0:
                rows.append(Row(name, note, ev.score_shingles(pages, outputs), wall_seconds=wall, errors=errors))
            print(f"  {name}: {cpu:.2f} s CPU", file=sys.stderr, flush=True)
    for row in rows:
        row.cpu_seconds = statistics.median(cpu_times[row.name])
    cli = None
    if not args.no_cli:
        outputs, wall, cpu = time_cli(pages, raw)
        cli = Row("cli", "", ev.score_shingles(pages, outputs), cpu_seconds=cpu, wall_seconds=wall,
                  errors=sum(1 for p in pages if not outputs.get(p.id)))
    lines = render(rows, cli, len(pages), args.rounds)
    print("\n".join(lines))
    write_results(lines, sys.argv[1:] if argv is None else argv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""Extraction benchmark: newsdesk against trafilatura, readability-lxml, jusText and goose3 in one run.

Data: ``../shared/bench/extraction/scrapinghub-aeb`` (181 news/blog pages with hand-made article
bodies), or any dataset folder of the shared scorer (``--dataset``, ``BENCH_DATA=DIR``; segment
sets with "with"/"without" segments are scored by segments). Scorer: the shared ``evaluate.py``
(imported by path, never copied).

Held-out split: a page belongs to the **test half** when ``int(sha256(page id), 16)`` is even, to
the **tuning half** otherwise (``half_of``; fixed, independent of the data's order). Only the
tuning half may be looked at when a cleanup rule is written or a threshold chosen; the test half
is the headline. On ScrapingHub that is 102 test and 79 tuning pages.

Language groups: a page's language is its ground truth's ``language`` (or ``lang``) field when
the data has one, else py3langid on the ground-truth text; groups under ``MIN_GROUP`` pages are
pooled as "other". Per group, newsdesk is shown beside bare trafilatura on the test half.

Every extractor gets the same decoded HTML (``decode_html`` of the scorer), except ``newsdesk
extract_document``, which gets the raw bytes and does everything an ingest does: charset decoding,
metadata, main text, cleanup, language, excerpt. Speed is CPU time of this process
(``time.process_time``) over all pages; the CLI is timed once as a user runs it (``newsdesk
extract FILE... --json`` over all pages in one process).

    .venv/bin/python bench/extraction/run.py                 # table on stdout, writes RESULTS.md
    .venv/bin/python bench/extraction/run.py --rounds 3      # median CPU time of 3 rounds
    BENCH_DATA=/data .venv/bin/python bench/extraction/run.py --dataset NAME --no-cli --no-goose
    .venv/bin/python bench/extraction/run.py --write-baseline  # re-pin tests' quality gate slice
"""

from __future__ import annotations

import argparse
import hashlib
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
#: the quality gate's fixed slice: every 3rd page of the test half's sorted ids, 30 pages
GATE_STEP, GATE_PAGES = 3, 30
#: a language group with fewer pages is pooled into "other"
MIN_GROUP = 5
#: the two systems compared per language group
OURS, CORE = "newsdesk extract_document", "trafilatura (default)"
sys.path.insert(0, str(ROOT))

Extractor = Callable[[Any, Any], "str | None"]


@dataclass
class Row:
    name: str
    note: str
    outputs: dict[str, Any] = field(default_factory=dict)
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


def half_of(page_id: str) -> str:
    """``"test"`` or ``"tuning"``: the fixed split by the parity of the page id's SHA-256."""
    return "test" if int(hashlib.sha256(page_id.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "tuning"


def truth_text(page: Any) -> str:
    truth = page.truth
    if "articleBody" in truth:
        return str(truth.get("articleBody") or "")
    return "\n".join(str(s) for s in truth.get("with", []))


def page_language(page: Any) -> str:
    """The data's own language label, else py3langid on the ground truth ("?" when unsure)."""
    for key in ("language", "lang"):
        if page.truth.get(key):
            return str(page.truth[key]).lower()[:2]
    from newsdesk.extract.language import detect_language

    return detect_language(truth_text(page)) or "?"


def language_groups(pages: list[Any]) -> dict[str, list[Any]]:
    by_language: dict[str, list[Any]] = {}
    for page in pages:
        by_language.setdefault(page_language(page), []).append(page)
    groups: dict[str, list[Any]] = {}
    for language, members in sorted(by_language.items(), key=lambda item: -len(item[1])):
        key = language if len(members) >= MIN_GROUP and language != "?" else "other"
        groups.setdefault(key, []).extend(members)
    return groups


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
    return [p for p in pages if half_of(p.id) == "test"][::GATE_STEP][:GATE_PAGES]


def write_baseline(ev: ModuleType, pages: list[Any], raw: dict[str, bytes], html: dict[str, str]) -> None:
    """Pin newsdesk's (and trafilatura's) F1 on the gate slice for tests/test_extract_quality.py."""
    chosen = gate_slice(pages)
    ours, _, _, _ = run_extractor(newsdesk_document, chosen, raw)
    ref, _, _, _ = run_extractor(trafilatura_default, chosen, html)
    score = ev.score_shingles(chosen, ours, n_bootstrap=0)
    ref_score = ev.score_shingles(chosen, ref, n_bootstrap=0)
    baseline = {
        "dataset": DATASET,
        "slice": f"every {GATE_STEP}rd page of the test half (sha256 parity), sorted ids, {GATE_PAGES} pages",
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


class Scorer:
    """The shared scorer's metric for one dataset, on any subset of its pages."""

    def __init__(self, ev: ModuleType, dataset: str, bootstrap: int) -> None:
        self.ev, self.dataset, self.bootstrap = ev, dataset, bootstrap
        self.shingles = dataset == DATASET or all("articleBody" in p.truth for p in ev.load_pages(dataset)[:5])

    def __call__(self, pages: list[Any], outputs: dict[str, Any], bootstrap: bool = True) -> dict[str, Any]:
        if self.shingles:
            return dict(self.ev.score_shingles(pages, outputs, n_bootstrap=self.bootstrap if bootstrap else 0))
        return dict(self.ev.score_segments(pages, outputs))


def fmt(metrics: dict[str, Any], key: str) -> str:
    std = metrics.get(key + "_std")
    return f"{metrics[key]:.3f}" + (f" ± {std:.3f}" if std is not None else "")


def quality_table(rows: list[Row], pages: list[Any], score: Scorer, cli: Row | None) -> list[str]:
    """F1/P/R per extractor on one set of pages, with the ratio to bare trafilatura."""
    scored = [(row, score(pages, row.outputs)) for row in rows] + (
        [(cli, score(pages, cli.outputs))] if cli is not None else [])
    ref = next(metrics for row, metrics in scored if row.name == CORE)
    lines = ["| extractor | F1 | precision | recall | F1 / trafilatura | notes |", "|---|---|---|---|---|---|"]
    for row, metrics in scored:
        lines.append(f"| {row.name} | {fmt(metrics, 'f1')} | {fmt(metrics, 'precision')} | "
                     f"{fmt(metrics, 'recall')} | {metrics['f1'] / ref['f1']:.3f} | {row.note} |")
    return lines


def language_table(rows: list[Row], pages: list[Any], score: Scorer) -> list[str]:
    """newsdesk beside bare trafilatura per language group, test half and tuning half."""
    by_name = {row.name: row for row in rows}
    lines = ["| language | half | pages | newsdesk F1 | trafilatura F1 | difference |", "|---|---|---|---|---|---|"]
    for language, members in language_groups(pages).items():
        for half in ("test", "tuning"):
            chosen = [p for p in members if half_of(p.id) == half]
            if not chosen:
                continue
            ours = score(chosen, by_name[OURS].outputs, bootstrap=False)["f1"]
            core = score(chosen, by_name[CORE].outputs, bootstrap=False)["f1"]
            label = half if half == "test" else "tuning (in-sample)"
            lines.append(f"| {language} | {label} | {len(chosen)} | {ours:.3f} | {core:.3f} | {ours - core:+.3f} |")
    return lines


def speed_table(rows: list[Row], cli: Row | None, pages: int, rounds: int) -> list[str]:
    ref = next(r for r in rows if r.name == CORE)
    lines = ["| extractor | pages/s (CPU) | CPU time / trafilatura | errors |", "|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row.name} | {pages / row.cpu_seconds:.1f} | {row.cpu_seconds / ref.cpu_seconds:.2f}× | "
                     f"{row.errors} |")
    if cli is not None:
        lines.append(f"| {cli.name} | {pages / cli.cpu_seconds:.1f} | {cli.cpu_seconds / ref.cpu_seconds:.2f}× | "
                     f"{cli.errors} |")
    lines += ["", f"CPU times over all {pages} pages, medians of {rounds} round(s)"
              + (f"; the CLI's wall time {cli.wall_seconds:.1f} s, Python start-up included." if cli else ".")]
    return lines


def report(rows: list[Row], cli: Row | None, pages: list[Any], score: Scorer, rounds: int) -> list[str]:
    test = [p for p in pages if half_of(p.id) == "test"]
    tuning = [p for p in pages if half_of(p.id) == "tuning"]
    std = " (± is the scorer's bootstrap std, 1,000 resamples)" if score.shingles else ""
    return [
        f"## Headline: held-out test half ({len(test)} pages){std}", "",
        *quality_table(rows, test, score, cli), "",
        f"## Tuning half ({len(tuning)} pages) — in-sample: cleanup rules were written looking at these", "",
        *quality_table(rows, tuning, score, cli), "",
        "## By language group (newsdesk extract_document vs bare trafilatura)", "",
        *language_table(rows, pages, score), "",
        "## Speed", "",
        *speed_table(rows, cli, len(pages), rounds),
    ]


def _same(lines: list[str], *_: Any) -> list[str]:
    return lines


#: each step of newsdesk's pipeline, and what it is replaced by to measure the pipeline without it
ABLATIONS: list[tuple[str, str, str, Callable[..., Any]]] = [
    ("sections trafilatura missed (readability adds)", "newsdesk.extract.html", "_missing_sections",
     lambda text, html, tree: text),
    ("sign-up boxes from the markup (e-mail field)", "newsdesk.extract.html", "signup_box_lines", lambda tree: set()),
    ("sign-up boxes by their cues", "newsdesk.extract.cleanup", "_drop_signup_boxes", _same),
    ("how-to-cite and author boxes", "newsdesk.extract.cleanup", "_drop_headed_blocks", _same),
    ("byline to author", "newsdesk.extract.cleanup", "_take_byline", lambda lines: (lines, "")),
    ("closing author note", "newsdesk.extract.cleanup", "_drop_author_note", _same),
    ("section label above the headline", "newsdesk.extract.cleanup", "_drop_kicker", _same),
    ("unheaded trailing teasers", "newsdesk.extract.cleanup", "_drop_trailing_teasers", _same),
    ("widget lines, related lists, prev/next, comments", "newsdesk.extract.cleanup", "_drop_fragments",
     lambda lines: [line.strip() for line in lines]),
]


def ablation_table(pages: list[Any], html: dict[str, str], score: Scorer) -> list[str]:
    """Per pipeline step: on how many pages of each half it changes the text, and F1 without → with it."""
    from unittest import mock

    base, _, _, _ = run_extractor(newsdesk_main_text, pages, html)
    halves = {half: [p for p in pages if half_of(p.id) == half] for half in ("tuning", "test")}
    lines = ["| step | tuning: pages changed | tuning F1 without → with | test: pages changed | "
             "test F1 without → with |", "|---|---|---|---|---|"]
    for label, module, name, replacement in ABLATIONS:
        with mock.patch(f"{module}.{name}", replacement):
            alt, _, _, _ = run_extractor(newsdesk_main_text, pages, html)
        cells = []
        for chosen in halves.values():
            changed = sum(alt[p.id] != base[p.id] for p in chosen)
            without, with_ = (score(chosen, out, bootstrap=False)["f1"] for out in (alt, base))
            cells += [str(changed), f"{without:.4f} → {with_:.4f}"]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
        print(lines[-1], file=sys.stderr, flush=True)
    return lines


def write_results(dataset: str, pages: int, table: list[str], argv: list[str]) -> None:
    versions = ", ".join(f"{pkg} {version(pkg)}" for pkg in
                         ("trafilatura", "readability-lxml", "jusText", "goose3", "lxml", "py3langid", "pypdf"))
    text = "\n".join([
        f"# Extraction benchmark — newsdesk vs peers ({dataset}, {pages} pages)",
        "",
        f"Command: `.venv/bin/python bench/extraction/run.py {' '.join(argv)}`".replace(" `", " `", 1),
        f"Run: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}, Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} cores (shared with other work; CPU time used).",
        f"Versions: {versions}.",
        "Scorer: `../shared/bench/extraction/evaluate.py` (imported by path). Split: a page is in the test half "
        "when `int(sha256(page id), 16)` is even (`half_of` in run.py).",
        "",
        *table,
        "",
        "How newsdesk gets there (see `docs/extraction.md`): trafilatura's default pass (the same call as bare "
        "trafilatura, comments left out) is the core; readability-lxml is asked only when that text is under "
        "60 % of the page's paragraph text, and its text taken only when it keeps every paragraph trafilatura "
        "found (sections trafilatura left out); then only whole blocks of recognisable boilerplate kinds go "
        "(widgets, related lists, newsletter boxes, how-to-cite blocks, author boxes, bylines, wire credits) "
        "and a first paragraph repeating the headline.",
        "",
    ])
    (HERE / "RESULTS.md").write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", default=DATASET, help="a dataset folder of the shared scorer")
    parser.add_argument("--rounds", type=int, default=1, help="time each extractor this many times (median)")
    parser.add_argument("--no-goose", action="store_true", help="skip goose3 (the slowest peer)")
    parser.add_argument("--no-cli", action="store_true", help="skip timing the CLI")
    parser.add_argument("--no-write", action="store_true", help="print only, leave RESULTS.md alone")
    parser.add_argument("--no-ablation", action="store_true", help="skip the per-step table (newsdesk without each step)")
    parser.add_argument("--write-baseline", action="store_true",
                        help=f"re-pin {BASELINE.relative_to(ROOT)} and exit")
    args = parser.parse_args(argv)
    ev = load_evaluator()
    if not (ev.data_root() / args.dataset / "ground-truth.json").is_file():
        print(f"skipped: {ev.data_root() / args.dataset} is not present (shared benchmark data lives beside the checkout)")
        return 0
    pages = ev.load_pages(args.dataset)
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
                rows.append(Row(name, note, outputs, wall_seconds=wall, errors=errors))
            print(f"  {name}: {cpu:.2f} s CPU", file=sys.stderr, flush=True)
    for row in rows:
        row.cpu_seconds = statistics.median(cpu_times[row.name])
    cli = None
    if not args.no_cli:
        outputs, wall, cpu = time_cli(pages, raw)
        cli = Row("`newsdesk extract FILE... --json` (CLI, once)", f"one process over {len(pages)} files",
                  outputs, cpu_seconds=cpu, wall_seconds=wall, errors=sum(1 for p in pages if not outputs.get(p.id)))
    score = Scorer(ev, args.dataset, 1000)
    lines = report(rows, cli, pages, score, args.rounds)
    if not args.no_ablation:
        lines += ["", "## Each step of the pipeline, taken out one at a time (newsdesk main_text)", "",
                  "A step that changes no tuning page was not fitted to this data; it is kept for the kinds of "
                  "page it names (the demo corpus, ../shared/samples, tests/test_extract_boilerplate.py).", "",
                  *ablation_table(pages, html, score)]
    print("\n".join(lines))
    if not args.no_write:
        write_results(args.dataset, len(pages), lines, sys.argv[1:] if argv is None else argv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""Summarization benchmark: newsdesk against Lead-3, sumy LexRank and sumy TextRank in one run.

Data: ``../shared/bench/summarization/cnndm-realsumm100.jsonl`` (100 CNN/DailyMail test articles,
lower-cased and PTB-tokenised, with their highlights as references). Scorer: the shared
``evaluate.py`` (ROUGE-1/2/Lsum F1 x100, ``rouge-score`` with Porter stemming), imported by path.

newsdesk runs through its batch CLI, exactly as a user would: ``newsdesk summarize FILE.jsonl --json``
(its wall time includes starting Python); it is also timed in-process for a like-for-like speed
figure. Scores are given for half A (even documents), half B (odd documents) and all 100, plus a
two-fold check of the one weight the halves disagree on (see ``tune.py`` and RESULTS.md).

    .venv/bin/python bench/summarization/run.py          # prints the table, writes RESULTS.md
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from common import DATASET, README, half, load_evaluator, newsdesk_input  # noqa: E402

from newsdesk.analyze import summarize  # noqa: E402

NEWSDESK_CLI = ROOT / ".venv" / "bin" / "newsdesk"
LAMBDAS = (0.7, 0.85, 1.0)
HALVES = (("half A (even docs)", "A"), ("half B (odd docs)", "B"), ("all 100", None))


def run_cli(docs: list[dict[str, Any]]) -> tuple[dict[str, str], float]:
    """Summaries from ``newsdesk summarize FILE.jsonl --json`` and the wall time it took."""
    command = [str(NEWSDESK_CLI)] if NEWSDESK_CLI.exists() else [sys.executable, "-m", "newsdesk"]
    with tempfile.TemporaryDirectory() as tmp:
        records = Path(tmp) / "records.jsonl"
        records.write_text("".join(json.dumps({"id": d["id"], "text": d["text"]}) + "\n" for d in docs),
                           encoding="utf-8")
        started = time.perf_counter()
        out = subprocess.run([*command, "summarize", str(records), "--json"], check=True, capture_output=True,
                             text=True, cwd=tmp, env={"NEWSDESK_DATA_DIR": tmp, "PATH": "/usr/bin:/bin"})
        elapsed = time.perf_counter() - started
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    return {row["id"]: row["summary"] for row in rows}, elapsed


def run_inprocess(fn: Callable[[str], str], docs: list[dict[str, Any]]) -> tuple[dict[str, str], float]:
    started = time.perf_counter()
    outputs = {d["id"]: fn(d["text"]) for d in docs}
    return outputs, time.perf_counter() - started


def published_figures() -> list[str]:
    """The published ROUGE figures quoted in the shared README (papers; other data or Perl ROUGE)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Published numbers", 1)[-1].split("## Measured here", 1)[0]
    paragraphs = [re.sub(r"\s+", " ", p).strip() for p in section.split("\n\n") if p.strip()]
    lines: list[str] = []
    for paragraph in paragraphs:
        label = "full CNN/DM test set, 11,490 docs" if "Full CNN/DM" in paragraph else \
            "these 100 docs, REALSumm, Perl ROUGE R1/R2" if "these 100" in paragraph else ""
        if not label:
            continue
        for name, scores in re.findall(r"([A-Za-z][\w\-+ ()]*?)\s+(\d+\.\d+/\d+\.\d+(?:/\d+\.\d+)?)", paragraph):
            name = re.sub(r"^and\s+", "", name.strip())
            lines.append(f"| {name} | {scores} | {label} |")
    return lines


def main() -> None:
    evaluator = load_evaluator()
    docs = evaluator.load_jsonl(str(DATASET))
    refs = {d["id"]: d["reference"] for d in docs}
    print(f"{len(docs)} documents from {DATASET}", flush=True)

    # newsdesk reads the text as a page would give it (common.readable_text); the baselines the shared file
    readable = [{**d, "text": newsdesk_input(d)} for d in docs]
    systems: dict[str, tuple[dict[str, str], float]] = {}
    systems["newsdesk (CLI batch)"] = run_cli(readable)
    systems["newsdesk (in-process)"] = run_inprocess(lambda t: summarize.summarize_text(t).text, readable)
    for name, key in (("Lead-3", "lead3"), ("sumy LexRank", "lexrank"), ("sumy TextRank", "textrank")):
        systems[name] = run_inprocess(evaluator.BASELINES[key], docs)
        print(f"ran {name}", flush=True)

    scores: dict[str, dict[str, dict[str, float]]] = {}
    for name, (outputs, _) in systems.items():
        scores[name] = {}
        for label, which in HALVES:
            subset = half(docs, which) if which else docs
            scores[name][label] = evaluator.rouge([(outputs.get(d["id"], ""), refs[d["id"]]) for d in subset])

    lead = scores["Lead-3"]["all 100"]
    nd_speed = len(docs) / systems["newsdesk (in-process)"][1]
    header = ("| system | " + " | ".join(f"{label} R1 / R2 / RLsum" for label, _ in HALVES)
              + " | R1 vs Lead-3 (all) | articles/s | speed vs newsdesk in-process |")
    table = [header, "|" + "---|" * (len(HALVES) + 4)]
    for name, (_outputs, elapsed) in systems.items():
        cells = [f"{m['R1']:.2f} / {m['R2']:.2f} / {m['RLsum']:.2f}" for m in scores[name].values()]
        speed = len(docs) / elapsed
        ratio = scores[name]["all 100"]["R1"] / lead["R1"]
        table.append(f"| {name} | " + " | ".join(cells) + f" | {ratio:.3f} | {speed:,.1f} | {speed / nd_speed:.2f}x |")
    published = ["| system | R1/R2(/RL) | data (papers named in the shared README) |", "|---|---|---|",
                 *published_figures()]

    folds = two_fold(evaluator, readable, refs)
    print("\n".join(table))
    print("\n".join(["", *folds]))
    print("\nPublished figures (from the papers, quoted in the shared README; NOT measured here, other data "
          "or Perl ROUGE-1.5.5):")
    print("\n".join(published))
    write_results(table, folds, published, len(docs))


def two_fold(evaluator: Any, docs: list[dict[str, Any]], refs: dict[str, str]) -> list[str]:
    """Cross-check the one weight the halves disagree on (MMR_LAMBDA): pick on one half, score the other."""
    chosen = summarize.MMR_LAMBDA
    r1: dict[tuple[float, str], float] = {}
    try:
        for value in LAMBDAS:
            summarize.MMR_LAMBDA = value
            for which in ("A", "B"):
                subset = half(docs, which)
                pairs = [(summarize.summarize_text(d["text"]).text, refs[d["id"]]) for d in subset]
                r1[value, which] = evaluator.rouge(pairs)["R1"]
    finally:
        summarize.MMR_LAMBDA = chosen
    lines = ["| MMR_LAMBDA | R1 half A | R1 half B |", "|---|---|---|"]
    lines += [f"| {v}{' (default)' if v == chosen else ''} | {r1[v, 'A']:.2f} | {r1[v, 'B']:.2f} |" for v in LAMBDAS]
    best_a = max(LAMBDAS, key=lambda v: r1[v, "A"])
    best_b = max(LAMBDAS, key=lambda v: r1[v, "B"])
    held_out = (r1[best_a, "B"] + r1[best_b, "A"]) / 2
    lines.append(f"\nTwo-fold: best on A = {best_a} scores {r1[best_a, 'B']:.2f} on B; best on B = {best_b} "
                 f"scores {r1[best_b, 'A']:.2f} on A; mean held-out R1 = {held_out:.2f}.")
    return lines


def write_results(table: list[str], folds: list[str], published: list[str], count: int) -> None:
    weights = {name: getattr(summarize, name) for name in (
        "POSITION_DECAY", "CENTRALITY_MODE", "CENTRALITY_WEIGHT", "BACKWARD_WEIGHT", "MIN_WORDS", "MMR_LAMBDA",
        "REPEAT_SIMILARITY")}
    body = f"""# Summarization benchmark

`.venv/bin/python bench/summarization/run.py` — {time.strftime('%Y-%m-%d', time.gmtime())}, {count} CNN/DailyMail
test articles (REALSumm-100, lower-cased and PTB-tokenised, `../shared/bench/summarization`), ROUGE F1 x100
from the shared `evaluate.py` (Google `rouge-score`, Porter stemming, Lsum one sentence per line). Every
system below ran in this one run on this machine; newsdesk's main row is the batch CLI
(`newsdesk summarize FILE.jsonl --json`, wall time including Python start-up); the in-process row times
`summarize_text` alone. 3 sentences for every system. newsdesk is given each article as a page would hold it
(`common.readable_text`: PTB tokens joined back, a capital after each sentence-final token); it has no mode
for this file's lower-cased, tokenised form. The baselines read the shared file as it is. Speeds come from a
shared 2-core machine with other work running; take them as rough ratios.

{chr(10).join(table)}

**Tuning, honestly — these weights were tuned on this data.** newsdesk's weights
({', '.join(f'`{k}={v}`' for k, v in weights.items())}) come from `bench/summarization/tune.py`:

1. Stage 1 (`tune.py --half A --stage 1`, MMR_LAMBDA held at 0.7), on half A only (the 50 even-indexed
   documents): position decay, centrality kind and weight, minimum sentence length. (A coarser first grid on
   half A — decay 0.3–1.0, undirected centrality 0–0.6, MMR 0.7/1.0, minimum 4–8 words — set these ranges.) The lead prior carries almost everything on this
   data: centrality weights 0 and 0.05 tie, larger ones lose; what newsdesk adds over Lead-3 is skipping
   fragments (under {weights['MIN_WORDS']} words) and repeated sentences.
2. Stage 2 (`tune.py --half A --stage 2` and `--half B --stage 2`): how hard MMR removes redundancy. The two
   halves disagree (A prefers 0.7, B prefers 0.85), so the default, 0.85, is the value that does best over
   both halves together — i.e. chosen on all 100 documents. The "all 100" figures are therefore in-sample;
   the honest held-out estimate is the two-fold figure below (pick on one half, score on the other).
   Half B was also looked at once, with the untuned starting weights, while the code was being written.

{chr(10).join(folds)}

Not tuned here: the title weight (this set has no titles), the heading and title-repeat rules (added after
reading summaries of the invented demo corpus; they leave the scores above unchanged) and the story weights.

The differences between newsdesk and Lead-3 come from a handful of documents per half (where a repeated
or near-repeated lead sentence is skipped), so ±0.5 R1 is within noise at n=50. Centrality matters more for
text that does not put the news first and for story summaries (corroboration across outlets), which this
set does not measure.

## Published figures (not measured here)

From the papers, as quoted in the shared README: the full test set (other documents) and, for these 100
documents, REALSumm's Perl ROUGE-1.5.5 scores. Compare R1/R2 only loosely with the table above.

{chr(10).join(published)}
"""
    (HERE / "RESULTS.md").write_text(body, encoding="utf-8")
    print(f"\nwrote {HERE / 'RESULTS.md'}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Summarization benchmark: newsdesk against Lead-3, sumy LexRank and sumy TextRank in one run.

Data: ``../shared/bench/summarization/cnndm-realsumm100.jsonl`` (100 CNN/DailyMail test articles,
lower-cased and PTB-tokenised, with their highlights as references). Scorer: the shared
``evaluate.py`` (ROUGE-1/2/Lsum F1 x100, ``rouge-score`` with Porter stemming), imported by path.

newsdesk runs through its batch CLI, exactly as a user would: ``newsdesk summarize FILE.jsonl --json``
(its wall time includes starting Python); it is also timed in-process for a like-for-like speed
figure. Scores are given for half A (even documents), half B (odd documents) and all 100. The
shipped sentence scorer was fitted on half A (``fit.py --fold A``), so only half B is held out for
it; the headline is the two-fold figure: fit on A and score B, fit on B and score A, mean of both.

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
from fit import fit, score_summaries  # noqa: E402

from newsdesk.analyze import summarize  # noqa: E402

NEWSDESK_CLI = ROOT / ".venv" / "bin" / "newsdesk"
WEIGHTS = ROOT / "newsdesk" / "analyze" / "data" / "sentence_weights.json"
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

    folds, _mean = two_fold(evaluator, readable, docs)
    print("\n".join(table))
    print("\n".join(["", *folds]))
    print("\nPublished figures (from the papers, quoted in the shared README; NOT measured here, other data "
          "or Perl ROUGE-1.5.5):")
    print("\n".join(published))
    write_results(table, folds, published, len(docs))


def two_fold(evaluator: Any, docs: list[dict[str, Any]], raw: list[dict[str, Any]]) -> tuple[list[str], dict[str, Any]]:
    """Fit on one half, score the other, both ways; Lead-3 on the same halves beside it."""
    rows = ["| fitted on | scored on (held out) | newsdesk R1 / R2 / RLsum | Lead-3 R1 / R2 / RLsum | MMR lambda, repeat |",
            "|---|---|---|---|---|"]
    held: dict[str, list[float]] = {"R1": [], "R2": [], "RLsum": [], "L1": [], "L2": [], "LL": []}
    for tune, test in (("A", "B"), ("B", "A")):
        model, _log = fit(evaluator, half(docs, tune))
        ours = score_summaries(evaluator, half(docs, test), model)
        lead = evaluator.rouge([(evaluator.lead(d["text"]), d["reference"]) for d in half(raw, test)])
        for key, value in (("R1", ours["R1"]), ("R2", ours["R2"]), ("RLsum", ours["RLsum"]),
                           ("L1", lead["R1"]), ("L2", lead["R2"]), ("LL", lead["RLsum"])):
            held[key].append(value)
        rows.append(f"| half {tune} | half {test} | {ours['R1']:.2f} / {ours['R2']:.2f} / {ours['RLsum']:.2f} | "
                    f"{lead['R1']:.2f} / {lead['R2']:.2f} / {lead['RLsum']:.2f} | {model.mmr_lambda}, "
                    f"{model.repeat_similarity} |")
    mean = {k: sum(v) / len(v) for k, v in held.items()}
    rows.append(f"| **two-fold mean** | | **{mean['R1']:.2f} / {mean['R2']:.2f} / {mean['RLsum']:.2f}** | "
                f"{mean['L1']:.2f} / {mean['L2']:.2f} / {mean['LL']:.2f} | |")
    return rows, mean


def write_results(table: list[str], folds: list[str], published: list[str], count: int) -> None:
    shipped = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    body = f"""# Summarization benchmark

`.venv/bin/python bench/summarization/run.py` — {time.strftime('%Y-%m-%d', time.gmtime())}, {count} CNN/DailyMail
test articles (REALSumm-100, lower-cased and PTB-tokenised, `../shared/bench/summarization`), ROUGE F1 x100
from the shared `evaluate.py` (Google `rouge-score`, Porter stemming, Lsum one sentence per line). Every
system below ran in this one run on this machine. 3 sentences for every system. newsdesk is given each
article as a page would hold it (`common.readable_text`: PTB tokens joined back, a capital after each
sentence-final token); it has no mode for this file's lower-cased, tokenised form. The baselines read the
shared file as it is.

## Headline: held out, two-fold

newsdesk scores sentences with a small linear model (`newsdesk/analyze/sentence_scores.py`: position,
length, centrality, centroid and title similarity, figures, quotes, questions) fitted by
`bench/summarization/fit.py` on one half and scored here on the other half, both ways. Nothing else was
tuned on this data (the fitted model replaced the hand-tuned weights of `centrality-v3`). Said plainly: the
feature list was fixed before the first two-fold run; one variant was tried after seeing it (without the
"first sentence" flag, which looked collinear with inverse position: two-fold R1 40.88, below Lead-3 on half
A) and dropped, so the list shipped is the one first measured.

{chr(10).join(folds)}

## Every system on each half (the shipped model)

The model shipped in the package (`newsdesk/analyze/data/sentence_weights.json`) was fitted with
`{shipped['command']}` — {shipped['fitted_on']}. So for the rows "newsdesk" **half A is in-sample and
only half B is held out**; "all 100" mixes both. newsdesk's main row is the batch CLI
(`newsdesk summarize FILE.jsonl --json`, wall time including Python start-up); the in-process row times
`summarize_text` alone. Speeds come from a shared 2-core machine with other work running; take them as
rough ratios.

{chr(10).join(table)}

Not fitted here: the title feature (this set has no titles, so its coefficient is 0), the heading and
title-repeat rules, and the story summary's cross-outlet corroboration weight and lead bonus (no
reference set here has multi-outlet stories). Differences of ±0.5 R1 are within noise at n=50.

"""
    second = HERE / "RESULTS-second-set.md"
    if second.exists():
        body += ("## A second reference set, untuned: SadedeGel's annotated Turkish news\n\n"
                 "From the PyPI package `sadedegel` 0.21.2 (MIT licence; Global Maksimum AI), fetched with "
                 "`pip download sadedegel==0.21.2 --no-deps` and read from the wheel, never copied here: 96 "
                 "Turkish news articles and columns split into sentences, which annotators removed round by "
                 "round; the reference summary is the sentences that survived to the last round. newsdesk runs "
                 "the model fitted on CNN/DM fold A, nothing tuned on this set. ROUGE-1/2 F1 with a Unicode word "
                 "tokenizer, no stemming; see `second_set.py` for the details. This table comes from "
                 "`second_set.py --write` (run separately; the date is its own).\n\n"
                 + second.read_text(encoding="utf-8") + "\n")
    body += """## Published figures (not measured here)

From the papers, as quoted in the shared README: the full test set (other documents) and, for these 100
documents, REALSumm's Perl ROUGE-1.5.5 scores. Compare R1/R2 only loosely with the table above.

"""
    body += "\n".join(published) + "\n"
    (HERE / "RESULTS.md").write_text(body, encoding="utf-8")
    print(f"\nwrote {HERE / 'RESULTS.md'}")


if __name__ == "__main__":
    main()

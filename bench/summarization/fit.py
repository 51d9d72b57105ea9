#!/usr/bin/env python3
"""Fit newsdesk's sentence scorer on one fold of CNN/DM REALSumm-100 (and only that fold).

The documents are split by index parity: fold ``A`` = even indices, fold ``B`` = odd indices.
On the chosen fold:

1. every candidate sentence (exactly what ``summarize.prepare_text`` gives the scorer) gets a
   target: the mean of its ROUGE-1 and ROUGE-2 F1 against the document's reference summary;
2. a ridge regression over the standardised features of ``sentence_scores.FEATURES`` is fitted to
   those targets (``RIDGE_ALPHA`` fixed beforehand, not searched);
3. the redundancy control (MMR lambda, repeat similarity) is picked from a small grid by
   R1 + R2 of the 3-sentence summaries of the same fold.

    .venv/bin/python bench/summarization/fit.py --fold A            # print the fitted model
    .venv/bin/python bench/summarization/fit.py --fold A --write    # and ship it in the package

``--write`` stores it as ``newsdesk/analyze/data/sentence_weights.json`` with this command, the
fold and the date, so the shipped numbers can be reproduced. ``run.py`` scores the other fold.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from common import DATASET, half, load_evaluator, newsdesk_input  # noqa: E402

from newsdesk.analyze import summarize  # noqa: E402
from newsdesk.analyze.sentence_scores import FEATURES, WEIGHTS_FILE, LinearScorer, SentenceModel  # noqa: E402

RIDGE_ALPHA = 1.0
MMR_LAMBDAS = (0.7, 0.85, 1.0)
REPEAT_SIMILARITIES = (0.5, 0.6, 0.8)
WEIGHTS_PATH = ROOT / "newsdesk" / "analyze" / "data" / WEIGHTS_FILE


def sentence_targets(sentences: list[str], reference: str) -> np.ndarray:
    """Mean of ROUGE-1 and ROUGE-2 F1 of each sentence alone against the reference."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
    out = []
    for sentence in sentences:
        scores = scorer.score(reference, sentence)
        out.append((scores["rouge1"].fmeasure + scores["rouge2"].fmeasure) / 2)
    return np.array(out)


def fit_scorer(docs: list[dict[str, Any]]) -> LinearScorer:
    """Ridge regression of the sentence targets on the standardised feature rows."""
    from sklearn.linear_model import Ridge

    rows, targets = [], []
    for doc in docs:
        prepared = summarize.prepare_text(doc["text"])
        if not prepared.sentences:
            continue
        rows.append(prepared.rows)
        targets.append(sentence_targets(prepared.sentences, doc["reference"]))
    x = np.vstack(rows)
    y = np.concatenate(targets)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    model = Ridge(alpha=RIDGE_ALPHA).fit((x - mean) / scale, y)
    return LinearScorer(mean, scale, np.asarray(model.coef_, dtype=float), float(model.intercept_))


def score_summaries(evaluator: Any, docs: list[dict[str, Any]], model: SentenceModel | None) -> dict[str, float]:
    """ROUGE of newsdesk's 3-sentence summaries of ``docs`` with ``model`` (None = the shipped one)."""
    pairs = [("\n".join(s.text for s in summarize.summarize_text(d["text"], model=model).sentences), d["reference"])
             for d in docs]
    return dict(evaluator.rouge(pairs))


def fit(evaluator: Any, docs: list[dict[str, Any]]) -> tuple[SentenceModel, list[str]]:
    """The fitted scorer with the redundancy setting that does best on the same documents."""
    scorer = fit_scorer(docs)
    log: list[str] = []
    best: tuple[float, SentenceModel] | None = None
    for mmr_lambda, repeat in itertools.product(MMR_LAMBDAS, REPEAT_SIMILARITIES):
        model = SentenceModel(scorer, mmr_lambda, repeat)
        scores = score_summaries(evaluator, docs, model)
        log.append(f"mmr_lambda={mmr_lambda} repeat_similarity={repeat}: R1 {scores['R1']:.2f} R2 {scores['R2']:.2f}")
        if best is None or scores["R1"] + scores["R2"] > best[0]:
            best = (scores["R1"] + scores["R2"], model)
    assert best is not None
    return best[1], log


def readable_docs(evaluator: Any) -> list[dict[str, Any]]:
    return [{**d, "text": newsdesk_input(d)} for d in evaluator.load_jsonl(str(DATASET))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fold", choices=["A", "B"], default="A")
    parser.add_argument("--write", action="store_true", help=f"store the model as {WEIGHTS_PATH.relative_to(ROOT)}")
    args = parser.parse_args()
    evaluator = load_evaluator()
    docs = half(readable_docs(evaluator), args.fold)
    model, log = fit(evaluator, docs)
    print("\n".join(log))
    body = {
        "command": f".venv/bin/python bench/summarization/fit.py --fold {args.fold} --write",
        "fitted_on": f"fold {args.fold} of CNN/DM REALSumm-100 ({len(docs)} documents, "
                     f"{'even' if args.fold == 'A' else 'odd'} indices); the other fold is held out",
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "target": "mean of ROUGE-1 and ROUGE-2 F1 of each sentence against the reference",
        "ridge_alpha": RIDGE_ALPHA,
        "model": model.to_json(),
    }
    print(json.dumps(body, indent=1))
    for name, coef in zip(FEATURES, model.scorer.coef, strict=True):
        print(f"{name:>22} {coef:+.4f}")
    if args.write:
        WEIGHTS_PATH.parent.mkdir(parents=True, exist_ok=True)
        WEIGHTS_PATH.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS_PATH}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Grid search of newsdesk's summary weights on one half of CNN/DM REALSumm-100 (honest tuning).

The documents are split by index parity: ``--half A`` = even indices (the tuning half),
``--half B`` = odd indices (held out). ``run.py`` reports both halves with the chosen weights.

    .venv/bin/python bench/summarization/tune.py --half A
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DATASET, half, load_evaluator, newsdesk_input  # noqa: E402

from newsdesk.analyze import summarize  # noqa: E402

#: stage 1: the position/centrality/length weights (MMR_LAMBDA 0.7, REPEAT_SIMILARITY 0.6 fixed)
STAGE1: dict[str, list[Any]] = {
    "POSITION_DECAY": [1.0, 1.5],
    "CENTRALITY_MODE": ["degree", "forward"],
    "CENTRALITY_WEIGHT": [0.0, 0.05, 0.1, 0.2],
    "BACKWARD_WEIGHT": [0.0, 0.5],
    "MIN_WORDS": [4, 6],
}
#: stage 2: how hard redundancy is removed, with the stage-1 weights fixed
STAGE2: dict[str, list[Any]] = {
    "MMR_LAMBDA": [0.7, 0.85, 1.0],
    "REPEAT_SIMILARITY": [0.5, 0.6, 0.7, 0.8, 1.01],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--half", choices=["A", "B"], default="A")
    parser.add_argument("--stage", type=int, choices=[1, 2], default=2)
    args = parser.parse_args()
    grid = STAGE1 if args.stage == 1 else STAGE2
    evaluator = load_evaluator()
    docs = [{**d, "text": newsdesk_input(d)} for d in half(evaluator.load_jsonl(str(DATASET)), args.half)]
    results = []
    for values in itertools.product(*grid.values()):
        for name, value in zip(grid, values, strict=True):
            setattr(summarize, name, value)
        pairs = [(summarize.summarize_text(d["text"]).text, d["reference"]) for d in docs]
        scores = evaluator.rouge(pairs)
        results.append((scores["R1"] + scores["R2"] + scores["RLsum"], values, scores))
        print(dict(zip(grid, values, strict=True)),
              f"R1 {scores['R1']:.2f} R2 {scores['R2']:.2f} RLsum {scores['RLsum']:.2f}", flush=True)
    results.sort(key=lambda r: r[0], reverse=True)
    print("best:", dict(zip(grid, results[0][1], strict=True)), results[0][2])


if __name__ == "__main__":
    main()

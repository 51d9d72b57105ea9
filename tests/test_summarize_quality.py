"""Quality gate: newsdesk's summaries must keep their ROUGE on the shared CNN/DM set (like an eval gate).

The floor is pinned a little under the measured figure (bench/summarization/RESULTS.md: R1 41.36,
R2 17.72 on all 100 documents), and newsdesk must stay within reach of Lead-3 scored in the same run.
newsdesk reads the articles as the benchmark gives them to it (``bench/summarization/common.py``:
the lower-cased PTB tokens joined back into text); Lead-3 reads the shared file as it is.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from conftest import require_module, shared_path

from newsdesk.analyze.summarize import summarize_text

PINNED = {"R1": 40.8, "R2": 17.2}


BENCH_COMMON = Path(__file__).resolve().parents[1] / "bench" / "summarization" / "common.py"


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _evaluator() -> ModuleType:
    require_module("rouge_score")
    return _load("shared_summarization_evaluate", shared_path("bench", "summarization", "evaluate.py"))


def test_rouge_does_not_regress() -> None:
    evaluator = _evaluator()
    docs = evaluator.load_jsonl(str(shared_path("bench", "summarization", "cnndm-realsumm100.jsonl")))
    bench = _load("bench_summarization_common", BENCH_COMMON)
    ours = evaluator.rouge([(summarize_text(bench.newsdesk_input(d)).text, d["reference"]) for d in docs])
    lead = evaluator.rouge([(evaluator.lead(d["text"]), d["reference"]) for d in docs])
    assert ours["R1"] >= PINNED["R1"], ours
    assert ours["R2"] >= PINNED["R2"], ours
    assert ours["R1"] >= lead["R1"] - 0.5, (ours, lead)

"""Shared bits of the summarization bench: dataset paths, halves, the shared scorer (loaded by path)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
#: ``../shared`` beside the checkout; ``NEWSDESK_SHARED`` names another place (a git worktree's parent differs)
SHARED = Path(os.environ.get("NEWSDESK_SHARED") or ROOT.parent / "shared") / "bench" / "summarization"
DATASET = SHARED / "cnndm-realsumm100.jsonl"
EVALUATE = SHARED / "evaluate.py"
README = SHARED / "README.md"


def load_evaluator() -> ModuleType:
    """The shared ``evaluate.py`` (ROUGE scorer, Lead-3, sumy baselines), imported by path, not copied."""
    spec = importlib.util.spec_from_file_location("shared_summarization_evaluate", EVALUATE)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {EVALUATE}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def half(docs: list[dict[str, Any]], which: str) -> list[dict[str, Any]]:
    """``A``: even indices (the half the weights were tuned on), ``B``: odd indices (held out)."""
    return docs[0::2] if which == "A" else docs[1::2]

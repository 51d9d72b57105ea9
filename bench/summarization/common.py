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
    """``A``: even indices (the half the shipped scorer was fitted on), ``B``: odd indices (held out)."""
    return docs[0::2] if which == "A" else docs[1::2]


# --- the benchmark's own input preparation ----------------------------------------------------------
# The shared file is lower-cased and PTB-tokenised ("said koirala . `` we are ..."), a form no
# publisher serves. newsdesk is given what a page would hold: tokens joined back, quotes and
# brackets restored, and a capital after each sentence-final token -- in PTB a sentence's full
# stop is a token of its own, while an abbreviation keeps its dot ("u.s.", "mr."), so that
# convention says where sentences end. The baselines keep reading the shared file as it is.

_ATTACH_LEFT = {".", ",", ";", ":", "!", "?", "...", "%", "'s", "n't", "'re", "'ve", "'ll", "'d", "'m"}
_SENTENCE_END = {".", "!", "?"}
_PTB_SYMBOLS = {"``": '"', "''": '"', "-lrb-": "(", "-rrb-": ")", "-lsb-": "[", "-rsb-": "]",
                "-lcb-": "{", "-rcb-": "}"}


def readable_text(ptb: str) -> str:
    """Detokenised text with sentence-initial capitals, from a lower-cased PTB-tokenised one."""
    out: list[str] = []
    glue_next = False  # after an opening quote or bracket
    capitalise = True
    single_open = True  # a lone "'" opens and closes quotes in turn
    for token in ptb.split():
        symbol = _PTB_SYMBOLS.get(token, token)
        closes = token in _ATTACH_LEFT or token in {"''", "-rrb-", "-rsb-", "-rcb-", ")", "]"}
        opens = token in {"``", "-lrb-", "-lsb-", "-lcb-", "(", "["}
        if token == "'":
            closes, opens = not single_open, single_open
            single_open = not single_open
        if capitalise and symbol[:1].isalpha():
            symbol = symbol[0].upper() + symbol[1:]
            capitalise = False
        if out and not closes and not glue_next:
            out.append(" ")
        out.append(symbol)
        glue_next = opens
        if token in _SENTENCE_END:
            capitalise = True
    return "".join(out)


def newsdesk_input(doc: dict[str, Any]) -> str:
    """The text newsdesk summarizes for one benchmark document."""
    return readable_text(str(doc["text"]))

#!/usr/bin/env python3
"""A second, untuned reference set: the human-annotated Turkish news of SadedeGel (PyPI).

Source: the PyPI package ``sadedegel`` 0.21.2 (MIT licence, Global Maksimum AI,
github.com/GlobalMaksimum/sadedegel), which ships ``sadedegel/dataset/annotated/*.json``: 96 Turkish
news articles and columns, already split into sentences, where annotators removed the least important
sentences round by round (``deletedInRound``: the round a sentence was removed in; the sentences of
the last round were never removed). Nothing is installed: the wheel is fetched with pip's ordinary
client and read as a zip, and its text is never copied into the project:

    .venv/bin/pip download sadedegel==0.21.2 --no-deps -d /tmp/sadedegel
    .venv/bin/python bench/summarization/second_set.py /tmp/sadedegel/sadedegel-0.21.2-py3-none-any.whl --write

Reference summary of a document: its sentences that survived to the last round (the annotators'
own shortest summary; 2 to 12 sentences, longer than CNN/DM's highlights relative to a 3-sentence
summary). Every system gives 3 sentences; ROUGE-1/2 F1 x100 with ``rouge-score`` but a Unicode word
tokenizer and no stemming (its default tokenizer drops every letter outside a-z, which Turkish is full
of). Lead-3 and the sumy baselines read the gold sentence split; newsdesk reads the sentences joined
into one text and splits it itself. newsdesk runs with the shipped model (fitted on CNN/DM fold A):
nothing here was tuned on this set.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from newsdesk.analyze import summarize  # noqa: E402

PREFIX = "sadedegel/dataset/annotated/"
OUTPUT = HERE / "RESULTS-second-set.md"
SENTENCES = 3


class UnicodeTokenizer:
    """Lower-cased ``\\w+`` runs: what rouge-score's default tokenizer would be if it kept non-ASCII letters."""

    def tokenize(self, text: str) -> list[str]:
        return re.findall(r"\w+", text.lower())


def load_documents(wheel: Path) -> list[dict[str, Any]]:
    """``{"id", "sentences", "reference"}`` per annotated document of the wheel, in name order."""
    docs = []
    with zipfile.ZipFile(wheel) as archive:
        for name in sorted(n for n in archive.namelist() if n.startswith(PREFIX) and n.endswith(".json")):
            body = json.loads(archive.read(name).decode("utf-8"))
            sentences = [s["content"].strip() for s in body["sentences"]]
            rounds = [int(s["deletedInRound"]) for s in body["sentences"]]
            last = max(rounds)
            docs.append({"id": name[len(PREFIX):-5], "sentences": sentences,
                         "reference": [s for s, r in zip(sentences, rounds, strict=True) if r == last]})
    return docs


def rouge(pairs: list[tuple[list[str], list[str]]]) -> dict[str, float]:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=False, tokenizer=UnicodeTokenizer())
    r1 = r2 = 0.0
    for prediction, reference in pairs:
        scores = scorer.score("\n".join(reference), "\n".join(prediction))
        r1 += scores["rouge1"].fmeasure
        r2 += scores["rouge2"].fmeasure
    n = max(1, len(pairs))
    return {"R1": 100 * r1 / n, "R2": 100 * r2 / n}


class _GoldSentences:
    """A sumy tokenizer that keeps the annotated sentence split: each sentence is given to sumy as a
    paragraph of its own (sumy joins the lines of a paragraph before splitting it into sentences)."""

    language = "turkish"

    def to_sentences(self, paragraph: str) -> list[str]:
        return [paragraph.strip()] if paragraph.strip() else []

    def to_words(self, sentence: str) -> list[str]:
        return re.findall(r"\w+", sentence.lower())


def sumy(kind: str, sentences: list[str]) -> list[str]:
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer

    parser = PlaintextParser.from_string("\n\n".join(sentences), _GoldSentences())
    summarizer = (TextRankSummarizer if kind == "textrank" else LexRankSummarizer)(lambda word: word)
    return [str(s) for s in summarizer(parser.document, SENTENCES)]


def newsdesk(sentences: list[str]) -> list[str]:
    summary = summarize.summarize_text(" ".join(sentences), sentences=SENTENCES, language="tr")
    return [s.text for s in summary.sentences]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("wheel", type=Path, help="sadedegel-0.21.2-py3-none-any.whl (pip download --no-deps)")
    parser.add_argument("--write", action="store_true", help=f"store the table as {OUTPUT.name}")
    args = parser.parse_args()
    docs = load_documents(args.wheel)
    systems = {
        "newsdesk (shipped model, untuned here)": newsdesk,
        "Lead-3": lambda s: s[:SENTENCES],
        "sumy LexRank": lambda s: sumy("lexrank", s),
        "sumy TextRank": lambda s: sumy("textrank", s),
    }
    rows = []
    lead: dict[str, float] = {}
    for name, system in systems.items():
        started = time.perf_counter()
        outputs = [system(d["sentences"]) for d in docs]
        seconds = time.perf_counter() - started
        scores = rouge([(out, d["reference"]) for out, d in zip(outputs, docs, strict=True)])
        scores["words"] = sum(len(" ".join(out).split()) for out in outputs) / len(docs)
        if name == "Lead-3":
            lead = scores
        rows.append((name, scores, len(docs) / seconds))
    reference_sentences = sum(len(d["reference"]) for d in docs) / len(docs)
    lines = [
        f"`.venv/bin/python bench/summarization/second_set.py sadedegel-0.21.2-py3-none-any.whl` — "
        f"{time.strftime('%Y-%m-%d', time.gmtime())}, {len(docs)} documents, "
        f"{sum(len(d['sentences']) for d in docs) / len(docs):.1f} sentences each on average, reference "
        f"{reference_sentences:.1f} sentences on average; {SENTENCES} sentences for every system.", "",
        "| system | R1 / R2 | R1 vs Lead-3 | R2 vs Lead-3 | words per summary | articles/s |",
        "|---|---|---|---|---|---|"]
    for name, scores, speed in rows:
        lines.append(f"| {name} | {scores['R1']:.2f} / {scores['R2']:.2f} | {scores['R1'] / lead['R1']:.3f} | "
                     f"{scores['R2'] / lead['R2']:.3f} | {scores['words']:.0f} | {speed:,.1f} |")
    reference_words = sum(len(" ".join(d["reference"]).split()) for d in docs) / len(docs)
    lines.append(f"\nReference summaries: {reference_words:.0f} words on average.")
    print("\n".join(lines))
    if args.write:
        OUTPUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {OUTPUT} (run.py puts it into RESULTS.md)")


if __name__ == "__main__":
    main()

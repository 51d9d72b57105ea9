"""Related-publications benchmark: precision@5 and MRR where relevant = same gold story.

Run: ``.venv/bin/python bench/related/run.py``; writes ``bench/related/RESULTS.md``.

Data: the ECB+ subtopics file (train + dev topics, 772 documents, 86 gold stories; read from
``../shared/bench/clustering``). Every document becomes an article in a fresh SQLite library;
for each article, the other articles of its gold story are the relevant ones. The hard case is
built in: each topic has two stories of the same kind (two earthquakes, two rehab check-ins),
so a lexical neighbour of the right kind but the wrong event counts as a miss.

Systems, in the same run:

* ``newsdesk lexical (fresh library)`` — :func:`related_articles` before any story analysis
  (IDF estimated from the full-text candidates);
* ``newsdesk lexical (analysed library)`` — after :func:`assign_story` ran on every article,
  so IDF comes from the library-wide ``term_df`` table (the normal state after ingest);
* ``newsdesk lexical + semantic`` — the same with all-MiniLM-L6-v2 embeddings blended in; this
  needs the ``semantic`` extra and runs in the Python named by ``$NEWSDESK_SEMANTIC_PYTHON``
  (default ``/tmp/semvenv/bin/python``) when that exists — otherwise the row says not measured;
* the same lexical search in a library padded with 20,000 word-salad articles drawn from the
  ECB+ vocabulary (they match the queries' terms, so they compete for the 100 candidates): the
  cost per query at a larger size;
* ``TF-IDF cosine (scikit-learn)`` — the plain baseline: one TfidfVectorizer over all documents,
  cosine against every other document (exhaustive, no candidate retrieval).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from newsdesk.analyze.related import MIN_SIMILARITY  # noqa: E402

DATA = ROOT.parent / "shared" / "bench" / "clustering" / "ecbplus-subtopics.jsonl"
K = 5
#: word-salad articles added to the library for the cost-at-scale row
FILLER = 20_000
SEMANTIC_PYTHON = os.environ.get("NEWSDESK_SEMANTIC_PYTHON", "/tmp/semvenv/bin/python")
#: the article page lists this many related articles
SHOWN = 8
THRESHOLDS = tuple(round(0.02 * i, 2) for i in range(16))


def load_rows() -> list[dict[str, Any]]:
    return [json.loads(line) for line in DATA.open(encoding="utf-8") if line.strip()]


def metrics(ranked: dict[str, list[str]], gold: dict[str, str]) -> dict[str, float]:
    """Mean precision@K and MRR over documents with at least one relevant neighbour."""
    size: dict[str, int] = {}
    for label in gold.values():
        size[label] = size.get(label, 0) + 1
    precisions, reciprocal = [], []
    for doc, neighbours in ranked.items():
        if size[gold[doc]] < 2:
            continue
        hits = [gold[n] == gold[doc] for n in neighbours]
        precisions.append(sum(hits[:K]) / K)
        reciprocal.append(next((1 / (rank + 1) for rank, hit in enumerate(hits) if hit), 0.0))
    return {"p_at_k": statistics.mean(precisions), "mrr": statistics.mean(reciprocal), "queries": len(precisions)}


def build_library(rows: list[dict[str, Any]], path: Path) -> tuple[Any, dict[int, str]]:
    from newsdesk.analyze.dedupe import content_hash
    from newsdesk.models import ExtractedArticle
    from newsdesk.store import Store

    store = Store(f"sqlite:///{path}")
    ids: dict[int, str] = {}
    with store.transaction() as conn:
        for r in rows:
            published = datetime.fromisoformat(r["date"]).replace(tzinfo=UTC) if r.get("date") else None
            url = f"https://ecb.example/{r['id']}"
            outlet = (r.get("url") or "").split("/")[2] if r.get("url") else "ECB"
            article = ExtractedArticle(url=url, title=r.get("title") or "", text=r["text"], outlet=outlet,
                                       published=published, language="en")
            stored = store.save_article(conn, article, canonical_url=url, content_hash=content_hash(r["text"]))
            ids[stored.id] = r["id"]
    return store, ids


def run_newsdesk(rows: list[dict[str, Any]], *, analyse: bool, semantic: bool) -> dict[str, Any]:
    """Rank neighbours with related_articles; returns rankings and timings."""
    from newsdesk.analyze import embeddings
    from newsdesk.analyze.related import related_articles
    from newsdesk.analyze.stories import assign_story
    from newsdesk.config import load_settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp), environ={})
        if not semantic:
            embeddings.use_embedder(None)
        elif embeddings.load_embedder(settings) is None:
            raise SystemExit("semantic run asked for but no model is installed")
        store, ids = build_library(rows, Path(tmp) / "bench.db")
        by_doc = {doc: aid for aid, doc in ids.items()}
        ordered = sorted(rows, key=lambda r: (r.get("date") or "9999", r["id"]))
        assign_seconds = 0.0
        if analyse:
            start = time.perf_counter()
            for r in ordered:
                assign_story(store, by_doc[r["id"]], settings)
            assign_seconds = time.perf_counter() - start
        if semantic:
            start = time.perf_counter()
            embeddings.embed_pending(store, settings, limit=len(rows))
            embed_seconds = time.perf_counter() - start
        ranked, scored, start = {}, {}, time.perf_counter()
        for aid, doc in ids.items():
            found = related_articles(store, aid, settings, limit=10, min_score=0.0)
            scored[doc] = [(ids[r.article_id], r.score) for r in found]
            ranked[doc] = [n for n, score in scored[doc] if score >= MIN_SIMILARITY]
        seconds = time.perf_counter() - start
        store.close()
    result = {"ranked": ranked, "scored": scored, "ms_per_query": 1000 * seconds / len(ids),
              "assign_ms_per_article": 1000 * assign_seconds / len(ids)}
    if semantic:
        result["embed_ms_per_article"] = 1000 * embed_seconds / len(ids)
    return result


def list_quality(scored: dict[str, list[tuple[str, float]]], gold: dict[str, str], docs: set[str],
                 threshold: float, topic: dict[str, str]) -> dict[str, float]:
    """The shown list (top SHOWN at or above ``threshold``) for each query in ``docs``: the share of
    shown articles that are relevant, the share of the relevant ones shown (of at most SHOWN), their
    F0.5 (precision counts twice: a short list beats a padded one), the mean list length, and the
    share of queries shown an article of another story or of another ECB+ topic altogether."""
    size: dict[str, int] = {}
    for label in gold.values():
        size[label] = size.get(label, 0) + 1
    shown_total = relevant_shown = relevant_possible = off_story = off_topic = 0
    queries = 0
    for doc in docs:
        if size[gold[doc]] < 2 or doc not in scored:
            continue
        queries += 1
        shown = [n for n, score in scored[doc] if score >= threshold][:SHOWN]
        hits = sum(gold[n] == gold[doc] for n in shown)
        shown_total += len(shown)
        relevant_shown += hits
        relevant_possible += min(SHOWN, size[gold[doc]] - 1)
        off_story += hits < len(shown)
        off_topic += any(topic[n] != topic[doc] for n in shown)
    precision = relevant_shown / shown_total if shown_total else 1.0
    recall = relevant_shown / relevant_possible if relevant_possible else 0.0
    f_half = 1.25 * precision * recall / (0.25 * precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f": f_half, "length": shown_total / max(1, queries),
            "off_story": off_story / max(1, queries), "off_topic": off_topic / max(1, queries),
            "queries": queries}


def threshold_lines(rows: list[dict[str, Any]], scored: dict[str, list[tuple[str, float]]]) -> list[str]:
    """Pick the minimum similarity by F0.5 on the train topics; report it on the dev topics."""
    gold = {r["id"]: r["cluster"] for r in rows}
    topic = {r["id"]: str(r.get("topic")) for r in rows}
    train = {r["id"] for r in rows if r.get("split") == "train"}
    dev = {r["id"] for r in rows if r.get("split") == "dev"}
    best = max(THRESHOLDS, key=lambda t: (list_quality(scored, gold, train, t, topic)["f"], -t))
    lines = [f"| minimum similarity | list precision | recall of the {SHOWN} shown | F0.5 | mean list length | "
             "queries shown another story | queries shown another topic | F0.5 on train |",
             "|---|---|---|---|---|---|---|---|"]
    for threshold in sorted({0.0, best, MIN_SIMILARITY}):
        d = list_quality(scored, gold, dev, threshold, topic)
        t = list_quality(scored, gold, train, threshold, topic)
        label = f"{threshold:.2f}" + (" (best on train)" if threshold == best else "") + \
            (" (shipped)" if threshold == MIN_SIMILARITY else "") + (" (none)" if threshold == 0 else "")
        lines.append(f"| {label} | {d['precision']:.3f} | {d['recall']:.3f} | {d['f']:.3f} | {d['length']:.1f} | "
                     f"{d['off_story']:.1%} | {d['off_topic']:.1%} | {t['f']:.3f} |")
    queries = list_quality(scored, gold, dev, 0.0, topic)["queries"]
    lines.append(f"\nColumns other than the last are the dev topics ({len(dev)} articles, {queries} queries). The "
                 f"threshold is chosen on the {len(train)} train-topic articles (grid 0–0.30 in steps of 0.02, best "
                 "F0.5 of the shown list: precision weighs twice, since a short list beats a padded one); lexical "
                 "scores, fresh library.")
    return lines


def filler_articles(rows: list[dict[str, Any]], count: int, seed: int = 5) -> list[dict[str, Any]]:
    """Word-salad articles drawn from the ECB+ word distribution: they match real queries' terms,
    so the full-text index returns them as candidates, but they belong to no story."""
    import random

    rng = random.Random(seed)
    words = [w for r in rows for w in r["text"].split()]
    return [{"id": f"filler-{n}", "title": " ".join(rng.choices(words, k=8)),
             "text": " ".join(rng.choices(words, k=150)), "date": None, "cluster": f"filler-{n}"}
            for n in range(count)]


def run_scaled(rows: list[dict[str, Any]], filler: int, sample: int = 200) -> dict[str, Any]:
    """related_articles for ``sample`` ECB+ articles in a library padded with ``filler`` articles."""
    from newsdesk.analyze import embeddings
    from newsdesk.analyze.related import related_articles
    from newsdesk.config import load_settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp), environ={})
        embeddings.use_embedder(None)
        store, ids = build_library(rows + filler_articles(rows, filler), Path(tmp) / "scaled.db")
        queries = [aid for aid, doc in ids.items() if not doc.startswith("filler-")][:sample]
        ranked, start = {}, time.perf_counter()
        for aid in queries:
            ranked[ids[aid]] = [ids[r.article_id] for r in related_articles(store, aid, settings, limit=10)]
        seconds = time.perf_counter() - start
        store.close()
    return {"ranked": ranked, "ms_per_query": 1000 * seconds / len(queries)}


def run_baseline(rows: list[dict[str, Any]]) -> dict[str, Any]:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    start = time.perf_counter()
    texts = [f"{r.get('title') or ''}\n{r['text']}" for r in rows]
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    sims = (matrix @ matrix.T).toarray()
    np.fill_diagonal(sims, -1.0)
    ranked = {rows[i]["id"]: [rows[j]["id"] for j in np.argsort(-sims[i])[:10]] for i in range(len(rows))}
    return {"ranked": ranked, "ms_per_query": 1000 * (time.perf_counter() - start) / len(rows)}


def semantic_subprocess() -> dict[str, Any] | None:
    if not Path(SEMANTIC_PYTHON).exists():
        return None
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([SEMANTIC_PYTHON, __file__, "--semantic-json"], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        print(out.stderr[-2000:], file=sys.stderr)
        return None
    result: dict[str, Any] = json.loads(out.stdout.splitlines()[-1])
    return result


def main() -> None:
    rows = load_rows()
    gold = {r["id"]: r["cluster"] for r in rows}
    systems: list[tuple[str, dict[str, Any] | None]] = [
        ("TF-IDF cosine, scikit-learn (exhaustive baseline)", run_baseline(rows)),
        ("newsdesk lexical, fresh library", run_newsdesk(rows, analyse=False, semantic=False)),
        ("newsdesk lexical, analysed library (term_df IDF)", run_newsdesk(rows, analyse=True, semantic=False)),
        ("newsdesk lexical + semantic (all-MiniLM-L6-v2), analysed", semantic_subprocess()),
    ]
    scaled = run_scaled(rows, FILLER)
    base = metrics(systems[0][1]["ranked"], gold)  # type: ignore[index]
    lines = ["# Related publications benchmark", "",
             f"Command: `.venv/bin/python bench/related/run.py` · data: ECB+ subtopics train+dev "
             f"({len(rows)} articles, relevant = same gold story, {base['queries']} queries) · "
             f"precision@{K} and MRR over the top 10.", "",
             f"| system | P@{K} | MRR | P@{K} vs baseline | ms per query |", "|---|---|---|---|---|"]
    for name, result in systems:
        if result is None:
            lines.append(f"| {name} | not measured (no `{SEMANTIC_PYTHON}` with the semantic extra) | | | |")
            continue
        m = metrics(result["ranked"], gold)
        extra = f" (+{result['embed_ms_per_article']:.1f} ms/article to embed once)" \
            if "embed_ms_per_article" in result else ""
        lines.append(f"| {name} | {m['p_at_k']:.3f} | {m['mrr']:.3f} | {m['p_at_k'] / base['p_at_k']:.2f} | "
                     f"{result['ms_per_query']:.1f}{extra} |")
    fillers = {n: n for ranked in scaled["ranked"].values() for n in ranked if n not in gold}
    m = metrics(scaled["ranked"], {**fillers, **gold})  # a filler article is its own story
    lines.append(f"| newsdesk lexical, fresh library padded with {FILLER:,} filler articles "
                 f"({len(scaled['ranked'])} queries) | {m['p_at_k']:.3f} | {m['mrr']:.3f} | | "
                 f"{scaled['ms_per_query']:.1f} |")
    lines += ["", "newsdesk retrieves at most 100 candidates through the full-text index (SQLite FTS5 bm25) and "
              "re-ranks them, so its per-query cost does not depend on the library size; the baseline compares "
              "each article with all others (its ms/query is the whole similarity matrix divided by the "
              "number of articles, fine at 772 articles, quadratic beyond). The semantic share (0.3) was chosen "
              "on this same data (0, .3, .5, .7, 1 tried: .950, .957, .954, .945, .923 P@5), so that row is "
              "optimistic; the padded row's 200 queries are the first 200 ECB+ articles, not all 772.", ""]
    analysed = systems[2][1]
    if analysed is not None:
        lines.append(f"Story assignment through the database (`assign_story`, SQLite, in date order) took "
                     f"{analysed['assign_ms_per_article']:.1f} ms per article on this library.")
    fresh = systems[1][1]
    if fresh is not None:
        lines += ["", f"## Minimum similarity (`related.MIN_SIMILARITY = {MIN_SIMILARITY}`)", "",
                  f"The rows above apply it (a query whose list holds fewer than {K} articles scores the empty "
                  f"places as misses). The article page shows at most {SHOWN}:", "",
                  *threshold_lines(rows, fresh["scored"]), "",
                  "ECB+ is a hard place for a floor: each topic holds two stories of the same kind, so most wrong "
                  "neighbours are same-topic near-misses that score as high as the right ones; the floor mainly "
                  "cuts other-topic padding, and lists shorter than 5 count their empty places as P@5 misses."]
    report = "\n".join(lines) + "\n"
    (Path(__file__).parent / "RESULTS.md").write_text(report, encoding="utf-8")
    print(report)


def threshold_only() -> None:
    """``--threshold``: only the fresh-library run and the minimum-similarity table (a few minutes)."""
    rows = load_rows()
    fresh = run_newsdesk(rows, analyse=False, semantic=False)
    print("\n".join(threshold_lines(rows, fresh["scored"])))


if __name__ == "__main__":
    if "--threshold" in sys.argv:
        threshold_only()
    elif "--semantic-json" in sys.argv:
        result = run_newsdesk(load_rows(), analyse=True, semantic=True)
        print(json.dumps(result))
    else:
        main()

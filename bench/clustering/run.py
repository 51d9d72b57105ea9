"""Story clustering benchmark: ECB+ subtopics as a stream, and cost per article as the corpus grows.

Run: ``.venv/bin/python bench/clustering/run.py`` (about three minutes on two cores); writes
``bench/clustering/RESULTS.md``.

1. Quality. ``../shared/bench/clustering/ecbplus-subtopics.jsonl`` (train and dev topics) is fed,
   one split at a time, through the batch CLI path ``newsdesk cluster FILE.jsonl --json`` — the
   same :class:`~newsdesk.analyze.stories.StreamClusterer` the database path uses — and scored
   with the dataset's own ``evaluate.py`` (imported by path, not copied): pairwise P/R/F1
   (Miranda et al. 2018) and BCubed. The join threshold is tuned on ``dev``; ``train`` is
   reported at the same threshold. Next to it, in the same run: ``evaluate.py``'s TF-IDF +
   average-link baseline (offline, sees all documents at once; merge threshold 0.2 as in the
   dataset notes).

   Stream order. Only 307 of 982 ECB+ documents carry a date. Dated documents keep their date
   order; undated ones are interleaved at positions drawn by a seeded shuffle, and scores are
   averaged over three seeds. Ordering undated documents by id instead would feed each topic as
   one block with its two same-kind events alternating (``1_10ecb``, ``1_10ecbplus``,
   ``1_11ecb``, …), an order no real stream has; it is reported too, for comparison.

2. Cost. Synthetic stories (topic words plus Zipf-distributed background words, 200 articles a
   day) fill a clusterer with 1,000, 10,000 and then 100,000 articles; the time to add the next
   1,000 is measured each time (median of three batches, wall and CPU). Flat cost = the candidate search does not grow with the corpus.
"""

from __future__ import annotations

import importlib.util
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "bench" / "clustering"
DATA = SHARED / "ecbplus-subtopics.jsonl"
NEWSDESK = [str(ROOT / ".venv" / "bin" / "newsdesk")]
THRESHOLDS = [0.15, 0.2, 0.25, 0.3, 0.35]
SEEDS = [1, 2, 3]
WINDOW_DAYS = 30
MERGE = 0.5
#: corpus sizes at which the cost of 1,000 more articles is measured, and batches per size
LEVELS = (1_000, 10_000, 100_000)
BATCHES = 3

sys.path.insert(0, str(ROOT))


def load_evaluate() -> Any:
    spec = importlib.util.spec_from_file_location("ecb_evaluate", SHARED / "evaluate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stream_order(rows: list[dict[str, Any]], seed: int | None) -> list[dict[str, Any]]:
    """Dated rows in date order; undated rows interleaved by a seeded shuffle (or by id: seed None)."""
    if seed is None:
        return sorted(rows, key=lambda r: _id_key(r["id"]))
    shuffled = list(rows)
    random.Random(seed).shuffle(shuffled)
    dated = iter(sorted((r for r in rows if r.get("date")), key=lambda r: (r["date"], r["id"])))
    return [next(dated) if r.get("date") else r for r in shuffled]


def _id_key(doc_id: str) -> tuple[int, int, str]:
    topic, rest = doc_id.split("_", 1)
    digits = "".join(ch for ch in rest if ch.isdigit())
    return int(topic), int(digits or 0), rest


def run_cli(rows: list[dict[str, Any]], threshold: float) -> tuple[dict[str, str], float]:
    """Cluster through ``newsdesk cluster --json``; (predictions, seconds including start-up)."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as handle:
        for r in rows:
            handle.write(json.dumps({"id": r["id"], "title": r.get("title"), "text": r["text"],
                                     "published": r.get("date")}) + "\n")
        path = handle.name
    start = time.perf_counter()
    out = subprocess.run([*NEWSDESK, "cluster", path, "--json", "--threshold", str(threshold),
                          "--window-days", str(WINDOW_DAYS), "--merge-threshold", str(MERGE)],
                         capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - start
    Path(path).unlink()
    return {d["id"]: str(d["story"]) for d in map(json.loads, out.stdout.splitlines())}, elapsed


def score_split(ev: Any, rows: list[dict[str, Any]], threshold: float, seeds: list[int | None]) -> dict[str, float]:
    gold = {r["id"]: r["cluster"] for r in rows}
    results, seconds = [], []
    for seed in seeds:
        pred, elapsed = run_cli(stream_order(rows, seed), threshold)
        results.append(ev.scores(gold, pred))
        seconds.append(elapsed)
    mean = {k: statistics.mean(r[k] for r in results) for k in results[0] if isinstance(results[0][k], float)}
    mean["pred_clusters"] = statistics.mean(r["pred_clusters"] for r in results)
    mean["gold_clusters"] = results[0]["gold_clusters"]
    mean["cli_docs_per_s"] = len(rows) / statistics.mean(seconds)
    mean["f1_spread"] = max(r["pairwise_f1"] for r in results) - min(r["pairwise_f1"] for r in results)
    return mean


def inprocess_speed(rows: list[dict[str, Any]], threshold: float) -> float:
    from newsdesk.analyze.stories import StreamClusterer

    clusterer = StreamClusterer(threshold, WINDOW_DAYS, merge_threshold=MERGE)
    ordered = stream_order(rows, SEEDS[0])
    start = time.perf_counter()
    for r in ordered:
        published = datetime.fromisoformat(r["date"]).replace(tzinfo=UTC) if r.get("date") else None
        clusterer.add(r["id"], r.get("title"), r["text"], published)
    return len(rows) / (time.perf_counter() - start)


# --- synthetic scaling ------------------------------------------------------------------------


class Synthetic:
    """Endless synthetic news: each story has its own words; background words are Zipf-distributed."""

    def __init__(self, seed: int = 7, vocabulary: int = 60_000) -> None:
        self.rng = random.Random(seed)
        self.vocabulary = vocabulary
        weights = [1 / (rank + 1) for rank in range(vocabulary)]
        self.cumulative = list(_accumulate(weights))
        self.start = datetime(2020, 1, 1, tzinfo=UTC)
        self.count = 0
        self.live: list[list[str]] = []

    def _background(self, n: int) -> list[str]:
        picks = self.rng.choices(range(self.vocabulary), cum_weights=self.cumulative, k=n)
        return [f"w{p}" for p in picks]

    def next(self) -> tuple[str, str, str, datetime]:
        if not self.live or self.rng.random() < 0.2:
            self.live.append([f"t{self.count}x{k}" for k in range(25)])
            self.live = self.live[-40:]
        topic = self.rng.choice(self.live)
        words = self.rng.sample(topic, 15) + self._background(120)
        self.rng.shuffle(words)
        published = self.start + timedelta(days=self.count / 200)
        self.count += 1
        return str(self.count), " ".join(self.rng.sample(topic, 5)), " ".join(words), published


def _accumulate(values: list[float]) -> list[float]:
    total, out = 0.0, []
    for v in values:
        total += v
        out.append(total)
    return out


def scaling(threshold: float) -> list[tuple[int, float, float]]:
    """(articles already in, median wall seconds, median CPU seconds) to add 1,000 more."""
    from newsdesk.analyze.stories import StreamClusterer

    clusterer = StreamClusterer(threshold, WINDOW_DAYS, merge_threshold=MERGE)
    source = Synthetic()
    rows = []
    filled = 0
    for target in LEVELS:
        while filled < target:
            doc_id, title, text, published = source.next()
            clusterer.add(doc_id, title, text, published)
            filled += 1
        walls, cpus = [], []
        for _ in range(BATCHES):
            batch = [source.next() for _ in range(1000)]
            wall, cpu = time.perf_counter(), time.process_time()
            for doc_id, title, text, published in batch:
                clusterer.add(doc_id, title, text, published)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            filled += 1000
        rows.append((target, statistics.median(walls), statistics.median(cpus)))
    return rows


# --- report -------------------------------------------------------------------------------------


def fmt(x: float) -> str:
    return f"{x:.3f}"


def main() -> None:
    ev = load_evaluate()
    all_rows = [json.loads(line) for line in DATA.open(encoding="utf-8") if line.strip()]
    splits = {name: [r for r in all_rows if r["split"] == name] for name in ("train", "dev")}
    seeds: list[int | None] = list(SEEDS)

    grid = {t: score_split(ev, splits["dev"], t, seeds) for t in THRESHOLDS}
    best = max(THRESHOLDS, key=lambda t: grid[t]["pairwise_f1"])
    ours = {"dev": grid[best], "train": score_split(ev, splits["train"], best, seeds)}
    by_id = {name: score_split(ev, rows, best, [None]) for name, rows in splits.items()}
    baseline = {}
    for name, rows in splits.items():
        start = time.perf_counter()
        pred = ev.tfidf_baseline(rows, 0.2)
        seconds = time.perf_counter() - start
        baseline[name] = {**ev.scores({r["id"]: r["cluster"] for r in rows}, pred),
                          "docs_per_s": len(rows) / seconds}
    speed = inprocess_speed(splits["train"] + splits["dev"], best)
    cost = scaling(best)

    lines = ["# Story clustering benchmark", "",
             f"Command: `.venv/bin/python bench/clustering/run.py` · data: ECB+ subtopics "
             f"(`../shared/bench/clustering`, train {len(splits['train'])} docs, dev {len(splits['dev'])} docs)"
             f" · stream order: dated documents by date, undated interleaved by seeded shuffle, "
             f"mean of {len(SEEDS)} seeds · window {WINDOW_DAYS} days, merge threshold {MERGE}.", "",
             f"## Threshold tuned on dev: {best}", "",
             "| threshold | dev pairwise P | R | F1 | BCubed F1 | stories (gold 16) |",
             "|---|---|---|---|---|---|"]
    for t in THRESHOLDS:
        g = grid[t]
        lines.append(f"| {t} | {fmt(g['pairwise_p'])} | {fmt(g['pairwise_r'])} | {fmt(g['pairwise_f1'])} | "
                     f"{fmt(g['bcubed_f1'])} | {g['pred_clusters']:.0f} |")
    lines += ["", "## newsdesk (online stream) vs TF-IDF average-link baseline (offline, all documents at once)", "",
              "| split | system | pairwise P | R | F1 | BCubed P | R | F1 | stories / gold | docs/s |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for name in ("train", "dev"):
        o, b, i = ours[name], baseline[name], by_id[name]
        lines.append(f"| {name} | newsdesk stream (threshold {best}) | {fmt(o['pairwise_p'])} | "
                     f"{fmt(o['pairwise_r'])} | **{fmt(o['pairwise_f1'])}** | {fmt(o['bcubed_p'])} | "
                     f"{fmt(o['bcubed_r'])} | {fmt(o['bcubed_f1'])} | {o['pred_clusters']:.0f} / "
                     f"{o['gold_clusters']} | {o['cli_docs_per_s']:.0f} (CLI incl. start-up) |")
        lines.append(f"| {name} | newsdesk, undated by id (topic blocks) | {fmt(i['pairwise_p'])} | "
                     f"{fmt(i['pairwise_r'])} | {fmt(i['pairwise_f1'])} | {fmt(i['bcubed_p'])} | "
                     f"{fmt(i['bcubed_r'])} | {fmt(i['bcubed_f1'])} | {i['pred_clusters']:.0f} / "
                     f"{i['gold_clusters']} | |")
        lines.append(f"| {name} | TF-IDF average-link, 0.2 | {fmt(b['pairwise_p'])} | {fmt(b['pairwise_r'])} | "
                     f"{fmt(b['pairwise_f1'])} | {fmt(b['bcubed_p'])} | {fmt(b['bcubed_r'])} | "
                     f"{fmt(b['bcubed_f1'])} | {b['pred_clusters']} / {b['gold_clusters']} | "
                     f"{b['docs_per_s']:.0f} |")
        lines.append(f"| {name} | ratio newsdesk / baseline (pairwise F1) | | | "
                     f"{o['pairwise_f1'] / b['pairwise_f1']:.2f} | | | "
                     f"{o['bcubed_f1'] / b['bcubed_f1']:.2f} (BCubed) | | |")
    lines += ["", f"Spread of dev pairwise F1 over the {len(SEEDS)} stream orders: "
              f"{fmt(ours['dev']['f1_spread'])}; train: {fmt(ours['train']['f1_spread'])}.",
              f"In-process throughput (no start-up, train+dev stream): {speed:.0f} articles/s.", "",
              "The baseline is offline (it sees every document before deciding) and its threshold was chosen on "
              "dev by the dataset notes (.873 dev pairwise F1 there); newsdesk decides each article once, on "
              "arrival, seeing only the past. The dev threshold choice makes both dev figures optimistic; "
              "train is the fairer figure for newsdesk.", "",
              "## Cost per 1,000 articles added as the corpus grows (synthetic stream, in-process)", "",
              "| articles already in the clusterer | seconds for the next 1,000 (wall) | CPU seconds | articles/s (CPU) |",
              "|---|---|---|---|"]
    for filled, wall, cpu in cost:
        lines.append(f"| {filled:,} | {wall:.2f} | {cpu:.2f} | {1000 / cpu:.0f} |")
    lines.append(f"\nMedian of {BATCHES} batches each. CPU-time ratio 100k / 10k: {cost[-1][2] / cost[-2][2]:.2f} "
                 "(1.00 = no growth with the corpus); wall time is noisier (two cores shared with other work).")
    report = "\n".join(lines) + "\n"
    (Path(__file__).parent / "RESULTS.md").write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()

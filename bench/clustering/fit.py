"""Fit the story clusterer's two decisions on the ECB+ train split; writes newsdesk/analyze/story_model.json.

Run: ``.venv/bin/python bench/clustering/fit.py`` (several minutes on two busy cores). Dev is never read.

1. Join. The train documents are streamed in every bench order (``orders.py``) through the
   clusterer's own candidate search, but each document is filed into its *gold* story (teacher
   forcing, as Miranda et al. 2018 train theirs): every (document, candidate story) pair met is
   one example, labelled 1 when the story is the document's event. A logistic regression
   (scikit-learn) over :data:`~newsdesk.analyze.story_model.FEATURES` is fitted on them; an
   article joins at probability 0.5.
2. Merge. The train orders are streamed again with that join decision (no merging); each
   resulting story is compared with its candidates the way the merge pass compares them, labelled
   1 when both stories' majority events agree; a second regression is fitted on those pairs.
3. Merge threshold: the probability (from a small grid) that maximises the *worst* pairwise F1
   over the train orders after the merge pass, preferring story counts within 1.3x of gold.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

import orders  # noqa: E402

from newsdesk.analyze import vectors  # noqa: E402
from newsdesk.analyze.stories import QUERY_TERMS, StreamClusterer, _absorb, _Doc, _new_state  # noqa: E402
from newsdesk.analyze.story_model import FEATURES, MODEL_FILE, Decision, JoinModel  # noqa: E402

WINDOW_DAYS = 30
JOIN_PROBABILITY = 0.5
MERGE_GRID = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
COMMAND = ".venv/bin/python bench/clustering/fit.py"


class TeacherForced(StreamClusterer):
    """Files each document into its gold story and records every candidate pair met."""

    def __init__(self, gold: dict[str, str], model: JoinModel) -> None:
        super().__init__(0.5, WINDOW_DAYS, merge_threshold=None, model=model)
        self.gold = gold
        self.story_of_label: dict[str, int] = {}
        self.label_of_story: dict[int, str] = {}
        self.examples: list[tuple[list[float], int]] = []
        self.current = ""

    def add(self, doc_id: str | int, title: str | None, text: str | None, published: Any = None,
            source: str | None = None, entities: Any = ()) -> int:
        self.current = self.gold[str(doc_id)]
        return super().add(doc_id, title, text, published, source, entities)

    def _place(self, doc: _Doc) -> int:
        profile = _new_state(doc)
        if doc.tf:
            for features, state in self.candidate_features(profile, vectors.top_terms(doc.weights, QUERY_TERMS)):
                self.examples.append((features, int(self.label_of_story[state.id] == self.current)))
        known = self.story_of_label.get(self.current)
        if known is None:
            story_id = self.index.create(profile, self._index_terms(profile))
            self.story_of_label[self.current] = story_id
            self.label_of_story[story_id] = self.current
            return story_id
        state = self.index.load([known])[known]
        _absorb(state, doc)
        self.index.save(state, self._index_terms(state))
        return known


def fit(examples: list[tuple[list[float], int]], threshold: float) -> Decision:
    from sklearn.linear_model import LogisticRegression

    x = np.array([f for f, _ in examples])
    y = np.array([label for _, label in examples])
    fitted = LogisticRegression(C=10.0, max_iter=5000).fit(x, y)
    decision = Decision(tuple(round(float(w), 4) for w in fitted.coef_[0]), round(float(fitted.intercept_[0]), 4),
                        threshold)
    print(f"{len(y)} pairs ({int(y.sum())} same event): {dict(zip(FEATURES, decision.weights, strict=True))}, "
          f"bias {decision.bias}", flush=True)
    return decision


def join_examples(rows: list[orders.Row], model: JoinModel) -> list[tuple[list[float], int]]:
    gold = {r["id"]: r["cluster"] for r in rows}
    examples = []
    for ordered in orders.orders(rows).values():
        clusterer = TeacherForced(gold, model)
        for r in ordered:
            clusterer.add(r["id"], r.get("title"), r["text"], orders.published(r))
        examples += clusterer.examples
    return examples


def streamed(rows: list[orders.Row], model: JoinModel) -> list[StreamClusterer]:
    """One clusterer per order, fed the whole order with the join decision and no merging."""
    found = []
    for ordered in orders.orders(rows).values():
        clusterer = StreamClusterer(None, WINDOW_DAYS, merge_threshold=None, model=model)
        for r in ordered:
            clusterer.add(r["id"], r.get("title"), r["text"], orders.published(r))
        found.append(clusterer)
    return found


def merge_examples(clusterers: list[StreamClusterer], gold: dict[str, str]) -> list[tuple[list[float], int]]:
    examples = []
    for clusterer in clusterers:
        members: dict[int, Counter[str]] = {}
        for doc_id in clusterer.assignments:
            members.setdefault(clusterer.story_of(doc_id), Counter())[gold[doc_id]] += 1
        majority = {sid: counts.most_common(1)[0][0] for sid, counts in members.items()}
        for story in clusterer.index.load(clusterer.index.recent(None, 10**9)).values():
            for features, other in clusterer.candidate_features(story, clusterer._index_terms(story),
                                                                exclude=story.id):
                examples.append((features, int(majority[story.id] == majority[other.id])))
    return examples


def load_evaluate() -> Any:
    spec = importlib.util.spec_from_file_location("ecb_evaluate", orders.SHARED / "evaluate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    train = orders.load_rows()["train"]
    gold = {r["id"]: r["cluster"] for r in train}
    start = Decision((0.0,) * len(FEATURES), 0.0, 1.0)
    join = fit(join_examples(train, JoinModel(start, start)), JOIN_PROBABILITY)
    clusterers = streamed(train, JoinModel(join, start))
    merge = fit(merge_examples(clusterers, gold), 0.5)
    ev = load_evaluate()
    grid = []
    for threshold in MERGE_GRID:
        results = []
        for clusterer in clusterers:
            trial = copy.deepcopy(clusterer)
            trial.model = JoinModel(join, Decision(merge.weights, merge.bias, threshold))
            trial.merge_threshold = threshold
            trial.merge_pass()
            results.append(ev.scores(gold, {d: str(trial.story_of(d)) for d in gold}))
        f1 = min(r["pairwise_f1"] for r in results)
        ratio = max(r["pred_clusters"] for r in results) / len(set(gold.values()))
        grid.append((ratio <= 1.3, f1, -ratio, threshold))
        print(f"merge {threshold}: worst train F1 {f1:.3f}, stories/gold up to {ratio:.2f}", flush=True)
    _, f1, ratio, threshold = max(grid)
    model = JoinModel(join, Decision(merge.weights, merge.bias, threshold))
    data = {**model.to_json(), "fitted_by": COMMAND,
            "fitted_on": f"ECB+ subtopics, train split ({len(train)} documents), every bench order",
            "train_worst_pairwise_f1": round(f1, 4), "train_most_stories_per_gold": round(-ratio, 3)}
    MODEL_FILE.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(data))


if __name__ == "__main__":
    main()

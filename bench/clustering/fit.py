"""Fit the story clusterer's join model on the ECB+ train split; writes newsdesk/analyze/story_model.json.

Run: ``.venv/bin/python bench/clustering/fit.py`` (a few minutes on two cores).

1. Pairs. The train documents are streamed in every bench order (``orders.py``) through the
   clusterer's own candidate search, but each document is filed into its *gold* story (teacher
   forcing, as Miranda et al. 2018 train theirs): every (document, candidate story) pair met on
   the way is one example, labelled 1 when the story is the document's event. The same is done
   for stories: after the stream, every gold story's fragments are compared with their
   candidates the way the merge pass compares them.
2. Model. A logistic regression (scikit-learn) over :data:`~newsdesk.analyze.story_model.FEATURES`.
3. Thresholds. The join and merge probabilities are chosen on train only: the pair that
   maximises the *worst* pairwise F1 over the train orders, with the story count within 1.3x
   of gold preferred. Dev is never looked at here.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

import orders  # noqa: E402

from newsdesk.analyze import vectors  # noqa: E402
from newsdesk.analyze.story_model import FEATURES, MODEL_FILE, JoinModel  # noqa: E402
from newsdesk.analyze.stories import QUERY_TERMS, StreamClusterer, _Doc, _new_state  # noqa: E402

WINDOW_DAYS = 30
JOIN_GRID = (0.3, 0.4, 0.5, 0.6, 0.7)
MERGE_GRID = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
COMMAND = ".venv/bin/python bench/clustering/fit.py"


class TeacherForced(StreamClusterer):
    """Files each document into its gold story and records every candidate pair met."""

    def __init__(self, gold: dict[str, str]) -> None:
        super().__init__(0.5, WINDOW_DAYS, merge_threshold=None)
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
        from newsdesk.analyze.stories import _absorb

        _absorb(state, doc)
        self.index.save(state, self._index_terms(state))
        return known


def join_examples(rows: list[orders.Row]) -> tuple[np.ndarray, np.ndarray]:
    gold = {r["id"]: r["cluster"] for r in rows}
    xs, ys = [], []
    for ordered in orders.orders(rows).values():
        clusterer = TeacherForced(gold)
        for r in ordered:
            clusterer.add(r["id"], r.get("title"), r["text"], orders.published(r))
        xs += [f for f, _ in clusterer.examples]
        ys += [y for _, y in clusterer.examples]
    return np.array(xs), np.array(ys)


def worst_f1(ev: Any, rows: list[orders.Row], model: JoinModel) -> tuple[float, float]:
    """(worst pairwise F1 over the orders, most stories / gold stories)."""
    gold = {r["id"]: r["cluster"] for r in rows}
    results = [ev.scores(gold, orders.stream(o, lambda: StreamClusterer(None, WINDOW_DAYS, model=model)))
               for o in orders.orders(rows).values()]
    return min(r["pairwise_f1"] for r in results), max(r["pred_clusters"] for r in results) / len(set(gold.values()))


def load_evaluate() -> Any:
    spec = importlib.util.spec_from_file_location("ecb_evaluate", orders.SHARED / "evaluate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    from sklearn.linear_model import LogisticRegression

    train = orders.load_rows()["train"]
    x, y = join_examples(train)
    fitted = LogisticRegression(C=10.0, max_iter=2000).fit(x, y)
    weights = tuple(round(float(w), 4) for w in fitted.coef_[0])
    bias = round(float(fitted.intercept_[0]), 4)
    print(f"{len(y)} pairs ({int(y.sum())} same event); weights {dict(zip(FEATURES, weights, strict=True))}, "
          f"bias {bias}", flush=True)
    ev = load_evaluate()
    grid = []
    for join in JOIN_GRID:
        for merge in MERGE_GRID:
            if merge < join:
                continue
            model = JoinModel(weights, bias, join, merge)
            f1, ratio = worst_f1(ev, train, model)
            grid.append((ratio <= 1.3, f1, -ratio, join, merge))
            print(f"join {join} merge {merge}: worst train F1 {f1:.3f}, stories/gold up to {ratio:.2f}", flush=True)
    _, f1, ratio, join, merge = max(grid)
    data = {**JoinModel(weights, bias, join, merge).to_json(), "fitted_by": COMMAND,
            "fitted_on": f"ECB+ subtopics, train split ({len(train)} documents), {len(y)} teacher-forced pairs",
            "train_worst_pairwise_f1": round(f1, 4), "train_most_stories_per_gold": round(-ratio, 3)}
    MODEL_FILE.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(data, indent=1))


if __name__ == "__main__":
    main()

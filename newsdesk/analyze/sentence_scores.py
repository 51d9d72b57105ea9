"""How likely a sentence is to belong in a summary: a small linear model over sentence features.

Each sentence of a text gets a row of features that say nothing about any one dataset -- where it
stands (position, first sentence, share of the text before it), how long it is, how central it is
(forward and undirected cosine centrality, similarity to the text's centroid), how close it is to
the title, whether it carries figures, and whether it quotes someone or asks a question. The
score is the dot product of that row with coefficients fitted by ``bench/summarization/fit.py`` on
one fold of a reference set (the file ``data/sentence_weights.json`` records the command, the fold
and the fitted numbers); no coefficient is written by hand.

The features are standardised with the fold's means and deviations, so a coefficient says how much
one deviation of that feature moves the score.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
from scipy import sparse

#: sentences that enter the similarity graph; later ones are scored against the centroid
GRAPH_LIMIT = 400
#: PACSUM-style forward centrality: similarity to later sentences minus this much to earlier ones
BACKWARD_WEIGHT = 0.5

FEATURES = ("inverse_position", "first", "relative_position", "log_words", "short", "long",
            "forward_centrality", "degree_centrality", "centroid_similarity", "title_similarity",
            "has_figure", "quotes", "question")

_FIGURE = re.compile(r"\d")
_QUOTE = re.compile(r"[\"\u201c\u201d\u00ab\u00bb]")
_SHORT_WORDS = 8
_LONG_WORDS = 40


def _normalised(scores: np.ndarray) -> np.ndarray:
    if not len(scores):
        return scores
    scores = scores - scores.min()
    top = scores.max()
    return scores / top if top > 0 else scores


def centralities(vectors: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """(forward, degree) centrality of each row in its cosine graph, each scaled to 0..1.

    The graph holds the first GRAPH_LIMIT rows; later rows get their cosine with the centroid for
    both, so the cost stays linear in the length of the text.
    """
    n = vectors.shape[0]
    forward = np.zeros(n)
    degree = np.zeros(n)
    head = vectors[: min(n, GRAPH_LIMIT)]
    if head.shape[0] > 1:
        sims = (head @ head.T).toarray()
        np.fill_diagonal(sims, 0.0)
        later = np.triu(sims, 1).sum(axis=1)
        earlier = np.tril(sims, -1).sum(axis=1)
        forward[: head.shape[0]] = (later - BACKWARD_WEIGHT * earlier) / (head.shape[0] - 1)
        degree[: head.shape[0]] = sims.sum(axis=1) / (head.shape[0] - 1)
    if n > GRAPH_LIMIT:
        centroid = np.asarray(vectors.mean(axis=0)).ravel()
        tail = vectors[GRAPH_LIMIT:] @ centroid
        forward[GRAPH_LIMIT:] = tail
        degree[GRAPH_LIMIT:] = tail
    return _normalised(forward), _normalised(degree)


def features(sentences: Sequence[str], positions: np.ndarray, vectors: sparse.csr_matrix,
             title_vector: sparse.csr_matrix | None) -> np.ndarray:
    """One row of :data:`FEATURES` per sentence (``positions`` = index within its own text)."""
    n = len(sentences)
    if not n:
        return np.zeros((0, len(FEATURES)))
    words = np.array([len(s.split()) for s in sentences], dtype=float)
    forward, degree = centralities(vectors)
    centroid = np.asarray(vectors.mean(axis=0)).ravel()
    norm = float(np.linalg.norm(centroid))
    centroid_sim = vectors @ (centroid / norm) if norm > 0 else np.zeros(n)
    if title_vector is not None and title_vector.nnz:
        title_sim = (vectors @ title_vector.T).toarray().ravel()
    else:
        title_sim = np.zeros(n)
    length = max(1.0, float(positions.max()) + 1.0)
    columns = [
        1.0 / (1.0 + positions),
        (positions == 0).astype(float),
        positions / length,
        np.log1p(words),
        (words < _SHORT_WORDS).astype(float),
        (words > _LONG_WORDS).astype(float),
        forward,
        degree,
        np.asarray(centroid_sim).ravel(),
        title_sim,
        np.array([bool(_FIGURE.search(s)) for s in sentences], dtype=float),
        np.array([bool(_QUOTE.search(s)) for s in sentences], dtype=float),
        np.array([s.rstrip("\"'\u201d\u2019) ").endswith("?") for s in sentences], dtype=float),
    ]
    return np.column_stack(columns)


@dataclass(frozen=True)
class LinearScorer:
    """Standardise, then dot with the coefficients, plus the intercept."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def score(self, rows: np.ndarray) -> np.ndarray:
        if not len(rows):
            return np.zeros(0)
        return ((rows - self.mean) / self.scale) @ self.coef + self.intercept

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> LinearScorer:
        names = list(body["features"])
        if names != list(FEATURES):
            raise ValueError(f"sentence weights are for features {names}, not {list(FEATURES)}")
        scale = np.array(body["scale"], dtype=float)
        return cls(np.array(body["mean"], dtype=float), np.where(scale > 0, scale, 1.0),
                   np.array(body["coef"], dtype=float), float(body["intercept"]))

    def to_json(self) -> dict[str, Any]:
        return {"features": list(FEATURES), "mean": [round(float(v), 6) for v in self.mean],
                "scale": [round(float(v), 6) for v in self.scale],
                "coef": [round(float(v), 6) for v in self.coef], "intercept": round(self.intercept, 6)}


@dataclass(frozen=True)
class SentenceModel:
    """The fitted scorer and the redundancy control chosen with it on the same fold."""

    scorer: LinearScorer
    #: MMR: share of relevance against redundancy, and the similarity that counts as a repeat
    mmr_lambda: float = 0.85
    repeat_similarity: float = 0.6

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> SentenceModel:
        return cls(LinearScorer.from_json(body["scorer"]), float(body["mmr_lambda"]),
                   float(body["repeat_similarity"]))

    def to_json(self) -> dict[str, Any]:
        return {"scorer": self.scorer.to_json(), "mmr_lambda": self.mmr_lambda,
                "repeat_similarity": self.repeat_similarity}


WEIGHTS_FILE = "sentence_weights.json"


@cache
def shipped_model() -> SentenceModel:
    """The model fitted by ``bench/summarization/fit.py``, shipped as ``newsdesk/analyze/data/``
    ``sentence_weights.json`` (which also records the command and the fold it was fitted on)."""
    text = resources.files("newsdesk.analyze").joinpath("data", WEIGHTS_FILE).read_text(encoding="utf-8")
    return SentenceModel.from_json(json.loads(text)["model"])

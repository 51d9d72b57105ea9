"""The join decision of the story clusterer: a logistic model over a few pair similarities.

An article (a story of one) and a story — or two stories — are compared on several features
(Miranda et al. 2018 use the same idea): TF-IDF cosine of the bodies, cosine of the headlines,
cosine of the names, the time between them, and flags for what is missing (no headline, no
date, no names). A logistic model turns them into the probability that both are about one
event; an article joins the most probable story when the *join* decision's probability reaches
its threshold, and two stories merge when the *merge* decision's does (stories are compared on
their summed vectors, which changes the scale of the similarities: hence two fitted decisions).

The coefficients live in ``story_model.json`` next to this module, written by
``bench/clustering/fit.py`` (the command that produced them is recorded in the file).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from newsdesk.analyze import vectors
from newsdesk.errors import AnalysisError

MODEL_FILE = Path(__file__).with_name("story_model.json")

#: the features, in the order of the model's weights
FEATURES = ("text", "mean_text", "title", "names", "no_title", "no_names", "time_gap", "undated")


class Profile(Protocol):
    """What is compared: an article as a story of one, or a story."""

    size: int
    terms: dict[str, float]
    titles: dict[str, float]
    names: dict[str, float]
    first_seen: datetime | None
    last_seen: datetime | None


def time_gap(a: Profile, b: Profile) -> timedelta | None:
    """Time between two date ranges (0 when they overlap); None when either is undated."""
    if a.first_seen is None or a.last_seen is None or b.first_seen is None or b.last_seen is None:
        return None
    return max(a.first_seen - b.last_seen, b.first_seen - a.last_seen, timedelta(0))


def pair_features(a: Profile, b: Profile, dfs: Mapping[str, int], n_docs: int,
                  window: timedelta) -> list[float]:
    """The model's features of one pair, in :data:`FEATURES` order."""
    weighted_a, weighted_b = vectors.weigh(a.terms, dfs, n_docs), vectors.weigh(b.terms, dfs, n_docs)
    text = vectors.cosine(weighted_a, weighted_b)
    # each article adds its terms scaled to unit TF-IDF length, so this is the mean cosine over
    # the pairs of articles, one from each side (average link)
    mean_text = vectors.dot(weighted_a, weighted_b) / max(1, a.size * b.size)
    has_titles = bool(a.titles and b.titles)
    title = vectors.cosine(vectors.weigh(a.titles, dfs, n_docs), vectors.weigh(b.titles, dfs, n_docs)) \
        if has_titles else 0.0
    has_names = bool(a.names and b.names)
    names = vectors.cosine(a.names, b.names) if has_names else 0.0
    gap = time_gap(a, b)
    gap_share = min(1.0, gap / window) if gap is not None and window else 0.0
    return [text, mean_text, title, names, float(not has_titles), float(not has_names), gap_share, float(gap is None)]


@dataclass(frozen=True)
class Decision:
    """One logistic regression over :data:`FEATURES` and the probability at which it says yes."""

    weights: tuple[float, ...]
    bias: float
    threshold: float

    def probability(self, features: Sequence[float]) -> float:
        """Probability that the pair is one event."""
        z = self.bias + sum(w * x for w, x in zip(self.weights, features, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def to_json(self) -> dict[str, Any]:
        return {"weights": list(self.weights), "bias": self.bias, "threshold": self.threshold}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Decision:
        weights = tuple(float(w) for w in data["weights"])
        if len(weights) != len(FEATURES):
            raise AnalysisError(f"a story decision needs {len(FEATURES)} weights, got {len(weights)}")
        return cls(weights, float(data["bias"]), float(data["threshold"]))


@dataclass(frozen=True)
class JoinModel:
    """The two decisions: an article joining a story, and two stories merging."""

    join: Decision
    merge: Decision

    @property
    def join_probability(self) -> float:
        return self.join.threshold

    @property
    def merge_probability(self) -> float:
        return self.merge.threshold

    def to_json(self) -> dict[str, Any]:
        return {"features": list(FEATURES), "join": self.join.to_json(), "merge": self.merge.to_json()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> JoinModel:
        if list(data.get("features", [])) != list(FEATURES):
            raise AnalysisError(f"story model features {data.get('features')} are not {list(FEATURES)}")
        return cls(Decision.from_json(data["join"]), Decision.from_json(data["merge"]))


@cache
def default_model() -> JoinModel:
    """The model shipped with newsdesk (``story_model.json``)."""
    try:
        return JoinModel.from_json(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AnalysisError(f"cannot read the story model {MODEL_FILE.name}: {exc}") from None

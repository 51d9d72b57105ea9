"""Story merging: average-link agglomeration between the stories of the recent window.

The stream (:mod:`newsdesk.analyze.stories`) decides each article once, on arrival, and only
joins a story when the article is clearly similar; an event whose first articles arrived far
apart (or in an unlucky order) is then split over several stories. This pass looks at the
members of the recent stories all at once, as an offline clusterer would, and merges stories
whose *average* member-to-member similarity passes :data:`MERGE_SCORE`. It never splits a
story, so the stream's conservative joins bound the precision, and since every pair of members
is compared the result hardly depends on the order the articles came in.

The decision combines, per pair of stories,

* text: mean TF-IDF cosine between their members (average link; IDF of the whole desk now);
* names: mean cosine of the members' name phrases (or entity names), which tells two events of
  the same kind apart (two earthquakes: different places, different people);
* time: the gap between the stories' date ranges (none for undated ones); a gap beyond the
  window forbids the merge, a smaller one lowers the score a little.

Cost: the pass reads a bounded window (at most :data:`MERGE_DOCS` recent articles), so its cost
per run is flat however large the desk grows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import numpy as np
from scipy import sparse

from newsdesk.analyze import vectors

#: most recent articles one merge pass reads
MERGE_DOCS = 1000
#: lowest combined average-link score at which two stories merge (fitted on ECB+ train)
MERGE_SCORE = 0.225
#: lowest score at which a story of one article joins its best match after the agglomeration
ATTACH_SCORE = 0.15
#: rounds of merging over the merged stories, until one merges nothing
MAX_ROUNDS = 5
#: share of the score given to text (the rest to names) when both stories have names
TEXT_SHARE = 0.75
#: how much a date gap at the window's edge lowers the score
TIME_PENALTY = 0.3


@dataclass(frozen=True)
class Member:
    """One article of a recent story, as the merge pass sees it."""

    story_id: int
    tf: Mapping[str, float]
    names: Mapping[str, float]
    published: datetime | None


def _matrix(rows: Sequence[Mapping[str, float]], weights: Mapping[str, float] | None = None) -> sparse.csr_matrix:
    """Row-normalised sparse matrix of ``rows`` (``weights`` multiply each term, e.g. IDF)."""
    vocabulary: dict[str, int] = {}
    data: list[float] = []
    cols: list[int] = []
    indptr = [0]
    for row in rows:
        values = {t: w * (weights.get(t, 1.0) if weights is not None else 1.0) for t, w in row.items()}
        length = vectors.norm(values)
        for term, w in values.items():
            if length and w:
                cols.append(vocabulary.setdefault(term, len(vocabulary)))
                data.append(w / length)
        indptr.append(len(data))
    return sparse.csr_matrix((data, cols, indptr), shape=(len(rows), max(1, len(vocabulary))))


def merge_groups(members: Sequence[Member], idf: Mapping[str, float], window: timedelta, *,
                 threshold: float = MERGE_SCORE, attach: float | None = None) -> list[list[int]]:
    """Groups of story ids to merge (each group of two or more), by average link, repeated on the
    merged stories until a round merges nothing (at most :data:`MAX_ROUNDS`), so that a later
    pass over the same window finds nothing left to merge.

    ``idf`` maps each term to its current inverse document frequency.
    """
    survivor_of: dict[int, int] = {}
    for _round in range(MAX_ROUNDS):
        current = [replace(m, story_id=survivor_of.get(m.story_id, m.story_id)) for m in members]
        groups = _merge_round(current, idf, window, threshold=threshold, attach=attach)
        if not groups:
            break
        for group in groups:  # each group is named by its first (lowest) id in the next round
            for story_id in group:
                survivor_of[story_id] = group[0]
        survivor_of = {s: _root(survivor_of, s) for s in survivor_of}
    merged: dict[int, list[int]] = {}
    for story_id in sorted({m.story_id for m in members}):
        merged.setdefault(_root(survivor_of, story_id), []).append(story_id)
    return [g for g in merged.values() if len(g) > 1]


def _root(survivor_of: Mapping[int, int], story_id: int) -> int:
    while survivor_of.get(story_id, story_id) != story_id:
        story_id = survivor_of[story_id]
    return story_id


def _merge_round(members: Sequence[Member], idf: Mapping[str, float], window: timedelta, *,
                 threshold: float, attach: float | None) -> list[list[int]]:
    """One round of average-link merging over the stories of ``members``."""
    story_ids = sorted({m.story_id for m in members})
    if len(story_ids) < 2:
        return []
    position = {sid: k for k, sid in enumerate(story_ids)}
    k = len(story_ids)
    indicator = sparse.csr_matrix((np.ones(len(members)), ([position[m.story_id] for m in members],
                                                           list(range(len(members))))), shape=(k, len(members)))
    text = _matrix([m.tf for m in members], idf)
    names = _matrix([m.names for m in members])
    has_names = np.asarray((names.getnnz(axis=1) > 0), dtype=float)
    # sums over member pairs, story by story: T[a, b] = sum of cosines between a's and b's members
    text_sum = (indicator @ text) @ (indicator @ text).T
    names_sum = (indicator @ names) @ (indicator @ names).T
    named = indicator @ has_names  # members with names, per story
    sizes = np.asarray(indicator.sum(axis=1)).ravel()
    text_sum = np.asarray(text_sum.todense())
    names_sum = np.asarray(names_sum.todense())
    first, last = _date_ranges(members, position, k)
    alive = np.ones(k, dtype=bool)
    groups: dict[int, list[int]] = {a: [story_ids[a]] for a in range(k)}

    def row_scores(a: int) -> np.ndarray:
        average_text = text_sum[a] / (sizes[a] * sizes)
        pairs_named = named[a] * named
        average_names = np.divide(names_sum[a], pairs_named, out=np.zeros(k), where=pairs_named > 0)
        score = np.where(pairs_named > 0, TEXT_SHARE * average_text + (1 - TEXT_SHARE) * average_names,
                         average_text)
        score = score * _time_factor(a, first, last, window)
        score[~alive] = -1.0
        score[a] = -1.0
        return score

    scores = _all_scores(text_sum, names_sum, sizes, named, first, last, window)
    best = np.argmax(scores, axis=1)  # each story's best match, kept up to date as stories merge
    best_score = scores[np.arange(k), best]

    def join(a: int, b: int) -> None:
        if sizes[b] > sizes[a] or (sizes[b] == sizes[a] and story_ids[b] < story_ids[a]):
            a, b = b, a  # a survives: the larger story (the older one on a tie)
        text_sum[a] += text_sum[b]
        text_sum[:, a] += text_sum[:, b]
        names_sum[a] += names_sum[b]
        names_sum[:, a] += names_sum[:, b]
        sizes[a] += sizes[b]
        named[a] += named[b]
        first[a], last[a] = np.fmin(first[a], first[b]), np.fmax(last[a], last[b])
        alive[b] = False
        groups[a].extend(groups.pop(b))
        scores[b, :] = -1.0
        scores[:, b] = -1.0
        row = row_scores(a)
        scores[a, :] = row
        scores[:, a] = row
        stale = np.flatnonzero(alive & ((best == a) | (best == b)))
        if stale.size:
            best[stale] = np.argmax(scores[stale], axis=1)
            best_score[stale] = scores[stale, best[stale]]
        better = alive & (row > best_score)
        best[better] = a
        best_score[better] = row[better]
        best[a] = int(np.argmax(row))
        best_score[a] = row[best[a]]
        best_score[b] = -1.0

    while True:
        a = int(np.argmax(best_score))
        if best_score[a] < threshold:
            break
        join(a, int(best[a]))
    attach = ATTACH_SCORE if attach is None else attach
    lone = [a for a in range(k) if alive[a] and sizes[a] == 1]
    for a in lone:
        row = np.where(sizes > 1, scores[a], -1.0)
        b = int(np.argmax(row))
        if row[b] >= attach:
            join(b, a)
    return [sorted(g) for g in groups.values() if len(g) > 1]


def _all_scores(text_sum: np.ndarray, names_sum: np.ndarray, sizes: np.ndarray, named: np.ndarray,
                first: np.ndarray, last: np.ndarray, window: timedelta) -> np.ndarray:
    """The score of every pair of stories at once (what ``row_scores`` gives row by row)."""
    average_text = text_sum / np.outer(sizes, sizes)
    pairs_named = np.outer(named, named)
    average_names = np.divide(names_sum, pairs_named, out=np.zeros_like(names_sum), where=pairs_named > 0)
    score = np.where(pairs_named > 0, TEXT_SHARE * average_text + (1 - TEXT_SHARE) * average_names, average_text)
    with np.errstate(invalid="ignore"):
        gap = np.maximum(np.maximum(first[None, :] - last[:, None], first[:, None] - last[None, :]), 0.0)
    span = window.total_seconds()
    factor = 1.0 - TIME_PENALTY * np.minimum(1.0, gap / span) if span else np.ones_like(gap)
    factor = np.where(np.isnan(gap), 1.0, np.where(gap > span, 0.0, factor))
    score = score * factor
    np.fill_diagonal(score, -1.0)
    return score


def _date_ranges(members: Sequence[Member], position: Mapping[int, int], k: int) -> tuple[np.ndarray, np.ndarray]:
    """First and last publication time of each story, as POSIX seconds (NaN when undated)."""
    first = np.full(k, np.nan)
    last = np.full(k, np.nan)
    for m in members:
        if m.published is None:
            continue
        p, t = position[m.story_id], m.published.timestamp()
        first[p] = t if np.isnan(first[p]) else min(first[p], t)
        last[p] = t if np.isnan(last[p]) else max(last[p], t)
    return first, last


def _time_factor(a: int, first: np.ndarray, last: np.ndarray, window: timedelta) -> np.ndarray:
    """Score factor for story ``a`` against every story: 1 when undated or overlapping, lower
    with the gap, 0 beyond the window."""
    with np.errstate(invalid="ignore"):
        gap = np.maximum(np.maximum(first - last[a], first[a] - last), 0.0)
    span = window.total_seconds()
    factor = 1.0 - TIME_PENALTY * np.minimum(1.0, gap / span) if span else np.ones_like(gap)
    factor = np.where(gap > span, 0.0, factor)
    return np.where(np.isnan(gap), 1.0, factor)

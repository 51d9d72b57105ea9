"""Shared text vectorisation: tokens, sparse term vectors, TF-IDF weighting, cosine, name phrases.

Vectors are plain ``dict[str, float]`` (sparse): a news desk compares one new article with a
handful of candidates, so sparse dictionaries beat building matrices. Term weights are
sublinear (``1 + log tf``); inverse document frequencies come from whatever keeps the counts
(an in-memory :class:`DocumentFrequencies` or the database), so the vocabulary can grow as the
stream goes.
"""

from __future__ import annotations

import heapq
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

STOPWORDS = frozenset(ENGLISH_STOP_WORDS) | frozenset({
    "said", "says", "say", "told", "according", "new", "year", "years", "just", "like", "time",
    "people", "week", "day", "today", "yesterday", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "mr", "mrs", "ms", "reported", "report", "reports", "news",
})
_WORD = re.compile(r"[a-z][a-z0-9'\-]*[a-z0-9]|[a-z]", re.UNICODE)
_CAPITALISED = re.compile(r"\b[A-Z][\w'\-]*(?:\s+(?:of|de|the|van|von|al|la|du)?\s*[A-Z][\w'\-]*)*")
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n)([A-Z][\w'\-]*)")

#: a title counts this many times the text's words (headlines carry the topic)
TITLE_WEIGHT = 2


def fold(text: str) -> str:
    """Lower case with accents removed."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


def tokens(text: str) -> list[str]:
    """Content words: lower-cased, accents folded, stop words and numbers dropped."""
    return [w.strip("'-") for w in _WORD.findall(fold(text)) if w not in STOPWORDS and len(w) > 1]


def term_counts(title: str | None, text: str | None) -> Counter[str]:
    """Term counts of a document, the title weighted by :data:`TITLE_WEIGHT`."""
    counts: Counter[str] = Counter(tokens(text or ""))
    for term in tokens(title or ""):
        counts[term] += TITLE_WEIGHT
    return counts


def sublinear(counts: Mapping[str, float]) -> dict[str, float]:
    """``1 + log(tf)`` for every counted term."""
    return {term: 1.0 + math.log(tf) for term, tf in counts.items() if tf > 0}


def idf(df: int, n_docs: int) -> float:
    """Smoothed inverse document frequency (scikit-learn's ``smooth_idf`` formula)."""
    return math.log((1 + n_docs) / (1 + df)) + 1.0


def weigh(tf: Mapping[str, float], dfs: Mapping[str, int], n_docs: int) -> dict[str, float]:
    """TF-IDF weights of a term vector (not normalised)."""
    return {term: w * idf(dfs.get(term, 0), n_docs) for term, w in tf.items()}


def norm(vector: Mapping[str, float]) -> float:
    return math.sqrt(sum(w * w for w in vector.values()))


def normalise(vector: Mapping[str, float]) -> dict[str, float]:
    length = norm(vector)
    return {t: w / length for t, w in vector.items()} if length else {}


def dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    na, nb = norm(a), norm(b)
    return dot(a, b) / (na * nb) if na and nb else 0.0


def top_terms(vector: Mapping[str, float], k: int) -> list[str]:
    """The ``k`` heaviest terms, heaviest first (ties by term, so results are stable)."""
    return [t for t, _ in heapq.nsmallest(k, vector.items(), key=lambda item: (-item[1], item[0]))]


def name_phrases(text: str) -> list[str]:
    """Capitalised phrases ("Betty Ford Center"), lower-cased: a stand-in for named entities.

    Leading stop words are dropped ("The White House" → "white house"); a single capitalised
    word opening a sentence is skipped, since capitals there say nothing.
    """
    starts = {m.start(1) for m in _SENTENCE_START.finditer(text)}
    found: list[str] = []
    for match in _CAPITALISED.finditer(text):
        words = match.group(0).split()
        while words and words[0].lower() in STOPWORDS:
            words = words[1:]
        if not words or (len(words) == 1 and match.start() in starts):
            continue
        phrase = fold(" ".join(words))
        if len(phrase) > 2:
            found.append(phrase)
    return found


class DocumentFrequencies:
    """In-memory document frequencies that grow with the stream."""

    def __init__(self) -> None:
        self.n_docs = 0
        self.df: Counter[str] = Counter()

    def add(self, terms: Iterable[str]) -> None:
        self.n_docs += 1
        self.df.update(set(terms))

    def get(self, terms: Iterable[str]) -> dict[str, int]:
        return {t: self.df.get(t, 0) for t in terms}

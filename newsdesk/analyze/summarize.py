"""Extractive summaries of one article or of a story told by several outlets.

The method (``centrality-v3``) needs no model. Sentences become TF-IDF vectors (light English
stemming when the text is English, character bigrams for CJK, plain words otherwise); each sentence
is scored by a blend of

* **centrality** -- its summed cosine similarity to the other sentences (degree centrality of the
  sentence graph; for long texts the graph is built over the first ``GRAPH_LIMIT`` sentences and the
  rest are scored against the document centroid, so cost stays linear),
* a **lead-position prior** -- news puts the news first,
* **title similarity** when a title is given,

and then chosen greedily with maximal marginal relevance (MMR), so a sentence that repeats one
already chosen is skipped. The result is put back in document order. ``bench/summarization`` shows
how it compares with Lead-3, LexRank and TextRank, and how the weights below were tuned.

For a story (:func:`summarize_articles`) the sentences of all its articles are pooled; near-copies
of an article count once, centrality rewards a sentence that other outlets corroborate, and the
redundancy check runs across articles so one fact is not told twice.

:func:`summarize_article` and :func:`summarize_story` are the store-level entry points that the CLI
and the web call; both cache their results in the ``summaries`` table.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from newsdesk.analyze.datelines import is_credit_line, strip_dateline
from newsdesk.analyze.dedupe import shingles
from newsdesk.analyze.language import analysis_language
from newsdesk.analyze.sentences import split_sentences
from newsdesk.config import Settings
from newsdesk.models import Article, Summary, SummarySentence

#: names the method in cache keys: change it whenever the sentences chosen for a text can change
METHOD = "centrality-v3"
#: sentences that enter the similarity graph; later ones are scored against the centroid
GRAPH_LIMIT = 400
#: weights of the sentence score (tuned on half of CNN/DM REALSumm-100, see bench/summarization)
#: (the grid and its results: bench/summarization/tune.py and RESULTS.md). On CNN/DM the lead prior
#: carries nearly everything; centrality only breaks ties there, but it is what ranks sentences in
#: texts that do not put the news first, and it carries story summaries (cross-outlet corroboration).
POSITION_WEIGHT = 1.0
POSITION_DECAY = 1.0
#: ``forward`` (PACSUM-style: similarity to later sentences minus BACKWARD_WEIGHT x to earlier ones)
#: or ``degree`` (undirected)
CENTRALITY_MODE = "forward"
CENTRALITY_WEIGHT = 0.05
BACKWARD_WEIGHT = 0.5
#: not tuned (the benchmark has no titles); stories use their own, untuned, centrality weight
TITLE_WEIGHT = 0.3
STORY_CENTRALITY_WEIGHT = 0.5
#: MMR: share of relevance against redundancy, and the similarity that counts as a repeat
MMR_LAMBDA = 0.85
REPEAT_SIMILARITY = 0.6
#: sentences shorter than this (in words) are unlikely to carry a fact on their own
MIN_WORDS = 4
#: a line without a full stop (a heading, a caption, a byline) rarely makes a summary sentence
UNTERMINATED_FACTOR = 0.4
#: a sentence this similar to the title only repeats it (the title is shown anyway)
TITLE_REPEAT_SIMILARITY = 0.85
MAX_WORDS = 60
#: in a story, a second sentence from an already quoted article pays this much
SAME_ARTICLE_PENALTY = 0.1
STORY_SENTENCES_PER_ARTICLE = 40
#: at most this many sentences enter a story's (dense) similarity graph, shared among its articles
STORY_POOL_LIMIT = 2000
NEAR_COPY_JACCARD = 0.8
SKETCH_SIZE = 64

_WORD = re.compile(r"\w+", re.UNICODE)
_TERMINATED = re.compile(r"(?:[.!?:;\u2026\u3002\uff01\uff1f])(?:\s*[\"'\u201d\u2019)\]])*\s*$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_STOP = frozenset(ENGLISH_STOP_WORDS) | {"s", "t", "ll", "ve", "re", "d", "m", "said"}


# --- text features -------------------------------------------------------------------------------

def _stem(word: str) -> str:
    """A light English suffix stripper: enough to match "cuts"/"cut", "ruling"/"ruled"."""
    for suffix, keep in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""),
                         ("ly", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: len(word) - len(suffix)] + keep
    return word


def _analyzer(english: bool) -> Any:
    def analyze(sentence: str) -> list[str]:
        tokens: list[str] = []
        for word in _WORD.findall(sentence.lower()):
            if _CJK.search(word):
                tokens.extend(word[i:i + 2] for i in range(max(1, len(word) - 1)))
            elif english:
                if word not in _STOP and not word.isdigit():
                    tokens.append(_stem(word))
            elif len(word) > 1:
                tokens.append(word)
        return tokens

    return analyze


def _vectors(sentences: Sequence[str], extra: Sequence[str] = (), *, english: bool) -> sparse.csr_matrix:
    """L2-normalised TF-IDF rows for ``sentences`` then ``extra`` (e.g. the title)."""
    vectorizer = TfidfVectorizer(analyzer=_analyzer(english), sublinear_tf=True, norm="l2")
    try:
        matrix = vectorizer.fit_transform(list(sentences) + list(extra))
    except ValueError:  # no token at all (numbers or punctuation only)
        matrix = sparse.csr_matrix((len(sentences) + len(extra), 1))
    return sparse.csr_matrix(matrix)


def _centrality(vectors: sparse.csr_matrix) -> np.ndarray:
    """Degree centrality in the cosine graph (first GRAPH_LIMIT rows), centroid cosine after."""
    n = vectors.shape[0]
    scores = np.zeros(n)
    head = vectors[: min(n, GRAPH_LIMIT)]
    if head.shape[0] > 1:
        sims = (head @ head.T).toarray()
        np.fill_diagonal(sims, 0.0)
        if CENTRALITY_MODE == "forward":
            # PACSUM-style directed centrality: a sentence that later ones elaborate on leads
            later = np.triu(sims, 1).sum(axis=1)
            earlier = np.tril(sims, -1).sum(axis=1)
            sims_sum = later - BACKWARD_WEIGHT * earlier
        else:
            sims_sum = sims.sum(axis=1)
        scores[: head.shape[0]] = sims_sum / (head.shape[0] - 1)
    if n > GRAPH_LIMIT:
        centroid = np.asarray(vectors.mean(axis=0)).ravel()
        scores[GRAPH_LIMIT:] = vectors[GRAPH_LIMIT:] @ centroid
    scores = scores - scores.min() if n else scores
    top = scores.max() if n else 0.0
    return scores / top if top > 0 else scores


def _position_prior(positions: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + positions) ** POSITION_DECAY


def _length_factor(sentences: Sequence[str]) -> np.ndarray:
    lengths = np.array([len(s.split()) for s in sentences], dtype=float)
    factor = np.ones(len(sentences))
    factor[lengths < MIN_WORDS] = 0.3
    factor[lengths > MAX_WORDS] = 0.6
    factor[[not any(ch.isalnum() for ch in s) for s in sentences]] = 0.0  # "...", "* * *"
    factor[[not _TERMINATED.search(s) for s in sentences]] *= UNTERMINATED_FACTOR  # headings, captions
    factor[[is_credit_line(s) for s in sentences]] = 0.0  # "By A and B.", "Published 8 October 2026."
    return factor


def _relevance(sentences: Sequence[str], positions: np.ndarray, vectors: sparse.csr_matrix,
               title_vector: sparse.csr_matrix | None, centrality: np.ndarray | None = None,
               centrality_weight: float | None = None) -> np.ndarray:
    cent = _centrality(vectors) if centrality is None else centrality
    weight = CENTRALITY_WEIGHT if centrality_weight is None else centrality_weight
    score = POSITION_WEIGHT * _position_prior(positions) + weight * cent
    if title_vector is not None and title_vector.nnz:
        title_sim = (vectors @ title_vector.T).toarray().ravel()
        score = (score + TITLE_WEIGHT * title_sim) * (title_sim < TITLE_REPEAT_SIMILARITY)
    return score * _length_factor(sentences)


def _mmr(vectors: sparse.csr_matrix, relevance: np.ndarray, limit: int, *, word_counts: np.ndarray,
         word_budget: int | None, group: np.ndarray | None = None) -> list[int]:
    """Greedy MMR over the best candidates; stops at ``limit`` sentences or ``word_budget`` words."""
    order = np.argsort(-relevance, kind="stable")[: max(limit * 20, 60)]
    chosen: list[int] = []
    used_words = 0
    max_sim = np.zeros(len(order))
    candidates = vectors[order]
    penalty = np.zeros(len(order))
    rel = relevance[order]
    alive = rel > 0
    while len(chosen) < limit and alive.any():
        gain = MMR_LAMBDA * rel - (1 - MMR_LAMBDA) * max_sim - penalty
        gain[~alive] = -np.inf
        best = int(np.argmax(gain))
        alive[best] = False
        index = int(order[best])
        if word_budget is not None and chosen and used_words + word_counts[index] > word_budget:
            break  # "about N words": stop rather than pad with whatever short fragment still fits
        chosen.append(index)
        used_words += int(word_counts[index])
        sims = (candidates @ candidates[best].T).toarray().ravel()
        max_sim = np.maximum(max_sim, sims)
        alive &= max_sim < REPEAT_SIMILARITY
        if group is not None:
            penalty[group[order] == group[index]] += SAME_ARTICLE_PENALTY
        if word_budget is not None and used_words >= word_budget:
            break
    return chosen


def _truncate_words(text: str, budget: int) -> str:
    words = text.split()
    return text if len(words) <= budget else " ".join(words[:budget]) + " \u2026"


# --- one text --------------------------------------------------------------------------------------

def _candidate_sentences(text: str) -> list[str]:
    """The text's sentences as a summary may quote them: a leading dateline is not news."""
    return [strip_dateline(sentence) for sentence in split_sentences(text)]


def summarize_text(text: str, *, title: str = "", sentences: int = 3, words: int | None = None,
                   article_id: int | None = None, language: str | None = None) -> Summary:
    """An extractive summary of ``text``: ``sentences`` sentences, or about ``words`` words.

    ``language`` is the one extraction stored on the article (detected from ``text`` when missing);
    English text gets stop words and stemming.
    """
    params: dict[str, Any] = {"sentences": sentences, "words": words}
    parts = _candidate_sentences(text)
    limit = max(1, sentences) if words is None else max(1, len(parts))
    if not parts or (words is not None and words <= 0):
        return Summary([], METHOD, params=params)
    english = analysis_language(text, language) == "en"
    vectors = _vectors(parts, [title] if title.strip() else [], english=english)
    title_vector = vectors[len(parts):] if title.strip() else None
    vectors = vectors[: len(parts)]
    relevance = _relevance(parts, np.arange(len(parts), dtype=float), vectors, title_vector)
    counts = np.array([len(p.split()) for p in parts])
    chosen = sorted(_mmr(vectors, relevance, limit, word_counts=counts, word_budget=words))
    if not chosen:  # every sentence was a heading or the title itself: the first real one will do
        chosen = [i for i, part in enumerate(parts)
                  if any(ch.isalnum() for ch in part) and not is_credit_line(part)][:1]
    picked = [SummarySentence(parts[i], article_id, i) for i in chosen]
    if words is not None and picked and sum(len(s.text.split()) for s in picked) > words:
        picked = [replace(picked[0], text=_truncate_words(picked[0].text, words))]
    return Summary(picked, METHOD, params=params)


# --- several articles ------------------------------------------------------------------------------

def _distinct_articles(articles: Sequence[Article]) -> list[Article]:
    """Drop known duplicates and near-copies (word-shingle Jaccard), keeping the earliest."""
    ids = {a.id for a in articles}
    kept: list[Article] = []
    kept_shingles: list[_Shingles] = []
    for article in sorted(articles, key=_reading_key):
        if article.duplicate_of is not None and article.duplicate_of in ids:
            continue
        if not article.text.strip():
            continue
        own = _Shingles.of(article.text)
        if any(own.near_copy_of(other) for other in kept_shingles):
            continue
        kept.append(article)
        kept_shingles.append(own)
    return kept


@dataclass(frozen=True)
class _Shingles:
    """An article's word shingles plus a bottom-k sketch that rules most pairs out cheaply."""

    items: frozenset[bytes]
    sketch: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> _Shingles:
        items = frozenset(shingles(text))
        return cls(items, tuple(sorted(hash(item) for item in items)[:SKETCH_SIZE]))

    def near_copy_of(self, other: _Shingles) -> bool:
        """Word-shingle Jaccard at or above NEAR_COPY_JACCARD."""
        a, b = self.items, other.items
        if not a or not b or min(len(a), len(b)) < NEAR_COPY_JACCARD * max(len(a), len(b)):
            return False  # sizes too far apart to reach the threshold
        mine, theirs = set(self.sketch), set(other.sketch)
        union = sorted(mine | theirs)[:SKETCH_SIZE]
        estimate = sum(1 for h in union if h in mine and h in theirs) / max(1, len(union))
        if estimate < NEAR_COPY_JACCARD - 0.25:
            return False
        return len(a & b) >= NEAR_COPY_JACCARD * len(a | b)


def _reading_key(article: Article) -> tuple[datetime, int]:
    published = article.published or datetime.max.replace(tzinfo=UTC)
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    return published, article.id


def _story_centrality(vectors: sparse.csr_matrix, group: np.ndarray) -> np.ndarray:
    """Similarity to sentences of *other* articles (corroboration) plus a little within-article."""
    sims = (vectors @ vectors.T).toarray()
    np.fill_diagonal(sims, 0.0)
    same = group[:, None] == group[None, :]
    score = np.where(same, 0.3 * sims, sims).sum(axis=1)
    top = score.max() if len(score) else 0.0
    return score / top if top > 0 else score


def _mostly_english(articles: Sequence[Article]) -> bool:
    """Whether most of the articles are English, by the language each one has stored."""
    codes = [analysis_language(a.text, a.language) for a in articles]
    return 2 * sum(code == "en" for code in codes) > len(codes)


def summarize_articles(articles: Sequence[Article], *, sentences: int = 5) -> Summary:
    """A story summary: sentences chosen across outlets, each fact once, in reading order."""
    params: dict[str, Any] = {"sentences": sentences}
    distinct = _distinct_articles(articles)
    pool: list[str] = []
    owners: list[int] = []
    positions: list[int] = []
    per_article = max(3, min(STORY_SENTENCES_PER_ARTICLE, STORY_POOL_LIMIT // max(1, len(distinct))))
    distinct = distinct[: max(1, STORY_POOL_LIMIT // per_article)]
    for index, article in enumerate(distinct):
        for position, sentence in enumerate(_candidate_sentences(article.text)[:per_article]):
            pool.append(sentence)
            owners.append(index)
            positions.append(position)
    if not pool:
        return Summary([], METHOD, params=params)
    titles = " ".join(a.title for a in distinct if a.title)
    vectors = _vectors(pool, [titles] if titles.strip() else [], english=_mostly_english(distinct))
    title_vector = vectors[len(pool):] if titles.strip() else None
    vectors = vectors[: len(pool)]
    group = np.array(owners)
    centrality = _story_centrality(vectors, group) if len(distinct) > 1 else None
    relevance = _relevance(pool, np.array(positions, dtype=float), vectors, title_vector, centrality,
                           STORY_CENTRALITY_WEIGHT if centrality is not None else None)
    counts = np.array([len(s.split()) for s in pool])
    chosen = _mmr(vectors, relevance, max(1, sentences), word_counts=counts, word_budget=None, group=group)
    chosen.sort(key=lambda i: (owners[i], positions[i]))  # distinct is already in reading order
    picked = [SummarySentence(pool[i], distinct[owners[i]].id, positions[i]) for i in chosen]
    return Summary(picked, METHOD, params=params)


# --- store level (what the CLI and the web call) ---------------------------------------------------

class SummaryStore(Protocol):
    def get_article(self, article_id: int) -> Article: ...
    def get_story_articles(self, story_id: int) -> list[Article]: ...
    def get_story(self, story_id: int) -> Any: ...
    def resolve_story_id(self, story_id: int) -> int: ...
    def get_cached(self, key: str) -> dict[str, Any] | None: ...
    def put_cached(self, key: str, body: dict[str, Any]) -> None: ...


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def _method_tag(settings: Settings, llm: bool) -> str:
    if not llm:
        return METHOD
    return f"{METHOD}+llm-{_digest(settings.llm_base_url, settings.llm_model)}"


def _cached(store: SummaryStore, key: str, compute: Any) -> Summary:
    body = store.get_cached(key)
    if body is not None:
        return Summary.from_json(body)
    summary: Summary = compute()
    if not summary.note:  # a fallback is not the answer asked for: try again next time
        store.put_cached(key, summary.to_json())
    return summary


def summarize_article(store: SummaryStore, article_id: int, settings: Settings, *, sentences: int = 3,
                      words: int | None = None, llm: bool = False) -> Summary:
    """The (cached) summary of stored article ``article_id``; raises NotFoundError if absent."""
    article = store.get_article(article_id)
    version = article.content_hash or _digest(article.title, article.text)
    key = f"article:{article_id}:{_method_tag(settings, llm)}:s{sentences}:w{words or 0}:{version[:16]}"

    def compute() -> Summary:
        summary = summarize_text(article.text, title=article.title, sentences=sentences, words=words,
                                 article_id=article_id, language=article.language)
        if llm:
            from newsdesk.analyze.llm import abstractive_summary

            summary = abstractive_summary(summary, article.text, settings, title=article.title)
        return summary

    return _cached(store, key, compute)


def summarize_story(store: SummaryStore, story_id: int, settings: Settings, *, sentences: int = 5,
                    llm: bool = False) -> Summary:
    """The (cached) summary of story ``story_id``; recomputed when its articles change.

    A merged story is summarized as the story it was merged into; an unknown id raises NotFoundError.
    """
    story_id = store.resolve_story_id(story_id)
    articles = store.get_story_articles(story_id)
    if not articles:
        store.get_story(story_id)  # raises NotFoundError for an unknown id; an empty story is fine
    version = _digest(*sorted(f"{a.id}:{a.content_hash}" for a in articles))
    key = f"story:{story_id}:{_method_tag(settings, llm)}:s{sentences}:n{len(articles)}:{version}"

    def compute() -> Summary:
        summary = summarize_articles(articles, sentences=sentences)
        if llm:
            from newsdesk.analyze.llm import abstractive_summary

            sources = _distinct_articles(articles)[:6]
            text = "\n\n".join(f"{a.outlet or a.url}: {a.title}\n{a.text[:4000]}" for a in sources)
            title = articles[0].title if articles else ""
            summary = abstractive_summary(summary, text, settings, title=title)
        return summary

    return _cached(store, key, compute)


def summarize_article_group(store: SummaryStore, articles: Sequence[Article], *, sentences: int = 2) -> Summary:
    """The (cached) story summary of some of a story's articles (what a digest says about the ones
    that are new); computed once per set of articles and their contents."""
    version = _digest(*sorted(f"{a.id}:{a.content_hash}" for a in articles))
    key = f"articles:{METHOD}:s{sentences}:n{len(articles)}:{version}"
    return _cached(store, key, lambda: summarize_articles(articles, sentences=sentences))


def story_summary_line(store: Any, settings: Settings, story_id: int) -> str:
    """The one line a list of stories shows (web, API and ``newsdesk stories --json`` alike): the
    sentence the summarizer picks from the story's newest original, or that article's excerpt if it
    gives none; ``""`` for a story with no original."""
    newest = store.list_articles(story_id=story_id, include_duplicates=False, limit=1)
    if not newest:
        return ""
    return summarize_article(store, newest[0].id, settings, sentences=1).text or newest[0].excerpt

"""Extractive summaries of one article or of a story told by several outlets.

The method (``learned-v4``) needs no neural model. Sentences become TF-IDF vectors (light English
stemming when the text is English, character bigrams for CJK, plain words otherwise); each sentence
gets a row of features (position, length, centrality in the sentence graph, similarity to the
centroid and to the title, figures, quotes -- :mod:`newsdesk.analyze.sentence_scores`) that a small
linear model, fitted on one fold of a reference set by ``bench/summarization/fit.py`` and shipped as
``data/sentence_weights.json``, turns into a score. Sentences are then chosen greedily with maximal
marginal relevance (MMR), so a sentence that repeats one already chosen is skipped, and put back in
document order. Datelines are cut off and credit lines (bylines, date stamps) are never chosen.
``bench/summarization`` compares it, held out, with Lead-3, LexRank and TextRank.

For a story (:func:`summarize_articles`) the sentences of all its articles are pooled; near-copies
of an article count once, each sentence is scored within its article and gains from corroboration
by the other outlets, at most one sentence is taken per article and the redundancy check runs across
articles, so the result is a dated list of developments in publication order, one fact once.

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

from newsdesk.analyze import sentence_scores
from newsdesk.analyze.datelines import is_boilerplate, is_credit_line, strip_dateline
from newsdesk.analyze.dedupe import shingles
from newsdesk.analyze.language import analysis_language
from newsdesk.analyze.sentence_scores import SentenceModel
from newsdesk.analyze.sentences import split_sentences
from newsdesk.config import Settings
from newsdesk.models import Article, Summary, SummarySentence

#: names the method in cache keys: change it whenever the sentences chosen for a text can change
METHOD = "learned-v4"
#: weights that are not fitted: a story's cross-outlet corroboration and the title-repeat rule
#: (neither is measured by the reference sets, see bench/summarization/RESULTS.md)
STORY_CENTRALITY_WEIGHT = 0.5
#: a story line stands alone (no "the minister" whose name came a sentence earlier): an article's
#: first news sentence is its development, so it gets this bonus (not fitted either)
STORY_LEAD_BONUS = 0.3
#: a line without a full stop (a heading, a caption, a byline) rarely makes a summary sentence
UNTERMINATED_FACTOR = 0.4
#: a sentence this similar to the title only repeats it (the title is shown anyway)
TITLE_REPEAT_SIMILARITY = 0.85
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


def _usable(sentences: Sequence[str]) -> np.ndarray:
    """Rules, not weights: what can never be a summary sentence (0), or rarely is (a heading)."""
    factor = np.ones(len(sentences))
    factor[[not _TERMINATED.search(s) for s in sentences]] = UNTERMINATED_FACTOR  # headings, captions
    factor[[not any(ch.isalnum() for ch in s) for s in sentences]] = 0.0  # "...", "* * *"
    factor[[is_credit_line(s) for s in sentences]] = 0.0  # "By A and B.", "Published 8 October 2026."
    factor[[is_boilerplate(s) for s in sentences]] = 0.0  # "Sign up ...", "(Reporting by A; editing by B)"
    return factor


def sentence_table(sentences: Sequence[str], positions: np.ndarray, vectors: sparse.csr_matrix,
                   title_vector: sparse.csr_matrix | None) -> np.ndarray:
    """The feature rows the scorer reads (``bench/summarization/fit.py`` fits on the same rows)."""
    return sentence_scores.features(sentences, positions, vectors, title_vector)


def _relevance(model: SentenceModel, sentences: Sequence[str], rows: np.ndarray, vectors: sparse.csr_matrix,
               title_vector: sparse.csr_matrix | None, extra: np.ndarray | None = None) -> np.ndarray:
    """The fitted score scaled to 0..1 within the text (plus ``extra``), times the rules above."""
    score = model.scorer.score(rows)
    if len(score):
        spread = float(score.max() - score.min())
        score = 0.05 + 0.95 * (score - score.min()) / spread if spread > 0 else np.ones(len(score))
    if extra is not None:
        score = score + extra
    if title_vector is not None and title_vector.nnz:
        title_sim = (vectors @ title_vector.T).toarray().ravel()
        score = score * (title_sim < TITLE_REPEAT_SIMILARITY)
    return score * _usable(sentences)


def _mmr(model: SentenceModel, vectors: sparse.csr_matrix, relevance: np.ndarray, limit: int, *,
         word_counts: np.ndarray, word_budget: int | None, group: np.ndarray | None = None) -> list[int]:
    """Greedy MMR over the best candidates; stops at ``limit`` sentences or ``word_budget`` words.
    With ``group`` (the article of each sentence), at most one sentence per group is chosen."""
    mmr_lambda, repeat_similarity = model.mmr_lambda, model.repeat_similarity
    order = np.argsort(-relevance, kind="stable")[: max(limit * 20, 60)]
    chosen: list[int] = []
    used_words = 0
    max_sim = np.zeros(len(order))
    candidates = vectors[order]
    rel = relevance[order]
    alive = rel > 0
    while len(chosen) < limit and alive.any():
        gain = mmr_lambda * rel - (1 - mmr_lambda) * max_sim
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
        alive &= max_sim < repeat_similarity
        if group is not None:
            alive &= group[order] != group[index]
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


@dataclass(frozen=True)
class PreparedText:
    """A text cut into candidate sentences, with their vectors and feature rows."""

    sentences: list[str]
    vectors: sparse.csr_matrix
    title_vector: sparse.csr_matrix | None
    rows: np.ndarray


def prepare_text(text: str, *, title: str = "", language: str | None = None) -> PreparedText:
    """What the scorer sees of ``text`` (``bench/summarization/fit.py`` fits on exactly this)."""
    parts = _candidate_sentences(text)
    if not parts:
        return PreparedText([], sparse.csr_matrix((0, 1)), None, np.zeros((0, len(sentence_scores.FEATURES))))
    english = analysis_language(text, language) == "en"
    vectors = _vectors(parts, [title] if title.strip() else [], english=english)
    title_vector = vectors[len(parts):] if title.strip() else None
    vectors = vectors[: len(parts)]
    rows = sentence_table(parts, np.arange(len(parts), dtype=float), vectors, title_vector)
    return PreparedText(parts, vectors, title_vector, rows)


def summarize_text(text: str, *, title: str = "", sentences: int = 3, words: int | None = None,
                   article_id: int | None = None, language: str | None = None,
                   model: SentenceModel | None = None) -> Summary:
    """An extractive summary of ``text``: ``sentences`` sentences, or about ``words`` words.

    ``language`` is the one extraction stored on the article (detected from ``text`` when missing);
    English text gets stop words and stemming. ``model`` defaults to the shipped, fitted one.
    """
    params: dict[str, Any] = {"sentences": sentences, "words": words}
    if words is not None and words <= 0:
        return Summary([], METHOD, params=params)
    prepared = prepare_text(text, title=title, language=language)
    parts = prepared.sentences
    if not parts:
        return Summary([], METHOD, params=params)
    model = model or sentence_scores.shipped_model()
    limit = max(1, sentences) if words is None else max(1, len(parts))
    relevance = _relevance(model, parts, prepared.rows, prepared.vectors, prepared.title_vector)
    counts = np.array([len(p.split()) for p in parts])
    chosen = sorted(_mmr(model, prepared.vectors, relevance, limit, word_counts=counts, word_budget=words))
    if not chosen:  # every sentence was a heading or the title itself: the first real one will do
        chosen = [i for i, part in enumerate(parts)
                  if any(ch.isalnum() for ch in part) and not is_credit_line(part) and not is_boilerplate(part)][:1]
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


def _story_relevance(model: SentenceModel, pool: Sequence[str], owners: np.ndarray, positions: np.ndarray,
                     vectors: sparse.csr_matrix, title_vector: sparse.csr_matrix | None) -> np.ndarray:
    """Each sentence scored within its own article by the fitted model, plus corroboration by the
    story's other articles (``STORY_CENTRALITY_WEIGHT``, not fitted)."""
    relevance = np.zeros(len(pool))
    for owner in np.unique(owners):
        rows = np.flatnonzero(owners == owner)
        own = vectors[rows]
        texts = [pool[int(i)] for i in rows]
        table = sentence_table(texts, positions[rows], own, title_vector)
        relevance[rows] = _relevance(model, texts, table, own, title_vector)
    usable = relevance > 0
    leads = usable & np.r_[True, owners[1:] != owners[:-1]]
    for owner in np.unique(owners):  # the first usable sentence of each article, wherever it stands
        rows = np.flatnonzero((owners == owner) & usable)
        if len(rows):
            leads[rows[0]] = True
    if len(np.unique(owners)) > 1:
        relevance = relevance + STORY_CENTRALITY_WEIGHT * _story_centrality(vectors, owners)
    return (relevance + STORY_LEAD_BONUS * leads) * usable


def summarize_articles(articles: Sequence[Article], *, sentences: int = 5) -> Summary:
    """A story summary: a dated list of developments, at most one sentence per article, each fact
    once, in publication order; each sentence carries its article's id, outlet, URL and date.

    An article that adds nothing new (every candidate repeats a sentence already chosen) gives no
    line: fewer lines rather than padding."""
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
    model = sentence_scores.shipped_model()
    titles = " ".join(a.title for a in distinct if a.title)
    vectors = _vectors(pool, [titles] if titles.strip() else [], english=_mostly_english(distinct))
    title_vector = vectors[len(pool):] if titles.strip() else None
    vectors = vectors[: len(pool)]
    group = np.array(owners)
    relevance = _story_relevance(model, pool, group, np.array(positions, dtype=float), vectors, title_vector)
    counts = np.array([len(s.split()) for s in pool])
    chosen = _mmr(model, vectors, relevance, max(1, sentences), word_counts=counts, word_budget=None,
                  group=group)
    chosen.sort(key=lambda i: (owners[i], positions[i]))  # distinct is already in publication order
    picked = []
    for i in chosen:
        article = distinct[owners[i]]
        picked.append(SummarySentence(pool[i], article.id, positions[i], article.outlet or None,
                                      article.public_url or None, article.published))
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

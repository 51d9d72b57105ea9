"""Related publications: articles about the same thing as a given one, and semantic search.

Lexical, always: the article's heaviest TF-IDF terms become an ``OR`` query to the full-text
index (FTS5 ``bm25()`` on SQLite, ``ts_rank`` on PostgreSQL), which returns at most
``CANDIDATES`` articles however large the library; those are re-ranked by TF-IDF cosine with
the article (document frequencies from the story clusterer's ``term_df`` table, so IDF is the
whole library's; until enough articles are analysed, from the candidates). The full-text rank
only selects candidates: blending it into the score lowered precision on ECB+. With a
sentence-embedding model installed (``newsdesk[semantic]``), the embedding cosine is blended in.

The article itself, its original and all copies of that original are never returned, and
neither is anything scoring under ``MIN_SIMILARITY``: a short list beats one padded with articles
about something else. The threshold was chosen on the ECB+ train topics and is reported on the
dev topics (``bench/related/run.py``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from newsdesk.analyze import embeddings, vectors
from newsdesk.models import Article, RelatedArticle, SearchHit

if TYPE_CHECKING:
    from newsdesk.config import Settings
    from newsdesk.store import Store

QUERY_TERMS = 15
#: a related article must score at least this (TF-IDF cosine, blended with the embedding cosine
#: when a model is installed); chosen on ECB+ train topics, see bench/related/RESULTS.md
MIN_SIMILARITY = 0.14
CANDIDATES = 100
#: share of the embedding cosine when a model is installed
SEMANTIC_SHARE = 0.3
EXCERPT_CHARS = 240
#: originals without a vector embedded by one semantic search (the pipeline should embed the rest)
PENDING_PER_SEARCH = 256
#: below this many analysed articles, ``term_df`` is too thin and IDF comes from the candidates
MIN_LIBRARY_DOCS = 50


def excerpt_of(article: Article) -> str:
    text = (article.excerpt or article.text or "").strip().replace("\n", " ")
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + "…"


def _tfidf(tf: dict[str, float], idfs: dict[str, float]) -> dict[str, float]:
    return vectors.normalise({t: w * idfs[t] for t, w in tf.items()})


class LibraryFrequencies:
    """Document frequencies from ``term_df``, cached per database for a few minutes.

    IDF moves slowly once a library has thousands of articles, and reading the frequencies of a
    few thousand candidate terms is most of a query's cost; a thin library is never cached.
    """

    TTL_SECONDS = 300.0
    MAX_TERMS = 300_000
    _by_url: dict[str, LibraryFrequencies] = {}

    def __init__(self) -> None:
        self.created = time.monotonic()
        self.n_docs = 0
        self.dfs: dict[str, int] = {}

    @classmethod
    def of(cls, store: Store) -> LibraryFrequencies:
        cache = cls._by_url.get(store.url)
        if cache is None or time.monotonic() - cache.created > cls.TTL_SECONDS or len(cache.dfs) > cls.MAX_TERMS \
                or cache.n_docs < MIN_LIBRARY_DOCS:
            cache = cls._by_url[store.url] = cls()
        return cache

    def lookup(self, store: Store, terms: Iterable[str]) -> tuple[dict[str, int], int]:
        terms = set(terms)
        missing = [t for t in terms if t not in self.dfs]
        if missing or not self.n_docs:
            found, self.n_docs = store.read_term_frequencies(missing)
            self.dfs.update({t: found.get(t[:100], 0) for t in missing})
        return {t: self.dfs[t] for t in terms}, self.n_docs


def lexical_scores(store: Store, article: Article, exclude: set[int], *,
                   candidates: int = CANDIDATES) -> tuple[dict[int, float], list[Article]]:
    """(score per candidate id, candidate articles) from the full-text index and TF-IDF cosine."""
    tf = vectors.sublinear(vectors.term_counts(article.title, article.text))
    if not tf:
        return {}, []
    library = LibraryFrequencies.of(store)
    dfs, n_docs = library.lookup(store, tf)
    query = vectors.top_terms(vectors.weigh(tf, dfs, n_docs), QUERY_TERMS)
    hits = store.lexical_candidates(query, limit=candidates, exclude=sorted(exclude | {article.id}))
    if not hits:
        return {}, []
    found = store.get_articles([i for i, _ in hits])
    tfs = {a.id: vectors.sublinear(vectors.term_counts(a.title, a.text)) for a in found}
    if n_docs >= MIN_LIBRARY_DOCS:
        all_dfs, n_docs = library.lookup(store, set(tf).union(*tfs.values()))
    else:  # stories not analysed yet: estimate IDF from the candidates
        local = vectors.DocumentFrequencies()
        for terms in [tf, *tfs.values()]:
            local.add(terms)
        all_dfs, n_docs = dict(local.df), local.n_docs
    idfs = {t: vectors.idf(all_dfs.get(t, 0), n_docs) for t in set(tf).union(*tfs.values())}
    mine = _tfidf(tf, idfs)
    scores = {a.id: vectors.dot(mine, _tfidf(tfs[a.id], idfs)) for a in found}
    return scores, found


def related_articles(store: Store, article_id: int, settings: Settings, *, limit: int = 10,
                     min_score: float = MIN_SIMILARITY) -> list[RelatedArticle]:
    """Articles most related to ``article_id`` and scoring at least ``min_score``, best first; empty
    for an article without words or without any article close enough."""
    article = store.get_article(article_id)
    exclude = store.copies_and_original(article_id) | {article_id}
    scores, found = lexical_scores(store, article, exclude)
    if not scores:
        return []
    embedder = embeddings.load_embedder(settings)
    if embedder is not None:
        scores = _blend_semantic(store, embedder, article_id, scores)
    by_id = {a.id: a for a in found}
    ranked = [i for i in sorted(scores, key=lambda i: (-scores[i], i)) if scores[i] >= min_score][:limit]
    return [RelatedArticle(i, by_id[i].title, by_id[i].outlet, by_id[i].published, scores[i],
                           excerpt_of(by_id[i])) for i in ranked]


def _blend_semantic(store: Store, embedder: embeddings.Embedder, article_id: int,
                    scores: dict[int, float]) -> dict[int, float]:
    ids = [article_id, *scores]
    vecs = embeddings.article_vectors(store, embedder, ids)
    mine = vecs[article_id]
    return {i: (1 - SEMANTIC_SHARE) * s + SEMANTIC_SHARE * float(np.dot(mine, vecs[i]))
            for i, s in scores.items()}


def semantic_search(store: Store, query: str, settings: Settings, *, limit: int = 20) -> list[SearchHit]:
    """Articles closest in meaning to ``query`` (needs an embedding model, else ModelUnavailableError).

    Originals without a vector yet get one first, ``PENDING_PER_SEARCH`` per call; the analysis
    pipeline should call :func:`newsdesk.analyze.embeddings.embed_article` so none are pending.
    """
    embedder = embeddings.require_embedder(settings)
    embeddings.embed_pending(store, settings, limit=PENDING_PER_SEARCH)
    target = embedder.encode([query])[0]
    nearest = store.nearest_embeddings(embedder.name, embeddings.to_bytes(target), limit)  # pgvector, if there
    best: list[tuple[float, int]] = [(s, i) for i, s in nearest] if nearest is not None else []
    for batch in store.iter_embeddings(embedder.name) if nearest is None else ():
        ids = np.array([i for i, _ in batch])
        matrix = np.vstack([embeddings.from_bytes(b) for _, b in batch])
        sims = matrix @ target
        top = np.argsort(-sims)[:limit]
        best.extend((float(sims[k]), int(ids[k])) for k in top)
    best = sorted(best, key=lambda pair: (-pair[0], pair[1]))[:limit]
    found = {a.id: a for a in store.get_articles([i for _, i in best])}
    return [SearchHit(article_id=i, title=found[i].title, outlet=found[i].outlet, published=found[i].published,
                      snippet=excerpt_of(found[i]), score=s) for s, i in best if i in found]


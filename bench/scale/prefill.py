"""Fill a store quickly with the first N articles of a corpus, as if they had been ingested and analysed.

Articles go in through the store's own write methods, in batches, skipping fetching, extraction
and the NLP models (as bench/web/generate.py does), but with everything a *new* article's ingest
and analysis reads or writes at scale: the full-text index, MinHash fingerprints and LSH buckets
(near-copy search), duplicate links for the syndicated copies, one story per storyline with its
clusterer state (centroid, inverted index ``story_terms``, document frequencies ``term_df``),
and ``analyzed_at`` set. Not filled: the entity and key-phrase tables (they grow only with the
articles analysed for real), embeddings.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.scale.generate import ArticleSpec, Corpus  # noqa: E402
from newsdesk.analyze import vectors  # noqa: E402
from newsdesk.analyze.dedupe import Fingerprint  # noqa: E402
from newsdesk.analyze.stories import INDEX_TERMS, StoryState, _absorb, _Doc, _new_state  # noqa: E402
from newsdesk.models import ExtractedArticle  # noqa: E402
from newsdesk.store import Store  # noqa: E402

#: every stored size is a prefix of one stream, the world of a 1M-article corpus (2,739 a day)
STREAM_SIZE = 1_000_000


def prefill(store: Store, corpus: Corpus, specs: Iterable[ArticleSpec], *, base: str, batch: int = 400,
            threshold: float = 0.7) -> int:
    """Write ``specs`` into ``store``; returns how many. ``base`` starts their URLs (as served later)."""
    ids: dict[int, int] = {}  # corpus id → article id
    states: dict[int, StoryState] = {}
    members: dict[int, list[int]] = {}
    titles: dict[int, str] = {}
    done, began = 0, time.monotonic()
    chunk: list[ArticleSpec] = []
    for spec in specs:
        chunk.append(spec)
        if len(chunk) >= batch:
            done += _write_batch(store, corpus, chunk, base, ids, states, members, titles, threshold)
            chunk = []
            if done % (batch * 25) == 0:
                print(f"  prefill {done:>8} articles ({done / (time.monotonic() - began):,.0f}/s)", flush=True)
    if chunk:
        done += _write_batch(store, corpus, chunk, base, ids, states, members, titles, threshold)
    _write_stories(store, states, members, titles)
    print(f"  prefilled {done} articles, {len(states)} stories in {time.monotonic() - began:.0f} s", flush=True)
    return done


def _write_batch(store: Store, corpus: Corpus, chunk: list[ArticleSpec], base: str, ids: dict[int, int],
                 states: dict[int, StoryState], members: dict[int, list[int]], titles: dict[int, str],
                 threshold: float) -> int:
    new_ids: list[int] = []
    with store.transaction() as conn:
        for spec in chunk:
            text = corpus.text(spec)
            url = base + spec.path
            extracted = ExtractedArticle(url=url, title=text.title, author=spec.byline, published=spec.published,
                                         outlet=spec.outlet.name, language="en", canonical_url=url,
                                         text=text.text, excerpt=text.text[:240])
            fingerprint = Fingerprint.of(text.text, threshold)
            article_id = store.save_article(conn, extracted, canonical_url=url,
                                            content_hash=fingerprint.content_hash,
                                            domain=urlsplit(url).netloc).id
            store.save_fingerprint(conn, article_id, fingerprint.signature, fingerprint.buckets)
            ids[spec.id] = article_id
            new_ids.append(article_id)
            if spec.original is not None and spec.original in ids:
                kind = "exact" if spec.kind == "exact" else "near"
                store.link_duplicate(conn, article_id, ids[spec.original], kind, 1.0 if kind == "exact" else 0.8)
                continue
            tf = vectors.sublinear(vectors.term_counts(text.title, text.text))
            store.count_terms(conn, list(tf))
            doc = _Doc(tf, {}, {vectors.fold(n): 1.0 for n in spec.storyline.names[:2]}, spec.published)
            state = states.get(spec.storyline.id)
            if state is None:
                states[spec.storyline.id] = _new_state(doc)
                titles[spec.storyline.id] = text.title
            else:
                _absorb(state, doc)
            members.setdefault(spec.storyline.id, []).append(article_id)
    for article_id in new_ids:
        store.mark_analyzed(article_id)
    return len(chunk)


def _write_stories(store: Store, states: dict[int, StoryState], members: dict[int, list[int]],
                   titles: dict[int, str]) -> None:
    items = list(states.items())
    for start in range(0, len(items), 200):
        with store.transaction() as conn:
            n_docs = store.document_count(conn)
            for storyline, state in items[start:start + 200]:
                dfs = store.term_frequencies(conn, state.terms)
                index_terms = vectors.top_terms(vectors.weigh(state.terms, dfs, n_docs), INDEX_TERMS)
                story_id = store.create_story(conn, title=titles[storyline], size=state.size,
                                              centroid=state.to_bytes(), first_seen=state.first_seen,
                                              last_seen=state.last_seen)
                store.file_story(conn, story_id, index_terms)
                for article_id in members[storyline]:
                    store.set_article_story(conn, article_id, story_id)


def prefilled_specs(corpus: Corpus, stored: int) -> Iterable[ArticleSpec]:
    """The first ``stored`` articles of the stream (the ones after them are the "new" ones)."""
    return itertools.islice(corpus.articles(), stored)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--stored", type=int, required=True)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--base", default="https://scale.example", help="URL prefix of the stored articles")
    options = parser.parse_args()
    store = Store(options.database_url)
    if store.count_articles():
        raise SystemExit(f"{options.database_url} is not empty")
    corpus = Corpus(STREAM_SIZE, options.seed)
    prefill(store, corpus, prefilled_specs(corpus, options.stored), base=options.base)
    store.close()


if __name__ == "__main__":
    main()

"""Fill a store quickly with the first N articles of a corpus, as if they had been ingested and analysed.

    .venv/bin/python bench/scale/prefill.py sqlite:////tmp/stored.db --stored 100000
    .venv/bin/python bench/scale/prefill.py postgresql://postgres@127.0.0.1:5432/DB --stored 1000000

Skips fetching, extraction and the NLP models (as bench/web/generate.py does), but writes into the
real, migrated schema everything a *new* article's ingest and analysis reads at scale:

* ``articles`` (canonical URL, content hash, outlet, ``story_id``, ``analyzed_at`` set) and so the
  full-text index — SQLite's ``articles_fts`` through the schema's own insert trigger, PostgreSQL's
  generated ``search_vector`` column;
* ``minhashes`` and ``lsh_buckets`` from :class:`newsdesk.analyze.dedupe.Fingerprint` (the
  product's fingerprint, so a new copy finds its stored original through the same buckets);
* ``duplicate_links`` for the syndicated copies (the generator's gold: exact copies 1.0, rewrites
  0.8), the copies filed in their original's story as ``set_article_story`` would;
* one story per storyline with its clusterer state, built with the clusterer's own ``_absorb``
  (centroid, size, dates), its inverted index ``story_terms`` (the top ``INDEX_TERMS`` by TF-IDF,
  as the clusterer files a story) and the document frequencies ``term_df`` (the clusterer's term
  vectors, :mod:`newsdesk.analyze.vectors`, one count per original plus the document count).

Not filled: the entity and key-phrase tables (they grow only with the articles analysed for real),
embeddings, article versions.

**How it is fast.** The per-article work (text, fingerprint, term vector: ~2 ms of Python) runs in
``--jobs`` processes; the parent writes batches of ``--batch`` articles in one transaction each.
Outlets go through the store's ``_outlet_id`` (once per outlet); everything else is written in
bulk — ``executemany`` on SQLite (SQLAlchemy Core inserts on the schema's tables, so types and
column names are the schema's), ``COPY … FROM STDIN`` on PostgreSQL — rather than through the
one-row store methods (``save_article``, ``save_fingerprint``, ``link_duplicate``,
``count_terms``, ``create_story``, ``file_story``, ``set_article_story``, ``mark_analyzed``), which
cost one to five statements per article. Ids are given explicitly (the store must be empty) so
articles can carry their story from the first write: a story row is created when its storyline
first appears and its clusterer state is written once the storyline has been quiet for
``QUIET_DAYS`` of stream time (or at the end). ``term_df`` is counted in memory and written at the
end. On PostgreSQL the id sequences are moved past the ids written and ``ANALYZE`` runs, as
``newsdesk db copy`` does after a bulk copy.
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import os
import sys
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import Connection, Table, bindparam, insert, text, update  # noqa: E402

from bench.scale.generate import ArticleSpec, Corpus  # noqa: E402
from newsdesk.analyze import vectors  # noqa: E402
from newsdesk.analyze.dedupe import Fingerprint  # noqa: E402
from newsdesk.analyze.stories import INDEX_TERMS, StoryState, _absorb, _Doc, _new_state  # noqa: E402
from newsdesk.store import Store  # noqa: E402
from newsdesk.store.database import utcnow  # noqa: E402
from newsdesk.store.schema import (  # noqa: E402
    articles,
    duplicate_links,
    lsh_buckets,
    minhashes,
    stories,
    story_terms,
    term_df,
)
from newsdesk.store.stories import DOC_COUNT_TERM, _clip  # noqa: E402

#: every stored size is a prefix of one stream, the world of a 1M-article corpus (2,739 a day)
STREAM_SIZE = 1_000_000
#: a storyline without a new article for this long (stream time) is final: its story is written
QUIET_DAYS = 60
THRESHOLD = 0.7


@dataclass(frozen=True)
class Record:
    """One article as computed by a worker process (picklable, no corpus objects)."""

    corpus_id: int
    path: str
    title: str
    author: str
    published: datetime
    outlet: str
    storyline: int
    names: tuple[str, ...]
    original: int | None
    kind: str
    text: str
    content_hash: str
    signature: bytes
    buckets: list[tuple[int, int]]
    tf: dict[str, float] | None  # originals only


# ------------------------------------------------------------------------------------------------
# the per-article work, in worker processes

_corpus: Corpus | None = None
_stream: Iterator[ArticleSpec] | None = None
_position = 0


def _worker_init(seed: int) -> None:
    global _corpus, _stream, _position
    _corpus = Corpus(STREAM_SIZE, seed)
    _stream, _position = _corpus.articles(), 0


def _records(span: tuple[int, int]) -> list[Record]:
    """Records for stream positions [start, end); a worker's spans come in increasing order."""
    global _position
    start, end = span
    assert _corpus is not None and _stream is not None and start >= _position
    specs = list(itertools.islice(_stream, start - _position, end - _position))
    _position = end
    out = []
    for spec in specs:
        body = _corpus.text(spec)
        fingerprint = Fingerprint.of(body.text, THRESHOLD)
        tf = None if spec.original is not None else vectors.sublinear(vectors.term_counts(body.title, body.text))
        out.append(Record(spec.id, spec.path, body.title, spec.byline, spec.published, spec.outlet.name,
                          spec.storyline.id, tuple(spec.storyline.names[:2]), spec.original, spec.kind,
                          body.text, fingerprint.content_hash, fingerprint.signature.astype("<u8").tobytes(),
                          fingerprint.buckets, tf))
    return out


def compute(stored: int, seed: int, batch: int, jobs: int) -> Iterator[list[Record]]:
    """Batches of records for the first ``stored`` articles of the stream, in stream order."""
    spans = [(start, min(stored, start + batch)) for start in range(0, stored, batch)]
    if jobs <= 1:
        _worker_init(seed)
        yield from map(_records, spans)
        return
    # fork: the children share the parent's imports. Spans are handed out in order, at most two per
    # process ahead of the writer (Pool.imap would run ahead without bound and hold every batch the
    # writer has not taken yet in memory), so each worker's spans are increasing.
    with multiprocessing.get_context("fork").Pool(jobs, _worker_init, (seed,)) as pool:
        pending: deque[AsyncResult[list[Record]]] = deque()
        for span in spans:
            pending.append(pool.apply_async(_records, (span,)))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


# ------------------------------------------------------------------------------------------------
# bulk writes


def bulk_insert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` into ``table``: ``COPY`` on PostgreSQL, one ``executemany`` on SQLite."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), list(rows))
        return
    names = list(rows[0])
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[n] for n in names])


class Prefill:
    """The writer: ids, stories and document frequencies of one prefill run."""

    def __init__(self, store: Store, base: str) -> None:
        self.store, self.base, self.domain = store, base, urlsplit(base).netloc
        self.article_ids: dict[int, int] = {}  # corpus id → article id
        self.story_ids: dict[int, int] = {}  # storyline → story id
        self.states: dict[int, StoryState] = {}  # storylines still open
        self.finished: set[int] = set()
        self.outlets: dict[str, int | None] = {}
        self.df: Counter[str] = Counter()
        self.documents = 0
        self.next_article = self.next_story = 1
        self.written = 0

    def write_batch(self, records: list[Record]) -> None:
        now = utcnow()
        new_stories, rows, prints, buckets, links = [], [], [], [], []
        with self.store.transaction() as conn:
            for r in records:
                if r.outlet not in self.outlets:
                    self.outlets[r.outlet] = self.store._outlet_id(conn, r.outlet, self.domain)
                if r.storyline not in self.story_ids:
                    self.story_ids[r.storyline] = self.next_story
                    new_stories.append({"id": self.next_story, "title": r.title, "size": 0, "centroid": None,
                                        "first_seen": r.published, "last_seen": r.published,
                                        "created_at": now, "updated_at": now})
                    self.next_story += 1
                article_id = self.next_article
                self.next_article += 1
                self.article_ids[r.corpus_id] = article_id
                url = self.base + r.path
                rows.append({"id": article_id, "url": url, "canonical_url": url, "title": r.title,
                             "author": r.author, "published": r.published, "outlet_id": self.outlets[r.outlet],
                             "language": "en", "text": r.text, "excerpt": r.text[:240], "status": "ok",
                             "kind": "html", "content_hash": r.content_hash, "first_seen": now,
                             "updated_at": now, "feed_id": None, "story_id": self.story_ids[r.storyline],
                             "analyzed_at": now})
                prints.append({"article_id": article_id, "signature": r.signature})
                buckets += [{"article_id": article_id, "band": band, "bucket": bucket} for band, bucket in r.buckets]
                if r.original is not None and r.original in self.article_ids:
                    exact = r.kind == "exact"
                    links.append({"article_id": article_id, "original_id": self.article_ids[r.original],
                                  "kind": "exact" if exact else "near", "similarity": 1.0 if exact else 0.8})
                    continue
                self._absorb(conn, r)
            bulk_insert(conn, stories, new_stories)
            bulk_insert(conn, articles, rows)
            bulk_insert(conn, minhashes, prints)
            bulk_insert(conn, lsh_buckets, buckets)
            bulk_insert(conn, duplicate_links, links)
            self._write_stories(conn, self._quiet(records[-1].published))
        self.written += len(records)

    def _absorb(self, conn: Connection, r: Record) -> None:
        assert r.tf is not None
        tf = r.tf
        self.df.update(_clip(tf))
        self.documents += 1
        doc = _Doc(tf, {}, {vectors.fold(n): 1.0 for n in r.names}, r.published)
        state = self.states.get(r.storyline)
        if state is None and r.storyline in self.finished:  # quiet, then back: continue from the stored state
            story_id = self.story_ids[r.storyline]
            row = self.store.story_states(conn, [story_id])[0]
            state = StoryState.from_bytes(story_id, row.centroid, size=row.size, first_seen=row.first_seen,
                                          last_seen=row.last_seen)
            self.states[r.storyline] = state
            self.finished.discard(r.storyline)
        if state is None:
            self.states[r.storyline] = _new_state(doc)
        else:
            _absorb(state, doc)

    def _quiet(self, now: datetime | None) -> list[int]:
        if now is None:
            return []
        cutoff = now - timedelta(days=QUIET_DAYS)
        return [s for s, state in self.states.items() if state.last_seen is not None and state.last_seen < cutoff]

    def _write_stories(self, conn: Connection, storylines: Iterable[int]) -> None:
        """Write the clusterer state of ``storylines`` (centroid, size, dates, index terms) and let them go."""
        now = utcnow()
        changes, terms = [], []
        for storyline in list(storylines):
            state = self.states.pop(storyline)
            self.finished.add(storyline)
            story_id = self.story_ids[storyline]
            weights = vectors.weigh(state.terms, self.df, self.documents)
            changes.append({"sid": story_id, "size": state.size, "centroid": state.to_bytes(),
                            "first_seen": state.first_seen, "last_seen": state.last_seen, "updated_at": now})
            terms += [{"story_id": story_id, "term": t} for t in _clip(vectors.top_terms(weights, INDEX_TERMS))]
        if changes:
            conn.execute(update(stories).where(stories.c.id == bindparam("sid")).values(
                size=bindparam("size"), centroid=bindparam("centroid"), first_seen=bindparam("first_seen"),
                last_seen=bindparam("last_seen"), updated_at=bindparam("updated_at")), changes)
            conn.execute(story_terms.delete().where(story_terms.c.story_id.in_([c["sid"] for c in changes])))
        bulk_insert(conn, story_terms, terms)

    def finish(self) -> None:
        with self.store.transaction() as conn:
            self._write_stories(conn, list(self.states))
            counts = [{"term": DOC_COUNT_TERM, "df": self.documents}] + [
                {"term": t, "df": n} for t, n in self.df.items()]
            bulk_insert(conn, term_df, counts)
            if conn.dialect.name == "postgresql":
                for table in ("articles", "stories"):
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                      f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"))
        if self.store.dialect == "postgresql":
            with self.store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))


def prefill(store: Store, stored: int, *, seed: int = 11, base: str, batch: int = 2000,
            jobs: int = 0) -> int:
    """Write the first ``stored`` articles of the stream into the empty ``store``; returns how many.
    ``base`` starts their URLs; ``jobs`` processes compute the articles (0: one per CPU)."""
    if store.count_articles():
        raise SystemExit(f"{store.url} is not empty")
    jobs = jobs or (os.cpu_count() or 1)
    writer = Prefill(store, base)
    began = time.monotonic()
    report = began
    for records in compute(stored, seed, batch, jobs):
        writer.write_batch(records)
        if time.monotonic() - report > 15:
            report = time.monotonic()
            print(f"  prefill {writer.written:>8} articles ({writer.written / (report - began):,.0f}/s)", flush=True)
    writer.finish()
    print(f"  prefilled {writer.written} articles, {len(writer.story_ids)} stories in "
          f"{time.monotonic() - began:.0f} s ({writer.written / (time.monotonic() - began):,.0f}/s, "
          f"{jobs} processes)", flush=True)
    return writer.written


def prefilled_specs(corpus: Corpus, stored: int) -> Iterable[ArticleSpec]:
    """The first ``stored`` articles of the stream (the ones after them are the "new" ones)."""
    return itertools.islice(corpus.articles(), stored)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--stored", type=int, required=True)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--base", default="https://scale.example", help="URL prefix of the stored articles")
    parser.add_argument("--batch", type=int, default=2000, help="articles per write transaction")
    parser.add_argument("--jobs", type=int, default=0, help="processes computing the articles (0: one per CPU)")
    options = parser.parse_args()
    store = Store(options.database_url)
    try:
        prefill(store, options.stored, seed=options.seed, base=options.base, batch=options.batch,
                jobs=options.jobs)
    finally:
        store.close()


if __name__ == "__main__":
    main()

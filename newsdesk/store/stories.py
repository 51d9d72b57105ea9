"""Queries for stories, the story clusterer's index, related-article candidates and embeddings.

* Story rows (``stories``) carry title, dates, size and the clusterer's centroid blob; a story
  merged into another keeps its row with ``merged_into`` pointing at the survivor.
* The clusterer's inverted index (``story_terms``) and document frequencies (``term_df``) are
  read and written inside the caller's transaction (methods taking ``conn``), so one article's
  assignment is all-or-nothing; the caller takes ``lock(conn, "stories")`` first, so two
  processes assigning articles of one story at once see each other's story.
* :meth:`StoryQueries.get_story_articles` returns originals *and* their duplicates, ordered by
  publication date; duplicates have ``duplicate_of`` set (the flag to fold them).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, delete, func, insert, literal, or_, select, text, union, update

from newsdesk.errors import NotFoundError
from newsdesk.models import Article
from newsdesk.store.articles import _article_select, row_to_article
from newsdesk.store.database import Database, as_utc, is_row_id, is_storable, upsert, utcnow
from newsdesk.store.entities import touch_article_entities
from newsdesk.store.schema import (
    article_entities,
    articles,
    duplicate_links,
    embeddings,
    outlets,
    stories,
    story_digests,
    story_terms,
    term_df,
    watchlists,
)

#: the ``term_df`` row counting analysed articles
DOC_COUNT_TERM = ""
MAX_TERM_LENGTH = 100


@dataclass
class StoryRecord:
    """A story row plus the outlets that cover it."""

    id: int
    title: str
    size: int
    first_seen: datetime | None
    last_seen: datetime | None
    merged_into: int | None = None
    outlets: list[str] = field(default_factory=list)


@dataclass
class StoryStateRow:
    """What the clusterer needs of a story: its centroid blob, size and dates."""

    id: int
    centroid: bytes | None
    size: int
    first_seen: datetime | None
    last_seen: datetime | None


@dataclass
class StoryMemberRow:
    """One article of a live story, as the merge pass reads it."""

    article_id: int
    story_id: int
    title: str
    text: str
    published: datetime | None


def _record(row: Any) -> StoryRecord:
    return StoryRecord(id=row.id, title=row.title, size=row.size, first_seen=as_utc(row.first_seen),
                       last_seen=as_utc(row.last_seen), merged_into=row.merged_into)


def _vector_literal(blob: bytes) -> str:
    """pgvector's text form ``[x,y,…]`` of a little-endian float32 blob."""
    return "[" + ",".join(f"{x:.7g}" for x in np.frombuffer(blob, dtype="<f4")) + "]"


def _clip(terms: Iterable[str]) -> list[str]:
    return sorted({t[:MAX_TERM_LENGTH] for t in terms if t})


class StoryQueries(Database):
    """Stories and everything the story clusterer and related search keep."""

    # --- story rows ----------------------------------------------------------------------
    def get_story(self, story_id: int) -> StoryRecord:
        """The story row (a merged story too: ``merged_into`` then names the survivor)."""
        with self.read() as conn:
            row = conn.execute(select(stories).where(stories.c.id == story_id)).first() if is_row_id(story_id) else None
            if row is None:
                raise NotFoundError(f"no story with id {story_id}", source=f"story {story_id}")
            record = _record(row)
            record.outlets = self._story_outlets(conn, [story_id]).get(story_id, [])
        return record

    def resolve_story_id(self, story_id: int) -> int:
        """Follow ``merged_into`` links to the surviving story."""
        with self.read() as conn:
            return self.resolve_story(conn, story_id)

    def resolve_story(self, conn: Connection, story_id: int) -> int:
        seen = {story_id}
        while True:
            nxt = conn.execute(select(stories.c.merged_into).where(stories.c.id == story_id)).scalar()
            if nxt is None or nxt in seen:
                return story_id
            seen.add(nxt)
            story_id = int(nxt)

    def _member_condition(self, story_id: int) -> Any:
        """The story's articles and the copies of them, as one ``id IN (… UNION …)``: both halves
        are index lookups (``story_id``, then ``duplicate_links.original_id``), where
        ``story_id = … OR id IN …`` made PostgreSQL scan every article."""
        originals = select(articles.c.id).where(articles.c.story_id == story_id)
        copies = select(duplicate_links.c.article_id).where(duplicate_links.c.original_id.in_(originals))
        return articles.c.id.in_(union(originals, copies))

    def get_story_articles(self, story_id: int) -> list[Article]:
        """The story's articles, oldest first, duplicates included (``duplicate_of`` set)."""
        when = func.coalesce(articles.c.published, articles.c.first_seen)
        query = _article_select().where(self._member_condition(story_id)).order_by(when, articles.c.id)
        with self.read() as conn:
            return [row_to_article(row) for row in conn.execute(query)]

    def list_stories(self, *, since: datetime | None = None, until: datetime | None = None,
                     outlet: str | None = None, language: str | None = None, entity_id: int | None = None,
                     limit: int = 50, offset: int = 0, min_size: int = 1) -> list[StoryRecord]:
        """Live (not merged) stories, most recently active first, filtered before paging: active on or
        after ``since``, begun by ``until``, with an article from ``outlet``, in ``language`` or
        mentioning the entity ``entity_id``."""
        query = select(stories).where(stories.c.merged_into.is_(None), stories.c.size >= min_size)
        if since is not None:
            query = query.where(stories.c.last_seen >= since)
        if until is not None:
            query = query.where(or_(stories.c.first_seen.is_(None), stories.c.first_seen <= until))
        if (outlet and not is_storable(outlet)) or (language and not is_storable(language)):
            return []
        if outlet:
            covering = (select(articles.c.story_id)
                        .join(outlets, outlets.c.id == articles.c.outlet_id).where(outlets.c.name == outlet))
            query = query.where(stories.c.id.in_(covering))
        if language:
            query = query.where(stories.c.id.in_(select(articles.c.story_id).where(articles.c.language == language)))
        if entity_id is not None:
            mentioning = (select(articles.c.story_id)
                          .join(article_entities, article_entities.c.article_id == articles.c.id)
                          .where(article_entities.c.entity_id == entity_id))
            query = query.where(stories.c.id.in_(mentioning))
        query = query.order_by(stories.c.last_seen.desc().nulls_last(), stories.c.id.desc())
        with self.read() as conn:
            records = [_record(r) for r in conn.execute(query.limit(limit).offset(offset))]
            by_story = self._story_outlets(conn, [r.id for r in records])
        for record in records:
            record.outlets = by_story.get(record.id, [])
        return records

    def recent_story_counts(self, story_ids: Sequence[int], *, since: datetime) -> dict[int, int]:
        """Originals of each listed story published (or first seen) on or after ``since``: one
        grouped count over those stories' articles."""
        if not story_ids:
            return {}
        when = func.coalesce(articles.c.published, articles.c.first_seen)
        query = (select(articles.c.story_id, func.count().label("n"))
                 .outerjoin(duplicate_links, duplicate_links.c.article_id == articles.c.id)
                 .where(articles.c.story_id.in_(list(story_ids)), duplicate_links.c.article_id.is_(None),
                        when >= since)
                 .group_by(articles.c.story_id))
        with self.read() as conn:
            return {int(r.story_id): int(r.n) for r in conn.execute(query)}

    def count_stories(self) -> int:
        with self.read() as conn:
            return int(conn.execute(select(func.count()).select_from(stories)
                                    .where(stories.c.merged_into.is_(None))).scalar() or 0)

    def _story_outlets(self, conn: Connection, story_ids: Sequence[int]) -> dict[int, list[str]]:
        if not story_ids:
            return {}
        rows = conn.execute(
            select(articles.c.story_id, outlets.c.name).distinct()
            .join(outlets, outlets.c.id == articles.c.outlet_id)
            .where(articles.c.story_id.in_(list(story_ids))).order_by(outlets.c.name))
        found: dict[int, list[str]] = {}
        for row in rows:
            found.setdefault(int(row.story_id), []).append(row.name)
        return found

    def article_story_id(self, conn: Connection, article_id: int) -> int | None:
        """The story an article is filed in, read inside the caller's (locked) transaction."""
        found = conn.execute(select(articles.c.story_id).where(articles.c.id == article_id)).scalar()
        return None if found is None else int(found)

    def set_article_story(self, conn: Connection, article_id: int, story_id: int | None) -> None:
        """Put an article and the copies of it into a story."""
        copies = select(duplicate_links.c.article_id).where(duplicate_links.c.original_id == article_id)
        conn.execute(update(articles).where(or_(articles.c.id == article_id, articles.c.id.in_(copies)))
                     .values(story_id=story_id))
        if story_id is not None:  # the story's page digests are stale from now on
            conn.execute(update(stories).where(stories.c.id == story_id).values(updated_at=utcnow()))
        # and the pages of the entities it mentions (they list its story)
        touch_article_entities(conn, [article_id, *conn.execute(copies).scalars()])

    def story_titles(self, conn: Connection, story_id: int, limit: int = 200) -> list[tuple[int, str]]:
        """(article id, headline) of the story's originals, newest first."""
        rows = conn.execute(
            select(articles.c.id, articles.c.title)
            .outerjoin(duplicate_links, duplicate_links.c.article_id == articles.c.id)
            .where(articles.c.story_id == story_id, duplicate_links.c.article_id.is_(None),
                   articles.c.title != "")
            .order_by(articles.c.id.desc()).limit(limit))
        return [(int(r.id), r.title) for r in rows]

    # --- clusterer state (inside the caller's transaction) -------------------------------
    def story_states(self, conn: Connection, story_ids: Sequence[int]) -> list[StoryStateRow]:
        if not story_ids:
            return []
        rows = conn.execute(select(stories.c.id, stories.c.centroid, stories.c.size, stories.c.first_seen,
                                   stories.c.last_seen).where(stories.c.id.in_(list(story_ids))))
        return [StoryStateRow(int(r.id), r.centroid, int(r.size), as_utc(r.first_seen), as_utc(r.last_seen))
                for r in rows]

    def create_story(self, conn: Connection, *, title: str, size: int, centroid: bytes,
                     first_seen: datetime | None, last_seen: datetime | None) -> int:
        now = utcnow()
        result = conn.execute(insert(stories).values(
            title=title, size=size, centroid=centroid, first_seen=first_seen, last_seen=last_seen,
            created_at=now, updated_at=now))
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def update_story(self, conn: Connection, story_id: int, **values: Any) -> None:
        """Change some of title, size, centroid, first_seen, last_seen, merged_into."""
        conn.execute(update(stories).where(stories.c.id == story_id).values(updated_at=utcnow(), **values))

    def file_story(self, conn: Connection, story_id: int, terms: Iterable[str]) -> None:
        """Replace the terms a story is filed under in the inverted index."""
        conn.execute(delete(story_terms).where(story_terms.c.story_id == story_id))
        rows = [{"story_id": story_id, "term": t} for t in _clip(terms)]
        if rows:
            conn.execute(insert(story_terms), rows)

    def merge_story(self, conn: Connection, loser: int, survivor: int) -> None:
        """Point ``loser`` (and its articles) at ``survivor`` and take it out of the index."""
        conn.execute(delete(story_terms).where(story_terms.c.story_id == loser))
        touch_article_entities(conn, list(conn.execute(select(articles.c.id)
                                                            .where(articles.c.story_id == loser)).scalars()))
        conn.execute(update(articles).where(articles.c.story_id == loser).values(story_id=survivor))
        conn.execute(update(stories).where(or_(stories.c.id == loser, stories.c.merged_into == loser))
                     .values(merged_into=survivor, size=0, centroid=None, updated_at=utcnow()))
        conn.execute(update(stories).where(stories.c.id == survivor).values(updated_at=utcnow()))
        # what followed the absorbed story follows the survivor; its page data is recomputed
        conn.execute(update(watchlists).where(watchlists.c.kind == "story", watchlists.c.target_id == loser)
                     .values(target_id=survivor))
        conn.execute(delete(story_digests).where(story_digests.c.story_id == loser))

    def recent_story_members(self, conn: Connection, limit: int) -> list[StoryMemberRow]:
        """The ``limit`` most recently stored originals that are in a live story (for the merge
        pass), newest first: (article id, story id, title, text, date)."""
        query = (select(articles.c.id, articles.c.story_id, articles.c.title, articles.c.text,
                        func.coalesce(articles.c.published, articles.c.first_seen).label("published"))
                 .join(stories, stories.c.id == articles.c.story_id)
                 .where(stories.c.merged_into.is_(None),
                        ~articles.c.id.in_(select(duplicate_links.c.article_id)))
                 .order_by(articles.c.id.desc()).limit(limit))
        return [StoryMemberRow(int(r.id), int(r.story_id), r.title or "", r.text or "", as_utc(r.published))
                for r in conn.execute(query)]

    def candidate_stories(self, conn: Connection, terms: Sequence[str], *, earliest: datetime | None,
                          latest: datetime | None, limit: int) -> list[int]:
        """Live stories filed under any of ``terms``, most shared terms first, within the dates.

        A story counts as within the window when its date range reaches into
        [``earliest``, ``latest``] or it has no dates at all.
        """
        if not terms:
            return []
        hits = func.count().label("hits")
        query = (select(story_terms.c.story_id, hits)
                 .join(stories, stories.c.id == story_terms.c.story_id)
                 .where(story_terms.c.term.in_(_clip(terms)), stories.c.merged_into.is_(None)))
        if earliest is not None:
            query = query.where(or_(stories.c.last_seen.is_(None), stories.c.last_seen >= earliest))
        if latest is not None:
            query = query.where(or_(stories.c.first_seen.is_(None), stories.c.first_seen <= latest))
        query = (query.group_by(story_terms.c.story_id)
                 .order_by(hits.desc(), story_terms.c.story_id.desc()).limit(limit))
        return [int(r.story_id) for r in conn.execute(query)]

    # --- document frequencies --------------------------------------------------------------
    def term_frequencies(self, conn: Connection, terms: Iterable[str]) -> dict[str, int]:
        wanted = _clip(terms)
        found: dict[str, int] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            found.update({r.term: int(r.df) for r in
                          conn.execute(select(term_df.c.term, term_df.c.df).where(term_df.c.term.in_(chunk)))})
        return found

    def document_count(self, conn: Connection) -> int:
        found = conn.execute(select(term_df.c.df).where(term_df.c.term == DOC_COUNT_TERM)).scalar()
        return int(found or 0)

    def count_terms(self, conn: Connection, terms: Iterable[str]) -> None:
        """One more analysed article containing ``terms``."""
        rows = [{"term": t, "df": 1} for t in [DOC_COUNT_TERM, *_clip(terms)]]
        stmt = upsert(self.dialect, term_df)
        conn.execute(stmt.on_conflict_do_update(index_elements=[term_df.c.term],
                                                set_={"df": term_df.c.df + 1}), rows)

    def read_term_frequencies(self, terms: Iterable[str]) -> tuple[dict[str, int], int]:
        """(document frequencies, document count) outside a write transaction."""
        with self.read() as conn:
            return self.term_frequencies(conn, terms), self.document_count(conn)

    # --- related articles ------------------------------------------------------------------
    def lexical_candidates(self, terms: Sequence[str], *, limit: int = 100,
                           exclude: Sequence[int] = ()) -> list[tuple[int, float]]:
        """(article id, full-text score, higher = better) of originals matching any of ``terms``.

        SQLite ranks with FTS5 ``bm25()``, PostgreSQL with ``ts_rank`` over ``search_vector``.
        """
        words = [w for w in (t.replace('"', "").strip() for t in terms) if w.isalnum()]
        if not words:
            return []
        not_copy = ~articles.c.id.in_(select(duplicate_links.c.article_id))
        params: dict[str, Any]
        if self.dialect == "sqlite":
            match = " OR ".join(f'"{w}"' for w in words)
            sql = text("SELECT rowid AS id, -bm25(articles_fts, 3.0, 1.0) AS score FROM articles_fts "
                       "WHERE articles_fts MATCH :q ORDER BY bm25(articles_fts, 3.0, 1.0) LIMIT :n")
            params = {"q": match, "n": limit + len(exclude) + 20}
            with self.read() as conn:
                rows = [(int(r.id), float(r.score)) for r in conn.execute(sql, params)]
                keep = {int(i) for i in conn.execute(
                    select(articles.c.id).where(articles.c.id.in_([i for i, _ in rows]), not_copy)).scalars()}
            hits = [(i, s) for i, s in rows if i in keep]
        else:
            tsq = func.to_tsquery("english", literal(" | ".join(words)))
            score = func.ts_rank(text("articles.search_vector"), tsq).label("score")
            query = (select(articles.c.id, score)
                     .where(text("articles.search_vector @@ to_tsquery('english', :q)"), not_copy)
                     .order_by(score.desc()).limit(limit + len(exclude)))
            with self.read() as conn:
                hits = [(int(r.id), float(r.score)) for r in conn.execute(query, {"q": " | ".join(words)})]
        excluded = set(exclude)
        return [(i, s) for i, s in hits if i not in excluded][:limit]

    def copies_and_original(self, article_id: int) -> set[int]:
        """The article's original (if it is a copy) and every copy of that original."""
        with self.read() as conn:
            original = conn.execute(select(duplicate_links.c.original_id)
                                    .where(duplicate_links.c.article_id == article_id)).scalar()
            root = int(original) if original is not None else article_id
            copies = conn.execute(select(duplicate_links.c.article_id)
                                  .where(duplicate_links.c.original_id == root)).scalars()
            return {root, *(int(c) for c in copies)} - {article_id}

    # --- embeddings --------------------------------------------------------------------------
    def get_embeddings(self, model: str, ids: Sequence[int]) -> dict[int, bytes]:
        if not ids:
            return {}
        with self.read() as conn:
            rows = conn.execute(select(embeddings.c.article_id, embeddings.c.vector)
                                .where(embeddings.c.model == model, embeddings.c.article_id.in_(list(ids))))
            return {int(r.article_id): bytes(r.vector) for r in rows}

    def pgvector_offered(self) -> bool:
        """Whether the database server offers the pgvector extension (never on SQLite)."""
        if self.dialect != "postgresql":
            return False
        with self.read() as conn:
            return conn.execute(text("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")).first() \
                is not None

    def has_vector_column(self) -> bool:
        """Whether ``embeddings`` has pgvector's ``embedding`` column (migration 0007 adds it where
        the PostgreSQL server offers the extension); then nearest neighbours are found in SQL."""
        if not hasattr(self, "_vector_column"):
            found = False
            if self.dialect == "postgresql":
                with self.read() as conn:
                    found = conn.execute(text(
                        "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
                        "AND table_name = 'embeddings' AND column_name = 'embedding'")).first() is not None
            self._vector_column = found
        return self._vector_column

    def put_embeddings(self, model: str, vectors: dict[int, bytes]) -> None:
        """Store little-endian float32 vectors (an upsert: computing one twice, or in two processes
        at once, keeps one row); with pgvector the ``embedding`` column is filled too."""
        if not vectors:
            return
        with self.transaction() as conn:
            statement = upsert(self.dialect, embeddings)
            conn.execute(statement.on_conflict_do_update(
                index_elements=[embeddings.c.article_id, embeddings.c.model],
                set_={"vector": statement.excluded.vector}),
                [{"article_id": i, "model": model, "vector": v} for i, v in vectors.items()])
            if self.has_vector_column():
                conn.execute(text("UPDATE embeddings SET embedding = CAST(:literal AS vector) "
                                  "WHERE article_id = :article_id AND model = :model"),
                             [{"article_id": i, "model": model, "literal": _vector_literal(v)}
                              for i, v in vectors.items()])

    def nearest_embeddings(self, model: str, vector: bytes, limit: int) -> list[tuple[int, float]] | None:
        """(article id, cosine similarity) of the originals closest to ``vector``, found by pgvector;
        ``None`` without pgvector (the caller then scans :meth:`iter_embeddings`)."""
        if not self.has_vector_column():
            return None
        sql = text("SELECT e.article_id, 1 - (e.embedding <=> CAST(:q AS vector)) AS similarity "
                   "FROM embeddings e WHERE e.model = :model AND e.embedding IS NOT NULL "
                   "AND e.article_id NOT IN (SELECT article_id FROM duplicate_links) "
                   "ORDER BY e.embedding <=> CAST(:q AS vector) LIMIT :n")
        with self.read() as conn:
            rows = conn.execute(sql, {"q": _vector_literal(vector), "model": model, "n": limit})
            return [(int(r.article_id), float(r.similarity)) for r in rows]

    def iter_embeddings(self, model: str, batch: int = 5000) -> Iterator[list[tuple[int, bytes]]]:
        """All stored vectors of ``model`` for originals, in batches of (article id, vector)."""
        last = 0
        not_copy = ~embeddings.c.article_id.in_(select(duplicate_links.c.article_id))
        while True:
            with self.read() as conn:
                rows = conn.execute(select(embeddings.c.article_id, embeddings.c.vector)
                                    .where(embeddings.c.model == model, embeddings.c.article_id > last, not_copy)
                                    .order_by(embeddings.c.article_id).limit(batch)).all()
            if not rows:
                return
            yield [(int(r.article_id), bytes(r.vector)) for r in rows]
            last = int(rows[-1].article_id)

    def articles_without_embedding(self, model: str, limit: int = 1000) -> list[int]:
        """Originals with text that have no vector for ``model`` yet."""
        have = select(embeddings.c.article_id).where(embeddings.c.model == model)
        query = (select(articles.c.id).where(~articles.c.id.in_(have),
                                             ~articles.c.id.in_(select(duplicate_links.c.article_id)))
                 .order_by(articles.c.id).limit(limit))
        with self.read() as conn:
            return [int(i) for i in conn.execute(query).scalars()]

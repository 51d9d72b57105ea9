"""Queries for articles, outlets, versions, duplicate links and full-text search."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import numpy as np
from sqlalchemy import (
    Connection,
    Float,
    Integer,
    Row,
    TextClause,
    and_,
    bindparam,
    column,
    delete,
    false,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import aliased

from newsdesk.errors import NotFoundError
from newsdesk.models import Article, ExtractedArticle, SearchHit
from newsdesk.store.database import (
    Database,
    as_utc,
    fit_to_columns,
    is_row_id,
    is_storable,
    upsert,
    utcnow,
)
from newsdesk.store.schema import (
    ARTICLE_ORDER,
    article_versions,
    articles,
    duplicate_links,
    lsh_buckets,
    minhashes,
    outlets,
)

SNIPPET_START, SNIPPET_END = "\x02", "\x03"
#: full-text ranking looks at the newest this many matches of a query (see ``ArticleQueries._match``)
SEARCH_CANDIDATES = 2000

_ARTICLE_COLUMNS: list[Any] = [
    articles, outlets.c.name.label("outlet_name"),
    duplicate_links.c.original_id, duplicate_links.c.kind.label("dup_kind"),
    duplicate_links.c.similarity.label("dup_similarity"),
]


@lru_cache(maxsize=8)
def _near_candidates_sql(pairs: int) -> TextClause:
    """The near-copy candidate query for ``pairs`` (band, bucket) pairs, written once per count: built
    as an expression of 42 ``AND``s per article it cost ~1–2 ms of Python per ingested page."""
    match = " OR ".join(f"({lsh_buckets.c.band.name} = :band{n} AND {lsh_buckets.c.bucket.name} = :bucket{n})"
                        for n in range(pairs))
    return text(f"SELECT article_id, signature FROM {minhashes.name} WHERE article_id IN "
                f"(SELECT DISTINCT article_id FROM {lsh_buckets.name} WHERE {match}) AND article_id <> :exclude")


def _article_select() -> Any:
    return (
        select(*_ARTICLE_COLUMNS)
        .select_from(articles.outerjoin(outlets, outlets.c.id == articles.c.outlet_id)
                     .outerjoin(duplicate_links, duplicate_links.c.article_id == articles.c.id))
    )


def row_to_article(row: Row[Any]) -> Article:
    m = row._mapping
    return Article(
        id=m["id"], url=m["url"], canonical_url=m["canonical_url"], title=m["title"], text=m["text"],
        author=m["author"], published=as_utc(m["published"]), outlet=m["outlet_name"] or "",
        language=m["language"], excerpt=m["excerpt"], status=m["status"], kind=m["kind"],
        content_hash=m["content_hash"], first_seen=as_utc(m["first_seen"]), feed_id=m["feed_id"],
        duplicate_of=m["original_id"], duplicate_kind=m["dup_kind"], similarity=m["dup_similarity"],
        story_id=m["story_id"],
    )


@dataclass(frozen=True)
class StoredArticle:
    """Outcome of :meth:`ArticleQueries.save_article`."""

    id: int
    action: str  # added | unchanged | updated


def fts_query(query: str) -> str:
    """A user's query as a safe FTS5 expression: quoted terms and phrases, implicit AND, ``OR``,
    ``-term`` exclusion and ``term*`` prefixes; FTS5 syntax characters never reach MATCH raw."""
    parts: list[str] = []
    for match in re.finditer(r'(-?)"([^"]+)"|(\S+)', query):
        negate, phrase, word = match.group(1), match.group(2), match.group(3)
        if word and word.upper() == "OR" and parts:
            parts.append("OR")
            continue
        if word and word.startswith("-") and len(word) > 1:
            negate, word = "-", word[1:]
        prefix = bool(word and word.endswith("*"))
        body = phrase if phrase is not None else (word or "").rstrip("*")
        tokens = re.findall(r"\w+", body)
        if not tokens:
            continue
        term = '"' + " ".join(tokens) + '"' + ("*" if prefix else "")
        parts.append(f"NOT {term}" if negate and parts else term)
    while parts and parts[-1] == "OR":
        parts.pop()
    return " ".join(parts)


def render_snippet(raw: str) -> str:
    """Escape a snippet and turn the match markers into ``<mark>`` tags."""
    escaped = html.escape(raw, quote=False)
    return escaped.replace(SNIPPET_START, "<mark>").replace(SNIPPET_END, "</mark>")


class ArticleQueries(Database):
    """Articles: one row per canonical URL, with versions, duplicate links and FTS."""

    # --- outlets -------------------------------------------------------------------------
    def _outlet_id(self, conn: Connection, name: str, domain: str) -> int | None:
        if not name:
            return None
        name = fit_to_columns(outlets, {"name": name})["name"]
        found = conn.execute(select(outlets.c.id).where(outlets.c.name == name)).scalar()
        if found is None:  # another writer may add the same outlet at the same moment: both succeed
            conn.execute(upsert(self.dialect, outlets).values(fit_to_columns(outlets, {"name": name, "domain": domain}))
                         .on_conflict_do_nothing(index_elements=[outlets.c.name]))
            found = conn.execute(select(outlets.c.id).where(outlets.c.name == name)).scalar_one()
        return int(found)

    def outlets(self) -> list[dict[str, Any]]:
        """Outlets with their number of (original) articles, most prolific first."""
        query = (
            select(outlets.c.id, outlets.c.name, outlets.c.domain, func.count(articles.c.id).label("articles"))
            .select_from(outlets.outerjoin(articles, articles.c.outlet_id == outlets.c.id))
            .group_by(outlets.c.id, outlets.c.name, outlets.c.domain)
            .order_by(func.count(articles.c.id).desc(), outlets.c.name)
        )
        with self.read() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def outlet_names(self) -> list[dict[str, Any]]:
        """Every outlet's name and domain, by name: one read of the outlets table (no counting),
        what the filter forms need."""
        with self.read() as conn:
            return [dict(row._mapping) for row in conn.execute(
                select(outlets.c.name, outlets.c.domain).order_by(outlets.c.name))]

    # --- writing -------------------------------------------------------------------------
    def save_article(
        self, conn: Connection, extracted: ExtractedArticle, *, canonical_url: str, content_hash: str,
        domain: str = "", feed_id: int | None = None,
    ) -> StoredArticle:
        """Insert or update the article for ``canonical_url`` inside the caller's transaction.

        The same content again is ``unchanged``; changed content keeps the old text as a version.
        The insert is ``ON CONFLICT DO NOTHING`` on the canonical URL: when another process stores
        the same article at the same moment, this one waits for it and then treats the row as
        existing, so both succeed and one row results.
        """
        now = utcnow()
        outlet_id = self._outlet_id(conn, extracted.outlet, domain)
        values = fit_to_columns(articles, dict(
            url=extracted.url, title=extracted.title, author=extracted.author, published=extracted.published,
            outlet_id=outlet_id, language=extracted.language, text=extracted.text, excerpt=extracted.excerpt,
            status=extracted.status, kind=extracted.kind, content_hash=content_hash, updated_at=now,
        ))
        inserted = conn.execute(
            upsert(self.dialect, articles)
            .values(canonical_url=canonical_url, first_seen=now, feed_id=feed_id, **values)
            .on_conflict_do_nothing(index_elements=[articles.c.canonical_url])
            .returning(articles.c.id)).scalar()
        if inserted is not None:
            return StoredArticle(int(inserted), "added")
        existing = conn.execute(
            select(articles.c.id, articles.c.content_hash, articles.c.title, articles.c.text)
            .where(articles.c.canonical_url == canonical_url)
        ).one()
        if existing.content_hash == content_hash:
            return StoredArticle(int(existing.id), "unchanged")
        conn.execute(insert(article_versions).values(
            article_id=existing.id, content_hash=existing.content_hash, title=existing.title,
            text=existing.text, replaced_at=now))
        conn.execute(update(articles).where(articles.c.id == existing.id).values(analyzed_at=None, **values))
        return StoredArticle(int(existing.id), "updated")

    def save_fingerprint(self, conn: Connection, article_id: int, signature: np.ndarray,
                         buckets: Sequence[tuple[int, int]]) -> None:
        blob = signature.astype("<u8").tobytes()
        conn.execute(delete(lsh_buckets).where(lsh_buckets.c.article_id == article_id))
        statement = upsert(self.dialect, minhashes).values(article_id=article_id, signature=blob)
        conn.execute(statement.on_conflict_do_update(index_elements=[minhashes.c.article_id],
                                                     set_={"signature": statement.excluded.signature}))
        if buckets:
            conn.execute(insert(lsh_buckets), [
                {"article_id": article_id, "band": band, "bucket": bucket} for band, bucket in buckets])

    def exact_copies(self, conn: Connection, content_hash: str, exclude_id: int) -> list[int]:
        """Ids of other articles with the same content hash."""
        return [int(i) for i in conn.execute(
            select(articles.c.id).where(articles.c.content_hash == content_hash, articles.c.id != exclude_id)
        ).scalars()]

    def near_candidates(self, conn: Connection, buckets: Sequence[tuple[int, int]],
                        exclude_id: int) -> list[tuple[int, bytes]]:
        """(id, MinHash signature) of articles sharing an LSH bucket with the given ones."""
        if not buckets:
            return []
        params: dict[str, int] = {"exclude": exclude_id}
        for n, (band, bucket) in enumerate(buckets):
            params[f"band{n}"], params[f"bucket{n}"] = band, bucket
        rows = conn.execute(_near_candidates_sql(len(buckets)), params)
        return [(int(r.article_id), r.signature) for r in rows]

    def has_article(self, canonical_url: str) -> bool:
        """Whether an article is stored under this canonical URL (no row is loaded)."""
        with self.read() as conn:
            return conn.execute(select(articles.c.id).where(articles.c.canonical_url == canonical_url)).first() \
                is not None

    def link_duplicate(self, conn: Connection, article_id: int, original_id: int, kind: str,
                       similarity: float) -> None:
        """Record ``article_id`` as a copy of ``original_id``; copies of the copy follow the original.

        An upsert on the copy's id: linking again (or from two processes) changes the link, never
        fails on it. Callers hold :meth:`lock` ``("copies")`` so one group ends with one original.
        """
        conn.execute(update(duplicate_links).where(duplicate_links.c.original_id == article_id)
                     .values(original_id=original_id))
        statement = upsert(self.dialect, duplicate_links).values(
            article_id=article_id, original_id=original_id, kind=kind, similarity=similarity)
        conn.execute(statement.on_conflict_do_update(
            index_elements=[duplicate_links.c.article_id],
            set_={"original_id": statement.excluded.original_id, "kind": statement.excluded.kind,
                  "similarity": statement.excluded.similarity}))
        conn.execute(update(articles).where(articles.c.id == article_id).values(
            story_id=select(articles.c.story_id).where(articles.c.id == original_id).scalar_subquery()))

    def published_dates(self, conn: Connection, ids: Sequence[int]) -> list[tuple[int, datetime | None]]:
        """(id, published or first seen) for the given articles."""
        rows = conn.execute(select(articles.c.id, ARTICLE_ORDER
                                   .label("when")).where(articles.c.id.in_(list(ids))))
        return [(int(r.id), as_utc(r.when)) for r in rows]

    def original_id_of(self, conn: Connection, article_id: int) -> int:
        found = conn.execute(select(duplicate_links.c.original_id)
                             .where(duplicate_links.c.article_id == article_id)).scalar()
        return int(found) if found is not None else article_id

    # --- reading -------------------------------------------------------------------------
    def get_article(self, article_id: int) -> Article:
        row = None
        if is_row_id(article_id):
            with self.read() as conn:
                row = conn.execute(_article_select().where(articles.c.id == article_id)).first()
        if row is None:
            raise NotFoundError(f"no article with id {article_id}", source=str(article_id))
        return row_to_article(row)

    def get_articles(self, ids: Sequence[int]) -> list[Article]:
        """Articles by id, in the order given (unknown ids are left out)."""
        wanted = [i for i in ids if is_row_id(i)]
        if not wanted:
            return []
        with self.read() as conn:
            rows = conn.execute(_article_select().where(articles.c.id.in_(wanted))).all()
        by_id = {row.id: row_to_article(row) for row in rows}
        return [by_id[i] for i in ids if i in by_id]

    def find_article_by_url(self, canonical_url: str) -> Article | None:
        with self.read() as conn:
            row = conn.execute(_article_select().where(articles.c.canonical_url == canonical_url)).first()
        return row_to_article(row) if row else None

    def _filters(self, *, outlet: str | None = None, since: datetime | None = None,
                 until: datetime | None = None, language: str | None = None, feed_id: int | None = None,
                 story_id: int | None = None, include_duplicates: bool = True) -> list[Any]:
        where: list[Any] = []
        if outlet:
            where.append(func.lower(outlets.c.name) == outlet.lower() if is_storable(outlet) else false())
        # Dates filter on the listing order (published, else first seen) so the order index serves them.
        if since:
            where.append(ARTICLE_ORDER >= since)  # noqa: SIM300 (a column expression, not a constant)
        if until:
            where.append(ARTICLE_ORDER <= until)  # noqa: SIM300
        if language:
            where.append(articles.c.language == language if is_storable(language) else false())
        if feed_id is not None:
            where.append(articles.c.feed_id == feed_id if is_row_id(feed_id) else false())
        if story_id is not None:
            where.append(articles.c.story_id == story_id if is_row_id(story_id) else false())
        if not include_duplicates:
            where.append(duplicate_links.c.article_id.is_(None))
        return where

    def list_articles(
        self, *, outlet: str | None = None, since: datetime | None = None, until: datetime | None = None,
        language: str | None = None, feed_id: int | None = None, story_id: int | None = None,
        include_duplicates: bool = True, limit: int = 50, offset: int = 0,
        before: tuple[datetime | None, int] | None = None,
    ) -> list[Article]:
        """Newest first (by published date, then id). ``before`` is a keyset cursor (published, id)."""
        where = self._filters(outlet=outlet, since=since, until=until, language=language, feed_id=feed_id,
                              story_id=story_id, include_duplicates=include_duplicates)
        order_key = ARTICLE_ORDER
        if before is not None:
            when, last_id = before
            where.append(or_(order_key < when, and_(order_key == when, articles.c.id < last_id)))
        query = (_article_select().where(*where).order_by(order_key.desc(), articles.c.id.desc())
                 .limit(limit).offset(offset))
        with self.read() as conn:
            return [row_to_article(row) for row in conn.execute(query)]

    def count_articles(self, **filters: Any) -> int:
        where = self._filters(**filters)
        query = (select(func.count()).select_from(
            articles.outerjoin(outlets, outlets.c.id == articles.c.outlet_id)
            .outerjoin(duplicate_links, duplicate_links.c.article_id == articles.c.id)).where(*where))
        with self.read() as conn:
            return int(conn.execute(query).scalar() or 0)

    def duplicates_of(self, article_id: int) -> list[Article]:
        """The copies linked to this article, earliest first."""
        query = (_article_select().where(duplicate_links.c.original_id == article_id)
                 .order_by(articles.c.published, articles.c.id))
        with self.read() as conn:
            return [row_to_article(row) for row in conn.execute(query)]

    def original_of(self, article_id: int) -> Article | None:
        """The article this one copies, or None when it is an original."""
        with self.read() as conn:
            original_id = self.original_id_of(conn, article_id)
        return None if original_id == article_id else self.get_article(original_id)

    def neighbours(self, article_id: int, scope: str = "story", *, article: Article | None = None
                   ) -> tuple[Article | None, Article | None]:
        """(previous, next) article by publication date within the same story or outlet
        (``article``: the article already read, to save reading it again)."""
        article = article if article is not None and article.id == article_id else self.get_article(article_id)
        if scope == "story":
            if article.story_id is None:
                return None, None
            same = articles.c.story_id == article.story_id
        elif scope == "outlet":
            if not article.outlet:
                return None, None
            same = articles.c.outlet_id == select(outlets.c.id).where(outlets.c.name == article.outlet).scalar_subquery()
        else:
            raise ValueError(f"unknown scope {scope!r}")
        key = ARTICLE_ORDER
        when = article.published or article.first_seen
        base = _article_select().where(same, duplicate_links.c.article_id.is_(None), articles.c.id != article_id)
        # the bound on the key alone lets the (story or outlet, order) index serve the range
        earlier = and_(key <= when, or_(key < when, articles.c.id < article_id))
        later = and_(key >= when, or_(key > when, articles.c.id > article_id))
        with self.read() as conn:
            prev_row = conn.execute(base.where(earlier).order_by(key.desc(), articles.c.id.desc()).limit(1)).first()
            next_row = conn.execute(base.where(later).order_by(key, articles.c.id).limit(1)).first()
        return (row_to_article(prev_row) if prev_row else None, row_to_article(next_row) if next_row else None)

    def article_versions(self, article_id: int) -> list[dict[str, Any]]:
        with self.read() as conn:
            rows = conn.execute(select(article_versions).where(article_versions.c.article_id == article_id)
                                .order_by(article_versions.c.replaced_at))
            return [dict(r._mapping) for r in rows]

    def mark_analyzed(self, article_id: int) -> None:
        with self.transaction() as conn:
            conn.execute(update(articles).where(articles.c.id == article_id).values(analyzed_at=utcnow()))

    # --- full-text search ----------------------------------------------------------------
    def _match(self, query: str, *, candidates: int | None = SEARCH_CANDIDATES
               ) -> tuple[Any, dict[str, Any], Any] | None:
        """(subquery of matching ids with a score, its parameters, the best-first ordering).

        Ranking is bounded: the score is computed for the newest ``candidates`` matches only (the
        index is read newest first and stops there), so a word in every other article costs the
        same as a rare one; a rare word's matches are all ranked. ``None`` = every match (counting).
        """
        query = query.replace("\x00", " ")  # a NUL separates words (and PostgreSQL refuses it)
        cap = "" if candidates is None else " ORDER BY rowid DESC LIMIT :cap"
        if self.dialect == "sqlite":
            expression = fts_query(query)
            if not expression:
                return None
            match = text("SELECT rowid AS id, bm25(articles_fts, 5.0, 1.0) AS score "
                         "FROM articles_fts WHERE articles_fts MATCH :q" + cap
                         ).columns(column("id", Integer), column("score", Float)).subquery("m")
            return match, {"q": expression, "cap": candidates}, match.c.score  # bm25: lower is better
        if not query.strip():
            return None
        tsq = func.websearch_to_tsquery("english", text(":q"))
        found = select(articles.c.id).where(text("articles.search_vector @@ websearch_to_tsquery('english', :q)"))
        if candidates is not None:  # the newest matches first, then rank only those
            found = found.order_by(articles.c.id.desc()).limit(bindparam("cap"))
        newest = found.subquery("c")
        ranked = aliased(articles, name="ranked")
        match = (select(newest.c.id, func.ts_rank(text("ranked.search_vector"), tsq).label("score"))
                 .join(ranked, ranked.c.id == newest.c.id).subquery("m"))
        return match, {"q": query, "cap": candidates}, match.c.score.desc()

    def _snippets(self, conn: Connection, params: dict[str, Any], ids: list[int]) -> dict[int, str]:
        """Highlighted snippets for the page of hits only (not for every match)."""
        if not ids:
            return {}
        marks = f"'{SNIPPET_START}', '{SNIPPET_END}'"
        if self.dialect == "sqlite":
            sql = text(f"SELECT rowid AS id, snippet(articles_fts, 1, {marks}, '…', 24) AS snip "
                       "FROM articles_fts WHERE articles_fts MATCH :q AND rowid IN :ids"
                       ).bindparams(bindparam("ids", expanding=True))
        else:
            sql = text("SELECT id, ts_headline('english', text, websearch_to_tsquery('english', :q), "
                       f"'StartSel={SNIPPET_START},StopSel={SNIPPET_END},MaxWords=30,MinWords=12') AS snip "
                       "FROM articles WHERE id IN :ids").bindparams(bindparam("ids", expanding=True))
        return {int(r.id): r.snip or "" for r in conn.execute(sql, {**params, "ids": ids})}

    def _search_from(self, match: Any) -> Any:
        return (match.join(articles, articles.c.id == match.c.id)
                .outerjoin(outlets, outlets.c.id == articles.c.outlet_id)
                .outerjoin(duplicate_links, duplicate_links.c.article_id == articles.c.id))

    def search(self, query: str, *, limit: int = 20, offset: int = 0, outlet: str | None = None,
               since: datetime | None = None, until: datetime | None = None,
               language: str | None = None) -> list[SearchHit]:
        """Ranked full-text hits (bm25 on SQLite, ts_rank on PostgreSQL) with highlighted snippets.

        Copies are left out (their original stands for them). The query syntax is forgiving:
        words, "phrases", OR, -exclusions and prefix* never raise.
        """
        matched = self._match(query)
        if matched is None:
            return []
        match, params, order = matched
        where = self._filters(outlet=outlet, since=since, until=until, language=language,
                              include_duplicates=False)
        stmt = (select(articles.c.id, articles.c.title, outlets.c.name, articles.c.published,
                       match.c.score.label("score"))
                .select_from(self._search_from(match)).where(*where)
                .order_by(order, articles.c.id).limit(limit).offset(offset))
        with self.read() as conn:
            rows = conn.execute(stmt, params).all()
            snippets = self._snippets(conn, params, [int(r.id) for r in rows])
        sign = -1.0 if self.dialect == "sqlite" else 1.0  # higher is better in the result
        return [SearchHit(article_id=r.id, title=r.title, outlet=r.name or "", published=as_utc(r.published),
                          snippet=render_snippet(snippets.get(int(r.id), "")), score=sign * float(r.score))
                for r in rows]

    def count_search(self, query: str, *, outlet: str | None = None, since: datetime | None = None,
                     until: datetime | None = None, language: str | None = None) -> int:
        """How many originals match (same filters as :meth:`search`)."""
        matched = self._match(query, candidates=None)
        if matched is None:
            return 0
        match, params, _order = matched
        where = self._filters(outlet=outlet, since=since, until=until, language=language,
                              include_duplicates=False)
        stmt = select(func.count()).select_from(self._search_from(match)).where(*where)
        with self.read() as conn:
            return int(conn.execute(stmt, params).scalar() or 0)

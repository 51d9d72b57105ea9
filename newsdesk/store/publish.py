"""Reads for publishing (briefings, citations, data export): streamed export rows, what the store
knows about each outlet's documents, and the entities of a set of articles.

Export rows come in keyset pages by article id (``WHERE id > :last ORDER BY id LIMIT :n``), never
the whole table at once: a million-article export holds one page in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, distinct, false, func, select

from newsdesk.models import Article
from newsdesk.store.articles import ArticleQueries, _article_select, row_to_article
from newsdesk.store.database import as_utc, is_row_id
from newsdesk.store.entities import EntityInfo, EntityQueries
from newsdesk.store.schema import article_entities, articles, duplicate_links, entities, outlets
from newsdesk.store.stories import StoryQueries
from newsdesk.store.watchlists import Watchlist, WatchlistQueries

#: rows per keyset page of an export
EXPORT_PAGE = 1000


@dataclass(frozen=True)
class ExportRow:
    """One article as a data export writes it (the columns of ``newsdesk export``)."""

    id: int
    story: int | None
    outlet: str
    author: str
    published: datetime | None
    language: str
    url: str
    canonical_url: str
    original_of: int | None
    title: str
    text: str


@dataclass(frozen=True)
class OutletDocuments:
    """What the store holds of one outlet: its original articles, and how many are PDF documents."""

    outlet: str
    originals: int
    pdf_documents: int


class PublishQueries(WatchlistQueries, ArticleQueries, StoryQueries, EntityQueries):
    """Streamed export rows, outlet document profiles and the entities of a selection."""

    def _export_condition(self, *, story_id: int | None, article_ids: Sequence[int] | None,
                          query: str | None, watchlist: Watchlist | None) -> tuple[list[Any], Any, dict[str, Any]]:
        """(where clauses, extra FROM source or None, bind parameters) of an export selection."""
        where: list[Any] = []
        params: dict[str, Any] = {}
        source = None
        if watchlist is not None:
            condition, params = self._watchlist_condition(watchlist)
            where.append(condition)
        if story_id is not None:
            where.append(self._member_condition(story_id) if is_row_id(story_id) else false())
        if article_ids is not None:
            wanted = [i for i in article_ids if is_row_id(i)]
            where.append(articles.c.id.in_(wanted) if wanted else false())
        if query is not None:
            matched = self._match(query)
            if matched is None:
                where.append(false())
            else:
                source, params, _order = matched
        return where, source, params

    def iter_export_rows(self, *, story_id: int | None = None, article_ids: Sequence[int] | None = None,
                         query: str | None = None, watchlist: Watchlist | None = None,
                         page: int = EXPORT_PAGE) -> Iterator[ExportRow]:
        """Every article of the selection (none given: all), copies included, by id, one page at a time.

        ``story_id`` takes the story's articles and their copies; ``query`` every article matching
        the full-text query (copies too: an export is the data, not a ranking); ``watchlist``
        every article it follows.
        """
        where, source, params = self._export_condition(story_id=story_id, article_ids=article_ids, query=query,
                                                       watchlist=watchlist)
        joined = (articles.outerjoin(outlets, outlets.c.id == articles.c.outlet_id)
                  .outerjoin(duplicate_links, duplicate_links.c.article_id == articles.c.id))
        if source is not None:
            joined = joined.join(source, source.c.id == articles.c.id)
        columns = (articles.c.id, articles.c.story_id, outlets.c.name, articles.c.author, articles.c.published,
                   articles.c.language, articles.c.url, articles.c.canonical_url, duplicate_links.c.original_id,
                   articles.c.title, articles.c.text)
        last = 0
        while True:
            statement = (select(*columns).select_from(joined).where(*where, articles.c.id > last)
                         .order_by(articles.c.id).limit(page))
            with self.read() as conn:
                rows = conn.execute(statement, params).all()
            for r in rows:
                yield ExportRow(int(r[0]), r[1], r[2] or "", r[3], as_utc(r[4]), r[5], r[6], r[7], r[8], r[9], r[10])
            if len(rows) < page:
                return
            last = int(rows[-1][0])

    def outlet_documents(self, names: Sequence[str]) -> dict[str, OutletDocuments]:
        """Per outlet named: how many originals the store holds, and how many of them are PDFs."""
        wanted = sorted({n for n in names if n})
        if not wanted:
            return {}
        is_pdf = func.sum(case((articles.c.kind == "pdf", 1), else_=0))
        query = (select(outlets.c.name, func.count(articles.c.id), is_pdf)
                 .select_from(outlets.join(articles, articles.c.outlet_id == outlets.c.id)
                              .outerjoin(duplicate_links, duplicate_links.c.article_id == articles.c.id))
                 .where(outlets.c.name.in_(wanted), duplicate_links.c.article_id.is_(None))
                 .group_by(outlets.c.name))
        with self.read() as conn:
            return {r[0]: OutletDocuments(r[0], int(r[1] or 0), int(r[2] or 0)) for r in conn.execute(query)}

    def selection_entity_rows(self, article_ids: Sequence[int], *, limit: int = 20) -> list[EntityInfo]:
        """Entities of these articles: by how many of them mention each, then by mentions."""
        wanted = [i for i in article_ids if is_row_id(i)]
        if not wanted:
            return []
        in_selection = func.count(distinct(article_entities.c.article_id))
        mentions = func.sum(article_entities.c.count)
        query = (
            select(article_entities.c.entity_id, in_selection, mentions)
            .join(entities, entities.c.id == article_entities.c.entity_id)
            .where(article_entities.c.article_id.in_(wanted))
            .group_by(article_entities.c.entity_id, entities.c.name)
            .order_by(in_selection.desc(), mentions.desc(), entities.c.name).limit(limit)
        )
        with self.read() as conn:
            rows = conn.execute(query).all()
            return self._infos(conn, [int(r[0]) for r in rows], {int(r[0]): int(r[2] or 0) for r in rows})

    def copies_of_articles(self, original_ids: Sequence[int]) -> list[Article]:
        """The copies linked to any of these originals, earliest first."""
        wanted = [i for i in original_ids if is_row_id(i)]
        if not wanted:
            return []
        query = (_article_select().where(duplicate_links.c.original_id.in_(wanted))
                 .order_by(articles.c.published, articles.c.id))
        with self.read() as conn:
            return [row_to_article(row) for row in conn.execute(query)]

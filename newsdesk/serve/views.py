"""What each page shows, as plain JSON-able data: the pages render it, the API returns it.

One function per page; each takes the store and settings plus the page's parameters and calls
the store and the analysis modules. Keeping the data here is what makes every page's content
available from the API too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol, TypeVar
from urllib.parse import parse_qsl, urlencode

from newsdesk.config import Settings
from newsdesk.errors import ModelUnavailableError, NotFoundError
from newsdesk.models import Article
from newsdesk.serve import charts
from newsdesk.serve.cursors import decode_offset, encode_offset
from newsdesk.serve.problems import Problem
from newsdesk.store import Store
from newsdesk.store.database import is_row_id

log = logging.getLogger(__name__)
T = TypeVar("T")
#: a story is "growing" when it gained two or more articles in this many days before its last update
GROWTH_DAYS = 3
#: at most this many recent articles are counted to find growing stories
RECENT_SCAN = 2000


class Refresh(Protocol):
    """Asks for stored page data to be recomputed (the job queue of the server); a page that
    finds a stale digest shows it and asks for a refresh."""

    def story(self, story_id: int) -> None: ...

    def related(self, article_id: int) -> None: ...

    def entity(self, entity_id: int) -> None: ...


def outlets(store: Store) -> list[dict[str, Any]]:
    """The outlets the filter forms offer, by name (one query over the outlets, not the articles)."""
    return store.outlet_names()


@dataclass
class Filters:
    """The filters the home and search pages share (all optional)."""

    since: date | None = None
    until: date | None = None
    outlet: str | None = None
    language: str | None = None
    entity: str | None = None

    @property
    def since_dt(self) -> datetime | None:
        return datetime.combine(self.since, time.min, UTC) if self.since else None

    @property
    def until_dt(self) -> datetime | None:
        return datetime.combine(self.until, time.max, UTC) if self.until else None

    def to_json(self) -> dict[str, Any]:
        return {"since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None,
                "outlet": self.outlet, "language": self.language, "entity": self.entity}

    def query(self) -> dict[str, str]:
        return {k: v for k, v in self.to_json().items() if v}


def _parse_day(name: str, value: str | None) -> date | None:
    """An RFC 3339 full-date (what the schema declares as ``format: date``); empty is no filter."""
    if not value:
        return None
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise Problem(400, "bad date", f"{name} must be a date like 2026-01-31, not {value[:40]!r}") from None


def parse_filters(since: str | None = None, until: str | None = None, outlet: str | None = None,
                  language: str | None = None, entity: str | None = None) -> Filters:
    """Filters from query parameters; empty form fields mean "no filter"."""
    return Filters(since=_parse_day("since", since), until=_parse_day("until", until),
                   outlet=(outlet or "").strip() or None, language=(language or "").strip() or None,
                   entity=(entity or "").strip() or None)


def to_json(value: Any) -> Any:
    """Dataclasses with ``to_json`` (and lists/dicts of them) as JSON-able data."""
    if hasattr(value, "to_json"):
        return value.to_json()
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def card(article: Article | None) -> dict[str, Any] | None:
    """The short form of an article used in lists and links (no body text)."""
    if article is None:
        return None
    return {"id": article.id, "title": article.title, "outlet": article.outlet, "author": article.author,
            "published": article.published.isoformat() if article.published else None,
            "language": article.language, "url": article.public_url, "excerpt": article.excerpt,
            "story_id": article.story_id, "duplicate_of": article.duplicate_of,
            "duplicate_kind": article.duplicate_kind}


def optional(name: str, call: Callable[[], T]) -> T | None:
    """Run an analysis step that needs an optional part; None (and a log line) when it is absent."""
    try:
        return call()
    except (ModuleNotFoundError, ModelUnavailableError) as exc:
        log.warning("%s unavailable: %s", name, exc)
        return None


# --- home ---------------------------------------------------------------------------------------

def _filtered_stories(store: Store, filters: Filters, *, limit: int, offset: int) -> list[Any]:
    """One page of stories with every filter applied in the query, before paging; a name nobody
    mentions matches no story (a filter, not a lookup)."""
    from newsdesk.analyze import stories

    entity_id = None
    if filters.entity:
        try:
            entity_id = store.find_entity_id(filters.entity)
        except NotFoundError:
            return []
    return stories.list_stories(store, since=filters.since_dt, until=filters.until_dt, outlet=filters.outlet,
                                language=filters.language, entity_id=entity_id, limit=limit, offset=offset)


def _recent_counts(store: Store, rows: list[dict[str, Any]]) -> dict[int, int]:
    """Originals per story published in the :data:`GROWTH_DAYS` before the newest update shown
    (one grouped count over the stories shown)."""
    latest = max((datetime.fromisoformat(r["last_seen"]) for r in rows if r.get("last_seen")), default=None)
    if latest is None:
        return {}
    return store.recent_story_counts([r["id"] for r in rows], since=latest - timedelta(days=GROWTH_DAYS))


def _summary_lines(store: Store, settings: Settings, rows: list[dict[str, Any]],
                   refresh: Refresh | None) -> dict[int, str]:
    """Each story's stored summary line; a missing one is computed now (its story's refresh is
    asked for), a stale one shown while its refresh runs."""
    from newsdesk.analyze import digests

    stored = store.story_lines([r["id"] for r in rows])
    lines: dict[int, str] = {}
    for row in rows:
        line, fresh = stored.get(row["id"], (None, False))
        if line is None and refresh is None:  # no queue: computed and stored now
            digests.refresh_story(store, settings, row["id"])
            line = store.story_lines([row["id"]]).get(row["id"], ("", True))[0]
        elif line is None:  # until its refresh has run: the newest article's excerpt
            newest = store.list_articles(story_id=row["id"], include_duplicates=False, limit=1)
            line = newest[0].excerpt if newest else ""
        if not fresh and refresh is not None:
            refresh.story(row["id"])
        lines[row["id"]] = line
    return lines


def _with_extras(store: Store, settings: Settings, rows: list[dict[str, Any]],
                 refresh: Refresh | None = None) -> list[dict[str, Any]]:
    recent = _recent_counts(store, rows)
    lines = _summary_lines(store, settings, rows, refresh)
    done = []
    for row in rows:
        count = recent.get(row["id"], 0)
        done.append({**row, "summary_line": row.get("summary_line") or lines[row["id"]], "recent": count,
                     "growing": count >= 2})
    return done


def _latest_articles(store: Store, filters: Filters, rows: list[dict[str, Any]], limit: int = 15) -> list[Article]:
    """The newest originals. Without a date filter, look in the days before the newest story update
    first (an indexed range), and scan everything only when that finds too few."""
    query: dict[str, Any] = {"outlet": filters.outlet, "until": filters.until_dt, "language": filters.language,
                             "include_duplicates": False, "limit": limit}
    newest = max((datetime.fromisoformat(r["last_seen"]) for r in rows if r.get("last_seen")), default=None)
    if filters.since_dt is None and newest is not None:
        found = store.list_articles(since=newest - timedelta(days=GROWTH_DAYS), **query)
        if len(found) >= limit:
            return found
    return store.list_articles(since=filters.since_dt, **query)


def home_view(store: Store, settings: Settings, filters: Filters, *, cursor: str | None = None,
              limit: int = 30, refresh: Refresh | None = None) -> dict[str, Any]:
    offset = decode_offset(cursor)
    found = _filtered_stories(store, filters, limit=limit + 1, offset=offset)
    more = len(found) > limit
    rows = [s.to_json() for s in found[:limit]]
    latest = _latest_articles(store, filters, rows)
    rows = _with_extras(store, settings, rows, refresh)
    growing = sorted((r for r in rows if r["growing"]), key=lambda r: (-r["recent"], -len(r["outlets"])))[:4]
    return {"stories": rows, "growing": growing if offset == 0 else [], "latest": [card(a) for a in latest],
            "outlets": outlets(store), "filters": filters.to_json(),
            "next_cursor": encode_offset(offset + limit) if more else None}


# --- story --------------------------------------------------------------------------------------

def story_view(store: Store, settings: Settings, story_id: int, *, refresh: Refresh | None = None
               ) -> dict[str, Any]:
    """The story's stored page data (its digest, read in one query); computed and stored now when
    there is none, shown while a refresh runs when it is stale (recomputed now without a queue)."""
    from newsdesk.analyze import digests

    stored = store.get_story_digest(story_id)
    if stored is not None and stored.fresh:
        return dict(stored.body)
    survivor = store.resolve_story_id(story_id) if is_row_id(story_id) else story_id
    if survivor != story_id:  # merged: the survivor's page
        stored = store.get_story_digest(survivor)
    if stored is not None and (stored.fresh or refresh is not None):
        if not stored.fresh and refresh is not None:
            refresh.story(survivor)
        return dict(stored.body)
    page = digests.refresh_story(store, settings, survivor)
    if page is None:
        store.get_story(story_id)  # NotFoundError for an unknown id
        raise NotFoundError(f"story {story_id} has no articles", source=f"story {story_id}")
    return page


def story_chart(view: dict[str, Any]) -> Any:
    days = {date.fromisoformat(row["day"]): row["outlets"] for row in view["coverage"]}
    return charts.coverage_svg(days, label="Articles per day, by outlet")


# --- article ------------------------------------------------------------------------------------

def article_summary(store: Store, settings: Settings, article_id: int) -> dict[str, Any]:
    from newsdesk.analyze import summarize

    store.get_article(article_id)
    return dict(to_json(summarize.summarize_article(store, article_id, settings, sentences=3)))


def article_view(store: Store, settings: Settings, article_id: int, *, with_summary: bool = False,
                 refresh: Refresh | None = None) -> dict[str, Any]:
    article = store.get_article(article_id)
    original = store.get_article(article.duplicate_of) if article.duplicate_of is not None else None
    head = original or article
    copies = store.duplicates_of(head.id)
    prev_story, next_story = store.neighbours(article_id, "story", article=article)
    prev_outlet, next_outlet = store.neighbours(article_id, "outlet", article=article)

    def related() -> Any:
        from newsdesk.analyze import digests

        stored = store.get_article_digest(article_id)
        if stored is None or (not stored.fresh and refresh is None):
            return digests.refresh_article(store, settings, article_id)
        if not stored.fresh and refresh is not None:
            refresh.related(article_id)
        return stored.body

    def entities() -> Any:
        from newsdesk.analyze import entities as entities_mod

        return to_json(entities_mod.article_entities(store, article_id))

    return {
        "article": article.to_json(public=True),
        "original": card(original),
        "copies": [card(a) for a in copies if a.id != article.id],
        "first": card(head),
        "neighbours": {"story": {"previous": card(prev_story), "next": card(next_story)},
                       "outlet": {"previous": card(prev_outlet), "next": card(next_outlet)}},
        "related": optional("related publications", related),
        "entities": optional("entities", entities),
        "summary": article_summary(store, settings, article_id) if with_summary else None,
    }


# --- entity -------------------------------------------------------------------------------------

def entity_list_view(store: Store, *, type: str | None = None, cursor: str | None = None,
                     limit: int = 100) -> dict[str, Any]:
    from newsdesk.analyze import entities

    offset = decode_offset(cursor)
    found = entities.list_entities(store, type=type, limit=limit + 1, offset=offset)
    return {"entities": to_json(found[:limit]), "type": type,
            "next_cursor": encode_offset(offset + limit) if len(found) > limit else None}


def entity_view(store: Store, name_or_id: str, *, refresh: Refresh | None = None) -> dict[str, Any]:
    """The entity's stored page (its digest: one query for an id, the name lookup first for a
    name); computed and stored now when there is none, shown while a refresh runs when it is
    stale (recomputed now without a queue)."""
    from newsdesk.analyze import digests

    text = name_or_id.strip()
    stored = None
    if text.isascii() and text.isdigit() and is_row_id(int(text)):
        stored = store.get_entity_digest(int(text))  # an id with a digest is that entity's page
    entity_id = int(text) if stored is not None else store.find_entity_id(text)
    if stored is None:
        stored = store.get_entity_digest(entity_id)
    if stored is not None and (stored.fresh or refresh is not None):
        if not stored.fresh and refresh is not None:
            refresh.entity(entity_id)
        return dict(stored.body)
    page = digests.refresh_entity(store, entity_id)
    if page is None:
        raise NotFoundError(f"no entity with id {entity_id}", source=name_or_id)
    return page


def coverage_chart(rows: list[dict[str, Any]], label: str) -> Any:
    return charts.coverage_svg({date.fromisoformat(r["day"]): r["outlets"] for r in rows}, label=label)


# --- search -------------------------------------------------------------------------------------

def search_view(store: Store, settings: Settings, query: str, filters: Filters, *, mode: str = "fulltext",
                cursor: str | None = None, limit: int = 20, count: bool = False) -> dict[str, Any]:
    offset = decode_offset(cursor)
    base: dict[str, Any] = {"query": query, "mode": mode, "filters": filters.to_json(), "hits": [],
                            "total": 0, "offset": offset, "next_cursor": None, "prev_cursor": None,
                            "semantic_available": True, "searched": mode}
    if not query.strip():
        return base
    if mode == "semantic":
        from newsdesk.analyze import related

        try:
            hits = related.semantic_search(store, query, settings, limit=limit)
            return {**base, "hits": to_json(hits), "total": len(hits)}
        except ModelUnavailableError as exc:
            # without a model, the word search stands in (the message says so)
            base.update(semantic_available=False, message=exc.message, searched="fulltext")
    kwargs: dict[str, Any] = {"outlet": filters.outlet, "since": filters.since_dt, "until": filters.until_dt,
                              "language": filters.language}
    found = store.search(query, limit=limit + 1, offset=offset, **kwargs)
    hits, more = found[:limit], len(found) > limit
    # counting every match costs a full search on common words: the total is counted when asked
    # for (``count``), given when this page is the last one, and left null ("more") otherwise
    total = store.count_search(query, **kwargs) if count else None if more else offset + len(hits)
    return {**base, "hits": [h.to_json() for h in hits], "total": total,
            "next_cursor": encode_offset(offset + limit) if more else None,
            "prev_cursor": encode_offset(max(offset - limit, 0)) if offset > 0 else None}


# --- sources ------------------------------------------------------------------------------------

def sources_view(store: Store) -> dict[str, Any]:
    return {"feeds": [f.to_json() for f in store.list_feeds()], "outlets": store.outlets()}  # fresh counts here


# --- saved searches -----------------------------------------------------------------------------

SEARCH_KEYS = ("q", "mode", "since", "until", "outlet", "language")


def normalise_search_query(query: str) -> str:
    """Keep only the search page's own parameters; refuse a query without words."""
    pairs = [(k, v) for k, v in parse_qsl(query.lstrip("?"), keep_blank_values=False) if k in SEARCH_KEYS]
    if not any(k == "q" and v.strip() for k, v in pairs):
        raise Problem(400, "bad saved search", "a saved search needs words to find (q=…)")
    return urlencode(pairs)


def saved_search_row(saved: Any) -> dict[str, Any]:
    data: dict[str, Any] = saved.to_json()
    data.update(page=f"/search?{saved.query}", atom=f"/search/feed.atom?{saved.query}",
                json_feed=f"/search/feed.json?{saved.query}")
    return data


def save_search(store: Store, name: str, query: str) -> Any:
    """Save a named search; a name in use already is a conflict (409)."""
    name = name.strip()
    if not name or "\x00" in name:
        raise Problem(400, "bad name", "a saved search needs a name of visible text")
    if any(s.name == name for s in store.list_saved_searches()):
        raise Problem(409, "name in use", f"a saved search is already called {name!r}")
    return store.save_search(name, normalise_search_query(query))

"""Atom and JSON Feed output for a story, an entity and a search, so any feed reader can follow them.

Feed text is built with XML escaping (Atom) or ``json`` (JSON Feed); entry content is the
article's plain excerpt, never stored HTML.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from newsdesk.errors import NotFoundError
from newsdesk.feedwriter import ATOM_TYPE, JSON_FEED_TYPE, atom_document, json_feed_document
from newsdesk.serve import views
from newsdesk.serve.deps import absolute_url, site_url
from newsdesk.serve.deps import request_settings as _settings
from newsdesk.serve.deps import request_store as _store
from newsdesk.serve.openapi import FEED_OK, answers
from newsdesk.serve.params import Day, PathId
from newsdesk.serve.sanitize import safe_url, shorten, snippet_text

router = APIRouter(tags=["feeds"])
#: entries in a story's feed (its newest articles)
FEED_ENTRIES = 50


def _entry(item: dict[str, Any], base: str) -> dict[str, Any]:
    """A feed entry from an article card, related row or search hit (whose summary is its snippet)."""
    article_id = item.get("id") or item.get("article_id")
    summary = snippet_text(item["snippet"]) if item.get("snippet") else item.get("excerpt") or ""
    return {"id": f"{base}/articles/{article_id}", "url": f"{base}/articles/{article_id}",
            "title": item.get("title") or "Untitled", "outlet": item.get("outlet") or "",
            "author": item.get("author") or item.get("outlet") or "",
            "published": item.get("published"), "summary": shorten(summary, 400),
            "external_url": safe_url(item.get("url"))}


def _last_modified(entries: list[dict[str, Any]]) -> dict[str, str]:
    """``Last-Modified`` for a feed: its newest entry's date (feed readers send it back as
    ``If-Modified-Since`` and get a 304 while nothing newer came)."""
    newest = max((e["published"] for e in entries if e["published"]), default=None)
    if newest is None:
        return {}
    try:
        when = datetime.fromisoformat(newest)
    except ValueError:
        return {}
    return {"Last-Modified": format_datetime((when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC),
                                             usegmt=True)}


def atom(title: str, self_url: str, page_url: str, entries: list[dict[str, Any]]) -> Response:
    return Response(atom_document(title, self_url, page_url, entries), media_type=ATOM_TYPE,
                    headers=_last_modified(entries))


def json_feed(title: str, self_url: str, page_url: str, entries: list[dict[str, Any]]) -> Response:
    return JSONResponse(json_feed_document(title, self_url, page_url, entries), media_type=JSON_FEED_TYPE,
                        headers=_last_modified(entries))


def _respond(kind: str, request: Request, title: str, page_path: str, items: list[dict[str, Any]]) -> Response:
    base = site_url(request)
    entries = [_entry(i, base) for i in items]
    maker = atom if kind == "atom" else json_feed
    query = request.url.query
    return maker(title, absolute_url(request, request.url.path + (f"?{query}" if query else "")),
                 base + page_path, entries)


@router.get("/stories/{story_id}/feed.{kind}", summary="A story as Atom or JSON Feed", response_class=Response,
            responses={**FEED_OK, **answers(404, 422)})
def story_feed(request: Request, story_id: PathId, kind: str = Path(..., pattern="^(atom|json)$")) -> Response:
    store = _store(request)
    record = store.get_story(store.resolve_story_id(story_id))
    newest = store.list_articles(story_id=record.id, include_duplicates=False, limit=FEED_ENTRIES)
    if not newest:
        raise NotFoundError(f"story {story_id} has no articles", source=f"story {story_id}")
    items = [views.card(a) or {} for a in newest]  # newest first, the newest FEED_ENTRIES only
    return _respond(kind, request, f"newsdesk story: {record.title or story_id}", f"/stories/{record.id}", items)


@router.get("/entities/{name_or_id}/feed.{kind}", summary="Articles mentioning an entity, as Atom or JSON Feed",
            response_class=Response, responses={**FEED_OK, **answers(404, 422)})
def entity_feed(request: Request, name_or_id: str, kind: str = Path(..., pattern="^(atom|json)$")) -> Response:
    store = _store(request)
    data = views.entity_view(store, name_or_id)
    articles = [views.card(a) or {} for a in store.get_articles([row["id"] for row in data["articles"]])]
    title = f"newsdesk entity: {data['entity']['name']}"
    return _respond(kind, request, title, f"/entities/{data['entity']['id']}", articles)


@router.get("/search/feed.{kind}", summary="A search as Atom or JSON Feed", response_class=Response,
            responses={**FEED_OK, **answers(400, 422)})
def search_feed(request: Request, kind: str = Path(..., pattern="^(atom|json)$"), q: str = Query(..., min_length=1),
                since: Day = None, until: Day = None, outlet: str | None = None,
                language: str | None = None) -> Response:
    filters = views.parse_filters(since, until, outlet, language)
    data = views.search_view(_store(request), _settings(request), q, filters, limit=50)
    cards = {a.id: views.card(a) or {} for a in _store(request).get_articles([h["article_id"] for h in data["hits"]])}
    hits = [{**cards.get(h["article_id"], {}), **h} for h in data["hits"]]  # the hit's snippet, the card's link
    hits.sort(key=lambda h: h.get("published") or "", reverse=True)
    return _respond(kind, request, f"newsdesk search: {q}", "/search?" + urlencode({"q": q}), hits)

"""Atom and JSON Feed output for a story, an entity and a search, so any feed reader can follow them.

Feed text is built with XML escaping (Atom) or ``json`` (JSON Feed); entry content is the
article's plain excerpt, never stored HTML.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from newsdesk.feedwriter import ATOM_TYPE, JSON_FEED_TYPE, atom_document, json_feed_document
from newsdesk.serve import views
from newsdesk.serve.deps import absolute_url, site_url
from newsdesk.serve.deps import request_settings as _settings
from newsdesk.serve.deps import request_store as _store
from newsdesk.serve.openapi import FEED_OK, answers
from newsdesk.serve.params import Day, PathId
from newsdesk.serve.sanitize import safe_url, shorten, snippet_text

router = APIRouter(tags=["feeds"])


def _entry(item: dict[str, Any], base: str) -> dict[str, Any]:
    """A feed entry from an article card, related row or search hit (whose summary is its snippet)."""
    article_id = item.get("id") or item.get("article_id")
    summary = snippet_text(item["snippet"]) if item.get("snippet") else item.get("excerpt") or ""
    return {"id": f"{base}/articles/{article_id}", "url": f"{base}/articles/{article_id}",
            "title": item.get("title") or "Untitled", "outlet": item.get("outlet") or "",
            "author": item.get("author") or item.get("outlet") or "",
            "published": item.get("published"), "summary": shorten(summary, 400),
            "external_url": safe_url(item.get("url"))}


def atom(title: str, self_url: str, page_url: str, entries: list[dict[str, Any]]) -> Response:
    return Response(atom_document(title, self_url, page_url, entries), media_type=ATOM_TYPE)


def json_feed(title: str, self_url: str, page_url: str, entries: list[dict[str, Any]]) -> Response:
    return JSONResponse(json_feed_document(title, self_url, page_url, entries), media_type=JSON_FEED_TYPE)


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
    from newsdesk.analyze import stories

    store = _store(request)
    info = stories.story_detail(store, story_id, _settings(request)).info
    members = [views.card(a) or {} for a in store.get_story_articles(info.id) if a.duplicate_of is None]
    items = sorted(members, key=lambda a: a.get("published") or "", reverse=True)
    return _respond(kind, request, f"newsdesk story: {info.title or story_id}", f"/stories/{info.id}", items)


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

"""The JSON API under ``/api/``: everything the pages show, plus adding sources.

Reads are open; writes need ``Authorization: Bearer <token>`` (``newsdesk token create``) and
are refused in read-only mode. Changing sources needs an admin's token (or a desk token made
before any user); saving a search, any user's. Lists page with opaque cursors (``next_cursor``). Errors are
``application/problem+json``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from newsdesk.config import VERSION
from newsdesk.serve import auth, sources, views
from newsdesk.serve.cursors import decode_keyset, encode_keyset
from newsdesk.serve.deps import request_refresh as _refresh
from newsdesk.serve.deps import request_settings as _settings
from newsdesk.serve.deps import request_store as _store
from newsdesk.serve.openapi import WRITE, answers
from newsdesk.serve.params import Day, EntityType, KeysetCursor, OffsetCursor, PathId, QueryId

router = APIRouter(prefix="/api", tags=["api"])


class AddSources(BaseModel):
    """Feed or page URLs to subscribe to / ingest."""

    targets: list[Annotated[str, Field(min_length=1)]] = Field(
        ..., min_length=1, max_length=50, examples=[["https://example.org/feed.xml"]])


@router.get("", summary="API index")
def index(request: Request) -> dict[str, Any]:
    return {"name": "newsdesk", "version": VERSION, "read_only": _settings(request).read_only,
            "openapi": "/openapi.json"}


@router.get("/stories", summary="Latest and growing stories", responses=answers(400, 422))
def stories(request: Request, since: Day = None, until: Day = None, outlet: str | None = None,
            language: str | None = None, entity: str | None = None, cursor: OffsetCursor = None,
            limit: int = Query(30, ge=1, le=200)) -> dict[str, Any]:
    filters = views.parse_filters(since, until, outlet, language, entity)
    return views.home_view(_store(request), _settings(request), filters, cursor=cursor, limit=limit,
                           refresh=_refresh(request))


@router.get("/stories/{story_id}", summary="One story: summary, timeline, coverage, framing",
            responses=answers(404, 422))
def story(request: Request, story_id: PathId) -> dict[str, Any]:
    return views.story_view(_store(request), _settings(request), story_id, refresh=_refresh(request))


@router.get("/articles", summary="Articles, newest first (keyset cursor)", responses=answers(400, 422))
def articles(request: Request, outlet: str | None = None, since: Day = None, until: Day = None,
             language: str | None = None, feed_id: QueryId = None, story_id: QueryId = None,
             include_duplicates: bool = False, cursor: KeysetCursor = None,
             limit: int = Query(50, ge=1, le=500)) -> dict[str, Any]:
    filters = views.parse_filters(since, until, outlet, language)
    found = _store(request).list_articles(
        outlet=filters.outlet, since=filters.since_dt, until=filters.until_dt, language=filters.language,
        feed_id=feed_id, story_id=story_id, include_duplicates=include_duplicates, limit=limit + 1,
        before=decode_keyset(cursor))
    page = found[:limit]
    last = page[-1] if page else None
    next_cursor = encode_keyset(last.published or last.first_seen, last.id) if last and len(found) > limit else None
    return {"articles": [views.card(a) for a in page], "next_cursor": next_cursor}


@router.get("/articles/{article_id}", summary="One article with its text, related, neighbours, copies",
            responses=answers(404, 422))
def article(request: Request, article_id: PathId) -> dict[str, Any]:
    return views.article_view(_store(request), _settings(request), article_id, refresh=_refresh(request))


@router.get("/articles/{article_id}/summary", summary="The article's summary (computed once, then cached)",
            responses=answers(404, 422))
def article_summary(request: Request, article_id: PathId) -> dict[str, Any]:
    return views.article_summary(_store(request), _settings(request), article_id)


@router.get("/entities", summary="Named entities", responses=answers(400, 422))
def entities(request: Request, type: EntityType = None, cursor: OffsetCursor = None,
             limit: int = Query(100, ge=1, le=500)) -> dict[str, Any]:
    return views.entity_list_view(_store(request), type=type, cursor=cursor, limit=limit)


@router.get("/entities/{name_or_id}", summary="One entity: coverage, stories, co-occurring entities",
            responses=answers(404, 422))
def entity(request: Request, name_or_id: str) -> dict[str, Any]:
    return views.entity_view(_store(request), name_or_id, refresh=_refresh(request))


@router.get("/search", summary="Full-text (or semantic) search with highlighted snippets",
            responses=answers(400, 422))
def search(request: Request, q: str = Query(..., min_length=1),
           mode: str = Query("fulltext", pattern="^(fulltext|semantic)$"), since: Day = None,
           until: Day = None, outlet: str | None = None, language: str | None = None,
           cursor: OffsetCursor = None, limit: int = Query(20, ge=1, le=100),
           count: bool = Query(False, description="count every match for `total` (costs a full search "
                               "on common words; otherwise `total` is null while more pages follow)")
           ) -> dict[str, Any]:
    filters = views.parse_filters(since, until, outlet, language)
    return views.search_view(_store(request), _settings(request), q, filters, mode=mode, cursor=cursor,
                             limit=limit, count=count)


class SaveSearch(BaseModel):
    """A named search: ``query`` is the search page's query string, e.g. ``q=levy&outlet=Quay+Courier``."""

    name: str = Field(..., min_length=1, max_length=200, pattern=r"^[^\x00]*[^\s\x00][^\x00]*$",
                      description="some visible text (no NUL character)")
    query: str = Field(..., min_length=3, max_length=2000, pattern=r"(^\??|&)q=([^&\s+%]|%[0-9A-Fa-f]{2})",
                       examples=["q=harbour+levy&since=2026-03-01"],
                       description="the search page's query string, with words to find (`q=`)")


@router.get("/searches", summary="Saved searches")
def saved_searches(request: Request) -> dict[str, Any]:
    return {"searches": [views.saved_search_row(s) for s in _store(request).list_saved_searches()]}


@router.post("/searches", summary="Save a search (needs a token)", status_code=201,
             responses=answers(*WRITE, 409))
def save_search(request: Request, body: SaveSearch, _caller: auth.Caller = Depends(auth.require_api_member)
                ) -> dict[str, Any]:
    saved = views.save_search(_store(request), body.name, body.query)
    return views.saved_search_row(saved)


@router.get("/outlets", summary="Outlets with their article counts")
def outlets(request: Request) -> dict[str, Any]:
    return {"outlets": _store(request).outlets()}


@router.get("/sources", summary="Subscribed feeds with status and errors")
def list_sources(request: Request) -> dict[str, Any]:
    return views.sources_view(_store(request))


@router.post("/sources", summary="Add feeds or pages (needs an admin's token): one job each, followed at /api/jobs",
             status_code=202, responses=answers(*WRITE, 503))
async def add_sources(request: Request, body: AddSources, _caller: auth.Caller = Depends(auth.require_api_writer)
                      ) -> Response:
    from newsdesk.serve.jobs import defer_targets

    return await defer_targets(request, sources.web_targets(body.targets))


@router.post("/sources/opml", summary="Import an OPML subscription list (needs an admin's token)", status_code=201,
             responses=answers(*WRITE))
def import_opml(request: Request, content: bytes = Body(..., media_type="text/x-opml", min_length=1),
                _caller: auth.Caller = Depends(auth.require_api_writer)) -> dict[str, Any]:
    outcomes = sources.import_opml(_store(request), content, "api upload")
    return {"outcomes": [o.to_json() for o in outcomes]}


@router.get("/sources/opml", summary="Export the subscriptions as OPML", response_class=Response,
            responses={200: {"content": {"text/x-opml": {}}}})
def export_opml(request: Request) -> Response:
    return sources.opml_response(_store(request))

"""Watchlists over the web: ``/api/watchlists`` (CRUD, articles), ``/api/digest``, the private
feeds ``/watchlists/{id}/feed.{atom,json}?token=…``, the watchlist pages and the "Follow" form.

Everything here is one reader's own: the API answers 401 to anonymous requests, and another
user's watchlist is a 404 (never a 403, which would tell that it exists). A private feed needs
no login but its token (an HMAC of the id and the feed nonce): a wrong or renewed one is a 404.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Form, Path, Query, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from newsdesk.errors import InvalidArgumentError, NotFoundError
from newsdesk.follow import watchlists as follow
from newsdesk.follow.digest import build_digest
from newsdesk.follow.feedtokens import feed_token_matches
from newsdesk.follow.render import render_digest
from newsdesk.serve import auth, views
from newsdesk.serve.cursors import decode_keyset, encode_keyset
from newsdesk.serve.deps import request_settings as _settings
from newsdesk.serve.deps import request_store as _store
from newsdesk.serve.deps import site_url
from newsdesk.serve.feeds_out import _respond
from newsdesk.serve.openapi import FEED_OK, answers
from newsdesk.serve.params import KeysetCursor, PathId
from newsdesk.store import utcnow
from newsdesk.store.watchlists import Watchlist

api_router = APIRouter(prefix="/api", tags=["watchlists"])
router = APIRouter(tags=["watchlists"])
HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
_MINE = (401, 404, 422)


class SearchFilters(BaseModel):
    outlet: str | None = Field(None, max_length=300)
    language: str | None = Field(None, max_length=20)
    since: str | None = Field(None, max_length=40)
    until: str | None = Field(None, max_length=40)


class AlertRule(BaseModel):
    """When and where to alert: ``off``, ``immediate``, ``hourly`` or ``daily`` at ``time`` (the
    user's time zone), once ``min_new`` articles are new; by e-mail and/or a signed webhook."""

    mode: Literal["off", "immediate", "hourly", "daily"] = "off"
    time: str = Field("08:00", pattern=HHMM)
    min_new: int = Field(1, ge=1, le=10_000)
    email: str = Field("", max_length=254)
    webhook_url: str = Field("", max_length=2000)


#: what each kind needs, in the schema itself (so a schema-valid request is never refused as incomplete):
#: a search a query with a word in it, a story its numeric id, an entity or outlet a name or id
_KIND_NEEDS: dict[str, Any] = {"allOf": [
    {"if": {"properties": {"kind": {"const": "search"}}},
     "then": {"required": ["query"], "properties": {"query": {"pattern": "[A-Za-z0-9]"}}}},
    {"if": {"properties": {"kind": {"const": "story"}}},
     "then": {"required": ["target"], "properties": {"target": {"pattern": "^[1-9][0-9]{0,8}$"}}}},
    {"if": {"properties": {"kind": {"enum": ["entity", "outlet"]}}},
     "then": {"required": ["target"], "properties": {"target": {"pattern": "\\S"}}}},
]}


class WatchlistIn(BaseModel):
    """What to follow: a search (``query`` + ``filters``), or a story / entity / outlet (``target``)."""

    model_config = ConfigDict(json_schema_extra=_KIND_NEEDS)

    kind: Literal["search", "story", "entity", "outlet"]
    name: str = Field("", max_length=200)
    query: str = Field("", max_length=500)
    target: str = Field("", max_length=300)
    filters: SearchFilters = Field(default_factory=lambda: SearchFilters.model_validate({}))
    alert: AlertRule = Field(default_factory=lambda: AlertRule.model_validate({}))


class WatchlistChange(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    query: str | None = Field(None, min_length=1, max_length=500)
    filters: SearchFilters | None = None
    alert: AlertRule | None = None
    renew_feed_token: bool = False


def _key(request: Request) -> bytes:
    key: bytes = request.app.state.signer.key
    return key


def _json(request: Request, watchlist: Watchlist, secret: str = "") -> dict[str, Any]:
    data = follow.watchlist_json(_store(request), _settings(request), _key(request), watchlist, site_url(request))
    if secret:
        data["webhook_secret"] = secret  # shown once, when it is made
    return data


def _alert_values(alert: AlertRule) -> dict[str, Any]:
    return {"alert_mode": alert.mode, "alert_time": alert.time, "min_new": alert.min_new,
            "email": alert.email.strip(), "webhook_url": alert.webhook_url.strip()}


@api_router.get("/watchlists", summary="Your watchlists", responses=answers(401))
def list_watchlists(request: Request) -> dict[str, Any]:
    user = auth.require_user(request)
    return {"watchlists": [_json(request, w) for w in _store(request).list_watchlists(user.id)]}


@api_router.post("/watchlists", summary="Follow a search, story, entity or outlet", status_code=201,
                 responses=answers(400, 401, 403, 404, 409, 422))
def create_watchlist(request: Request, body: Annotated[WatchlistIn, Body()]) -> dict[str, Any]:
    auth.ensure_writable(request)
    user = auth.require_user(request)
    alert = _alert_values(body.alert)
    spec = follow.WatchlistSpec(kind=body.kind, query=body.query, target=body.target, name=body.name,
                                filters={k: v for k, v in body.filters.model_dump().items() if v},
                                alert_mode=alert["alert_mode"], alert_time=alert["alert_time"],
                                min_new=alert["min_new"], email=alert["email"], webhook_url=alert["webhook_url"])
    watchlist, secret = follow.create_watchlist(_store(request), _settings(request), user, spec)
    return _json(request, watchlist, secret)


@api_router.get("/watchlists/{watchlist_id}", summary="One of your watchlists", responses=answers(*_MINE))
def get_watchlist(request: Request, watchlist_id: PathId) -> dict[str, Any]:
    user = auth.require_user(request)
    return _json(request, _store(request).get_watchlist(watchlist_id, user.id))


@api_router.patch("/watchlists/{watchlist_id}", summary="Change a watchlist (name, query, filters, alert rule; "
                  "renew its feed token)", responses=answers(400, 401, 403, 404, 409, 422))
def change_watchlist(request: Request, watchlist_id: PathId, body: Annotated[WatchlistChange, Body()]) -> dict[str, Any]:
    auth.ensure_writable(request)
    user = auth.require_user(request)
    store = _store(request)
    values: dict[str, Any] = {}
    if body.name is not None:
        values["name"] = body.name
    if body.query is not None:
        values["query"] = body.query
    if body.filters is not None:
        values["filters"] = {k: v for k, v in body.filters.model_dump().items() if v}
    if body.alert is not None:
        values.update(_alert_values(body.alert))
    watchlist, secret = follow.update_watchlist(store, _settings(request), user, watchlist_id, values)
    if body.renew_feed_token:
        watchlist = store.renew_feed_nonce(watchlist_id, user.id)
    return _json(request, watchlist, secret)


@api_router.delete("/watchlists/{watchlist_id}", summary="Stop following", status_code=204,
                   response_class=Response, responses=answers(401, 403, 404, 422))
def delete_watchlist(request: Request, watchlist_id: PathId) -> Response:
    auth.ensure_writable(request)
    user = auth.require_user(request)
    _store(request).delete_watchlist(watchlist_id, user.id)
    return Response(status_code=204)


@api_router.get("/watchlists/{watchlist_id}/articles", summary="The articles a watchlist follows, newest first",
                responses=answers(400, *_MINE))
def watchlist_articles(request: Request, watchlist_id: PathId, cursor: KeysetCursor = None,
                       limit: int = Query(50, ge=1, le=200)) -> dict[str, Any]:
    user = auth.require_user(request)
    store = _store(request)
    watchlist = store.get_watchlist(watchlist_id, user.id)
    ids = store.watchlist_article_ids(watchlist, limit=limit + 1, before=decode_keyset(cursor))
    found = {a.id: a for a in store.get_articles(ids[:limit])}
    page = [found[i] for i in ids[:limit] if i in found]
    last = page[-1] if page else None
    next_cursor = encode_keyset(last.published or last.first_seen, last.id) if last and len(ids) > limit else None
    return {"watchlist": watchlist.to_json(), "articles": [views.card(a) for a in page],
            "total": store.count_watchlist_articles(watchlist), "next_cursor": next_cursor}


_DIGEST_TYPES: dict[int | str, dict[str, Any]] = {200: {"description": "The digest: JSON, or Markdown, HTML or Atom as ``format`` asks",
                       "content": {"application/json": {}, "text/markdown": {}, "text/html": {},
                                   "application/atom+xml": {}}}}


@api_router.get("/digest", summary="Your digest: the stories your watchlists moved",
                responses={**_DIGEST_TYPES, **answers(400, 401, 404, 422)})
def digest(request: Request,
           since: Annotated[str | None, Query(description="ISO date or time (UTC); default: a day ago"),
                            WithJsonSchema({"anyOf": [{"type": "string", "format": "date"},
                                                      {"type": "string", "format": "date-time"}]})] = None,
           watchlist: list[int] | None = Query(None, description="only these watchlist ids"),
           format: Literal["json", "md", "html", "atom"] = "json") -> Response:
    from newsdesk.dates import parse_date_option

    user = auth.require_user(request)
    store = _store(request)
    settings = _settings(request)
    start = parse_date_option(since, "since") if since else utcnow() - timedelta(days=1)
    assert start is not None
    chosen = [store.get_watchlist(i, user.id) for i in watchlist] if watchlist else None
    built = build_digest(store, settings.replace(base_url=site_url(request)), user, since=start, watchlists=chosen)
    if format == "json":
        from fastapi.responses import JSONResponse

        return JSONResponse(built.to_json())
    media = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8",
             "atom": "application/atom+xml; charset=utf-8"}[format]
    return PlainTextResponse(render_digest(built, format), media_type=media)


# --- private feeds -----------------------------------------------------------------------------

@router.get("/watchlists/{watchlist_id}/feed.{kind}", summary="A watchlist as a private Atom or JSON Feed",
            response_class=Response, responses={**FEED_OK, **answers(404, 422)})
def watchlist_feed(request: Request, watchlist_id: PathId, kind: str = Path(..., pattern="^(atom|json)$"),
                   token: str = Query("", max_length=100)) -> Response:
    store = _store(request)
    watchlist = store.get_watchlist(watchlist_id, None)
    if not feed_token_matches(_key(request), watchlist, token):
        raise NotFoundError(f"no watchlist with id {watchlist_id}", source=f"watchlist {watchlist_id}")
    ids = store.watchlist_article_ids(watchlist, limit=50)
    cards = [views.card(a) or {} for a in store.get_articles(ids)]
    cards.sort(key=lambda c: c.get("published") or "", reverse=True)
    response = _respond(kind, request, f"newsdesk watchlist: {watchlist.name}", f"/watchlists/{watchlist.id}", cards)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


# --- pages -------------------------------------------------------------------------------------

def _render(request: Request, template: str, context: dict[str, Any]) -> Response:
    from newsdesk.serve.pages import render

    return render(request, template, context)


@router.get("/watchlists", summary="Your watchlists (page)", include_in_schema=False)
def watchlists_page(request: Request) -> Response:
    user = auth.current_user(request)
    if user is None:
        return RedirectResponse("/login?next=/watchlists", status_code=303)
    store = _store(request)
    rows = [{**_json(request, w), "count": store.count_watchlist_articles(w)} for w in store.list_watchlists(user.id)]
    return _render(request, "watchlists.html", {"watchlists": rows, "title": "Watchlists"})


@router.get("/watchlists/{watchlist_id}", summary="One watchlist (page)", include_in_schema=False)
def watchlist_page(request: Request, watchlist_id: PathId) -> Response:
    user = auth.current_user(request)
    if user is None:
        return RedirectResponse(f"/login?next=/watchlists/{watchlist_id}", status_code=303)
    store = _store(request)
    watchlist = store.get_watchlist(watchlist_id, user.id)
    ids = store.watchlist_article_ids(watchlist, limit=50)
    found = {a.id: a for a in store.get_articles(ids)}
    cards = [views.card(found[i]) for i in ids if i in found]
    return _render(request, "watchlist.html", {"watchlist": _json(request, watchlist), "articles": cards,
                                               "title": watchlist.name})


@router.post("/watchlists/follow", include_in_schema=False)
def follow_form(request: Request, kind: str = Form(...), target: str = Form("", max_length=300),
                query: str = Form("", max_length=500), outlet: str = Form("", max_length=300),
                csrf_token: str = Form("")) -> Response:
    """The "Follow" button of story, entity, outlet and search pages (a logged-in reader)."""
    auth.ensure_writable(request)
    auth.check_csrf(request, csrf_token)
    user = auth.require_user(request)
    if kind not in ("search", "story", "entity", "outlet"):
        raise InvalidArgumentError(f"unknown watchlist kind {kind!r}")
    spec = follow.WatchlistSpec(kind=kind, target=target, query=query, filters={"outlet": outlet} if outlet else {})
    watchlist, _ = follow.create_watchlist(_store(request), _settings(request), user, spec)
    return RedirectResponse(f"/watchlists/{watchlist.id}", status_code=303)


@router.post("/watchlists/{watchlist_id}/delete", include_in_schema=False)
def unfollow_form(request: Request, watchlist_id: PathId, csrf_token: str = Form("")) -> Response:
    auth.ensure_writable(request)
    auth.check_csrf(request, csrf_token)
    user = auth.require_user(request)
    _store(request).delete_watchlist(watchlist_id, user.id)
    return RedirectResponse("/watchlists", status_code=303)

"""The Fever API (``/fever/?api``), for the feed readers that speak it.

A client sends ``api_key = md5("name:API password")`` (``users.fever_key``); a wrong or missing
key answers 200 with ``auth: 0``, as clients expect. Feeds are the user's subscriptions (their
numeric ids: a feed's own id, ``2**30 + outlet id`` for an outlet's directly added documents),
groups are the user's folders, items are originals only (copies folded in, as in the Google
Reader API) with the article id as item id. Lists are keyset-paged on the article id; the
``unread_item_ids`` and ``saved_item_ids`` lists the protocol wants whole are read in batches.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from newsdesk.errors import NewsdeskError
from newsdesk.serve.deps import request_settings, request_store, site_url
from newsdesk.serve.reader_common import PageItem, article_html, page_items
from newsdesk.serve.sanitize import safe_url
from newsdesk.store import Store
from newsdesk.store.subscriptions import Stream, Subscription, source_of_numeric_id
from newsdesk.store.users import User

router = APIRouter()

API_VERSION = 3
PAGE = 50
ID_BATCH = 5000
#: a grey 1x1 GIF: every feed's favicon (newsdesk keeps no icons)
FAVICON = "image/gif;base64,R0lGODlhAQABAIAAAMzMzAAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="


def _answer(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, headers={"Cache-Control": "private, no-store"})


async def _params(request: Request) -> dict[str, str]:
    params = dict(request.query_params)
    if request.method == "POST":
        form = await request.form()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    return params


def _int(params: dict[str, str], name: str) -> int | None:
    value = params.get(name, "").strip()
    return int(value) if value.lstrip("-").isdigit() and len(value) < 20 else None


async def fever_api(request: Request) -> Response:
    params = await _params(request)
    # the store and the sanitiser are blocking work: off the event loop
    return await run_in_threadpool(_fever_answer, request, params)


def _fever_answer(request: Request, params: dict[str, str]) -> Response:
    store = request_store(request)
    body: dict[str, Any] = {"api_version": API_VERSION, "auth": 0}
    user = store.find_user_by_fever_key(params.get("api_key", ""))
    if user is None:
        return _answer(body)
    body["auth"] = 1
    body["last_refreshed_on_time"] = int(datetime.now(UTC).timestamp())
    try:
        if "mark" in params:
            _mark(request, store, user, params)
        _fill(request, store, user, params, body)
    except NewsdeskError as exc:
        body["error"] = exc.message
    return _answer(body)


for _path in ("/fever", "/fever/"):
    router.add_api_route(_path, fever_api, methods=["GET", "POST"], include_in_schema=False)


def _fill(request: Request, store: Store, user: User, params: dict[str, str], body: dict[str, Any]) -> None:
    subs: list[Subscription] | None = None
    if "groups" in params or "feeds" in params:
        subs = store.list_subscriptions(user.id)
        body["feeds_groups"] = _feeds_groups(subs)
    if "groups" in params:
        body["groups"] = [{"id": f.id, "title": f.name} for f in store.list_folders(user.id)]
    if "feeds" in params and subs is not None:
        body["feeds"] = [_feed_json(s) for s in subs]
    if "favicons" in params:
        body["favicons"] = [{"id": 1, "data": FAVICON}]
    if "items" in params:
        body["items"] = [_item_json(request, item) for item in _items(store, user, params)]
        body["total_items"] = store.count_stream(user.id, Stream("all"), unread=False)
    if "unread_item_ids" in params:
        body["unread_item_ids"] = _all_ids(store, user, exclude=("read",))
    if "saved_item_ids" in params:
        body["saved_item_ids"] = _all_ids(store, user, include=("starred",))
    if "links" in params:
        body["links"] = []


def _feeds_groups(subs: list[Subscription]) -> list[dict[str, Any]]:
    groups: dict[int, list[str]] = {}
    for sub in subs:
        if sub.folder_id is not None and sub.folder:
            groups.setdefault(sub.folder_id, []).append(str(sub.numeric_id))
    return [{"group_id": gid, "feed_ids": ",".join(ids)} for gid, ids in sorted(groups.items())]


def _feed_json(sub: Subscription) -> dict[str, Any]:
    return {"id": sub.numeric_id, "favicon_id": 1, "title": sub.title, "url": sub.url or safe_url(sub.site_url),
            "site_url": safe_url(sub.site_url), "is_spark": 0,
            "last_updated_on_time": int(sub.first_seen.timestamp()) if sub.first_seen else 0}


def _items(store: Store, user: User, params: dict[str, str]) -> list[PageItem]:
    if "with_ids" in params:
        wanted = [int(p) for p in params["with_ids"].split(",") if p.strip().isdigit() and len(p.strip()) < 19]
        ids = sorted(set(store.originals_of(wanted[:PAGE])))
    elif _int(params, "max_id") is not None:
        ids = store.stream_article_ids(user.id, Stream("all"), limit=PAGE, max_id=_int(params, "max_id"))
    else:
        ids = store.stream_article_ids(user.id, Stream("all"), limit=PAGE, oldest_first=True,
                                       min_id=max(_int(params, "since_id") or 0, 0))
    return page_items(store, user.id, ids)


def _item_json(request: Request, item: PageItem) -> dict[str, Any]:
    article = item.article
    subs_id = _source_number(item.source)
    shown = item.shown_at
    return {"id": article.id, "feed_id": subs_id, "title": article.title, "author": article.author,
            "html": str(article_html(article, item.copy_outlets)),
            "url": safe_url(article.public_url) or f"{site_url(request)}/articles/{article.id}",
            "is_saved": int(item.state.starred), "is_read": int(item.state.read),
            "created_on_time": int(shown.timestamp()) if shown else 0}


def _source_number(source: str) -> int:
    return Subscription(source, "", "", "", "", "", None).numeric_id


def _all_ids(store: Store, user: User, *, exclude: tuple[str, ...] = (), include: tuple[str, ...] = ()) -> str:
    found: list[int] = []
    after = None
    while True:
        batch = store.stream_article_ids(user.id, Stream("all"), limit=ID_BATCH, after=after,
                                         exclude=exclude, include=include)
        found += batch
        if len(batch) < ID_BATCH:
            break
        after = batch[-1]
    return ",".join(str(i) for i in found)


def _mark(request: Request, store: Store, user: User, params: dict[str, str]) -> None:
    if request_settings(request).read_only:
        return
    kind, action, target = params.get("mark", ""), params.get("as", ""), _int(params, "id")
    if target is None:
        return
    if kind == "item":
        marks = {"read": {"read": True}, "unread": {"read": False},
                 "saved": {"starred": True}, "unsaved": {"starred": False}}.get(action)
        if marks:
            store.mark_with_copies(user.id, [target], **marks)
        return
    if action != "read":
        return
    before = _int(params, "before")
    until = datetime.fromtimestamp(before, UTC) if before is not None and 0 < before < 1 << 40 else None
    stream = _mark_stream(store, user, kind, target)
    if stream is not None:
        store.mark_stream_read(user.id, stream, until=until)


def _mark_stream(store: Store, user: User, kind: str, target: int) -> Stream | None:
    if kind == "feed":
        source = source_of_numeric_id(target)
        return Stream("source", source) if source else None
    if kind == "group":
        if target == 0:  # Fever's "Kindling": everything
            return Stream("all")
        if target > 0 and any(f.id == target for f in store.list_folders(user.id)):
            return Stream("folder", str(target))
    return None

"""The Google Reader API (as Miniflux and FreshRSS serve it), for phone and desktop feed readers.

``POST /accounts/ClientLogin`` takes a user's name and API password and answers an ``Auth``
token (an API token of that user); every other call is under ``/reader/api/0/`` with
``Authorization: GoogleLogin auth=<token>``. Writes may carry the edit token (``T``, from
``GET token``): a wrong one is refused with 401 and ``X-Reader-Google-Bad-Token: true``; a
missing one is accepted, as Miniflux does (the header already proves who writes).

Streams: ``user/-/state/com.google/{reading-list,starred,read,kept-unread}``, ``feed/<feed URL>``
(pages, files and archives added directly: ``feed/newsdesk:outlet/<id>``, ``feed/newsdesk:other``),
``user/-/label/<name>`` — a folder of the user's, else one of their watchlists (a followed story
is a watchlist). Items are originals only: a copy (``duplicate_links``) is folded into its
original, whose summary names the copies' outlets, and marking the original marks its copies.

Item ids are ``2**60 + article id``: emitted as ``tag:google.com,2005:reader/item/<16 hex>``,
in decimal by ``stream/items/ids``; read in all the forms clients send (see :func:`parse_item_id`).
These routes are not part of the JSON API's OpenAPI schema: their answers are the protocol's.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from newsdesk.errors import ConflictError, InvalidArgumentError, NewsdeskError, NotFoundError
from newsdesk.serve.deps import request_settings, request_store, site_url
from newsdesk.serve.login_limit import LoginLimiter
from newsdesk.serve.reader_common import PageItem, article_html, login_with_api_password, page_items
from newsdesk.serve.sanitize import safe_url
from newsdesk.store import Store
from newsdesk.store.subscriptions import Stream, Subscription
from newsdesk.store.users import User
from newsdesk.store.watchlists import Watchlist

router = APIRouter()

ITEM_BASE = 1 << 60
ITEM_LIMIT = 1 << 63
ITEM_PREFIX = "tag:google.com,2005:reader/item/"
STATE = "user/-/state/com.google/"
LABEL = "user/-/label/"
OUTLET_STREAM = "feed/newsdesk:outlet/"
OTHER_STREAM = "feed/newsdesk:other"
READING_LIST = STATE + "reading-list"
#: the states a client can tag with, and the read_state mark each is
TAG_STATES = {"read": "read", "starred": "starred", "kept-unread": "kept"}
MAX_ITEMS = 1000
MAX_IDS = 10_000
MAX_EDIT_IDS = 1000


class ReaderError(Exception):
    """An answer in the protocol's words (plain text), with its status and headers."""

    def __init__(self, status: int, text: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(text)
        self.status, self.text, self.headers = status, text, headers or {}


# -- item ids -------------------------------------------------------------------------------------

def item_number(article_id: int) -> int:
    return ITEM_BASE + article_id


def item_id(article_id: int) -> str:
    return f"{ITEM_PREFIX}{item_number(article_id):016x}"


def parse_item_id(text: str) -> int:
    """The article id of an item id in any form clients send: the long form
    (``tag:google.com,2005:reader/item/<hex>``), 16 hex digits, decimal, or hex without padding.

    Ids live in [2**60, 2**63): 16 hex digits, 19 decimal ones, so the forms never collide."""
    raw = text.strip()
    lowered = raw.lower()
    if lowered.startswith(ITEM_PREFIX):
        number = _hex(lowered[len(ITEM_PREFIX):])
    elif raw.isdigit() and len(raw) != 16:
        number = int(raw)
    else:
        number = _hex(lowered)
    if number is None or not ITEM_BASE < number < ITEM_LIMIT:
        raise InvalidArgumentError(f"not an item id: {raw[:60]!r}")
    return number - ITEM_BASE


def _hex(text: str) -> int | None:
    text = text.lstrip("0") or "0"
    if not text or len(text) > 16 or any(ch not in "0123456789abcdef" for ch in text):
        return None
    return int(text, 16)


# -- request plumbing ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Call:
    """One request: its parameters (query and form merged, repeats kept) and, once logged in, who."""

    params: list[tuple[str, str]]
    user: User | None = None
    token_id: int | None = None

    def get(self, name: str, default: str = "") -> str:
        for key, value in self.params:
            if key == name:
                return value
        return default

    def all(self, name: str) -> list[str]:
        return [value for key, value in self.params if key == name]


async def _params(request: Request) -> list[tuple[str, str]]:
    params = list(request.query_params.multi_items())
    if request.method == "POST":
        form = await request.form()
        params += [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    return params


def _auth_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "googlelogin":
        key, _, secret = value.strip().partition("=")
        if key.lower() == "auth":
            return secret.strip()
    return ""


def _login(request: Request) -> tuple[User, int]:
    secret = _auth_token(request)
    store = request_store(request)
    token = store.verify_token(secret) if secret else None
    if token is None or token.user_id is None:
        raise ReaderError(401, "Unauthorized", {"WWW-Authenticate": "GoogleLogin"})
    try:
        return store.get_user(token.user_id), token.id
    except NotFoundError as exc:
        raise ReaderError(401, "Unauthorized", {"WWW-Authenticate": "GoogleLogin"}) from exc


def edit_token(request: Request, token_id: int) -> str:
    return str(request.app.state.signer.sign(f"greader-edit:{token_id}"))


def _check_edit_token(request: Request, call: Call) -> None:
    if request_settings(request).read_only:
        raise ReaderError(403, "this newsdesk serves in read-only mode")
    submitted = call.get("T").strip()
    if submitted and not hmac.compare_digest(submitted.encode(), edit_token(request, call.token_id or 0).encode()):
        raise ReaderError(401, "Unauthorized", {"X-Reader-Google-Bad-Token": "true"})


Handler = Callable[[Request, Call], Response]


def reader_route(path: str, methods: tuple[str, ...] = ("GET", "POST"), *, login: bool = True,
                 write: bool = False, slash: bool = True, on: APIRouter = router) -> Callable[[Handler], Handler]:
    """Register ``path`` on router ``on`` with and without a trailing slash (``slash``); log the caller in (``login``), check
    the edit token (``write``), and turn newsdesk errors into the protocol's plain-text answers."""

    def register(handler: Handler) -> Handler:
        async def endpoint(request: Request) -> Response:
            try:
                params = await _params(request)
                # the login (argon2), the store and the sanitiser are blocking work: off the event loop
                return await run_in_threadpool(_answer, request, Call(params))
            except ReaderError as exc:
                return PlainTextResponse(exc.text, status_code=exc.status, headers=exc.headers)
            except NewsdeskError as exc:
                return PlainTextResponse(exc.message, status_code=exc.status)

        def _answer(request: Request, call: Call) -> Response:
            if login:
                user, token_id = _login(request)
                call = Call(call.params, user, token_id)
            if write:
                if request.method != "POST":
                    raise ReaderError(405, "Method Not Allowed")
                _check_edit_token(request, call)
            return handler(request, call)

        async def endpoint_in_stream(request: Request, stream: str) -> Response:
            """The same, on a path holding a stream id (declared, as FastAPI wants its path parameters)."""
            return await endpoint(request)

        chosen = endpoint_in_stream if "{stream:path}" in path else endpoint
        chosen.__name__, chosen.__doc__ = handler.__name__, handler.__doc__  # not wraps: FastAPI reads
        for each in (path, path + "/") if slash else (path,):  # the signature it would copy
            on.add_api_route(each, chosen, methods=list(methods), include_in_schema=False)
        return handler

    return register


def _json(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, headers={"Cache-Control": "private, no-store"})


def login_user(call: Call) -> User:
    assert call.user is not None
    return call.user


# -- streams ---------------------------------------------------------------------------------------

def source_stream_id(source: str, url: str) -> str:
    if source.startswith("feed:"):
        return f"feed/{url}"
    if source.startswith("outlet:"):
        return OUTLET_STREAM + source[7:]
    return OTHER_STREAM


def _normalise(stream_id: str) -> str:
    """``user/<anything>/…`` as ``user/-/…`` (clients send their user id or ``-``)."""
    if stream_id.startswith("user/"):
        _user_part, _, rest = stream_id[5:].partition("/")
        return "user/-/" + rest
    return stream_id


def parse_stream(store: Store, user: User, stream_id: str) -> Stream:
    """The stream a stream id names; NotFoundError for a feed or label this user does not have."""
    stream_id = _normalise(stream_id.strip())
    if stream_id in ("", READING_LIST):
        return Stream("all")
    if stream_id.startswith(STATE):
        state = TAG_STATES.get(stream_id[len(STATE):])
        if state is None:
            raise NotFoundError(f"unknown stream {stream_id!r}", source=stream_id[:200])
        return Stream("state", state)
    if stream_id.startswith(LABEL):
        return _label_stream(store, user, stream_id[len(LABEL):])
    if stream_id.startswith("feed/"):
        return Stream("source", _feed_source(store, stream_id))
    raise NotFoundError(f"unknown stream {stream_id[:200]!r}", source=stream_id[:200])


def _label_stream(store: Store, user: User, name: str) -> Stream:
    folder = store.find_folder(user.id, name)
    if folder is not None:
        return Stream("folder", str(folder.id))
    watchlist = _watchlist_named(store, user, name)
    if watchlist is not None:
        return Stream("watchlist", str(watchlist.id), watchlist)
    raise NotFoundError(f"no folder or watchlist named {name[:200]!r}", source=name[:200])


def _watchlist_named(store: Store, user: User, name: str) -> Watchlist | None:
    return next((w for w in store.list_watchlists(user.id) if w.name == name), None)


def _feed_source(store: Store, stream_id: str) -> str:
    if stream_id == OTHER_STREAM:
        return "other"
    if stream_id.startswith(OUTLET_STREAM) and stream_id[len(OUTLET_STREAM):].isdigit():
        source = f"outlet:{int(stream_id[len(OUTLET_STREAM):])}"
    else:
        rest = stream_id[5:]
        source = (f"feed:{int(rest)}" if rest.isdigit() and len(rest) < 10
                  else store.feed_source_by_url(rest) or "")
    if not source or not store.source_exists(source):
        raise NotFoundError(f"no such feed: {stream_id[:200]!r}", source=stream_id[:200])
    return source


# -- login and the user ----------------------------------------------------------------------------

#: live ClientLogin tokens kept per user and app name (phones and desktops of one app share a name)
CLIENT_LOGIN_TOKENS_KEPT = 10


@reader_route("/accounts/ClientLogin", login=False)
def client_login(request: Request, call: Call) -> Response:
    store = request_store(request)
    if request_settings(request).read_only:  # a login makes a token: a write, as for the login page
        raise ReaderError(403, "Error=ServiceUnavailable\nthis newsdesk serves in read-only mode\n")
    # failed logins count against the same per-name and per-address limit as the login page's
    limiter: LoginLimiter = request.app.state.login_limiter
    name_key = "name:" + call.get("Email").strip().casefold()[:100]
    keys = ["addr:" + (request.client.host if request.client else "unknown"), name_key]
    wait = limiter.retry_after(keys)
    if wait:
        raise ReaderError(429, "Error=TooManyLogins\n", {"Retry-After": str(wait)})
    user = login_with_api_password(store, call.get("Email"), call.get("Passwd"))
    if user is None:
        limiter.failed(keys)
        raise ReaderError(401, "Error=BadAuthentication\n")
    limiter.succeeded(name_key)
    client = "".join(ch for ch in call.get("source", "client")[:60] if ch.isprintable()) or "client"
    name = f"reader app login ({client})"
    _token, secret = store.create_token(name, user_id=user.id)
    # an app that logs in at every sync must not pile up live tokens: its older ones end
    store.revoke_older_tokens(user.id, name, keep=CLIENT_LOGIN_TOKENS_KEPT)
    if call.get("output") == "json":
        return _json({"SID": secret, "LSID": secret, "Auth": secret})
    return PlainTextResponse(f"SID={secret}\nLSID={secret}\nAuth={secret}\n")


@reader_route("/reader/api/0/token")
def token(request: Request, call: Call) -> Response:
    return PlainTextResponse(edit_token(request, call.token_id or 0))


@reader_route("/reader/api/0/user-info")
def user_info(request: Request, call: Call) -> Response:
    user = login_user(call)
    return _json({"userId": str(user.id), "userName": user.name, "userProfileId": str(user.id),
                  "userEmail": user.email, "isBloggerUser": False, "signupTimeSec": _seconds(user.created_at)})


@reader_route("/reader/api/0/tag/list")
def tag_list(request: Request, call: Call) -> Response:
    store, user = request_store(request), login_user(call)
    tags: list[dict[str, Any]] = [{"id": f"user/{user.id}/state/com.google/starred"}]
    folder_names = set()
    for folder in store.list_folders(user.id):
        folder_names.add(folder.name)
        tags.append({"id": f"user/{user.id}/label/{folder.name}", "type": "folder"})
    tags += [{"id": f"user/{user.id}/label/{w.name}", "type": "tag"}
             for w in store.list_watchlists(user.id) if w.name not in folder_names]
    return _json({"tags": tags})


def _subscription_json(sub: Subscription) -> dict[str, Any]:
    categories = [{"id": LABEL + sub.folder, "label": sub.folder}] if sub.folder else []
    return {"id": source_stream_id(sub.source, sub.url), "title": sub.title, "categories": categories,
            "url": sub.url or sub.site_url, "htmlUrl": safe_url(sub.site_url), "iconUrl": "",
            "sortid": f"{sub.numeric_id:08X}", "firstitemmsec": str(_seconds(sub.first_seen) * 1000)}


@reader_route("/reader/api/0/subscription/list")
def subscription_list(request: Request, call: Call) -> Response:
    subs = request_store(request).list_subscriptions(login_user(call).id)
    return _json({"subscriptions": [_subscription_json(s) for s in subs]})


@reader_route("/reader/api/0/unread-count")
def unread_count(request: Request, call: Call) -> Response:
    store, user = request_store(request), login_user(call)
    per_source = store.unread_by_source(user.id)
    counts: list[dict[str, Any]] = []
    folders: dict[str, list[int]] = {}
    newest_all: datetime | None = None
    total = 0
    for sub in store.list_subscriptions(user.id):
        count, newest = per_source.get(sub.source, (0, None))
        total += count
        newest_all = max((d for d in (newest_all, newest) if d), default=None)
        counts.append(_count(source_stream_id(sub.source, sub.url), count, newest))
        if sub.folder:
            folders.setdefault(sub.folder, []).append(count)
    counts += [_count(LABEL + name, sum(values), None) for name, values in folders.items()]
    for watchlist in store.list_watchlists(user.id):
        if watchlist.name not in folders:
            counts.append(_count(LABEL + watchlist.name, store.count_stream(user.id, Stream("watchlist", str(
                watchlist.id), watchlist)), None))
    counts.append(_count(f"user/{user.id}/state/com.google/reading-list", total, newest_all))
    return _json({"max": total, "unreadcounts": counts})


def _count(stream_id: str, count: int, newest: datetime | None) -> dict[str, Any]:
    return {"id": stream_id, "count": count, "newestItemTimestampUsec": str(_usec(newest))}


# -- items -----------------------------------------------------------------------------------------

def _seconds(when: datetime | None) -> int:
    return int(when.timestamp()) if when else 0


def _usec(when: datetime | None) -> int:
    return int(when.timestamp() * 1_000_000) if when else 0


def _time_param(call: Call, name: str) -> datetime | None:
    value = call.get(name).strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError as exc:
        raise InvalidArgumentError(f"{name} must be a Unix time in seconds") from exc
    if number > 10**14:  # microseconds, as some clients send
        number /= 1_000_000
    elif number > 10**11:  # milliseconds
        number /= 1000
    try:
        return datetime.fromtimestamp(max(number, 0), UTC)
    except (OverflowError, ValueError, OSError) as exc:
        raise InvalidArgumentError(f"{name} is out of range") from exc


def _count_param(call: Call, default: int, ceiling: int) -> int:
    value = call.get("n").strip()
    if not value:
        return default
    if not value.isdigit():
        raise InvalidArgumentError("n must be a positive number")
    return max(1, min(int(value), ceiling))


def _states(call: Call, name: str) -> list[str]:
    """The read-state marks named by the ``xt``/``it`` targets (other targets are not filters here)."""
    found = []
    for target in call.all(name):
        target = _normalise(target.strip())
        if target.startswith(STATE) and target[len(STATE):] in TAG_STATES:
            found.append(TAG_STATES[target[len(STATE):]])
    return found


def _continuation(call: Call) -> int | None:
    value = call.get("c").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 19:
        raise InvalidArgumentError("c is not a continuation this server gave")
    return int(value)


def page(request: Request, call: Call, stream: Stream, ceiling: int) -> tuple[list[int], str | None]:
    """A page of article ids of ``stream`` as the call asks, and the continuation of the next one."""
    limit = _count_param(call, 20, ceiling)
    ids = request_store(request).stream_article_ids(
        login_user(call).id, stream, limit=limit, after=_continuation(call), oldest_first=call.get("r") == "o",
        exclude=_states(call, "xt"), include=_states(call, "it"),
        newer_than=_time_param(call, "ot"), older_than=_time_param(call, "nt"))
    return ids, (str(ids[-1]) if len(ids) == limit else None)


def _labels(store: Store, user: User, ids: list[int]) -> tuple[dict[str, Subscription], dict[int, list[str]]]:
    subs = {s.source: s for s in store.list_subscriptions(user.id, include_hidden=True)}
    return subs, store.stream_watchlists(store.list_watchlists(user.id), ids)


def item_json(item: PageItem, sub: Subscription | None, watchlists: list[str], site: str) -> dict[str, Any]:
    article, state = item.article, item.state
    categories = [READING_LIST]
    for flag, tag in ((state.read, "read"), (state.starred, "starred"), (state.kept, "kept-unread")):
        if flag:
            categories.append(STATE + tag)
    if sub is not None and sub.folder:
        categories.append(LABEL + sub.folder)
    categories += [LABEL + name for name in watchlists]
    link = safe_url(article.public_url) or f"{site}/articles/{article.id}"
    stream = source_stream_id(item.source, sub.url if sub else "")
    return {
        "id": item_id(article.id),
        "crawlTimeMsec": str(_usec(item.stored_at) // 1000),
        "timestampUsec": str(_usec(item.stored_at)),
        "published": _seconds(item.shown_at),
        "updated": _seconds(item.shown_at),
        "title": article.title,
        "author": article.author,
        "canonical": [{"href": link}],
        "alternate": [{"href": link, "type": "text/html"}],
        "summary": {"direction": "ltr", "content": str(article_html(article, item.copy_outlets))},
        "categories": categories,
        "origin": {"streamId": stream, "title": sub.title if sub else article.outlet,
                   "htmlUrl": safe_url(sub.site_url) if sub else ""},
    }


def items_json(request: Request, user: User, ids: list[int]) -> list[dict[str, Any]]:
    store = request_store(request)
    subs, watchlists = _labels(store, user, ids)
    site = site_url(request)
    return [item_json(item, subs.get(item.source), watchlists.get(item.article.id, []), site)
            for item in page_items(store, user.id, ids)]


def stream_id_from_path(request: Request, rest: str, marker: str = "/stream/contents/") -> str:
    """The stream id after ``marker`` in the path, from the raw path so ``%2F`` and ``%3F`` survive."""
    raw = request.scope.get("raw_path")
    if isinstance(raw, bytes):
        path = raw.decode("latin-1").split("?", 1)[0]
        if marker in path:
            return unquote(path.split(marker, 1)[1])
    return rest


@reader_route("/reader/api/0/stream/contents")
def stream_contents_default(request: Request, call: Call) -> Response:
    return _stream_contents(request, call, call.get("s") or READING_LIST)


@reader_route("/reader/api/0/stream/contents/{stream:path}", slash=False)
def stream_contents(request: Request, call: Call) -> Response:
    """``stream/contents/<stream id>`` (the id may hold ``/``, escaped as ``%2F`` or not)."""
    return _stream_contents(request, call, stream_id_from_path(request, str(request.path_params["stream"])))


def _stream_contents(request: Request, call: Call, stream_id: str) -> Response:
    store, user = request_store(request), login_user(call)
    stream = parse_stream(store, user, stream_id)
    ids, continuation = page(request, call, stream, MAX_ITEMS)
    body: dict[str, Any] = {"direction": "ltr", "id": stream_id, "title": stream_title(store, user, stream),
                            "self": [{"href": str(request.url)}], "updated": int(datetime.now(UTC).timestamp()),
                            "items": items_json(request, user, ids)}
    if continuation:
        body["continuation"] = continuation
    return _json(body)


def stream_title(store: Store, user: User, stream: Stream) -> str:
    if stream.kind == "source":
        sub = next((s for s in store.list_subscriptions(user.id, include_hidden=True) if s.source == stream.value), None)
        return sub.title if sub else ""
    if stream.kind == "folder":
        return store.get_folder(user.id, int(stream.value)).name
    if stream.watchlist is not None:
        return stream.watchlist.name
    return {"all": "Reading list", "state": stream.value}.get(stream.kind, "")


@reader_route("/reader/api/0/stream/items/ids")
def stream_item_ids(request: Request, call: Call) -> Response:
    store, user = request_store(request), login_user(call)
    stream = parse_stream(store, user, call.get("s") or READING_LIST)
    ids, continuation = page(request, call, stream, MAX_IDS)
    stored = {a.id: a.first_seen for a in store.get_articles(ids)}
    refs = [{"id": str(item_number(i)), "directStreamIds": [], "timestampUsec": str(_usec(stored.get(i)))}
            for i in ids]
    body: dict[str, Any] = {"itemRefs": refs}
    if continuation:
        body["continuation"] = continuation
    return _json(body)


@reader_route("/reader/api/0/stream/items/contents")
def stream_item_contents(request: Request, call: Call) -> Response:
    user = login_user(call)
    wanted = call.all("i")
    if len(wanted) > MAX_ITEMS:
        raise InvalidArgumentError(f"at most {MAX_ITEMS} items at once")
    ids = list(dict.fromkeys(parse_item_id(i) for i in wanted))
    originals = request_store(request).originals_of(ids)
    items = items_json(request, user, sorted(originals, reverse=True))
    return _json({"direction": "ltr", "id": READING_LIST, "title": "Reading list",
                  "updated": int(datetime.now(UTC).timestamp()), "items": items})


# -- writes ----------------------------------------------------------------------------------------

def _tag_marks(tags: list[str], value: bool) -> dict[str, bool]:
    marks: dict[str, bool] = {}
    for tag in tags:
        tag = _normalise(tag.strip())
        state = TAG_STATES.get(tag[len(STATE):]) if tag.startswith(STATE) else None
        if state is not None:
            marks[state] = value
    return marks


@reader_route("/reader/api/0/edit-tag", write=True)
def edit_tag(request: Request, call: Call) -> Response:
    wanted = call.all("i")
    if not wanted or len(wanted) > MAX_EDIT_IDS:
        raise InvalidArgumentError(f"give 1 to {MAX_EDIT_IDS} item ids (i=)")
    ids = [parse_item_id(i) for i in wanted]
    marks = {**_tag_marks(call.all("r"), False), **_tag_marks(call.all("a"), True)}
    if marks.get("kept"):  # keeping unread is marking unread
        marks["read"] = False
    if marks.get("read"):
        marks.setdefault("kept", False)
    if marks:
        request_store(request).mark_with_copies(login_user(call).id, ids, **marks)
    return PlainTextResponse("OK")


@reader_route("/reader/api/0/mark-all-as-read", write=True)
def mark_all_as_read(request: Request, call: Call) -> Response:
    store, user = request_store(request), login_user(call)
    stream = parse_stream(store, user, call.get("s") or READING_LIST)
    store.mark_stream_read(user.id, stream, until=_time_param(call, "ts"))
    return PlainTextResponse("OK")


def _folder_name(label: str) -> str:
    label = _normalise(label.strip())
    if label.startswith(LABEL):
        return label[len(LABEL):]
    raise InvalidArgumentError(f"not a label: {label[:200]!r}")


def _subscribe_source(request: Request, user: User, stream_id: str) -> tuple[str, str]:
    """(source, title) of a feed stream, adding the feed to the desk when new (admins only)."""
    store = request_store(request)
    try:
        source = _feed_source(store, stream_id)
    except NotFoundError:
        url = stream_id[5:] if stream_id.startswith("feed/") else stream_id
        if not safe_url(url):
            raise InvalidArgumentError("only http:// and https:// feed URLs can be added") from None
        if not user.is_admin:
            raise ReaderError(403, "only an admin adds feeds to the desk; ask one to add it") from None
        feed, _created = store.add_feed(url)
        return f"feed:{feed.id}", feed.title or feed.url
    return source, ""


@reader_route("/reader/api/0/subscription/edit", write=True)
def subscription_edit(request: Request, call: Call) -> Response:
    store, user = request_store(request), login_user(call)
    action = call.get("ac", "edit")
    if action not in ("subscribe", "edit", "unsubscribe"):
        raise InvalidArgumentError("ac is subscribe, edit or unsubscribe")
    streams = call.all("s")
    if not streams:
        raise InvalidArgumentError("give the feed stream (s=feed/<url>)")
    for stream_id in streams:
        if action == "subscribe":
            source, _title = _subscribe_source(request, user, stream_id)
        else:
            source = _feed_source(store, stream_id)
        if action == "unsubscribe":
            store.edit_subscription(user.id, source, hidden=True)
            continue
        title = call.get("t") if any(k == "t" for k, _ in call.params) else None
        added, removed = call.all("a"), call.all("r")
        folder = _folder_name(added[-1]) if added else "" if removed else None
        store.edit_subscription(user.id, source, title=title, folder=folder,
                                hidden=False if action == "subscribe" else None)
    return PlainTextResponse("OK")


@reader_route("/reader/api/0/subscription/quickadd", write=True)
def subscription_quickadd(request: Request, call: Call) -> Response:
    store, user = request_store(request), login_user(call)
    query = call.get("quickadd").strip()
    stream_id = query if query.startswith("feed/") else f"feed/{query}"
    source, title = _subscribe_source(request, user, stream_id)
    store.edit_subscription(user.id, source, hidden=False)
    sub = next((s for s in store.list_subscriptions(user.id) if s.source == source), None)
    return _json({"numResults": 1, "query": query, "streamId": source_stream_id(source, sub.url if sub else query),
                  "streamName": sub.title if sub else title})


@reader_route("/reader/api/0/rename-tag", write=True)
def rename_tag(request: Request, call: Call) -> Response:
    store, user = request_store(request), login_user(call)
    old, new = _folder_name(call.get("s") or call.get("t")), _folder_name(call.get("dest"))
    if store.find_folder(user.id, old) is None:
        watchlist = _watchlist_named(store, user, old)
        if watchlist is None:
            raise NotFoundError(f"no folder named {old[:200]!r}", source=old[:200])
        if _watchlist_named(store, user, new) is not None:
            raise ConflictError(f"you have a watchlist named {new[:200]!r} already", source=new[:200])
        store.update_watchlist(watchlist.id, user.id, name=new)
    else:
        store.rename_folder(user.id, old, new)
    return PlainTextResponse("OK")


@reader_route("/reader/api/0/disable-tag", write=True)
def disable_tag(request: Request, call: Call) -> Response:
    store, user = request_store(request), login_user(call)
    name = _folder_name(call.get("s") or call.get("t"))
    if store.find_folder(user.id, name) is None:
        raise ReaderError(400, "a watchlist label is removed on the watchlist's page, not here")
    store.delete_folder(user.id, name)
    return PlainTextResponse("OK")

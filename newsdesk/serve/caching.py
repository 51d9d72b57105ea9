"""HTTP caching the way browsers and feed readers expect it: validators, 304s and Cache-Control.

:class:`ConditionalGet` is a pure ASGI middleware. For a successful ``GET``/``HEAD`` answered in
one body it adds a weak ``ETag`` (a digest of the body) and answers ``304 Not Modified``, with no
body, when the request's ``If-None-Match`` names it — or, for a response that carries
``Last-Modified`` (the feeds), when ``If-Modified-Since`` is not older. The client still asks
each time, so nothing goes stale; what it saves is the transfer, and the reader's work of parsing.

``Cache-Control`` per kind of answer:

* pages (HTML): ``private, no-cache`` and ``Vary: Cookie`` — they show the login state and a
  CSRF token bound to the browser's cookie, so no shared cache may keep them and a browser must
  revalidate each time (the ETag differs per browser, as the token does);
* API and feeds: ``no-cache`` (any cache may keep them, but revalidates first);
* static files: ``public, max-age=86400`` (StaticFiles adds its own ETag and Last-Modified);
* a response that sets a cookie or already says ``Cache-Control`` is left as it is, and one
  that streams (more than one body message: exports) passes through untouched.
"""

from __future__ import annotations

import hashlib
from email.utils import parsedate_to_datetime

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

STATIC_CACHE = b"public, max-age=86400"
PAGE_CACHE = b"private, no-cache"
SHARED_CACHE = b"no-cache"


def etag_of(body: bytes) -> str:
    return 'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def _matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 weak comparison of ``If-None-Match`` (a list, or ``*``) with ``etag``."""
    wanted = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == wanted:
            return True
    return False


def _not_modified_since(if_modified_since: str, last_modified: str) -> bool:
    try:
        return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError):
        return False


def _cache_control(path: str, content_type: str) -> bytes:
    if path.startswith("/static/"):
        return STATIC_CACHE
    if content_type.startswith("text/html"):
        return PAGE_CACHE
    return SHARED_CACHE


class ConditionalGet:
    """ETag / Last-Modified validation with 304 answers, and Cache-Control (see the module)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        start: Message | None = None
        passing = False

        async def send_conditionally(message: Message) -> None:
            nonlocal start, passing
            if passing:
                await send(message)
                return
            if message["type"] == "http.response.start":
                start = message
                return
            if start is None:  # e.g. the test client's http.response.debug
                await send(message)
                return
            if message["type"] != "http.response.body":
                passing = True
                await send(start)
                await send(message)
                return
            if message.get("more_body", False):  # a stream: sent as it comes, no validator
                passing = True
                await send(self._with_cache_control(scope, start, etag=None))
                await send(message)
                return
            await self._finish(scope, request_headers, start, message, send)

        await self.app(scope, receive, send_conditionally)

    def _with_cache_control(self, scope: Scope, start: Message, *, etag: str | None) -> Message:
        headers = Headers(raw=start.get("headers", []))
        raw = list(start.get("headers", []))
        if start["status"] == 200 and "set-cookie" not in headers:
            if "cache-control" not in headers:
                content_type = headers.get("content-type", "")
                control = _cache_control(scope.get("path", ""), content_type)
                raw.append((b"cache-control", control))
                if control == PAGE_CACHE:
                    raw.append((b"vary", b"Cookie"))
            if etag is not None and "etag" not in headers:
                raw.append((b"etag", etag.encode("latin-1")))
        return {**start, "headers": raw}

    async def _finish(self, scope: Scope, request_headers: Headers, start: Message, message: Message,
                      send: Send) -> None:
        body: bytes = message.get("body", b"")
        response_headers = Headers(raw=start.get("headers", []))
        cacheable = (start["status"] == 200 and scope["method"] == "GET"
                     and "set-cookie" not in response_headers)
        etag = response_headers.get("etag") or (etag_of(body) if cacheable else None)
        start = self._with_cache_control(scope, start, etag=etag if cacheable else None)
        if cacheable and etag is not None and self._fresh(request_headers, response_headers, etag):
            kept = [(k, v) for k, v in start["headers"]
                    if k.lower() in (b"etag", b"cache-control", b"vary", b"last-modified")]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})
            return
        await send(start)
        await send(message)

    @staticmethod
    def _fresh(request_headers: Headers, response_headers: Headers, etag: str) -> bool:
        if_none_match = request_headers.get("if-none-match")
        if if_none_match is not None:
            return _matches(if_none_match, etag)
        since = request_headers.get("if-modified-since")
        last_modified = response_headers.get("last-modified")
        return bool(since and last_modified and _not_modified_since(since, last_modified))

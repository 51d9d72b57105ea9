"""Serve the demo hosts from their files: a loopback HTTP server and an in-process httpx transport.

``DemoMirror`` is a real HTTP server on 127.0.0.1 that answers for every demo host, either by the
``Host`` header (``GET /feed.xml`` with ``Host: meridianwire.example``) or by a host prefix
(``GET /meridianwire.example/feed.xml``); use ``mirror.url_for(canonical_url)`` for the second form.
``demo_transport()`` answers ``https://<demo host>/...`` requests inside httpx without a socket, for a
fetcher whose transport is injectable. Both send ``ETag`` and honour ``If-None-Match`` with a 304, and
answer ``robots.txt`` with allow-all.
"""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

import httpx

from newsdesk.demo import local_file_for_url
from newsdesk.demo.outlets import OUTLETS
from newsdesk.errors import NotFoundError

ROBOTS = b"User-agent: *\nAllow: /\n"
_TYPES = {
    ".html": "text/html; charset=utf-8", ".xml": "application/rss+xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8", ".atom": "application/atom+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8", ".pdf": "application/pdf",
}


def content_type(path: Path) -> str:
    if path.name == "sitemap.xml":
        return "application/xml; charset=utf-8"
    return _TYPES.get(path.suffix, "application/octet-stream")


def respond(url: str, if_none_match: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) for a GET of ``url`` on a demo host."""
    parts = urlsplit(url)
    if parts.path == "/robots.txt":
        return 200, {"Content-Type": "text/plain"}, ROBOTS
    try:
        path = local_file_for_url(url)
    except NotFoundError:
        return 404, {"Content-Type": "text/plain"}, b"not found\n"
    body = path.read_bytes()
    etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
    if if_none_match == etag:
        return 304, {"ETag": etag}, b""
    return 200, {"Content-Type": content_type(path), "ETag": etag}, body


def demo_transport() -> httpx.MockTransport:
    """An httpx transport that answers every demo host from the files."""
    def handle(request: httpx.Request) -> httpx.Response:
        status, headers, body = respond(str(request.url), request.headers.get("if-none-match"))
        return httpx.Response(status, headers=headers, content=body)

    return httpx.MockTransport(handle)


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
        host = (self.headers.get("Host") or "").split(":")[0]
        path = self.path
        if host not in OUTLETS:
            host, _, rest = path.lstrip("/").partition("/")
            path = "/" + rest
        status, headers, body = respond(f"https://{host}{path}", self.headers.get("If-None-Match"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        return


class DemoMirror:
    """A threaded loopback server for the demo hosts; use as a context manager."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = ThreadingHTTPServer((host, port), _Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url_for(self, canonical_url: str) -> str:
        """``https://host/path`` -> ``http://127.0.0.1:<port>/host/path``."""
        parts = urlsplit(canonical_url)
        return f"{self.base_url}/{parts.hostname}{parts.path or '/'}"

    def __enter__(self) -> DemoMirror:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

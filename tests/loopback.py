"""A loopback HTTP server for tests: real sockets on 127.0.0.1, a route table, request records.

Usage::

    from loopback import LoopbackServer   # tests/ is on sys.path (pytest's rootdir conftest)

    @pytest.fixture
    def server():
        with LoopbackServer() as srv:
            yield srv

    def test_something(server):
        server.route("/feed.xml", body=b"<rss ...>", headers={"Content-Type": "application/rss+xml"})
        url = server.url("/feed.xml")
        ...
        assert server.count("/feed.xml") == 1

A route is ``(status, headers, body)`` where ``body`` is ``bytes``/``str``, or a callable returning an
iterable of ``bytes`` chunks (a generator: the body is streamed, and the server stops as soon as the
client hangs up), or a *handler* ``(RecordedRequest) -> (status, headers, body)`` registered with
``route(path, handler=...)`` for answers that depend on the request (conditional GET, redirects).

Responses without ``Content-Length`` are sent with ``Connection: close`` and end when the socket
closes, so generators of unknown length work. Paths match with their query string first, then without.
"""

from __future__ import annotations

import ssl
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

Body = bytes | str | Callable[[], Iterable[bytes]]
Answer = tuple[int, dict[str, str], Body]
Handler = Callable[["RecordedRequest"], Answer]


@dataclass
class RecordedRequest:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)
    #: the body of a POST (read before the answer is made)
    body: bytes = b""

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)


@dataclass
class StreamStats:
    """What a streamed (generator) body sent before it ended or the client hung up."""

    bytes_sent: int = 0
    finished: bool = False
    client_gone: bool = False


class _QuietServer(ThreadingHTTPServer):
    """Clients that hang up mid-request are normal in these tests: do not print their tracebacks."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError | ssl.SSLError):
            return
        super().handle_error(request, client_address)


class LoopbackServer:
    """A ``ThreadingHTTPServer`` on 127.0.0.1, port 0, serving a route table from a daemon thread."""

    def __init__(self, *, tls: ssl.SSLContext | None = None) -> None:
        """``tls``: a server-side SSL context to serve HTTPS instead of HTTP."""
        self._routes: dict[str, Handler] = {}
        self._lock = threading.Lock()
        self.requests: list[RecordedRequest] = []
        self.counts: Counter[str] = Counter()
        self.streams: dict[str, StreamStats] = {}
        self._httpd = _QuietServer(("127.0.0.1", 0), _make_handler(self))
        self._httpd.daemon_threads = True
        self.scheme = "https" if tls else "http"
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="loopback-http", daemon=True)

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses -----------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    # -- routes --------------------------------------------------------------------------------
    def route(self, path: str, *, status: int = 200, headers: dict[str, str] | None = None,
              body: Body = b"", handler: Handler | None = None) -> None:
        """Answer requests to ``path`` with a fixed answer, or with ``handler(request)``."""
        if handler is None:
            answer: Answer = (status, dict(headers or {}), body)

            def handler(_request: RecordedRequest, answer: Answer = answer) -> Answer:
                return answer

        with self._lock:
            self._routes[path] = handler

    def routes(self, table: dict[str, Answer]) -> None:
        """Add many fixed routes at once: ``{path: (status, headers, body)}``."""
        for path, (status, headers, body) in table.items():
            self.route(path, status=status, headers=headers, body=body)

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.route(path, status=status, headers={"Location": location})

    # -- records -------------------------------------------------------------------------------
    def stream_ended(self, path: str) -> bool:
        """True once a streamed body to ``path`` finished or its client hung up."""
        with self._lock:
            stats = self.streams.get(path)
        return stats is not None and (stats.client_gone or stats.finished)

    def count(self, path: str) -> int:
        with self._lock:
            return self.counts[path]

    def requests_to(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path or r.path.split("?", 1)[0] == path]

    def last_request(self, path: str) -> RecordedRequest:
        matching = self.requests_to(path)
        if not matching:
            raise AssertionError(f"no request to {path}")
        return matching[-1]

    def _find(self, raw_path: str) -> tuple[str, Handler | None]:
        with self._lock:
            if raw_path in self._routes:
                return raw_path, self._routes[raw_path]
            bare = raw_path.split("?", 1)[0]
            return bare, self._routes.get(bare)

    def _record(self, key: str, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)
            self.counts[key] += 1


def _make_handler(server: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in two writes: avoid the 40 ms stall

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence the log
            return

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._answer()

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer()

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            self._answer(self.rfile.read(length) if length else b"")

        def _answer(self, body: bytes = b"") -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            request = RecordedRequest(self.command, self.path, headers, body=body)
            key, handler = server._find(self.path)
            server._record(key, request)
            answer: Answer = (404, {"Content-Type": "text/plain"}, b"not found")
            if handler is not None:
                answer = handler(request)
            status, out_headers, body = answer
            self._send(key, status, out_headers, body)

        def _send(self, key: str, status: int, headers: dict[str, str], body: Body) -> None:
            stats = StreamStats()
            if callable(body):
                with server._lock:
                    server.streams[key] = stats
            try:
                self._send_head(status, headers, body)
            except OSError:  # the client hung up before the headers were out
                stats.client_gone = True
                self.close_connection = True
                return
            if isinstance(body, str | bytes):
                if self.command != "HEAD" and status not in (204, 304):
                    self._write(body.encode("utf-8") if isinstance(body, str) else body)
                return
            self._stream(stats, body)

        def _send_head(self, status: int, headers: dict[str, str], body: Body) -> None:
            self.send_response(status)
            lowered = {k.lower() for k in headers}
            for name, value in headers.items():
                self.send_header(name, value)
            if isinstance(body, str | bytes):
                data = body.encode("utf-8") if isinstance(body, str) else body
                if "content-length" not in lowered:
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                return
            if "content-length" not in lowered:
                self.send_header("Connection", "close")
            self.close_connection = True
            self.end_headers()

        def _stream(self, stats: StreamStats, make_chunks: Callable[[], Iterable[bytes]]) -> None:
            chunks: Iterator[bytes] = iter(make_chunks())
            for chunk in chunks:
                if not self._write(chunk):
                    stats.client_gone = True
                    return
                stats.bytes_sent += len(chunk)
            stats.finished = True

        def _write(self, data: bytes) -> bool:
            try:
                self.wfile.write(data)
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError):
                self.close_connection = True
                return False
            return True

    return _Handler


@pytest.fixture
def loopback_server() -> Iterator[LoopbackServer]:
    """A started :class:`LoopbackServer`, stopped after the test."""
    with LoopbackServer() as server:
        yield server

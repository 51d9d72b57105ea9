"""The demo hosts served over real loopback HTTP, one address per outlet, links rewritten.

Each demo host (``meridianwire.example``...) gets its own server on its own loopback address
(127.0.0.2, 127.0.0.3, ...), and every ``https://<demo host>`` in a page, feed or sitemap is
rewritten to that server's ``http://127.0.0.N:port``, so a real fetcher follows feeds to pages,
and syndicated copies keep pointing at another host than their own, as on the web.
"""

from __future__ import annotations

import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from newsdesk.demo.mirror import respond
from newsdesk.demo.outlets import OUTLETS

FEED_PATHS = {"meridianwire.example": "/feed.xml", "harbor-institute.example": "/feed.atom",
              "statecaster.example": "/feed.json", "the-ledger.example": "/rss/all.xml",
              "sallow-gazette.example": "/feed.rss", "newsloop.example": "/rss.xml"}


def respond_type(host: str, path: str) -> str:
    return respond(f"https://{host}{path}")[1].get("Content-Type", "")


class DemoOrigins:
    """Start with ``with DemoOrigins() as origins:``; ``origins.url(canonical)`` maps a demo URL."""

    def __init__(self, *, page_delay: float = 0.0) -> None:
        self.page_delay = page_delay  # seconds each article page takes to answer
        self.servers: dict[str, ThreadingHTTPServer] = {}
        self.hits: dict[str, int] = {}
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        for index, host in enumerate(OUTLETS):
            server = ThreadingHTTPServer((f"127.0.0.{index + 2}", 0), self._handler(host))
            server.daemon_threads = True
            self.servers[host] = server
        self.base = {host: f"http://{s.server_address[0]}:{s.server_address[1]}" for host, s in self.servers.items()}
        self._pattern = re.compile("https://(" + "|".join(re.escape(h) for h in OUTLETS) + ")")

    def rewrite(self, body: bytes) -> bytes:
        return self._pattern.sub(lambda m: self.base[m.group(1)], body.decode("utf-8")).encode("utf-8")

    def url(self, canonical: str) -> str:
        """A demo URL (``https://host/path``) as served here."""
        return self._pattern.sub(lambda m: self.base[m.group(1)], canonical)

    def feed_urls(self) -> list[str]:
        return [self.base[host] + path for host, path in FEED_PATHS.items()]

    def _handler(self, host: str) -> type[BaseHTTPRequestHandler]:
        origins = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                with origins._lock:
                    origins.hits[self.path] = origins.hits.get(self.path, 0) + 1
                if origins.page_delay and "html" in respond_type(host, self.path):
                    time.sleep(origins.page_delay)
                status, headers, body = respond(f"https://{host}{self.path}", self.headers.get("If-None-Match"))
                if status == 200 and not headers.get("Content-Type", "").startswith("application/pdf"):
                    body = origins.rewrite(body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        return Handler

    def __enter__(self) -> DemoOrigins:
        for server in self.servers.values():
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        for server in self.servers.values():
            server.shutdown()
            server.server_close()

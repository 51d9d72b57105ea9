"""HTTP fetching, politely and safely: the one place newsdesk talks to the network.

:class:`Fetcher` wraps one ``httpx.Client`` (thread-safe; ``poll`` shares one Fetcher across a thread
pool) and adds, per request:

* the SSRF guard on every hop (:mod:`newsdesk.collect.netguard`) — redirects are followed by hand;
  with the default transport the socket is also pinned to the checked address;
* robots.txt, parsed with Protego (RFC 9309: ``*`` and ``$`` wildcards, longest match wins), fetched
  once per origin and cached — in this process and, given a :class:`RobotsCache` (the store), for
  every process for a day (404/4xx = allow all; 5xx or unreachable = allow for an hour, noted in
  :attr:`Fetcher.robots_notes` and logged);
* per-host concurrency slots, a minimum delay with jitter between requests to one host, back-off
  after failures and long ``Retry-After`` cool-downs (:mod:`newsdesk.collect.politeness`), shared
  by all processes when the ledger is the store, plus robots.txt ``Crawl-delay`` (capped);
* a size limit on the decoded body, read as a stream and cut without reading the rest
  (:mod:`newsdesk.collect.bodylimit`);
* conditional GET (``If-None-Match`` / ``If-Modified-Since``; 304 gives ``not_modified=True``);
* 429/503 with a short ``Retry-After``: wait and retry once; a long one raises
  :class:`HTTPStatusError` carrying ``retry_after`` seconds.
"""

from __future__ import annotations

import email.utils
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from newsdesk.collect.bodylimit import read_limited
from newsdesk.collect.netguard import GuardedTransport, Resolver, check_url
from newsdesk.collect.politeness import HostGate, HostLedger
from newsdesk.config import Settings
from newsdesk.errors import (
    BlockedAddressError,
    FetchError,
    HTTPStatusError,
    ResponseTooLargeError,
    RobotsDisallowedError,
    TooManyRedirectsError,
)
from newsdesk.models import RobotsEntry

log = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 503})
#: longest Retry-After (seconds) that is waited out in place before one retry
MAX_RETRY_WAIT = 5.0
#: robots.txt bodies past this are cut (Google reads 500 KiB)
ROBOTS_MAX_BYTES = 512 * 1024
#: how long a fetched robots.txt is trusted (RFC 9309 §2.4: no longer than 24 hours) ...
ROBOTS_TTL = 86_400.0
#: ... and how long an unreadable one (5xx, unreachable: allowed, noted) is, before asking again
ROBOTS_ERROR_TTL = 3_600.0
#: the whole body must arrive within this many ``settings.timeout`` periods
BODY_DEADLINE_FACTOR = 3.0
DEFAULT_ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/feed+json,"
    "application/xml;q=0.9,application/pdf;q=0.8,*/*;q=0.5"
)


@dataclass
class FetchResult:
    """The outcome of one successful (2xx or 304) fetch.

    ``url`` is the final URL after redirects; ``headers`` have lower-case names; ``elapsed_ms`` is the
    wall time of the whole :meth:`Fetcher.fetch` call (redirects, politeness waits and a retry included).
    """

    url: str
    status_code: int
    content: bytes
    content_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    etag: str = ""
    last_modified: str = ""
    elapsed_ms: float = 0.0
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    not_modified: bool = False


@dataclass
class _Exchange:
    """One request/response, before redirects and retries are decided."""

    url: str
    status_code: int
    headers: dict[str, str]
    content: bytes = b""


@dataclass
class _RobotsRules:
    parser: Protego | None  # None = everything allowed
    note: str = ""


class RobotsCache(Protocol):
    """Where fetched robots.txt files are kept between processes (the store implements it)."""

    def cached_robots(self, origin: str, *, now: float) -> RobotsEntry | None:
        """The entry for ``origin`` unless it has expired."""

    def store_robots(self, origin: str, entry: RobotsEntry, *, now: float, ttl: float) -> None:
        """Keep ``entry`` for ``ttl`` seconds."""


def parse_retry_after(value: str, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date), or ``None``."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


class Fetcher:
    """Polite, SSRF-guarded HTTP GETs. Use as a context manager or call :meth:`close`."""

    def __init__(self, settings: Settings, *, transport: httpx.BaseTransport | None = None,
                 resolver: Resolver | None = None, sleep: Callable[[float], None] = time.sleep,
                 ledger: HostLedger | None = None, robots_cache: RobotsCache | None = None) -> None:
        """``ledger`` and ``robots_cache`` (both the store, for ingestion) share politeness and
        robots.txt with every other process; without them both stay in this process."""
        self.settings = settings
        self._robots_cache = robots_cache
        self._resolver = resolver
        self._sleep = sleep
        if transport is None:
            transport = GuardedTransport(allow_private=settings.allow_private_addresses, resolver=resolver)
        self._client = httpx.Client(
            transport=transport, follow_redirects=False, timeout=httpx.Timeout(settings.timeout),
            trust_env=False,  # no proxy from the environment: it would bypass the pinned transport
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        )
        self._gate = HostGate(concurrency=settings.per_host_concurrency, min_delay=settings.min_host_delay,
                              jitter=settings.host_delay_jitter, sleep=sleep, ledger=ledger)
        self._robots: dict[str, _RobotsRules] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        #: origin → why its robots.txt was treated as "allow all" despite an error
        self.robots_notes: dict[str, str] = {}

    # -- public --------------------------------------------------------------------------------
    def fetch(self, url: str, *, etag: str = "", last_modified: str = "",
              accept: str | None = None) -> FetchResult:
        """GET ``url`` following redirects; raise a :class:`FetchError` subclass on any failure."""
        started = time.monotonic()
        headers = {"Accept": accept or DEFAULT_ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        exchange = self._follow(url, headers, limit=self.settings.max_response_bytes,
                                robots=self.settings.obey_robots)
        return self._result(exchange, started, etag=etag, last_modified=last_modified)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- redirects, retries, status ------------------------------------------------------------
    def _follow(self, url: str, headers: dict[str, str], *, limit: int, robots: bool) -> _Exchange:
        current, seen, retried = url, {url}, False
        hops = 0
        while True:
            check_url(current, allow_private=self.settings.allow_private_addresses, resolver=self._resolver)
            if robots:
                self._check_robots(current)
            exchange = self._exchange(current, headers, limit)
            self._record(current, exchange, long_wait_only=not retried)
            if exchange.status_code in REDIRECT_STATUSES and exchange.headers.get("location"):
                current = self._next_hop(url, current, exchange, seen, hops)
                hops += 1
                continue
            if exchange.status_code in RETRY_STATUSES and not retried:
                wait = parse_retry_after(exchange.headers.get("retry-after", ""))
                if wait is not None and wait <= MAX_RETRY_WAIT:
                    retried = True
                    self._sleep(wait)
                    continue
            self._raise_for_status(exchange)
            return exchange

    def _record(self, url: str, exchange: _Exchange, *, long_wait_only: bool) -> None:
        """Tell the gate how the host answered: 429/5xx back off; a Retry-After the fetcher will not
        wait out in place cools the host down for every request (and every process)."""
        host = (urlsplit(url).hostname or "").lower()
        failed = exchange.status_code == 429 or exchange.status_code >= 500
        retry_after = parse_retry_after(exchange.headers.get("retry-after", "")) if failed else None
        if retry_after is not None and long_wait_only and retry_after <= MAX_RETRY_WAIT:
            retry_after = None  # waited out in place just below
        self._gate.record(host, failed=failed, retry_after=retry_after)

    def _next_hop(self, start: str, current: str, exchange: _Exchange, seen: set[str], hops: int) -> str:
        target = urljoin(current, exchange.headers["location"].strip())
        if hops + 1 > self.settings.max_redirects:
            raise TooManyRedirectsError(
                f"more than {self.settings.max_redirects} redirects (last to {target})", source=start)
        if target in seen:
            raise TooManyRedirectsError(f"redirect loop: {current} -> {target}", source=start)
        seen.add(target)
        return target

    @staticmethod
    def _raise_for_status(exchange: _Exchange) -> None:
        status = exchange.status_code
        if status < 400 and status != 300 and status not in REDIRECT_STATUSES:
            return
        if status in REDIRECT_STATUSES or status == 300:
            raise HTTPStatusError(f"HTTP {status} without a usable Location", source=exchange.url,
                                  status_code=status)
        retry_after = parse_retry_after(exchange.headers.get("retry-after", ""))
        detail = f", retry after {retry_after:.0f} s" if retry_after is not None else ""
        raise HTTPStatusError(f"server answered HTTP {status}{detail}", source=exchange.url,
                              status_code=status, retry_after=retry_after)

    def _result(self, exchange: _Exchange, started: float, *, etag: str, last_modified: str) -> FetchResult:
        headers = exchange.headers
        not_modified = exchange.status_code == 304
        return FetchResult(
            url=exchange.url, status_code=exchange.status_code, content=exchange.content,
            content_type=headers.get("content-type", ""), headers=headers,
            etag=headers.get("etag", etag if not_modified else ""),
            last_modified=headers.get("last-modified", last_modified if not_modified else ""),
            elapsed_ms=(time.monotonic() - started) * 1000.0, fetched_at=datetime.now(UTC),
            not_modified=not_modified,
        )

    # -- one request ---------------------------------------------------------------------------
    def _exchange(self, url: str, headers: dict[str, str], limit: int) -> _Exchange:
        host = (urlsplit(url).hostname or "").lower()
        with self._gate.slot(host):
            try:
                return self._send(url, headers, limit)
            except BlockedAddressError as exc:  # raised at connect time by the guarded transport
                raise BlockedAddressError(exc.message, source=url) from None
            except FetchError as exc:
                if exc.source == url:
                    raise
                raise FetchError(exc.message, source=url) from None
            except httpx.TimeoutException as exc:
                self._gate.record(host, failed=True)
                raise FetchError(f"timed out after {self.settings.timeout:g} s ({type(exc).__name__})",
                                 source=url) from None
            except httpx.HTTPError as exc:
                self._gate.record(host, failed=True)
                raise FetchError(f"network error: {exc or type(exc).__name__}", source=url) from None
            except httpx.InvalidURL as exc:
                raise FetchError(f"invalid URL: {exc}", source=url) from None

    def _send(self, url: str, headers: dict[str, str], limit: int) -> _Exchange:
        with self._client.stream("GET", url, headers=headers) as response:
            out_headers = {k.lower(): v for k, v in response.headers.items()}
            exchange = _Exchange(url=str(response.url), status_code=response.status_code, headers=out_headers)
            if not 200 <= response.status_code < 300:
                return exchange  # redirects, 304 and errors: the body is not read
            declared = out_headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise ResponseTooLargeError(
                    f"Content-Length {int(declared):,} is larger than the limit of {limit:,} bytes "
                    "(max_response_bytes)", source=url)
            deadline = time.monotonic() + self.settings.timeout * BODY_DEADLINE_FACTOR
            exchange.content = read_limited(
                response.iter_raw(), content_encoding=out_headers.get("content-encoding", ""),
                limit=limit, url=url, deadline=deadline)
            return exchange

    # -- robots.txt ----------------------------------------------------------------------------
    def _check_robots(self, url: str) -> None:
        rules = self._robots_rules(_origin(url))
        if rules.parser is None:
            return
        if not rules.parser.can_fetch(url, self.settings.user_agent):
            raise RobotsDisallowedError(
                f"robots.txt of {_origin(url)} disallows this URL for {self.settings.user_agent!r}",
                source=url)

    def _robots_rules(self, origin: str) -> _RobotsRules:
        with self._lock:
            if origin in self._robots:
                return self._robots[origin]
            origin_lock = self._robots_locks.setdefault(origin, threading.Lock())
        with origin_lock:
            with self._lock:
                if origin in self._robots:
                    return self._robots[origin]
            rules = self._shared_robots(origin)
            with self._lock:
                self._robots[origin] = rules
            return rules

    def _shared_robots(self, origin: str) -> _RobotsRules:
        """robots.txt of ``origin`` from the shared cache, else fetched (and put in the cache)."""
        entry = self._robots_cache.cached_robots(origin, now=time.time()) if self._robots_cache else None
        if entry is None:
            entry = self._load_robots(origin)
            if self._robots_cache is not None:
                ttl = ROBOTS_ERROR_TTL if entry.note else ROBOTS_TTL
                self._robots_cache.store_robots(origin, entry, now=time.time(), ttl=ttl)
        if entry.note:
            log.warning("%s: %s", origin, entry.note)
            with self._lock:
                self.robots_notes[origin] = entry.note
        if entry.body is None:
            return _RobotsRules(None, entry.note)
        parser = Protego.parse(entry.body)
        delay = parser.crawl_delay(self.settings.user_agent)
        if delay:
            self._gate.set_crawl_delay((urlsplit(origin).hostname or "").lower(), float(delay))
        return _RobotsRules(parser)

    def _load_robots(self, origin: str) -> RobotsEntry:
        robots_url = origin + "/robots.txt"
        try:
            exchange = self._follow(robots_url, {"Accept": "text/plain,*/*;q=0.5"}, limit=ROBOTS_MAX_BYTES,
                                    robots=False)
        except HTTPStatusError as exc:
            if exc.status_code >= 500 or exc.status_code == 429:
                return RobotsEntry(None, f"robots.txt answered HTTP {exc.status_code}; allowing all")
            return RobotsEntry(None)  # 4xx: no robots.txt, everything allowed
        except BlockedAddressError:
            raise
        except FetchError as exc:
            return RobotsEntry(None, f"robots.txt could not be read ({exc.message}); allowing all")
        return RobotsEntry(exchange.content.decode("utf-8", errors="replace"))

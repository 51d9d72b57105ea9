"""Fetcher: real HTTP through a loopback server — redirects, limits, robots, politeness, retries."""

from __future__ import annotations

import gzip
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from loopback import Handler, LoopbackServer, RecordedRequest

from newsdesk.collect.fetcher import Fetcher, parse_retry_after
from newsdesk.collect.politeness import HostGate
from newsdesk.config import Settings
from newsdesk.errors import (
    BlockedAddressError,
    FetchError,
    HTTPStatusError,
    ResponseTooLargeError,
    RobotsDisallowedError,
    TooManyRedirectsError,
)

HTML = {"Content-Type": "text/html; charset=utf-8"}
FIVE_GB = 5 * 1024**3
CHUNK = b"x" * 65536


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture
def fetcher(settings: Settings) -> Iterator[Fetcher]:
    with Fetcher(settings) as f:
        yield f


def five_gigabytes() -> Iterator[bytes]:
    for _ in range(FIVE_GB // len(CHUNK)):
        yield CHUNK


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.02)
    return False


# -- basics ------------------------------------------------------------------------------------
def test_fetch_returns_body_headers_and_identifies_itself(server: LoopbackServer, fetcher: Fetcher,
                                                          settings: Settings) -> None:
    server.route("/page", body="<html><body>Invented page</body></html>",
                 headers={**HTML, "ETag": '"abc"', "Last-Modified": "Tue, 03 Mar 2026 10:00:00 GMT"})
    result = fetcher.fetch(server.url("/page"))
    assert result.status_code == 200
    assert result.content == b"<html><body>Invented page</body></html>"
    assert result.content_type == "text/html; charset=utf-8"
    assert result.headers["etag"] == '"abc"'
    assert (result.etag, result.last_modified) == ('"abc"', "Tue, 03 Mar 2026 10:00:00 GMT")
    assert result.url == server.url("/page")
    assert result.fetched_at.tzinfo is not None and result.elapsed_ms >= 0
    assert not result.not_modified
    request = server.last_request("/page")
    assert request.header("user-agent") == settings.user_agent
    assert "text/html" in request.header("accept")


def test_accept_header_can_be_chosen(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/feed", body=b"<rss/>")
    fetcher.fetch(server.url("/feed"), accept="application/rss+xml")
    assert server.last_request("/feed").header("accept") == "application/rss+xml"


# -- redirects ---------------------------------------------------------------------------------
def test_redirects_are_followed_to_the_final_url(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.redirect("/old", "/middle", status=301)
    server.redirect("/middle", server.url("/new"), status=307)
    server.route("/new", body=b"moved here", headers=HTML)
    result = fetcher.fetch(server.url("/old"))
    assert result.url == server.url("/new")
    assert result.content == b"moved here"
    assert [server.count(p) for p in ("/old", "/middle", "/new")] == [1, 1, 1]


def test_redirect_loop_raises(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.redirect("/ping", "/pong")
    server.redirect("/pong", "/ping")
    with pytest.raises(TooManyRedirectsError, match="loop"):
        fetcher.fetch(server.url("/ping"))


def test_redirect_chain_past_the_limit_raises(server: LoopbackServer, settings: Settings) -> None:
    for i in range(5):
        server.redirect(f"/hop{i}", f"/hop{i + 1}")
    server.route("/hop5", body=b"end")
    with Fetcher(settings.replace(max_redirects=3)) as fetcher, pytest.raises(TooManyRedirectsError):
        fetcher.fetch(server.url("/hop0"))
    assert server.count("/hop4") == 0


def test_ssrf_check_runs_on_every_redirect_hop(settings: Settings) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})

    guarded = settings.replace(allow_private_addresses=False, obey_robots=False)
    fetcher = Fetcher(guarded, transport=httpx.MockTransport(handler),
                      resolver=lambda host, port: ["93.184.216.34"] if host == "news.example.test" else [host])
    with fetcher, pytest.raises(BlockedAddressError, match="169.254.169.254"):
        fetcher.fetch("http://news.example.test/story")
    assert seen == ["http://news.example.test/story"]


def test_dns_rebinding_between_check_and_connect_is_blocked(server: LoopbackServer,
                                                            settings: Settings) -> None:
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])
    guarded = settings.replace(allow_private_addresses=False, obey_robots=False)
    with Fetcher(guarded, resolver=lambda host, port: next(answers)) as fetcher, \
            pytest.raises(BlockedAddressError, match="127.0.0.1"):
        fetcher.fetch(f"http://rebind.example.invalid:{server.port}/x")
    assert server.count("/x") == 0


def test_loopback_is_blocked_by_default_settings(server: LoopbackServer, settings: Settings) -> None:
    server.route("/x", body=b"private")
    with Fetcher(settings.replace(allow_private_addresses=False)) as fetcher, \
            pytest.raises(BlockedAddressError):
        fetcher.fetch(server.url("/x"))
    assert server.count("/x") == 0 and server.count("/robots.txt") == 0


# -- size limits -------------------------------------------------------------------------------
def test_endless_body_is_cut_at_the_limit(server: LoopbackServer, settings: Settings) -> None:
    server.route("/huge", body=five_gigabytes, headers={"Content-Type": "application/octet-stream"})
    with Fetcher(settings.replace(max_response_bytes=1_000_000)) as fetcher, \
            pytest.raises(ResponseTooLargeError, match="1,000,000"):
        fetcher.fetch(server.url("/huge"))
    assert wait_for(lambda: server.stream_ended("/huge"))
    assert server.streams["/huge"].bytes_sent < 200_000_000


def test_declared_content_length_over_the_limit_is_refused_unread(server: LoopbackServer,
                                                                   settings: Settings) -> None:
    server.route("/declared", body=five_gigabytes, headers={"Content-Length": str(FIVE_GB)})
    with Fetcher(settings.replace(max_response_bytes=1_000_000)) as fetcher, \
            pytest.raises(ResponseTooLargeError, match="Content-Length"):
        fetcher.fetch(server.url("/declared"))
    assert wait_for(lambda: server.stream_ended("/declared"))
    assert server.streams["/declared"].bytes_sent < 200_000_000


def test_lying_small_content_length_reads_no_more_than_declared(server: LoopbackServer,
                                                                fetcher: Fetcher) -> None:
    server.route("/liar", body=five_gigabytes, headers={"Content-Length": "1000"})
    result = fetcher.fetch(server.url("/liar"))
    assert result.content == b"x" * 1000


def test_gzip_bomb_is_cut_by_decoded_size(server: LoopbackServer, settings: Settings) -> None:
    bomb = gzip.compress(b"\0" * 50_000_000)
    assert len(bomb) < 100_000
    server.route("/bomb", body=bomb, headers={"Content-Encoding": "gzip", **HTML})
    with Fetcher(settings.replace(max_response_bytes=1_000_000)) as fetcher, \
            pytest.raises(ResponseTooLargeError):
        fetcher.fetch(server.url("/bomb"))


@pytest.mark.parametrize("coding, encode", [
    ("gzip", gzip.compress),
    ("deflate", zlib.compress),
    ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send
])
def test_compressed_bodies_are_decoded(server: LoopbackServer, fetcher: Fetcher, coding: str,
                                       encode: Callable[[bytes], bytes]) -> None:
    page = ("<p>Invented paragraph about a harbour council vote.</p>" * 200).encode()
    server.route("/z", body=encode(page), headers={"Content-Encoding": coding, **HTML})
    result = fetcher.fetch(server.url("/z"))
    assert result.content == page
    assert "gzip" in server.last_request("/z").header("accept-encoding")


def test_unknown_content_encoding_is_an_error(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/br", body=b"\x0b\x02\x80hello\x03", headers={"Content-Encoding": "br"})
    with pytest.raises(FetchError, match="br"):
        fetcher.fetch(server.url("/br"))


# -- conditional GET ---------------------------------------------------------------------------
def test_conditional_get_gives_not_modified(server: LoopbackServer, fetcher: Fetcher) -> None:
    stamp = "Wed, 04 Mar 2026 08:00:00 GMT"

    def feed(request: RecordedRequest) -> tuple[int, dict[str, str], bytes]:
        if request.header("if-none-match") == '"v1"' or request.header("if-modified-since") == stamp:
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"ETag": '"v1"', "Last-Modified": stamp, "Content-Type": "application/rss+xml"}, b"<rss/>"

    server.route("/feed.xml", handler=feed)
    first = fetcher.fetch(server.url("/feed.xml"))
    assert (first.status_code, first.etag, first.last_modified) == (200, '"v1"', stamp)
    second = fetcher.fetch(server.url("/feed.xml"), etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.status_code == 304 and second.content == b""
    assert (second.etag, second.last_modified) == ('"v1"', stamp)
    request = server.last_request("/feed.xml")
    assert request.header("if-none-match") == '"v1"' and request.header("if-modified-since") == stamp
    third = fetcher.fetch(server.url("/feed.xml"), last_modified=stamp)
    assert third.not_modified


# -- robots.txt --------------------------------------------------------------------------------
def test_robots_disallow_is_obeyed_and_cached(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/robots.txt", body="User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"})
    server.route("/public", body=b"ok")
    server.route("/private/memo", body=b"secret")
    assert fetcher.fetch(server.url("/public")).content == b"ok"
    with pytest.raises(RobotsDisallowedError) as info:
        fetcher.fetch(server.url("/private/memo"))
    assert info.value.source == server.url("/private/memo")
    fetcher.fetch(server.url("/public"))
    assert server.count("/robots.txt") == 1
    assert server.count("/private/memo") == 0


def test_robots_rules_for_our_user_agent(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/robots.txt", body="User-agent: newsdesk\nDisallow: /\n\nUser-agent: *\nAllow: /\n")
    server.route("/page", body=b"ok")
    with pytest.raises(RobotsDisallowedError, match="newsdesk"):
        fetcher.fetch(server.url("/page"))


def test_robots_is_checked_on_redirect_targets(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/robots.txt", body="User-agent: *\nDisallow: /hidden\n")
    server.redirect("/open", "/hidden")
    server.route("/hidden", body=b"no")
    with pytest.raises(RobotsDisallowedError):
        fetcher.fetch(server.url("/open"))
    assert server.count("/hidden") == 0


def test_missing_robots_allows_everything(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/anything", body=b"ok")
    assert fetcher.fetch(server.url("/anything")).content == b"ok"
    assert server.count("/robots.txt") == 1
    assert fetcher.robots_notes == {}


def test_failing_robots_allows_but_is_noted(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/robots.txt", status=500, body=b"oops")
    server.route("/anything", body=b"ok")
    assert fetcher.fetch(server.url("/anything")).content == b"ok"
    assert "500" in fetcher.robots_notes[server.base_url]


def test_robots_can_be_ignored(server: LoopbackServer, settings: Settings) -> None:
    server.route("/robots.txt", body="User-agent: *\nDisallow: /\n")
    server.route("/page", body=b"ok")
    with Fetcher(settings.replace(obey_robots=False)) as fetcher:
        assert fetcher.fetch(server.url("/page")).content == b"ok"
    assert server.count("/robots.txt") == 0


# -- statuses, retries, network errors ---------------------------------------------------------
@pytest.mark.parametrize("status", [401, 404, 410, 500, 502])
def test_error_statuses_raise_with_the_code(server: LoopbackServer, fetcher: Fetcher, status: int) -> None:
    server.route("/bad", status=status, body=b"error page")
    with pytest.raises(HTTPStatusError) as info:
        fetcher.fetch(server.url("/bad"))
    assert info.value.status_code == status
    assert server.url("/bad") in str(info.value)


def _busy_then_ok(retry_after: str) -> tuple[list[int], Handler]:
    calls: list[int] = []

    def handler(request: RecordedRequest) -> tuple[int, dict[str, str], bytes]:
        calls.append(1)
        if len(calls) == 1:
            return 503, {"Retry-After": retry_after}, b"busy"
        return 200, {}, b"fine now"

    return calls, handler


@pytest.mark.parametrize("retry_after", ["1", "__date__"])
def test_short_retry_after_is_waited_out_once(server: LoopbackServer, settings: Settings,
                                              retry_after: str) -> None:
    if retry_after == "__date__":
        retry_after = format_datetime(datetime.now(UTC) + timedelta(seconds=2), usegmt=True)
    calls, handler = _busy_then_ok(retry_after)
    server.route("/busy", handler=handler)
    waits: list[float] = []
    with Fetcher(settings, sleep=waits.append) as fetcher:
        assert fetcher.fetch(server.url("/busy")).content == b"fine now"
    assert len(calls) == 2
    assert len(waits) == 1 and 0 <= waits[0] <= 3


def test_long_retry_after_raises_with_the_wait(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/slow-down", status=429, headers={"Retry-After": "120"}, body=b"")
    with pytest.raises(HTTPStatusError) as info:
        fetcher.fetch(server.url("/slow-down"))
    assert (info.value.status_code, info.value.retry_after) == (429, 120.0)
    assert server.count("/slow-down") == 1


def test_retry_happens_only_once(server: LoopbackServer, settings: Settings) -> None:
    server.route("/always-busy", status=503, headers={"Retry-After": "0"}, body=b"")
    with Fetcher(settings, sleep=lambda s: None) as fetcher, pytest.raises(HTTPStatusError):
        fetcher.fetch(server.url("/always-busy"))
    assert server.count("/always-busy") == 2


def test_parse_retry_after_forms() -> None:
    now = datetime(2026, 3, 4, 8, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Wed, 04 Mar 2026 08:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Wed, 04 Mar 2026 07:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after("") is None


def test_connection_refused_is_a_fetch_error_naming_the_url(settings: Settings) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/gone"
    with Fetcher(settings.replace(obey_robots=False)) as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(url)
    assert url in str(info.value)


def test_timeout_is_a_fetch_error(server: LoopbackServer, settings: Settings) -> None:
    def stall() -> Iterator[bytes]:
        time.sleep(2)
        yield b"late"

    server.route("/stall", body=stall, headers={"Content-Length": "4"})
    with Fetcher(settings.replace(timeout=0.3, obey_robots=False)) as fetcher, \
            pytest.raises(FetchError, match="timed out"):
        fetcher.fetch(server.url("/stall"))


# -- politeness --------------------------------------------------------------------------------
def test_per_host_concurrency_is_limited(server: LoopbackServer, settings: Settings) -> None:
    active, peak = [0], [0]
    lock = threading.Lock()

    def slow(request: RecordedRequest) -> tuple[int, dict[str, str], bytes]:
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.15)
        with lock:
            active[0] -= 1
        return 200, {}, b"ok"

    server.route("/slow", handler=slow)
    with Fetcher(settings.replace(per_host_concurrency=2, obey_robots=False)) as fetcher, \
            ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda i: fetcher.fetch(server.url(f"/slow?i={i}")), range(8)))
    assert all(r.content == b"ok" for r in results)
    assert peak[0] == 2


def test_minimum_delay_between_requests_to_one_host(server: LoopbackServer, settings: Settings) -> None:
    server.route("/p", body=b"ok")
    with Fetcher(settings.replace(min_host_delay=0.4, obey_robots=False)) as fetcher:
        for _ in range(3):
            fetcher.fetch(server.url("/p"))
    starts = [r.at for r in server.requests_to("/p")]
    # measured where the server receives them, so allow for scheduling noise on a busy machine
    assert all(b - a >= 0.3 for a, b in zip(starts, starts[1:], strict=False))


def test_host_gate_spacing_includes_jitter_and_crawl_delay() -> None:
    clock = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    gate = HostGate(concurrency=1, min_delay=1.0, jitter=0.5, sleep=sleep, clock=lambda: clock[0])
    for _ in range(4):
        with gate.slot("news.example.test"):
            pass
    assert len(waits) == 3 and all(1.0 <= w <= 1.5 for w in waits)
    with gate.slot("other.example.test"):
        pass
    assert len(waits) == 3  # another host does not wait
    gate.set_crawl_delay("slow.example.test", 10_000)
    with gate.slot("slow.example.test"):
        pass
    with gate.slot("slow.example.test"):
        pass
    assert 30.0 <= waits[-1] <= 30.5  # Crawl-delay is capped


def test_many_threads_share_one_fetcher(server: LoopbackServer, fetcher: Fetcher) -> None:
    for i in range(3):
        server.route(f"/feed{i}", body=f"feed {i}".encode())
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda n: fetcher.fetch(server.url(f"/feed{n % 3}")), range(24)))
    assert [r.content for r in results] == [f"feed {n % 3}".encode() for n in range(24)]
    assert server.count("/robots.txt") == 1


def test_unresolvable_host_is_a_fetch_error_naming_the_url(settings: Settings) -> None:
    guarded = settings.replace(allow_private_addresses=False, obey_robots=False)
    with Fetcher(guarded, resolver=lambda host, port: []) as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch("https://nowhere.example.invalid/page")
    assert not isinstance(info.value, BlockedAddressError)
    assert "nowhere.example.invalid/page" in str(info.value) and "no address" in str(info.value)

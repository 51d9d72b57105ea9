"""Politeness and robots.txt shared through the database: across fetchers and across processes.
robots.txt rules are read as RFC 9309 says (Protego): ``*`` and ``$`` wildcards, longest match."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from loopback import LoopbackServer

from newsdesk.collect.fetcher import Fetcher
from newsdesk.config import Settings
from newsdesk.errors import HostBusyError, RobotsDisallowedError
from newsdesk.store import Store

ROOT = Path(__file__).resolve().parent.parent

ROBOTS = """\
User-agent: *
Disallow: /*.pdf$
Disallow: /news/
Allow: /news/public/
Allow: /files/open.pdf$
"""


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


def _allowed(fetcher: Fetcher, url: str) -> bool:
    try:
        fetcher.fetch(url)
    except RobotsDisallowedError:
        return False
    return True


def test_robots_wildcards_and_longest_match(server: LoopbackServer, settings: Settings) -> None:
    server.route("/robots.txt", body=ROBOTS, headers={"Content-Type": "text/plain"})
    for path in ("/report.pdf", "/report.pdf?page=2", "/files/open.pdf", "/files/a/closed.pdf", "/news/x",
                 "/news/public/y", "/about"):
        server.route(path, body=b"ok")
    with Fetcher(settings) as fetcher:
        verdicts = {path: _allowed(fetcher, server.url(path)) for path in (
            "/report.pdf", "/report.pdf?page=2", "/files/a/closed.pdf", "/files/open.pdf",
            "/news/x", "/news/public/y", "/about")}
    assert verdicts == {
        "/report.pdf": False,            # Disallow: /*.pdf$
        "/report.pdf?page=2": True,      # ... $ anchors the end: a query string is not ".pdf" at the end
        "/files/a/closed.pdf": False,
        "/files/open.pdf": True,         # the longer Allow wins over the shorter Disallow
        "/news/x": False,
        "/news/public/y": True,          # longest match, not first match
        "/about": True,
    }


def test_robots_txt_is_fetched_once_for_every_fetcher_of_a_desk(server: LoopbackServer, settings: Settings,
                                                                 any_store: Store) -> None:
    server.route("/robots.txt", body="User-agent: *\nDisallow: /private/\n")
    server.route("/page", body=b"ok")
    for _ in range(2):  # two workers, each with its own fetcher, one database
        with Fetcher(settings, ledger=any_store, robots_cache=any_store) as fetcher:
            assert fetcher.fetch(server.url("/page")).content == b"ok"
            with pytest.raises(RobotsDisallowedError):
                fetcher.fetch(server.url("/private/x"))
    assert server.count("/robots.txt") == 1


def test_a_long_retry_after_holds_every_fetcher_of_the_desk_back(server: LoopbackServer, settings: Settings,
                                                                 any_store: Store) -> None:
    server.route("/busy", status=429, headers={"Retry-After": "120"}, body=b"")
    server.route("/other", body=b"ok")
    with Fetcher(settings.replace(obey_robots=False), ledger=any_store) as first:
        with pytest.raises(Exception) as info:
            first.fetch(server.url("/busy"))
        assert not isinstance(info.value, HostBusyError)  # the server was asked, and said 429
    with Fetcher(settings.replace(obey_robots=False), ledger=any_store) as second, \
            pytest.raises(HostBusyError) as busy:
        second.fetch(server.url("/other"))
    assert busy.value.retry_after is not None and 100 < busy.value.retry_after <= 120
    assert server.count("/other") == 0  # not asked at all while the host cools down


def test_a_failing_host_backs_off_exponentially(any_store: Store) -> None:
    host = "failing.example"
    for _ in range(3):
        any_store.record_host_outcome(host, now=1000.0, failed=True, retry_after=None, backoff_base=2.0)
    booking = any_store.book_host_start(host, now=1000.0, spacing=0.0, max_wait=60.0)
    assert booking.start == 1008.0  # 2, 4, 8 s after three failures: the last one counts
    any_store.record_host_outcome(host, now=1000.0, failed=False, retry_after=None, backoff_base=2.0)
    any_store.record_host_outcome(host, now=2000.0, failed=True, retry_after=None, backoff_base=2.0)
    assert any_store.book_host_start(host, now=2000.0, spacing=0.0, max_wait=60.0).start == 2002.0


def test_slots_are_leases_a_dead_holder_cannot_keep(any_store: Store) -> None:
    host = "slots.example"
    assert any_store.claim_host_slot(host, limit=1, holder="a", now=10.0, lease=60.0) == 0
    assert any_store.claim_host_slot(host, limit=1, holder="b", now=20.0, lease=60.0) is None
    assert any_store.claim_host_slot(host, limit=2, holder="b", now=20.0, lease=60.0) == 1
    assert any_store.claim_host_slot(host, limit=1, holder="c", now=71.0, lease=60.0) == 0  # a's lease ran out
    any_store.release_host_slot(host, 0, "a")  # too late: c holds it now, a's release changes nothing
    assert any_store.claim_host_slot(host, limit=1, holder="d", now=72.0, lease=60.0) is None
    any_store.release_host_slot(host, 0, "c")
    assert any_store.claim_host_slot(host, limit=1, holder="d", now=72.0, lease=60.0) == 0


FETCH_SCRIPT = textwrap.dedent("""
    import sys
    from newsdesk.collect.fetcher import Fetcher
    from newsdesk.config import load_settings
    from newsdesk.store import Store

    db, base, worker = sys.argv[1], sys.argv[2], sys.argv[3]
    settings = load_settings(environ={}, allow_private_addresses=True, min_host_delay=0.4,
                             host_delay_jitter=0.0, obey_robots=False, timeout=10.0)
    store = Store(db)
    with Fetcher(settings, ledger=store, robots_cache=store) as fetcher:
        for n in range(3):
            fetcher.fetch(f"{base}/p?w={worker}&n={n}")
""")


def test_two_processes_share_one_hosts_minimum_delay(server: LoopbackServer, tmp_path: Path,
                                                     any_store: Store) -> None:
    server.route("/p", body=b"ok")
    env = {**os.environ, "NEWSDESK_DATA_DIR": str(tmp_path)}
    procs = [subprocess.Popen([sys.executable, "-c", FETCH_SCRIPT, any_store.url, server.base_url, str(w)],
                              cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True) for w in range(2)]
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    starts = sorted(r.at for r in server.requests_to("/p"))
    assert len(starts) == 6
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    # 0.4 s apart whichever process sent them (measured at the server: allow scheduling noise)
    assert min(gaps) >= 0.3, gaps

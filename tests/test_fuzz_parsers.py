"""Fuzzing the public parsers: whatever the bytes, only a NewsdeskError escapes, and soon.

Random bytes, mutated real fixtures (tests/testdata, the demo corpus), deep nesting and malformed
URLs go through every parser that reads remote or user-supplied input. Hypothesis runs derandomized
(the same examples on every machine) and each test is capped in examples, so the module stays
around a minute on CI; ``NEWSDESK_FUZZ_EXAMPLES`` raises the cap for a longer local run.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.collect.feeds import discover_feed_links, parse_feed
from newsdesk.collect.jsonl import iter_jsonl
from newsdesk.collect.opml import parse_opml
from newsdesk.collect.sitemaps import parse_sitemap
from newsdesk.collect.targets import classify_target
from newsdesk.collect.warc import iter_warc
from newsdesk.demo import DEMO_DIR
from newsdesk.errors import NewsdeskError
from newsdesk.extract import extract_document
from newsdesk.models import Document

pytestmark = pytest.mark.fuzz

TESTDATA = Path(__file__).resolve().parent / "testdata"
#: seconds one parser call may take on a loaded two-core CI machine
BOUND = 10.0
EXAMPLES = int(os.environ.get("NEWSDESK_FUZZ_EXAMPLES", "30"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example])
BAD_URLS = ["http://[::1", "http://[zz]/", "http://[127.0.0.1]/", "http://[::1/", "http://x:99999/",
            "http://", "https:///x", "javascript:alert(1)", "http://a\uff03b/", "//[::1", "\x00http://x/"]
BASE = "https://fuzz.example.test/feed"


def _files(folder: Path, *patterns: str) -> list[bytes]:
    return [p.read_bytes()[:20_000] for pattern in patterns for p in sorted(folder.rglob(pattern)) if p.is_file()]


XML_SEEDS = _files(TESTDATA / "collect", "*.xml", "*.rdf", "*.opml") + _files(DEMO_DIR / "feeds", "*")[:6]
JSON_SEEDS = _files(TESTDATA / "collect", "*.json")
HTML_SEEDS = _files(TESTDATA / "collect", "*.html") + _files(TESTDATA / "extract", "*.html") \
    + _files(DEMO_DIR / "site", "*.html")[:4]
PDF_SEEDS = [(DEMO_DIR / "briefs" / "sharing-the-tavel.pdf").read_bytes()]
TEXT_SEEDS = _files(TESTDATA / "extract", "*.txt")


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A seed with a few byte-level edits: cut, insert, overwrite, duplicate a slice."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["cut", "insert", "overwrite", "repeat", "truncate"]))
        chunk = draw(st.one_of(st.binary(min_size=1, max_size=16),
                               st.sampled_from([b"<", b'"', b"&", b"]]>", b"<![CDATA[", b"{", b"[", b"\x00",
                                                b'<a b="', b"&nbsp;", b"\xff\xfe", b"%%EOF", b"stream",
                                                *(u.encode("utf-8", "replace") for u in BAD_URLS)])))
        if op == "cut":
            del data[at:at + draw(st.integers(1, 64))]
        elif op == "insert":
            data[at:at] = chunk
        elif op == "overwrite":
            data[at:at + len(chunk)] = chunk
        elif op == "repeat":
            data[at:at] = bytes(data[at:at + 32]) * draw(st.integers(2, 200))
        else:
            del data[at:]
    return bytes(data)


@st.composite
def deep(draw: st.DrawFn) -> bytes:
    depth = draw(st.integers(200, 60_000))
    open_, close = draw(st.sampled_from([(b"[", b"]"), (b'{"a":', b"}"), (b"<a>", b"</a>"),
                                         (b"<outline>", b"</outline>"), (b"<url>", b"</url>")]))
    prefix = draw(st.sampled_from([b"", b'{"version": "https://jsonfeed.org/version/1.1", "items": ',
                                   b'<rss version="2.0"><channel>', b"<opml><body>", b"<urlset>"]))
    return prefix + open_ * depth + close * draw(st.sampled_from([depth, 0, depth // 2]))


@st.composite
def with_bad_urls(draw: st.DrawFn) -> bytes:
    url = draw(st.sampled_from(BAD_URLS)).replace('"', "")
    template = draw(st.sampled_from([
        '<rss version="2.0"><channel><link>{u}</link><item><link>{u}</link><guid>{u}</guid></item></channel></rss>',
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="{u}"/><id>{u}</id></entry></feed>',
        '{{"version": "https://jsonfeed.org/version/1.1", "home_page_url": "{u}", "items": [{{"url": "{u}"}},'
        ' {{"external_url": "{u}"}}, {{"id": "{u}"}}]}}',
        '<opml><body><outline xmlUrl="{u}" htmlUrl="{u}"/></body></opml>',
        "<urlset><url><loc>{u}</loc></url></urlset>",
        "<sitemapindex><sitemap><loc>{u}</loc></sitemap></sitemapindex>",
        '<html><head><base href="{u}"><link rel="alternate" type="application/rss+xml" href="{u}">'
        '<link rel="canonical" href="{u}"><meta property="og:url" content="{u}"></head>'
        "<body><article><p>" + "The council met on Tuesday to vote on the budget. " * 8 + "</p></article></body></html>",
    ]))
    return template.format(u=url).encode("utf-8", "surrogatepass")


ANY_BYTES = st.one_of(st.binary(max_size=4096), deep(), with_bad_urls())


def _bounded(call: Callable[..., Any], *args: Any) -> None:
    """Run ``call``; let only NewsdeskError out (as a return) and fail past :data:`BOUND` seconds."""
    started = time.monotonic()
    try:
        result = call(*args)
        if isinstance(result, Iterable) and not isinstance(result, str | bytes | list):
            for item in result:
                assert isinstance(item, NewsdeskError | Document), item
    except NewsdeskError:
        pass
    elapsed = time.monotonic() - started
    assert elapsed < BOUND, f"{call.__name__} took {elapsed:.1f} s"


def _temp_file(suffix: str, content: bytes) -> Path:
    handle, name = tempfile.mkstemp(suffix=suffix)
    with os.fdopen(handle, "wb") as fh:
        fh.write(content)
    return Path(name)


@FUZZ
@given(content=st.one_of(ANY_BYTES, mutated(XML_SEEDS), mutated(JSON_SEEDS), mutated(HTML_SEEDS)),
       url=st.one_of(st.just(BASE), st.sampled_from(BAD_URLS)))
def test_parse_feed(content: bytes, url: str) -> None:
    _bounded(parse_feed, content, url)


@FUZZ
@given(content=st.one_of(ANY_BYTES, mutated(XML_SEEDS)), source=st.sampled_from(["subs.opml", BASE, *BAD_URLS]))
def test_parse_opml(content: bytes, source: str) -> None:
    _bounded(parse_opml, content, source)


@FUZZ
@given(content=st.one_of(ANY_BYTES, mutated(XML_SEEDS)), url=st.sampled_from([BASE, *BAD_URLS]))
def test_parse_sitemap(content: bytes, url: str) -> None:
    _bounded(parse_sitemap, content, url)


@FUZZ
@given(content=st.one_of(ANY_BYTES, mutated(HTML_SEEDS)), url=st.sampled_from([BASE, *BAD_URLS]))
def test_feed_discovery(content: bytes, url: str) -> None:
    _bounded(discover_feed_links, content, url)


JSONL_LINE = b'{"url": "https://wire.example.test/a", "title": "T", "text": "Body.", "published": "2026-03-03"}\n'


@FUZZ
@given(content=st.one_of(ANY_BYTES, mutated([JSONL_LINE * 3, *JSON_SEEDS])))
def test_iter_jsonl(content: bytes) -> None:
    path = _temp_file(".jsonl", content)
    try:
        _bounded(iter_jsonl, path)
    finally:
        path.unlink()


def _warc_seed() -> bytes:
    from test_collect_warc import write_warc

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "seed.warc"
        write_warc(path, gz=False)
        return path.read_bytes()


WARC_SEEDS = [_warc_seed()]


@FUZZ
@given(content=st.one_of(st.binary(max_size=2048), mutated(WARC_SEEDS)))
def test_iter_warc(content: bytes) -> None:
    path = _temp_file(".warc", content)
    try:
        _bounded(iter_warc, path)
    finally:
        path.unlink()


def _extract(content: bytes, content_type: str, url: str) -> None:
    extract_document(Document(url=url, content=content, content_type=content_type,
                              fetched_at=datetime.now(UTC)))


@FUZZ
@given(content=st.one_of(ANY_BYTES, mutated(HTML_SEEDS), mutated(TEXT_SEEDS)),
       content_type=st.sampled_from(["text/html", "text/plain", "application/xhtml+xml", ""]),
       url=st.sampled_from(["https://news.example.test/a", "file:///tmp/a.html", *BAD_URLS]))
def test_extract_html_and_text(content: bytes, content_type: str, url: str) -> None:
    _bounded(_extract, content, content_type, url)


@FUZZ
@given(content=st.one_of(st.binary(max_size=2048).map(lambda b: b"%PDF-1.4\n" + b), mutated(PDF_SEEDS)),
       url=st.sampled_from(["https://reports.example.test/a.pdf", "file:///tmp/a.pdf", *BAD_URLS]))
def test_extract_pdf(content: bytes, url: str) -> None:
    _bounded(_extract, content, "application/pdf", url)


@FUZZ
@given(target=st.one_of(st.text(max_size=60), st.sampled_from(BAD_URLS),
                        st.sampled_from(["", " ", "-", "file://", "file:///", "file://host/x", "http:", "C:\\x",
                                         "ftp://x/", "file:///dev/null", "~", "http://[::1]:0/"])))
def test_classify_target(target: str) -> None:
    _bounded(classify_target, target)

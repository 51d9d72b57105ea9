"""The reader in a real browser: Debian's Chromium driven by Playwright against the app served by
uvicorn on loopback. Covers the reading flow, the summary control with and without JavaScript,
adding a feed after logging in with a token, and hostile content that must never run."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from chromium import CHROMIUM
from loopback import LoopbackServer
from test_api_write import serve_feed
from test_web_corpus import Corpus, make_corpus

from newsdesk.serve.app import create_app

#: records CSP violations and dialogs before any page script runs (init scripts are exempt from CSP)
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective));
"""

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists(),
                       reason=f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """The newsdesk app under uvicorn in a thread, on a free loopback port."""

    def __init__(self, corpus: Corpus) -> None:
        self.port = free_port()
        config = uvicorn.Config(create_app(corpus.settings, corpus.store), host="127.0.0.1", port=self.port,
                                log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    built = make_corpus(Path(tmp_path_factory.mktemp("browser")), hostile=True)
    yield built
    built.store.close()


@pytest.fixture(scope="module")
def live(corpus: Corpus) -> Iterator[LiveServer]:
    with LiveServer(corpus) as server:
        yield server


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def test_read_a_story_an_article_its_summary_related_and_next(page: Any, live: LiveServer, corpus: Corpus) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live.url("/"))
    assert page.title() == "Stories · newsdesk"
    bridge = corpus.store.get_article(corpus.ids["bridge-closure"]).story_id
    page.click(f'a[href="/stories/{bridge}"]')
    page.wait_for_url(re.compile(rf"/stories/{bridge}$"))
    assert page.locator("svg.chart rect").count() >= 3
    assert page.locator(".frame h3").count() == 3
    page.click(f'.timeline a[href="/articles/{corpus.ids["bridge-shops"]}"]')
    page.wait_for_url(re.compile(rf"/articles/{corpus.ids['bridge-shops']}$"))
    assert page.locator("h1").inner_text() == "Quay Street traders fear harbour bridge closure"

    # "Get a summary": JavaScript fetches it in place (no reload)
    assert page.locator("#summary .js-hide").is_hidden()
    page.click("#summary > summary")
    page.wait_for_selector("#summary .summary-sentences li")
    assert "harbour bridge" in page.locator("#summary").inner_text().lower()
    assert page.url.endswith(f"/articles/{corpus.ids['bridge-shops']}")

    # a related publication's excerpt is a link; then previous/next within the story
    related = page.locator(".related a.excerpt").first
    target = related.get_attribute("href")
    related.click()
    page.wait_for_url(re.compile(re.escape(str(target)) + "$"))
    page.goto(live.url(f"/articles/{corpus.ids['bridge-shops']}"))
    page.click('.neighbour-row a[rel="next"] >> nth=0')
    page.wait_for_url(re.compile(rf"/articles/{corpus.ids['bridge-review']}$"))
    page.click('.neighbour-row a[rel="prev"] >> nth=0')
    page.wait_for_url(re.compile(rf"/articles/{corpus.ids['bridge-shops']}$"))
    assert errors == []


def test_search_from_the_masthead(page: Any, live: LiveServer) -> None:
    page.goto(live.url("/"))
    page.fill("#quick-q", "reservoir pipes")
    page.press("#quick-q", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=reservoir"))
    assert page.locator(".hit").count() >= 2
    assert page.locator(".snippet mark").count() >= 2
    page.select_option('select[name="outlet"]', "Harbour Times")
    page.click(".search-row button")
    page.wait_for_url(re.compile(r"outlet=Harbour"))
    assert page.locator(".hit").count() == 1


def test_summary_works_with_javascript_off(browser: Any, live: LiveServer, corpus: Corpus) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(live.url(f"/articles/{corpus.ids['water-rise']}"))
    tab.click("#summary > summary")
    tab.click("#summary a")  # the no-JS fallback link
    tab.wait_for_url(re.compile(r"summary=1"))
    assert tab.locator("#summary[open] .summary-sentences li").count() >= 1
    context.close()


def test_add_a_feed_after_logging_in_with_a_token(page: Any, live: LiveServer, corpus: Corpus) -> None:
    _token, secret = corpus.store.create_token("browser")
    with LoopbackServer() as feeds:
        feed_url = serve_feed(feeds)
        page.goto(live.url("/sources"))
        assert page.locator('form[action="/sources"]').count() == 0
        page.click('a[href="/login?next=/sources"]')
        page.fill("#token", secret)
        page.click('form[action="/login"] button')
        page.wait_for_url(re.compile(r"/sources$"))
        page.fill("#target", feed_url)
        page.click('form[action="/sources"] button')
        page.wait_for_selector(".outcomes")
        outcomes = page.locator(".outcomes").inner_text().lower()
        assert "queued" in outcomes and "job" in outcomes  # fetched by a job, not in the request
        deadline = time.monotonic() + 60
        while feed_url not in page.locator(".feeds-table").inner_text() and time.monotonic() < deadline:
            time.sleep(0.5)
            page.goto(live.url("/sources"))
        assert feed_url in page.locator(".feeds-table").inner_text()
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["nd_session"]["httpOnly"] and cookies["nd_session"]["secure"]
    assert cookies["nd_session"]["sameSite"] == "Strict"


def assert_nothing_runs(browser: Any, live: LiveServer, paths: list[str], *, open_summary: bool = True) -> None:
    """Open each page, poke it, and check no hostile script ran, no dialog opened and the browser
    reported no CSP violation (escaping alone kept everything inert)."""
    context = browser.new_context()
    context.add_init_script(WATCH)
    dialogs: list[str] = []
    tab = context.new_page()

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", on_dialog)
    for path in paths:
        tab.goto(live.url(path))
        tab.wait_for_load_state("load")
        is_page = not path.endswith((".atom", ".json")) and "/feed." not in path
        if open_summary and is_page and "/articles/" in path and "summary" not in path:
            tab.click("#summary > summary")  # the fetched summary is hostile text too
            tab.wait_for_selector("#summary .summary-sentences li, #summary .notice")
        tab.mouse.move(200, 300)
        tab.mouse.move(400, 500)
        tab.wait_for_timeout(150)
        assert tab.evaluate("typeof window.__xss") == "undefined", path
        assert tab.evaluate("window.__violations") == [], path
        if is_page:
            assert tab.title().endswith("· newsdesk"), (path, tab.title())
    assert dialogs == []
    context.close()


def test_hostile_content_never_runs(browser: Any, live: LiveServer, corpus: Corpus) -> None:
    article = corpus.store.get_article(corpus.ids["article"])
    paths = ["/", f"/articles/{corpus.ids['article']}", f"/articles/{corpus.ids['twin']}",
             f"/articles/{corpus.ids['article']}?summary=1", f"/stories/{article.story_id}", "/sources",
             "/search?q=hostile", "/search?q=script+img", "/entities", "/search/feed.atom?q=hostile",
             f"/stories/{article.story_id}/feed.json"]
    assert_nothing_runs(browser, live, paths)
    page_text = browser.new_page()
    page_text.goto(live.url(f"/articles/{corpus.ids['article']}"))
    assert "<script>" in page_text.locator("main").inner_text()  # the vectors are shown as text
    page_text.close()


def test_hostile_feed_and_page_ingested_never_run(browser: Any, tmp_path: Path) -> None:
    """The shared hostile fixtures (tests/testdata/hostile) through real ingestion: a feed whose
    every field carries vectors, linking to a hostile article page, both served on loopback."""
    from newsdesk.ingest import Ingestor

    hostile = Path(__file__).parent / "testdata" / "hostile"
    if not (hostile / "xss-feed.xml").exists():
        pytest.skip("tests/testdata/hostile/xss-feed.xml is not in this checkout")
    corpus = make_corpus(tmp_path)
    page_html = (hostile / "xss-article.html").read_bytes()
    with LoopbackServer() as origin:
        base = origin.url("").rstrip("/")
        feed = (hostile / "xss-feed.xml").read_text(encoding="utf-8").replace("https://hostile.example", base)
        for path in sorted(set(re.findall(re.escape(base) + r"(/news/[^<\s]+)", feed))):
            origin.route(path, body=page_html, headers={"Content-Type": "text/html; charset=utf-8"})
        origin.route("/feed.xml", body=feed, headers={"Content-Type": "application/rss+xml"})
        origin.route("/robots.txt", body="User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
        with Ingestor(corpus.store, corpus.settings) as ingestor:
            outcomes = ingestor.add([origin.url("/feed.xml")])
    added = [o.article_id for o in outcomes if o.article_id]
    assert outcomes[0].action == "subscribed" and added, outcomes
    stories = {corpus.store.get_article(i).story_id for i in added} - {None}
    paths = ["/", "/sources", "/search?q=harbour", "/search?q=script", "/entities",
             *[f"/articles/{i}" for i in added], *[f"/stories/{s}" for s in stories]]
    with LiveServer(corpus) as live:
        assert_nothing_runs(browser, live, paths)
        shown = httpx.get(live.url(f"/articles/{added[0]}")).text + httpx.get(live.url("/sources")).text
    assert shown.count("__xss") >= 3  # the vectors did reach the pages, as text
    corpus.store.close()

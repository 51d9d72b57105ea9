"""The digest and alert e-mails in a real browser (Debian's Chromium, headless, via Playwright), as a
mail client would show them: hostile article text stays text, nothing runs, nothing is fetched,
every style is inline, and the table layout fits a phone screen as well as a desktop one."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from chromium import CHROMIUM
from test_web_corpus import HOSTILE, Corpus, make_corpus

from newsdesk.follow.digest import build_digest, digest_article
from newsdesk.follow.passwords import hash_password
from newsdesk.follow.render import alert_html, digest_html

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists(),
                       reason=f"Debian's Chromium is not installed at {CHROMIUM}"),
]
MAIL_URL = "https://mail.test/message"
WATCH = "window.__dialogs = 0; window.alert = window.confirm = window.prompt = () => { window.__dialogs++; };"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    built = make_corpus(Path(tmp_path_factory.mktemp("mail")), hostile=True, base_url="https://news.example")
    yield built
    built.store.close()


@pytest.fixture(scope="module")
def mails(corpus: Corpus) -> dict[str, str]:
    store = corpus.store
    user = store.create_user("mallory-reader", hash_password("correct horse"))
    store.create_watchlist(user.id, "hostile", "search", query="hostile article")
    store.create_watchlist(user.id, "bridge", "search", query="harbour bridge")
    digest = build_digest(store, corpus.settings, user, since=datetime(2000, 1, 1, tzinfo=UTC))
    assert any("Hostile" in s.title or any("Hostile" in a.title for a in s.articles) for s in digest.stories)
    hostile = [digest_article(corpus.settings, store.get_article(corpus.ids["article"]))]
    return {"digest": digest_html(digest),
            "alert": alert_html("hostile " + HOSTILE, "https://news.example/watchlists/1", hostile)}


@pytest.mark.parametrize("kind", ["digest", "alert"])
@pytest.mark.parametrize("width", [375, 1024])
def test_the_mail_renders_like_a_mail_and_nothing_in_it_runs(browser: Any, mails: dict[str, str], kind: str,
                                                             width: int) -> None:
    html = mails[kind]
    tags = re.findall(r"<[^>]*>", html)  # the markup itself: escaped article text has no raw "<"
    names = {re.match(r"</?\s*([a-zA-Z0-9!]+)", t).group(1).lower() for t in tags}  # type: ignore[union-attr]
    assert names <= {"!doctype", "html", "head", "meta", "title", "body", "table", "tr", "td", "a", "sup", "span"}
    assert not [t for t in tags if re.search(r"javascript:|\son[a-z]+\s*=", t, re.IGNORECASE)]
    page = browser.new_page(viewport={"width": width, "height": 800})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.add_init_script(WATCH)
    page.route("**/*", lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8")
               if route.request.url == MAIL_URL else route.abort())
    page.goto(MAIL_URL, wait_until="load")
    requests.remove(MAIL_URL)
    assert page.evaluate("window.__xss") is None and page.evaluate("window.__dialogs") == 0
    assert requests == []  # no remote images, fonts or style sheets
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # fits the screen
    main = page.evaluate("[...document.querySelectorAll('table')].map(t => t.getBoundingClientRect().width)")
    assert max(main) <= width and min(main) > 0
    unstyled = page.evaluate("[...document.querySelectorAll('td, a')].filter(e => !e.getAttribute('style')).length")
    assert unstyled == 0
    links = page.evaluate("[...document.querySelectorAll('a')].map(a => a.href)")
    assert links and all(link.startswith(("https://news.example/", "https://evil.example/")) for link in links)
    text = page.inner_text("body")
    assert "<script>" in text or kind == "digest"  # the vectors show as text
    page.close()

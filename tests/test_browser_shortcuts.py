"""Keyboard shortcuts and the mark buttons in a real browser (Debian's Chromium): a logged-in
reader moves through a story's articles with j/k, stars with s, toggles read with m, opens with o,
and the marks land in the store as that reader's (with no CSP violation: the script is static)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_browser_reader import WATCH, LiveServer
from test_browser_reader import pytestmark as BROWSER_MARKS
from test_web_corpus import Corpus, make_corpus

from newsdesk.follow.passwords import hash_password

pytestmark = BROWSER_MARKS

PASSWORD = "shortcut password"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    built = make_corpus(Path(tmp_path_factory.mktemp("shortcuts")))
    yield built
    built.store.close()


@pytest.fixture(scope="module")
def live(corpus: Corpus) -> Iterator[LiveServer]:
    with LiveServer(corpus) as server:
        yield server


def logged_in_page(browser: Any, live: LiveServer, name: str) -> Any:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live.url("/login"))
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click('form[action="/login"] button')
    page.wait_for_url(re.compile(r"/$"))
    return page


def test_j_k_s_m_and_o_on_a_story(browser: Any, live: LiveServer, corpus: Corpus) -> None:
    user = corpus.store.create_user("keys", hash_password(PASSWORD))
    page = logged_in_page(browser, live, user.name)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    story_id = corpus.store.get_article(corpus.ids["bridge-closure"]).story_id
    page.goto(live.url(f"/stories/{story_id}"))
    items = page.locator(".timeline .nav-item")
    ids = [int(items.nth(i).get_attribute("data-article") or 0) for i in range(items.count())]
    assert len(ids) >= 3 and page.locator(".timeline .nav-item.unread").count() == len(ids)

    page.keyboard.press("j")
    assert page.locator(".nav-item.is-current").get_attribute("data-article") == str(ids[0])
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    current = page.locator(".nav-item.is-current")
    assert current.get_attribute("data-article") == str(ids[1])

    page.keyboard.press("s")  # star the second article
    page.wait_for_selector(f'.nav-item.starred[data-article="{ids[1]}"]')
    page.keyboard.press("m")  # mark it read
    page.wait_for_selector(f'.nav-item:not(.unread)[data-article="{ids[1]}"]')
    state = corpus.store.read_states(user.id, [ids[1]])[ids[1]]
    assert state.starred and state.read
    page.keyboard.press("m")  # and unread again
    page.wait_for_selector(f'.nav-item.unread[data-article="{ids[1]}"]')
    assert not corpus.store.read_states(user.id, [ids[1]])[ids[1]].read

    page.keyboard.press("?")
    assert page.locator(".key-help").is_visible() and "star" in page.locator(".key-help").inner_text()
    page.keyboard.press("Escape")
    assert not page.locator(".key-help").is_visible()

    page.keyboard.press("o")  # open: the article page marks it read
    page.wait_for_url(re.compile(rf"/articles/{ids[1]}$"))
    assert corpus.store.read_states(user.id, [ids[1]])[ids[1]].read
    # the page's buttons work in place (no reload), and s stars here too
    page.click('form[data-field="kept"] button')
    page.wait_for_selector('form[data-field="kept"] button[aria-pressed="true"]')
    assert corpus.store.read_states(user.id, [ids[1]])[ids[1]].kept
    page.keyboard.press("s")
    page.wait_for_selector('form[data-field="starred"] button[aria-pressed="false"]')
    assert not corpus.store.read_states(user.id, [ids[1]])[ids[1]].starred
    # nobody else's marks changed
    other = corpus.store.create_user("other-keys", hash_password(PASSWORD))
    assert corpus.store.read_states(other.id, ids) == {}
    assert errors == [] and page.evaluate("window.__violations") == []
    page.context.close()


def test_shortcuts_do_not_fire_while_typing(browser: Any, live: LiveServer, corpus: Corpus) -> None:
    user = corpus.store.create_user("typist", hash_password(PASSWORD))
    page = logged_in_page(browser, live, user.name)
    page.goto(live.url("/search?q=harbour"))
    assert page.locator(".hits .nav-item").count() >= 1
    page.click("#q")
    page.keyboard.type("js")
    assert page.locator(".nav-item.is-current").count() == 0
    assert page.input_value("#q").endswith("js")
    page.context.close()

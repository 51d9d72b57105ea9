"""HTTP caching: ETag and 304 on pages, API and feeds, Last-Modified on feeds, Cache-Control on
static files; pages with per-browser content (CSRF token, login) are private and vary on Cookie."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from test_web_corpus import Corpus, TestClient, client_for, make_corpus

from newsdesk.serve.caching import _matches, etag_of


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    built = make_corpus(Path(tmp_path_factory.mktemp("caching")))
    yield built
    built.store.close()


@pytest.fixture
def client(corpus: Corpus) -> TestClient:
    return client_for(corpus)


def _story_id(client: TestClient) -> int:
    return int(client.get("/api/stories").json()["stories"][0]["id"])


@pytest.mark.parametrize("path", ["/api/stories", "/api/stories/{story}", "/api/search?q=reservoir",
                                  "/stories/{story}/feed.atom", "/search/feed.json?q=reservoir"])
def test_api_and_feeds_answer_304_to_their_etag(client: TestClient, path: str) -> None:
    path = path.format(story=_story_id(client))
    first = client.get(path)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('W/"') and first.headers["cache-control"] == "no-cache"
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    other = client.get(path, headers={"If-None-Match": 'W/"something-else"'})
    assert other.status_code == 200 and other.content == first.content


def test_feeds_say_when_they_last_changed(client: TestClient) -> None:
    path = f"/stories/{_story_id(client)}/feed.atom"
    first = client.get(path)
    modified = first.headers["last-modified"]
    assert modified.endswith("GMT")
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    older = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert client.get(path, headers={"If-Modified-Since": older}).status_code == 200


def test_pages_are_private_and_their_etag_is_per_browser(corpus: Corpus) -> None:
    one, two = client_for(corpus), client_for(corpus)
    first_visit = one.get("/")
    assert "set-cookie" in first_visit.headers and "etag" not in first_visit.headers  # the cookie is new
    page = one.get("/")  # the browser now sends its cookie
    assert page.headers["cache-control"] == "private, no-cache" and "Cookie" in page.headers["vary"]
    etag = page.headers["etag"]
    assert one.get("/", headers={"If-None-Match": etag}).status_code == 304
    one.get("/login"), two.get("/login")
    form = one.get("/login")  # a form: this browser's CSRF token is in the page
    assert one.get("/login", headers={"If-None-Match": form.headers["etag"]}).status_code == 304
    other_browser = two.get("/login", headers={"If-None-Match": form.headers["etag"]})
    assert other_browser.status_code == 200 and other_browser.headers["etag"] != form.headers["etag"]


def test_a_changed_answer_gets_a_new_etag(corpus: Corpus, client: TestClient) -> None:
    before = client.get("/api/searches")
    corpus.store.save_search("caching test", "q=reservoir")
    after = client.get("/api/searches", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]


def test_static_files_are_cached(client: TestClient) -> None:
    answer = client.get("/static/app.css")
    assert answer.headers["cache-control"] == "public, max-age=86400" and answer.headers["etag"]
    assert client.get("/static/app.css", headers={"If-None-Match": answer.headers["etag"]}).status_code == 304


def test_errors_and_writes_carry_no_validator(client: TestClient) -> None:
    missing = client.get("/api/stories/999999")
    assert missing.status_code == 404 and "etag" not in missing.headers
    assert "etag" not in client.post("/api/searches", json={"name": "x", "query": "q=a"}).headers


def test_if_none_match_lists_and_star() -> None:
    tag = etag_of(b"body")
    assert _matches(f'"other", {tag}', tag) and _matches("*", tag)
    assert _matches(tag.removeprefix("W/"), tag) and not _matches('W/"nope"', tag)

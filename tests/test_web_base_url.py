"""``base_url``: every absolute URL (feed self and entry links, canonical and alternate links) starts
with it, whatever Host a request names; with it set, a request naming another host is refused."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_web_corpus import Corpus, TestClient, create_app, make_corpus

from newsdesk.config import load_settings
from newsdesk.errors import ConfigError

ATOM = "{http://www.w3.org/2005/Atom}"
PUBLIC = "https://news.example.org"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    built = make_corpus(Path(tmp_path_factory.mktemp("base-url")))
    yield built
    built.store.close()


def client(corpus: Corpus, base: str, **settings: str) -> TestClient:
    return TestClient(create_app(corpus.settings.replace(**settings), corpus.store), base_url=base)


def story_id(corpus: Corpus) -> int:
    found = corpus.store.get_article(corpus.ids["bridge-closure"]).story_id
    assert found is not None
    return found


def absolute_urls(corpus: Corpus, answer_of: TestClient) -> list[str]:
    """Every absolute URL newsdesk builds itself, from one story's page and feeds and a search feed."""
    sid = story_id(corpus)
    atom = ET.fromstring(answer_of.get(f"/stories/{sid}/feed.atom").content)
    urls = [link.get("href", "") for link in atom.iter(f"{ATOM}link") if link.get("rel") != "via"]
    urls.append(atom.findtext(f"{ATOM}id") or "")
    feed = answer_of.get("/search/feed.json", params={"q": "harbour"}).json()
    urls += [feed["home_page_url"], feed["feed_url"], *(i["url"] for i in feed["items"]), *(i["id"] for i in feed["items"])]
    page = answer_of.get(f"/stories/{sid}").text
    urls += re.findall(r'<link rel="(?:canonical|alternate)"[^>]* href="([^"]+)"', page)
    return urls


def test_without_base_url_links_follow_the_request(corpus: Corpus) -> None:
    urls = absolute_urls(corpus, client(corpus, "http://reader.local:8000"))
    assert len(urls) > 8 and all(u.startswith("http://reader.local:8000/") for u in urls), urls


def test_with_base_url_every_absolute_url_starts_with_it(corpus: Corpus) -> None:
    # the app behind a TLS proxy: requests arrive over http on another port, naming the public host
    urls = absolute_urls(corpus, client(corpus, "http://news.example.org:8000", base_url=PUBLIC + "/"))
    assert len(urls) > 8 and all(u.startswith(PUBLIC + "/") for u in urls), urls
    assert f"{PUBLIC}/search/feed.json?q=harbour" in urls


def test_with_base_url_an_unknown_host_is_refused(corpus: Corpus) -> None:
    reader = client(corpus, "https://evil.example", base_url=PUBLIC)
    for path in ("/", f"/stories/{story_id(corpus)}/feed.atom", "/api/stories"):
        answer = reader.get(path)
        assert answer.status_code == 400, path
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["title"] == "unknown host" and PUBLIC in answer.json()["detail"]
        assert answer.headers["x-content-type-options"] == "nosniff"
    assert reader.get("/", headers={"host": "news.example.org"}).status_code == 200
    assert reader.get("/api", headers={"host": "NEWS.example.org:443"}).status_code == 200


def test_a_form_from_the_public_origin_passes_the_origin_check(corpus: Corpus) -> None:
    # a proxy on another port in front (https, so the Secure CSRF cookie travels back)
    reader = client(corpus, "https://news.example.org:8443", base_url=PUBLIC)
    page = reader.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    answer = reader.post("/login", data={"token": "nd_wrong", "csrf_token": token.group(1), "next": "/"},
                         headers={"origin": PUBLIC})
    assert answer.status_code == 401  # refused for the token, not for the origin (403)


@pytest.mark.parametrize("value", ["news.example.org", "ftp://news.example.org", "https://news.example.org/x",
                                   "https://user@news.example.org", "https://news.example.org?a=1"])
def test_a_base_url_that_is_not_an_origin_is_a_config_error(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError, match="base_url"):
        load_settings(data_dir=tmp_path, environ={"NEWSDESK_BASE_URL": value})


def test_base_url_comes_from_the_environment(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, environ={"NEWSDESK_BASE_URL": "http://127.0.0.1:8000/"})
    assert settings.base_url == "http://127.0.0.1:8000"

"""Feeds carry what a reader needs: search entries their snippet as summary, and every page that
has feeds advertises all of them (Atom and JSON Feed) with ``<link rel="alternate">``."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_web_corpus import Corpus, TestClient, client_for, make_corpus

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    built = make_corpus(Path(tmp_path_factory.mktemp("feed-links")))
    yield built
    built.store.close()


@pytest.fixture
def client(corpus: Corpus) -> TestClient:
    return client_for(corpus)


def test_search_feed_entries_carry_the_snippet(client: TestClient) -> None:
    items = client.get("/search/feed.json", params={"q": "reservoir"}).json()["items"]
    assert items
    for item in items:
        assert item["summary"] and "reservoir" in item["summary"].lower(), item
        assert "<mark>" not in item["summary"] and item["content_text"] == item["summary"]
        assert item["external_url"].startswith("https://") and item["authors"]
    atom = ET.fromstring(client.get("/search/feed.atom", params={"q": "reservoir"}).content)
    entries = atom.findall(f"{ATOM}entry")
    assert entries and all("reservoir" in (e.findtext(f"{ATOM}summary") or "").lower() for e in entries)


def _alternates(html: str) -> dict[str, str]:
    found = re.findall(r'<link rel="alternate" type="([^"]+)" href="([^"]+)"', html)
    return dict(found)


def test_every_page_with_feeds_advertises_atom_and_json_feed(client: TestClient, corpus: Corpus) -> None:
    story_id = corpus.store.get_article(corpus.ids["bridge-closure"]).story_id
    pages = {f"/stories/{story_id}": f"/stories/{story_id}/feed",
             "/entities/Mirela Okonkwo": "/entities/",
             "/search?q=reservoir": "/search/feed"}
    for page, feed in pages.items():
        links = _alternates(client.get(page).text)
        assert set(links) == {"application/atom+xml", "application/feed+json"}, page
        for kind, href in links.items():
            assert feed in href and href.startswith("https://testserver/"), (page, href)
            answer = client.get(href.replace("&amp;", "&"))
            assert answer.status_code == 200 and answer.headers["content-type"].startswith(kind), href

"""The pages and the API over PostgreSQL: the same corpus, the same answers as on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from test_web_corpus import Corpus, TestClient, client_for, make_corpus

pytestmark = pytest.mark.postgres


@pytest.fixture
def corpus(tmp_path: Path, pg_url: str) -> Iterator[Corpus]:
    built = make_corpus(tmp_path, database_url=pg_url)
    yield built
    built.store.close()


@pytest.fixture
def client(corpus: Corpus) -> TestClient:
    return client_for(corpus)


def test_pages_render_on_postgres(client: TestClient, corpus: Corpus) -> None:
    story = corpus.store.get_article(corpus.ids["bridge-closure"]).story_id
    assert story is not None
    for path in ("/", f"/stories/{story}", f"/articles/{corpus.ids['bridge-shops']}", "/entities",
                 "/sources", f"/stories/{story}/feed.atom"):
        assert client.get(path).status_code == 200, path
    page = client.get("/search", params={"q": "reservoir pipes"}).text
    assert "<mark>" in page and "Westmoor Water" in page


def test_api_cursor_search_and_tokens_on_postgres(client: TestClient, corpus: Corpus) -> None:
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 3, "include_duplicates": "true", **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/articles", params=params).json()
        seen += [a["id"] for a in page["articles"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(corpus.ids.values())
    hits = client.get("/api/search", params={"q": "harbour bridge"}).json()["hits"]
    assert hits and all("<mark>" in h["snippet"] for h in hits)
    neighbours = client.get(f"/api/articles/{corpus.ids['bridge-shops']}").json()["neighbours"]
    assert neighbours["story"]["next"]["id"] == corpus.ids["bridge-review"]
    _token, secret = corpus.store.create_token("pg")
    answer = client.post("/api/searches", json={"name": "Bridges", "query": "q=bridge"},
                         headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 201
    assert client.post("/api/sources", json={"targets": ["https://x.example/"]},
                       headers={"Authorization": "Bearer nd_wrong"}).status_code == 401

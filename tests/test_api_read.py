"""The JSON API's read side: every page's data, cursors, problem+json, OpenAPI, Atom and JSON Feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_web_corpus import Corpus, TestClient, client_for, make_corpus

from newsdesk.store.schema import summaries

#: desks built with backend_database_url: rerun on PostgreSQL by the second pass of `make test`
pytestmark = pytest.mark.backend

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    built = make_corpus(Path(tmp_path_factory.mktemp("api")))
    yield built
    built.store.close()


@pytest.fixture
def client(corpus: Corpus) -> TestClient:
    return client_for(corpus)


def story_of(corpus: Corpus, slug: str) -> int:
    story_id = corpus.store.get_article(corpus.ids[slug]).story_id
    assert story_id is not None
    return story_id


def test_stories_list_pages_with_a_cursor(client: TestClient, corpus: Corpus) -> None:
    first = client.get("/api/stories", params={"limit": 2}).json()
    assert len(first["stories"]) == 2 and first["next_cursor"]
    second = client.get("/api/stories", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    seen = [s["id"] for s in first["stories"] + second["stories"]]
    assert len(seen) == len(set(seen)) == corpus.store.count_stories()
    assert second["next_cursor"] is None
    row = next(s for s in first["stories"] + second["stories"] if s["id"] == story_of(corpus, "bridge-closure"))
    assert set(row["outlets"]) == {"Civic Wire", "Harbour Times", "Northern Ledger"}
    assert row["summary_line"] and row["last_seen"]


def test_story_detail_has_summary_timeline_framing_coverage(client: TestClient, corpus: Corpus) -> None:
    story_id = story_of(corpus, "bridge-closure")
    data = client.get(f"/api/stories/{story_id}").json()
    assert data["story"]["id"] == story_id
    assert all(s["article_id"] for s in data["story"]["summary"]["sentences"])
    assert {f["outlet"] for f in data["story"]["framing"]} == {"Civic Wire", "Harbour Times", "Northern Ledger"}
    first = next(t for t in data["story"]["timeline"] if t["article_id"] == corpus.ids["bridge-closure"])
    assert {d["article_id"] for d in first["duplicates"]} == {corpus.ids["bridge-closure-wire"],
                                                              corpus.ids["bridge-closure-syndicated"]}
    assert sum(sum(day["outlets"].values()) for day in data["coverage"]) == 5


def test_articles_keyset_cursor_walks_everything_once(client: TestClient, corpus: Corpus) -> None:
    seen: list[int] = []
    cursor = None
    for _ in range(10):
        params: dict[str, str | int] = {"limit": 3, "include_duplicates": "true"}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/articles", params=params).json()
        seen += [a["id"] for a in page["articles"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(corpus.ids.values())
    originals = client.get("/api/articles", params={"limit": 100}).json()["articles"]
    assert {a["id"] for a in originals} == set(corpus.ids.values()) - {
        corpus.ids["bridge-closure-wire"], corpus.ids["bridge-closure-syndicated"]}
    assert "text" not in originals[0]


def test_article_detail_mirrors_the_page(client: TestClient, corpus: Corpus) -> None:
    data = client.get(f"/api/articles/{corpus.ids['bridge-shops']}").json()
    assert data["article"]["author"] == "Ben Castillo" and "text" in data["article"]
    assert data["neighbours"]["story"]["previous"]["id"] == corpus.ids["bridge-closure"]
    assert data["neighbours"]["outlet"]["next"]["id"] == corpus.ids["water-rise"]
    assert data["related"] and all(r["excerpt"] for r in data["related"])
    assert data["summary"] is None
    copy = client.get(f"/api/articles/{corpus.ids['bridge-closure-wire']}").json()
    assert copy["original"]["id"] == copy["first"]["id"] == corpus.ids["bridge-closure"]


def test_summary_is_computed_once_then_cached(client: TestClient, corpus: Corpus) -> None:
    article_id = corpus.ids["water-regulator"]

    def cached_rows() -> int:
        with corpus.store.read() as conn:
            return len(conn.execute(summaries.select().where(
                summaries.c.key.like(f"article:{article_id}:%"))).all())

    before = cached_rows()
    first = client.get(f"/api/articles/{article_id}/summary").json()
    second = client.get(f"/api/articles/{article_id}/summary").json()
    assert first == second and first["sentences"]
    assert all(s["article_id"] == article_id for s in first["sentences"])
    assert cached_rows() == before + 1


def test_entities_and_search(client: TestClient, corpus: Corpus) -> None:
    names = {e["name"] for e in client.get("/api/entities").json()["entities"]}
    assert "Mirela Okonkwo" in names
    person = client.get("/api/entities/Mirela Okonkwo").json()
    assert person["entity"]["name"] == "Mirela Okonkwo" and person["stories"] and person["coverage"]
    hits = client.get("/api/search", params={"q": "harbour bridge", "limit": 2}).json()
    assert hits["total"] is None and len(hits["hits"]) == 2 and hits["next_cursor"]
    assert all("<mark>" in h["snippet"] for h in hits["hits"])
    more = client.get("/api/search", params={"q": "harbour bridge", "limit": 2, "cursor": hits["next_cursor"]}).json()
    assert not {h["article_id"] for h in hits["hits"]} & {h["article_id"] for h in more["hits"]}
    everything = client.get("/api/search", params={"q": "harbour bridge", "limit": 100}).json()
    assert everything["total"] == len(everything["hits"]) >= 3 and everything["next_cursor"] is None
    assert client.get("/api/outlets").json()["outlets"][0]["name"] in {"Northern Ledger", "Harbour Times"}


def test_semantic_search_says_when_no_model_is_installed(client: TestClient) -> None:
    data = client.get("/api/search", params={"q": "bridge", "mode": "semantic"}).json()
    assert data["mode"] == "semantic"
    assert data["hits"]  # found by meaning, or by words when no model is installed (and then it says so)
    assert data["semantic_available"] or (data["message"] and data["searched"] == "fulltext")


@pytest.mark.parametrize(("path", "status", "title"), [
    ("/api/articles/999999", 404, "not found"),
    ("/api/stories/999999", 404, "not found"),
    ("/api/entities/Nobody%20Atall", 404, "not found"),
    ("/api/articles?cursor=not-a-cursor", 400, "bad cursor"),
    ("/api/articles?since=last-week", 400, "bad date"),
    ("/api/search", 422, "invalid request"),
    ("/api/articles?limit=0", 422, "invalid request"),
    ("/api/nothing-here", 404, "not found"),
])
def test_errors_are_problem_json(client: TestClient, path: str, status: int, title: str) -> None:
    answer = client.get(path)
    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["status"] == status and body["title"] == title and body["detail"]


def test_openapi_schema_lists_the_api(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in ("/api/stories", "/api/stories/{story_id}", "/api/articles", "/api/articles/{article_id}",
                 "/api/articles/{article_id}/summary", "/api/entities/{name_or_id}", "/api/search",
                 "/api/sources", "/api/sources/opml", "/stories/{story_id}/feed.{kind}"):
        assert path in schema["paths"], path
    assert "post" in schema["paths"]["/api/sources"]
    assert "/" not in schema["paths"]  # HTML pages stay out of the API schema


def test_story_entity_and_search_feeds(client: TestClient, corpus: Corpus) -> None:
    story_id = story_of(corpus, "bridge-closure")
    for url in (f"/stories/{story_id}/feed.atom", "/entities/Mirela Okonkwo/feed.atom",
                "/search/feed.atom?q=reservoir"):
        answer = client.get(url)
        assert answer.headers["content-type"].startswith("application/atom+xml"), url
        root = ET.fromstring(answer.content)
        entries = root.findall(f"{ATOM}entry")
        assert root.find(f"{ATOM}title") is not None and entries, url
        assert all(e.find(f"{ATOM}link").get("href", "").startswith("https://testserver/articles/")  # type: ignore[union-attr]
                   for e in entries)
    story = client.get(f"/stories/{story_id}/feed.json")
    assert story.headers["content-type"].startswith("application/feed+json")
    feed = story.json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert {i["url"].rsplit("/", 1)[1] for i in feed["items"]} == {
        str(corpus.ids[s]) for s in ("bridge-closure", "bridge-shops", "bridge-review")}
    assert client.get("/search/feed.json", params={"q": "reservoir"}).json()["items"]
    person = client.get("/entities/Mirela Okonkwo/feed.json").json()["items"]
    assert person and all(item["summary"] and item["external_url"].startswith("https://") for item in person)
    assert client.get(f"/stories/{story_id}/feed.rss").status_code == 422


def test_semantic_search_without_a_model_gives_the_lexical_results(corpus: Corpus) -> None:
    client = client_for(corpus, embedding_model=str(corpus.settings.data_dir / "no-such-model"))
    words = client.get("/api/search", params={"q": "harbour bridge", "limit": 5}).json()
    meaning = client.get("/api/search", params={"q": "harbour bridge", "limit": 5, "mode": "semantic"}).json()
    assert meaning["semantic_available"] is False and meaning["message"] and meaning["searched"] == "fulltext"
    assert meaning["mode"] == "semantic" and len(words["hits"]) >= 3
    assert [h["article_id"] for h in meaning["hits"]] == [h["article_id"] for h in words["hits"]]
    assert meaning["next_cursor"] == words["next_cursor"]
    page = client.get("/search", params={"q": "harbour bridge", "mode": "semantic"}).text
    assert meaning["message"].split(" (")[0] in page.replace("&#39;", "'") and all(f"/articles/{h['article_id']}" in page for h in words["hits"])

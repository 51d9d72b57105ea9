"""The server-rendered pages over a real store filled with the invented Westmoor corpus."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_web_corpus import Corpus, TestClient, client_for, make_corpus

#: desks built with backend_database_url: rerun on PostgreSQL by the second pass of `make test`
pytestmark = pytest.mark.backend


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    built = make_corpus(Path(tmp_path_factory.mktemp("web")))
    yield built
    built.store.close()


@pytest.fixture
def client(corpus: Corpus) -> TestClient:
    return client_for(corpus)


class Links(HTMLParser):
    """Collects hrefs, script tags and inline handlers from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.hrefs.append(str(attributes["href"]))
        if tag == "script":
            self.scripts.append(attributes)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]


def parse(html: str) -> Links:
    links = Links()
    links.feed(html)
    return links


def story_of(corpus: Corpus, slug: str) -> int:
    story_id = corpus.store.get_article(corpus.ids[slug]).story_id
    assert story_id is not None
    return story_id


def test_home_lists_stories_with_size_outlets_update_and_summary(client: TestClient, corpus: Corpus) -> None:
    page = client.get("/")
    assert page.status_code == 200
    bridge = story_of(corpus, "bridge-closure")
    assert f'href="/stories/{bridge}"' in page.text
    # the bridge story: 3 originals from 3 outlets, and a one-line summary taken from its articles
    growing = page.text.split('class="growing-list"', 1)[1].split("</ul>", 1)[0]
    assert f'href="/stories/{bridge}"' in growing and "+3 in 3 days" in growing
    listing = page.text.split('class="story-list"', 1)[1]
    card = listing.split(f'href="/stories/{bridge}"', 1)[1].split("</li>", 1)[0]
    assert "3 outlets" in card and "Civic Wire" in card and "Northern Ledger" in card
    assert re.search(r"\d+ articles", card)
    assert "updated" in card and "harbour bridge" in card.lower()


def test_home_filters_by_outlet_date_language_and_entity(client: TestClient, corpus: Corpus) -> None:
    bridge, water = story_of(corpus, "bridge-closure"), story_of(corpus, "water-rise")
    civic = client.get("/", params={"outlet": "Civic Wire"}).text
    assert f"/stories/{bridge}" in civic and f"/stories/{water}" not in civic
    later = client.get("/", params={"since": "2026-03-04"}).text
    assert f"/stories/{water}" in later and f"/stories/{bridge}\"" not in later
    assert "No stories yet" in client.get("/", params={"language": "fi"}).text
    assert "No stories yet" in client.get("/", params={"entity": "Nobody Atall"}).text
    by_person = client.get("/", params={"entity": "Mirela Okonkwo"}).text
    assert f"/stories/{bridge}" in by_person and f"/stories/{water}\"" not in by_person


def test_story_page_links_summary_sentences_charts_frames_and_folds_copies(
        client: TestClient, corpus: Corpus) -> None:
    story_id = story_of(corpus, "bridge-closure")
    page = client.get(f"/stories/{story_id}").text
    members = {a.id: a for a in corpus.store.get_story_articles(story_id)}
    # the summary is a dated list: each line a date, its outlet and the sentence linking to its article
    summary = page.split('id="summary-h"', 1)[1].split("</section>", 1)[0]
    lines = re.findall(r'<time datetime="([^"]+)">[^<]+</time> · <a class="outlet" href="/\?outlet=[^"]+">([^<]+)</a>'
                       r'</p>\s*<a class="development" href="/articles/(\d+)">', summary)
    assert lines and summary.count("<li>") == len(lines)
    assert {int(aid) for _, _, aid in lines} <= set(members)
    for published, outlet, aid in lines:
        assert members[int(aid)].outlet == outlet
        assert members[int(aid)].published is not None and published.startswith(members[int(aid)].published.date().isoformat())
    assert [published for published, _, _ in lines] == sorted(published for published, _, _ in lines)
    assert "<svg" in page and page.count("<rect") >= 3
    frames = re.findall(r'<div class="frame">\s*<h3>([^<]+)</h3>', page)
    assert sorted(frames) == ["Civic Wire", "Harbour Times", "Northern Ledger"]
    # both copies of the first article sit under it, not as timeline entries of their own
    original = corpus.ids["bridge-closure"]
    timeline = page.split('id="timeline-h"', 1)[1]
    entry = timeline.split(f'<a href="/articles/{original}">', 1)[1].split("</li>\n", 1)[0]
    assert "2 copies of this article" in entry
    assert f'/articles/{corpus.ids["bridge-closure-wire"]}' in entry
    assert timeline.count(f'<a href="/articles/{corpus.ids["bridge-closure-wire"]}">') == 1


def test_article_page_shows_text_metadata_and_navigation(client: TestClient, corpus: Corpus) -> None:
    article_id = corpus.ids["bridge-shops"]
    page = client.get(f"/articles/{article_id}").text
    assert "<h1>Quay Street traders fear harbour bridge closure</h1>" in page
    assert "Ben Castillo" in page and "Harbour Times" in page and "03 Mar 2026" in page
    assert 'href="https://harbourtimes.example/news/bridge-shops"' in page
    assert "<p>" in page.split('class="body"', 1)[1]
    # previous/next inside the story (by date) and inside the outlet
    prev_story, next_story = corpus.store.neighbours(article_id, "story")
    prev_outlet, next_outlet = corpus.store.neighbours(article_id, "outlet")
    assert prev_story and next_story and next_outlet
    assert prev_story.id == corpus.ids["bridge-closure"] and next_story.id == corpus.ids["bridge-review"]
    assert next_outlet.id == corpus.ids["water-rise"]
    links = parse(page).hrefs
    for target in (prev_story, next_story, next_outlet):
        assert f"/articles/{target.id}" in links


def test_summary_control_works_without_javascript(client: TestClient, corpus: Corpus) -> None:
    article_id = corpus.ids["bridge-closure"]
    closed = client.get(f"/articles/{article_id}").text
    assert '<details class="get-summary"' in closed and "<summary>Get a summary</summary>" in closed
    assert f'href="/articles/{article_id}?summary=1#summary"' in closed
    assert "summary-sentences" not in closed
    opened = client.get(f"/articles/{article_id}?summary=1").text
    block = opened.split('id="summary"', 1)[1].split("</details>", 1)[0]
    assert " open>" in opened.split('id="summary"', 1)[1][:80]
    assert block.count("<li>") >= 1 and "harbour bridge" in block.lower()
    assert "Method" not in block and "centrality" not in block  # how it was made is not the reader's business
    assert "Method" not in client.get("/static/app.js").text  # nor when the script shows it in place
    assert client.get(f"/api/articles/{article_id}/summary").json()["method"]  # the API still says


def test_related_publications_are_links_with_excerpts(client: TestClient, corpus: Corpus) -> None:
    page = client.get(f"/articles/{corpus.ids['bridge-review']}").text
    related = page.split('class="related"', 1)[1].split("</section>", 1)[0]
    excerpts = re.findall(r'<a class="excerpt" href="/articles/(\d+)">([^<]+)</a>', related)
    assert excerpts, related
    assert {int(i) for i, _ in excerpts} & {corpus.ids["bridge-closure"], corpus.ids["bridge-shops"]}


def test_copy_names_its_original_and_the_original_lists_copies(client: TestClient, corpus: Corpus) -> None:
    copy = client.get(f"/articles/{corpus.ids['bridge-closure-wire']}").text
    assert "exact copy" in copy and f'/articles/{corpus.ids["bridge-closure"]}' in copy
    original = client.get(f"/articles/{corpus.ids['bridge-closure']}").text
    copies = original.split("<h2>Copies</h2>", 1)[1].split("</section>", 1)[0]
    assert f'/articles/{corpus.ids["bridge-closure-wire"]}' in copies
    assert f'/articles/{corpus.ids["bridge-closure-syndicated"]}' in copies


def test_entity_pages(client: TestClient, corpus: Corpus) -> None:
    listing = client.get("/entities").text
    assert "Mirela Okonkwo" in listing
    person = client.get("/entities/Mirela Okonkwo")
    assert person.status_code == 200
    assert "<svg" in person.text and f"/stories/{story_of(corpus, 'bridge-closure')}" in person.text
    assert 'href="/entities/' in person.text.split("Mentioned with", 1)[1]
    assert client.get("/entities?type=person").text.count("person") >= 1


def test_search_highlights_filters_and_pages(client: TestClient) -> None:
    page = client.get("/search", params={"q": "reservoir pipes"}).text
    assert "<mark>" in page and "Westmoor Water" in page
    assert re.search(r"\d+ results? for", page)
    harbour = client.get("/search", params={"q": "reservoir", "outlet": "Harbour Times"}).text
    assert "1 result for" in harbour and "Northern Ledger" not in harbour.split('class="hits"', 1)[1]
    filtered = client.get("/search", params={"q": "reservoir", "outlet": "Civic Wire"}).text
    assert "0 results" in filtered
    assert client.get("/search", params={"q": "x", "since": "yesterday"}).status_code == 400


def test_pages_carry_only_our_own_script_and_no_inline_handlers(client: TestClient, corpus: Corpus) -> None:
    for path in ("/", f"/stories/{story_of(corpus, 'bridge-closure')}", f"/articles/{corpus.ids['bridge-shops']}",
                 "/search?q=bridge", "/entities", "/sources", "/login"):
        page = client.get(path)
        assert page.status_code == 200, path
        parsed = parse(page.text)
        assert parsed.scripts == [{"src": "/static/app.js", "defer": None}], path
        assert parsed.handlers == [], path
        assert "http://" not in "".join(re.findall(r'(?:src|href)="([^"]+)"', page.text.split("<main", 1)[0]))
    assert client.get("/static/app.js").headers["content-type"].startswith(("text/javascript",
                                                                             "application/javascript"))


def test_unknown_pages_get_an_html_error_page(client: TestClient) -> None:
    for path in ("/articles/999999", "/stories/999999", "/no/such/page"):
        page = client.get(path, headers={"accept": "text/html"})
        assert page.status_code == 404, path
        assert page.headers["content-type"].startswith("text/html")
        assert "not found" in page.text


def test_a_fresh_empty_database_serves_every_page(tmp_path: Path) -> None:
    from newsdesk.config import load_settings
    from newsdesk.serve.app import create_app

    empty = TestClient(create_app(load_settings(data_dir=tmp_path, environ={})), base_url="https://testserver")
    for path in ("/", "/search?q=anything", "/search?q=x&mode=semantic", "/entities", "/sources", "/login",
                 "/api/stories", "/api/articles", "/api/entities", "/search/feed.atom?q=x", "/sources/opml"):
        assert empty.get(path).status_code == 200, path
    assert "No stories yet" in empty.get("/").text

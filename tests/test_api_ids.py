"""Ids outside what the database can hold: every route that takes an id answers 404 or 422, never 500.

The test walks ``app.routes``, so a route added later with an id parameter is covered too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.routing import iter_route_contexts
from test_web_corpus import Corpus, TestClient, client_for, make_corpus

from newsdesk.serve.app import create_app

TOO_BIG = "99999999999999999999"
TOO_SMALL = "-9223372036854775809"
#: one past what a PostgreSQL INTEGER id holds
PAST_POSTGRES = "2147483648"
ID_NAME = re.compile(r"(^|_)id$")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    built = make_corpus(Path(tmp_path_factory.mktemp("ids")))
    yield built
    built.store.close()


@pytest.fixture
def client(corpus: Corpus) -> Iterator[TestClient]:
    with client_for(corpus) as running:  # the lifespan: the job routes answer too (in-process queue)
        yield running


def id_requests(corpus: Corpus) -> list[tuple[str, str, dict[str, str]]]:
    """(method, path, query) for every id parameter of every GET route, with ``{id}`` left in."""
    app = create_app(corpus.settings, corpus.store)
    found = []
    for route in iter_route_contexts(app.routes):
        if getattr(route, "dependant", None) is None or "GET" not in (route.methods or ()):
            continue
        path_names = [p.name for p in route.dependant.path_params]
        fill = {name: ("atom" if name == "kind" else "{id}" if ID_NAME.search(name) else "x")
                for name in path_names}
        path = route.path_format.format(**fill)
        required = {q.alias: "harbour" for q in route.dependant.query_params if q.field_info.is_required()}
        if "{id}" in path:
            found.append(("GET", path, required))
        for query in route.dependant.query_params:
            if ID_NAME.search(query.alias):
                found.append(("GET", path.replace("{id}", "1"), {**required, query.alias: "{id}"}))
    return found


def test_the_walk_finds_every_kind_of_id_route(corpus: Corpus) -> None:
    paths = {path for _m, path, _q in id_requests(corpus)}
    assert {"/api/articles/{id}", "/api/stories/{id}", "/api/entities/{id}", "/articles/{id}",
            "/stories/{id}/feed.atom", "/entities/{id}/feed.atom", "/api/articles"} <= paths
    assert len(id_requests(corpus)) >= 11


def assert_refused(client: TestClient, corpus: Corpus, value: str) -> None:
    for method, path, query in id_requests(corpus):
        url = path.replace("{id}", value)
        params = {k: v.replace("{id}", value) for k, v in query.items()}
        answer = client.request(method, url, params=params)
        assert answer.status_code in (404, 422), (url, params, answer.status_code, answer.text[:300])
        expected = "application/problem+json" if url.startswith("/api/") else "text/html"
        if "/feed." not in url:
            assert answer.headers["content-type"].startswith(expected), (url, answer.headers["content-type"])


@pytest.mark.parametrize("value", [TOO_BIG, TOO_SMALL, PAST_POSTGRES, "0"])
def test_ids_beyond_64_bits_are_not_found_or_invalid(client: TestClient, corpus: Corpus, value: str) -> None:
    assert_refused(client, corpus, value)


@pytest.mark.postgres
def test_ids_and_nul_characters_on_postgres(tmp_path: Path, pg_url: str) -> None:
    built = make_corpus(tmp_path, database_url=pg_url)
    try:
        with client_for(built) as client:  # the lifespan: job routes answer too
            for value in (TOO_BIG, PAST_POSTGRES):
                assert_refused(client, built, value)
            assert built.store.get_articles([int(PAST_POSTGRES)]) == []
            for path, params in (("/api/articles", {"outlet": "a\x00b"}), ("/api/articles", {"language": "\x00"}),
                                 ("/api/stories", {"outlet": "\x00", "language": "x\x00"}),
                                 ("/api/stories", {"entity": "\x00"}), ("/api/search", {"q": "harbour\x00bridge"})):
                answer = client.get(path, params=params)
                assert answer.status_code == 200, (path, params, answer.text[:200])
            assert client.get("/api/search", params={"q": "harbour\x00bridge"}).json()["hits"]
            assert client.get("/api/entities/a%00b").status_code == 404
    finally:
        built.store.close()


def test_an_entity_named_by_a_huge_number_is_simply_not_found(client: TestClient) -> None:
    for name in (TOO_BIG, "²", "٣"):
        answer = client.get(f"/api/entities/{name}")
        assert answer.status_code == 404, (name, answer.text[:200])

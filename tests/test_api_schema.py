"""The OpenAPI schema says what the API does: a property-based run (schemathesis) against the app.

Every operation of ``/openapi.json`` gets generated requests, against the in-process app over a
store holding the small web corpus (SQLite and PostgreSQL); every response must be no server error, with a status code,
content type and body the schema documents; requests the schema allows must not be refused, and
requests it forbids (negative generation) must be. The explicit tests below pin what the schema
declares.
``POST /api/sources`` is left out: it fetches the given URLs (background ingest work).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from test_web_corpus import Corpus, client_for, make_corpus

from newsdesk.follow.passwords import hash_password
from newsdesk.serve.app import create_app

#: examples per operation (half as many invalid ones): enough to reach every parameter, few enough
#: for about a second per operation
EXAMPLES = 20
TOKEN: dict[str, str] = {}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    built = make_corpus(Path(tmp_path_factory.mktemp("schema")))
    yield built
    built.store.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def api_schema(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """The schema of an app over the web corpus, on SQLite and on PostgreSQL."""
    url = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    built = make_corpus(tmp_path, database_url=url)
    # an admin's token: the routes about "my" marks get a user, the desk's writes an admin
    admin = built.store.create_user("schemathesis", hash_password("schemathesis password"), role="admin")
    TOKEN["secret"] = built.store.create_token("schemathesis", user_id=admin.id)[1]
    app = create_app(built.settings, built.store)
    yield schemathesis.openapi.from_asgi("/openapi.json", app).exclude(method="POST", path="/api/sources")
    built.store.close()


def _run(operation: Any, mode: Any) -> None:
    """``EXAMPLES`` generated requests to one operation, each validated against the schema."""
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    # An OPML file's grammar is not something JSON Schema can say: random bytes are an unreadable
    # upload, a documented 422. Nor can it say that an alert's e-mail address is deliverable or that
    # its webhook URL resolves to a public address (the SSRF guard): a documented 400. Every other
    # check still runs on these operations.
    refusing = {"POST /api/sources/opml", "POST /api/watchlists", "PATCH /api/watchlists/{watchlist_id}"}
    excluded = [positive_data_acceptance] if operation.label in refusing else []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES if mode.is_positive else EXAMPLES // 2, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    def run(case: Any) -> None:
        case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN['secret']}"}, excluded_checks=excluded)

    try:
        run()
    except Unsatisfiable:
        if mode.is_positive:
            raise  # only an operation without parameters has no invalid request to make


def test_the_api_does_what_its_schema_says(api_schema: Any) -> None:
    from schemathesis import GenerationMode

    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _run(operation, mode)
            except (Exception, BaseExceptionGroup) as exc:  # one failing operation is reported; the rest run
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    assert not failures, "\n\n".join(failures)


@pytest.fixture(scope="module")
def openapi(corpus: Corpus) -> dict[str, Any]:
    document: dict[str, Any] = create_app(corpus.settings, corpus.store).openapi()
    return document


def _parameter(openapi: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(p for p in openapi["paths"][path]["get"]["parameters"] if p["name"] == name)
    return found


def test_the_schema_declares_formats_patterns_and_enums(openapi: dict[str, Any]) -> None:
    since = _parameter(openapi, "/api/stories", "since")["schema"]
    assert {"type": "string", "format": "date"} in since["anyOf"]
    assert _parameter(openapi, "/api/articles", "cursor")["schema"]["pattern"]
    assert _parameter(openapi, "/api/entities", "type")["schema"]["enum"] == ["person", "org", "place"]
    assert _parameter(openapi, "/api/stories/{story_id}", "story_id")["schema"]["maximum"] == 2**31 - 1
    targets = openapi["components"]["schemas"]["AddSources"]["properties"]["targets"]
    assert targets["items"]["minLength"] == 1
    opml = openapi["paths"]["/api/sources/opml"]["post"]["requestBody"]["content"]["text/x-opml"]["schema"]
    assert opml["minLength"] == 1


def test_every_error_and_feed_type_is_documented(openapi: dict[str, Any]) -> None:
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            for status, answer in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert list(answer["content"]) == ["application/problem+json"], (method, path, status)
    feed = openapi["paths"]["/stories/{story_id}/feed.{kind}"]["get"]["responses"]
    assert set(feed["200"]["content"]) == {"application/atom+xml", "application/feed+json"}
    assert {"404", "422"} <= set(feed)


def test_feed_errors_are_problem_json(corpus: Corpus) -> None:
    client = client_for(corpus)
    for url, status in (("/stories/999999/feed.atom", 404), ("/stories/1/feed.rss", 422),
                        ("/search/feed.json?q=x&since=yesterday", 400)):
        answer = client.get(url)
        assert answer.status_code == status, url
        assert answer.headers["content-type"] == "application/problem+json", url


@pytest.mark.parametrize("cursor", ["", "k999999999999999999_9999999999999999999", "k-999999999999999999_0", "o999999999"])
def test_every_cursor_the_schema_allows_is_a_position(corpus: Corpus, cursor: str) -> None:
    client = client_for(corpus)
    path, params = ("/api/articles", {}) if cursor.startswith("k") else ("/api/search", {"q": "harbour"})
    assert client.get(path, params={**params, "cursor": cursor}).status_code == 200

"""Watchlists in the JSON API, the private feeds and the digest, over the small web corpus: each
reader sees only their own (user B's token cannot read user A's watchlist, by id or by feed URL;
a wrong or renewed feed token is a 404), and a digest lists the stories that moved with a
two-sentence update traced to its articles."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from test_web_corpus import Corpus, make_corpus

from newsdesk.follow.digest import build_digest
from newsdesk.follow.passwords import hash_password
from newsdesk.follow.render import render_digest


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    built = make_corpus(Path(tmp_path_factory.mktemp("watchlists")), base_url="https://news.example")
    yield built
    built.store.close()


@pytest.fixture(scope="module")
def tokens(corpus: Corpus) -> dict[str, dict[str, str]]:
    out = {}
    for name in ("alice", "bob"):
        user = corpus.store.create_user(name, hash_password("correct horse"), email=f"{name}@example.org")
        out[name] = {"Authorization": f"Bearer {corpus.store.create_token(name, user_id=user.id)[1]}"}
    return out


def _client(corpus: Corpus, **overrides: Any) -> Any:
    from fastapi.testclient import TestClient

    from newsdesk.serve.app import create_app

    settings = corpus.settings.replace(**overrides) if overrides else corpus.settings
    return TestClient(create_app(settings, corpus.store, run_worker=False), base_url="https://news.example")


@pytest.fixture
def client(corpus: Corpus) -> Any:
    return _client(corpus)


def _create(client: Any, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    answer = client.post("/api/watchlists", json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    data: dict[str, Any] = answer.json()
    return data


def test_watchlists_belong_to_their_reader(client: Any, corpus: Corpus, tokens: dict[str, dict[str, str]]) -> None:
    alice, bob = tokens["alice"], tokens["bob"]
    made = _create(client, alice, {"kind": "search", "query": "harbour bridge", "name": "Bridge works"})
    wid = made["id"]
    assert made["feeds"]["atom"].startswith(f"https://news.example/watchlists/{wid}/feed.atom?token=")
    assert client.get("/api/watchlists", headers=alice).json()["watchlists"][0]["id"] == wid
    assert client.get("/api/watchlists", headers=bob).json()["watchlists"] == []
    for method, url in (("get", f"/api/watchlists/{wid}"), ("get", f"/api/watchlists/{wid}/articles"),
                        ("delete", f"/api/watchlists/{wid}")):
        answer = client.request(method, url, headers=bob)
        assert answer.status_code == 404 and answer.headers["content-type"] == "application/problem+json", url
    assert client.patch(f"/api/watchlists/{wid}", json={"name": "mine now"}, headers=bob).status_code == 404
    assert client.get(f"/api/digest?watchlist={wid}", headers=bob).status_code == 404
    assert client.get("/api/watchlists").status_code == 401  # anonymous
    assert client.get(f"/api/watchlists/{wid}", headers=alice).json()["name"] == "Bridge works"

    articles = client.get(f"/api/watchlists/{wid}/articles", headers=alice).json()
    titles = [a["title"] for a in articles["articles"]]
    assert articles["total"] == len(titles) >= 2 and all("ridge" in t for t in titles)
    assert all(a["duplicate_of"] is None for a in articles["articles"])  # copies folded


def test_a_private_feed_needs_its_token_and_renewing_revokes_it(client: Any, tokens: dict[str, dict[str, str]]) -> None:
    alice, bob = tokens["alice"], tokens["bob"]
    made = _create(client, alice, {"kind": "search", "query": "water bill", "name": "Water"})
    atom_url, json_url = made["feeds"]["atom"], made["feeds"]["json"]
    atom = client.get(atom_url)
    assert atom.status_code == 200 and atom.headers["cache-control"] == "private, no-store"
    titles = [e.findtext("{http://www.w3.org/2005/Atom}title") for e in
              ElementTree.fromstring(atom.content).iter("{http://www.w3.org/2005/Atom}entry")]
    assert titles and all("ater" in (t or "") for t in titles)
    assert client.get(json_url).json()["items"]
    wid = made["id"]
    bob_made = _create(client, bob, {"kind": "search", "query": "water bill", "name": "Water"})
    bob_token = bob_made["feeds"]["atom"].split("token=")[1]
    for url in (f"/watchlists/{wid}/feed.atom", f"/watchlists/{wid}/feed.atom?token=0123abcd",
                f"/watchlists/{wid}/feed.atom?token={bob_token}", f"/watchlists/999999/feed.atom?token={bob_token}"):
        answer = client.get(url)
        assert answer.status_code == 404 and answer.headers["content-type"] == "application/problem+json", url
    renewed = client.patch(f"/api/watchlists/{wid}", json={"renew_feed_token": True}, headers=alice).json()
    assert renewed["feeds"]["atom"] != atom_url
    assert client.get(atom_url).status_code == 404
    assert client.get(renewed["feeds"]["atom"]).status_code == 200


def test_watchlist_targets_and_alert_rules_are_checked(client: Any, corpus: Corpus,
                                                       tokens: dict[str, dict[str, str]]) -> None:
    alice = tokens["alice"]
    story_id = corpus.store.get_article(corpus.ids["bridge-closure"]).story_id
    story = _create(client, alice, {"kind": "story", "target": str(story_id),
                                    "alert": {"mode": "daily", "time": "07:15", "min_new": 3}})
    assert story["alert"] == {"mode": "daily", "time": "07:15", "min_new": 3, "email": "alice@example.org",
                              "webhook_url": "", "webhook_signed": False}
    entity = _create(client, alice, {"kind": "entity", "target": "Westmoor Water"})
    assert entity["target"] == "Westmoor Water"
    outlet = _create(client, alice, {"kind": "outlet", "target": "civic wire"})
    assert outlet["target"] == "Civic Wire"
    for body, status in (({"kind": "story", "target": "999999"}, 404), ({"kind": "outlet", "target": "Nobody"}, 404),
                         ({"kind": "search", "query": ""}, 400), ({"kind": "feed", "query": "x"}, 422),
                         ({"kind": "search", "query": "x", "alert": {"mode": "daily", "time": "25:00"}}, 422),
                         ({"kind": "search", "query": "x", "name": "Ex"}, 201),
                         ({"kind": "search", "query": "y", "name": "Ex"}, 409)):
        answer = client.post("/api/watchlists", json=body, headers=alice)
        assert answer.status_code == status, (body, answer.text)
    guarded = _client(corpus, allow_private_addresses=False)
    for url in ("http://10.1.2.3/hook", "http://127.0.0.1:9/hook", "ftp://example.org/hook"):
        hook = guarded.post("/api/watchlists", headers=alice, json={
            "kind": "search", "query": "ferry", "alert": {"mode": "immediate", "webhook_url": url}})
        assert hook.status_code == 400 and hook.headers["content-type"] == "application/problem+json", url
    made = client.post("/api/watchlists", headers=alice, json={  # this test desk allows loopback
        "kind": "search", "query": "ferry", "alert": {"mode": "immediate", "webhook_url": "http://127.0.0.1:9/hook"}})
    assert made.status_code == 201 and made.json()["webhook_secret"] and made.json()["alert"]["webhook_signed"]
    assert "webhook_secret" not in client.get(f"/api/watchlists/{made.json()['id']}", headers=alice).json()
    ids = [w["id"] for w in client.get("/api/watchlists", headers=alice).json()["watchlists"]]
    assert client.delete(f"/api/watchlists/{outlet['id']}", headers=alice).status_code == 204
    assert outlet["id"] in ids and client.get(f"/api/watchlists/{outlet['id']}", headers=alice).status_code == 404


def test_a_digest_lists_the_stories_that_moved(client: Any, corpus: Corpus, tokens: dict[str, dict[str, str]]) -> None:
    store, settings = corpus.store, corpus.settings
    carol = store.create_user("carol", hash_password("correct horse"))
    bridge = store.create_watchlist(carol.id, "bridge", "search", query="harbour bridge")
    water = store.create_watchlist(carol.id, "water", "outlet",
                                   target_id=store.find_outlet_id("Harbour Times"))
    digest = build_digest(store, settings, carol, since=datetime(2000, 1, 1, tzinfo=UTC))
    assert digest.stories and digest.watchlists == ["bridge", "water"]
    bridge_story = store.get_article(corpus.ids["bridge-closure"]).story_id
    top = next(s for s in digest.stories if s.story_id == bridge_story)
    assert top.link == f"https://news.example/stories/{bridge_story}"
    assert 1 <= len(top.update) <= 2
    member_ids = {a.id for a in top.articles}
    for sentence in top.update:  # every sentence names one of the story's new articles
        assert sentence.article_id in member_ids
        assert sentence.link == f"https://news.example/articles/{sentence.article_id}"
        assert sentence.text in store.get_article(sentence.article_id).text
    assert {"Northern Ledger", "Harbour Times", "Civic Wire"} >= set(top.outlets) and len(top.outlets) >= 2
    assert "bridge" in top.watchlists
    assert [s.story_id for s in digest.stories].count(bridge_story) == 1
    assert len(digest.stories) >= 2
    sizes = [len(s.articles) for s in digest.stories]
    assert sizes == sorted(sizes, reverse=True)
    for fmt in ("md", "html", "atom", "json"):
        text = render_digest(digest, fmt)
        assert top.title.split()[0] in text
    assert json.loads(render_digest(digest, "json"))["stories"][0]["update"]
    ElementTree.fromstring(render_digest(digest, "atom"))
    nothing = build_digest(store, settings, carol, since=datetime.now(UTC))
    assert nothing.stories == [] and "Nothing new" in render_digest(nothing, "md")
    only = build_digest(store, settings, carol, since=datetime(2000, 1, 1, tzinfo=UTC), watchlists=[water])
    assert all(s.watchlists == ["water"] for s in only.stories)
    assert all(a.outlet == "Harbour Times" for s in only.stories for a in s.articles)

    token = {"Authorization": f"Bearer {store.create_token('carol', user_id=carol.id)[1]}"}
    api = client.get("/api/digest?since=2000-01-01", headers=token)
    assert api.status_code == 200 and api.json()["article_count"] == digest.article_count
    html = client.get(f"/api/digest?since=2000-01-01&format=html&watchlist={bridge.id}", headers=token)
    assert html.headers["content-type"].startswith("text/html") and "<script" not in html.text
    assert client.get("/api/digest?since=yesterday", headers=token).status_code == 400


def test_the_follow_button_makes_a_watchlist_for_the_logged_in_reader(client: Any, corpus: Corpus,
                                                                      tokens: dict[str, dict[str, str]]) -> None:
    import re

    story_id = corpus.store.get_article(corpus.ids["water-rise"]).story_id
    assert "Follow this story" not in client.get(f"/stories/{story_id}").text  # anonymous: no button
    page = client.get(f"/stories/{story_id}", headers=tokens["bob"])
    assert page.status_code == 200 and "Follow this story" in page.text
    form = re.search(r'<form class="follow".*?</form>', page.text, re.S)
    assert form is not None
    fields = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', form.group(0)))
    assert fields["kind"] == "story" and fields["target"] == str(story_id)
    answer = client.post("/watchlists/follow", data=fields, headers=tokens["bob"], follow_redirects=False)
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert re.fullmatch(r"/watchlists/\d+", location)
    shown = client.get(location, headers=tokens["bob"])
    assert shown.status_code == 200 and "feed.atom?token=" in shown.text
    assert client.get(location, headers=tokens["alice"]).status_code == 404
    assert client.post("/watchlists/follow", data={**fields, "csrf_token": "forged"},
                       headers=tokens["bob"]).status_code == 403
    search = client.get("/search?q=reservoir", headers=tokens["bob"])
    assert "Follow this search" in search.text
    entity_id = corpus.store.find_entity_id("Westmoor Water")
    assert "Follow Westmoor Water" in client.get(f"/entities/{entity_id}", headers=tokens["bob"]).text
    assert "Follow Civic Wire" in client.get("/?outlet=Civic+Wire", headers=tokens["bob"]).text

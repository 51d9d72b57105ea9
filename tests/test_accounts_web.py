"""Accounts on the web and in the API: name + password login, signed sessions (tampering, expiry
by password change), logout, the login rate limit, admin and reader roles, each reader's own read
state (and nobody else's), and "new since your last visit" on home and story pages."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, update
from test_web_corpus import Corpus, TestClient, client_for, make_corpus

from newsdesk.follow.passwords import hash_password
from newsdesk.serve.auth import Signer
from newsdesk.serve.login_limit import LoginLimiter
from newsdesk.store.schema import articles, duplicate_links, user_visits
from newsdesk.store.users import User

pytestmark = pytest.mark.backend

PASSWORD = "a long enough password"
_names = itertools.count(1)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    built = make_corpus(Path(tmp_path_factory.mktemp("accounts")))
    yield built
    built.store.close()


@pytest.fixture
def client(corpus: Corpus) -> TestClient:
    return client_for(corpus)


def new_user(corpus: Corpus, role: str = "reader") -> User:
    return corpus.store.create_user(f"{role}{next(_names)}", hash_password(PASSWORD), role=role)


def bearer(corpus: Corpus, user: User) -> dict[str, str]:
    _token, secret = corpus.store.create_token("test", user_id=user.id)
    return {"Authorization": f"Bearer {secret}"}


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no CSRF field on the page"
    return found.group(1)


def log_in(client: TestClient, name: str, password: str = PASSWORD, next_path: str = "/") -> httpx.Response:
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token, "next": next_path},
                       follow_redirects=False)


# --- login, sessions, logout ---------------------------------------------------------------------

def test_log_in_with_name_and_password_then_log_out(client: TestClient, corpus: Corpus) -> None:
    user = new_user(corpus)
    page = client.get("/login").text
    assert 'name="password"' in page and 'name="token"' not in page  # a desk with users: no token paste
    answer = log_in(client, user.name, next_path="/search")
    assert answer.status_code == 303 and answer.headers["location"] == "/search"
    cookie = answer.headers["set-cookie"].lower()
    for flag in ("nd_session=", "httponly", "secure", "samesite=strict", "max-age="):
        assert flag in cookie
    assert PASSWORD.lower() not in cookie
    home = client.get("/").text
    assert f"{user.name} (reader)" in home and 'action="/logout"' in home
    assert client.get("/api/me").json()["name"] == user.name
    assert corpus.store.get_user(user.id).last_login is not None
    out = client.post("/logout", data={"csrf_token": csrf_of(home)}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/api/me").status_code == 401 and user.name not in client.get("/").text


def test_wrong_passwords_and_unknown_names_get_the_same_answer(client: TestClient, corpus: Corpus) -> None:
    user = new_user(corpus)
    wrong = log_in(client, user.name, "not the password")
    unknown = log_in(client, "nobody-at-all", PASSWORD)
    for answer in (wrong, unknown):
        assert answer.status_code == 401 and "Wrong name or password" in answer.text
        assert "set-cookie" not in answer.headers or "nd_session" not in answer.headers["set-cookie"]
        assert "not the password" not in answer.text


def test_a_tampered_or_forged_session_is_anonymous(client: TestClient, corpus: Corpus) -> None:
    user = new_user(corpus)
    log_in(client, user.name)
    value = client.cookies["nd_session"]
    assert client.get("/api/me").status_code == 200
    payload, _, rest = value.partition(".")
    flipped = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    other = new_user(corpus)
    forged = Signer(b"not the secret key").user_session(
        other.id, corpus.store.password_hash_of(other.id))
    for bad in (flipped + "." + rest, value[:-2] + "xx", forged, "garbage", ""):
        fresh = client_for(corpus)
        fresh.cookies.set("nd_session", bad, domain="testserver")
        assert fresh.get("/api/me").status_code == 401, bad
        assert "(reader)" not in fresh.get("/").text


def test_changing_the_password_ends_every_session(client: TestClient, corpus: Corpus) -> None:
    user = new_user(corpus)
    log_in(client, user.name)
    assert client.get("/api/me").status_code == 200
    corpus.store.set_password_hash(user.id, hash_password("another long password"))
    assert client.get("/api/me").status_code == 401
    assert log_in(client, user.name).status_code == 401
    assert log_in(client, user.name, "another long password").status_code == 303


def test_login_is_rate_limited_per_name_and_per_address(corpus: Corpus) -> None:
    user = new_user(corpus)
    client = client_for(corpus)
    for _ in range(5):
        assert log_in(client, user.name, "wrong password!").status_code == 401
    blocked = log_in(client, user.name)  # the right password, too late
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["retry-after"]) <= 15 * 60
    assert "nd_session" not in blocked.headers.get("set-cookie", "")
    # the address is blocked for other names too (one client guessing many names)
    assert log_in(client, new_user(corpus).name).status_code == 429


def test_the_limiter_counts_a_window_per_key() -> None:
    now = [1000.0]
    limiter = LoginLimiter(max_failures=3, window=60, clock=lambda: now[0])
    for _ in range(3):
        assert limiter.retry_after(["name:a", "addr:1"]) == 0
        limiter.failed(["name:a", "addr:1"])
    assert limiter.retry_after(["name:a"]) == 61 and limiter.retry_after(["name:b", "addr:2"]) == 0
    now[0] += 30
    assert 0 < limiter.retry_after(["addr:1"]) <= 31
    limiter.succeeded("name:a")
    assert limiter.retry_after(["name:a"]) == 0 and limiter.retry_after(["addr:1"]) > 0
    now[0] += 31
    assert limiter.retry_after(["addr:1"]) == 0


# --- roles ---------------------------------------------------------------------------------------

def test_readers_cannot_change_sources_admins_and_desk_tokens_can(client: TestClient, corpus: Corpus) -> None:
    reader, admin = new_user(corpus), new_user(corpus, "admin")
    opml = b'<?xml version="1.0"?><opml version="2.0"><body><outline xmlUrl="https://roles.example/f.xml"/></body></opml>'
    refused = client.post("/api/sources/opml", content=opml, headers={**bearer(corpus, reader),
                                                                     "Content-Type": "text/x-opml"})
    assert refused.status_code == 403 and refused.headers["content-type"] == "application/problem+json"
    assert "admin" in refused.json()["detail"]
    for headers in (bearer(corpus, admin), {"Authorization": f"Bearer {corpus.store.create_token('desk')[1]}"}):
        done = client.post("/api/sources/opml", content=opml, headers={**headers, "Content-Type": "text/x-opml"})
        assert done.status_code == 201, done.text
    # saving a search is open to any user
    saved = client.post("/api/searches", json={"name": f"mine {reader.id}", "query": "q=harbour"},
                        headers=bearer(corpus, reader))
    assert saved.status_code == 201
    # and on the pages: no form for a reader, a clear 403 page when posting anyway
    log_in(client, reader.name)
    page = client.get("/sources").text
    assert 'action="/sources"' not in page and "Only an admin" in page
    posted = client.post("/sources", data={"target": "https://roles.example/", "csrf_token": csrf_of(page)})
    assert posted.status_code == 403 and "admins only" in posted.text and "<html" in posted.text
    admin_client = client_for(corpus)
    log_in(admin_client, admin.name)
    assert 'action="/sources"' in admin_client.get("/sources").text


# --- read state ----------------------------------------------------------------------------------

def test_each_user_sees_and_changes_only_their_own_marks(client: TestClient, corpus: Corpus) -> None:
    alice, bob = new_user(corpus), new_user(corpus)
    as_alice, as_bob = bearer(corpus, alice), bearer(corpus, bob)
    article_id = corpus.ids["bridge-shops"]
    changed = client.patch(f"/api/articles/{article_id}/state", json={"starred": True, "read": True}, headers=as_alice)
    assert changed.status_code == 200
    assert changed.json() == {"article_id": article_id, "read": True, "starred": True, "kept": False}
    assert client.get(f"/api/articles/{article_id}/state", headers=as_bob).json()["starred"] is False
    starred = client.get("/api/me/articles", params={"state": "starred"}, headers=as_bob).json()
    assert starred["articles"] == []
    # Bob's change stays Bob's
    client.put(f"/api/articles/{article_id}/state", json={"kept": True}, headers=as_bob)
    assert client.get(f"/api/articles/{article_id}/state", headers=as_alice).json() == {
        "article_id": article_id, "read": True, "starred": True, "kept": False}
    assert client.get(f"/api/articles/{article_id}/state", headers=as_bob).json() == {
        "article_id": article_id, "read": False, "starred": False, "kept": True}
    mine = client.get("/api/me/articles", params={"state": "starred"}, headers=as_alice).json()
    assert [a["id"] for a in mine["articles"]] == [article_id] and mine["articles"][0]["state"]["starred"]
    # anonymous and wrong tokens get 401, missing articles 404
    assert client.get(f"/api/articles/{article_id}/state").status_code == 401
    assert client.patch(f"/api/articles/{article_id}/state", json={"read": True},
                        headers={"Authorization": "Bearer nd_wrong"}).status_code == 401
    assert client.patch("/api/articles/999999/state", json={"read": True}, headers=as_alice).status_code == 404
    assert client.patch(f"/api/articles/{article_id}/state", json={"read": "yes"}, headers=as_alice).status_code == 422


def test_bulk_marks_and_the_unread_list_pages_with_a_cursor(client: TestClient, corpus: Corpus) -> None:
    user = new_user(corpus)
    headers = bearer(corpus, user)
    with corpus.store.read() as conn:
        originals = conn.execute(select(func.count()).select_from(articles).where(
            ~select(duplicate_links.c.article_id).where(duplicate_links.c.article_id == articles.c.id).exists())
        ).scalar()
    seen: list[int] = []
    cursor = ""
    while True:
        page = client.get("/api/me/articles", params={"state": "unread", "limit": 3, "cursor": cursor},
                          headers=headers).json()
        seen += [a["id"] for a in page["articles"]]
        if not page["next_cursor"]:
            break
        cursor = page["next_cursor"]
    assert len(seen) == originals and seen == sorted(seen, reverse=True) and len(set(seen)) == len(seen)
    marked = client.post("/api/articles/state", json={"ids": seen[:4] + [999999], "read": True}, headers=headers)
    assert marked.status_code == 200 and marked.json() == {"changed": 4}
    unread = client.get("/api/me/articles", params={"state": "unread", "limit": 200}, headers=headers).json()
    assert [a["id"] for a in unread["articles"]] == seen[4:]
    read = client.get("/api/me/articles", params={"state": "read"}, headers=headers).json()
    assert sorted(a["id"] for a in read["articles"]) == sorted(seen[:4])
    assert client.get("/api/me", headers=headers).json()["read"] == 4
    assert client.get("/api/me/articles", params={"state": "liked"}, headers=headers).status_code == 400
    assert client.get("/api/me/articles", params={"cursor": "zz"}, headers=headers).status_code == 400


def test_opening_an_article_marks_it_read_and_the_buttons_change_marks(client: TestClient, corpus: Corpus) -> None:
    user = new_user(corpus)
    article_id = corpus.ids["bridge-closure"]
    client.get(f"/articles/{article_id}")  # anonymous: nothing to mark
    log_in(client, user.name)
    story_id = corpus.store.get_article(article_id).story_id
    assert story_id is not None
    story = client.get(f"/stories/{story_id}").text
    assert re.search(rf'class="nav-item unread" data-article="{article_id}"', story)
    unread_before = corpus.store.count_unread_by_story(user.id, [story_id])[story_id]
    assert f"{unread_before} unread</span>" in client.get("/").text
    page = client.get(f"/articles/{article_id}").text
    assert corpus.store.read_states(user.id, [article_id])[article_id].read
    assert 'aria-pressed="true"' in page and "Mark unread" in page
    story = client.get(f"/stories/{story_id}").text
    assert re.search(rf'class="nav-item" data-article="{article_id}"', story)
    assert corpus.store.count_unread_by_story(user.id, [story_id]).get(story_id, 0) == unread_before - 1
    # the forms work without JavaScript: CSRF checked, then back to the article
    assert client.post(f"/articles/{article_id}/state", data={"starred": "1"}).status_code == 403
    answer = client.post(f"/articles/{article_id}/state", data={"starred": "1", "read": "0", "csrf_token": csrf_of(page),
                                                                "next": f"/articles/{article_id}?mark=0"},
                         follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == f"/articles/{article_id}?mark=0"
    client.get(answer.headers["location"])  # ?mark=0 leaves it unread
    state = corpus.store.read_states(user.id, [article_id])[article_id]
    assert state.starred and not state.read
    # the page script's JSON write needs the CSRF header with a login cookie
    assert client.patch(f"/api/articles/{article_id}/state", json={"kept": True}).status_code == 403
    ok = client.patch(f"/api/articles/{article_id}/state", json={"kept": True}, headers={"X-CSRF-Token": csrf_of(page)})
    assert ok.status_code == 200 and ok.json()["kept"] is True
    cross = client.patch(f"/api/articles/{article_id}/state", json={"kept": False},
                         headers={"X-CSRF-Token": csrf_of(page), "Origin": "https://evil.example"})
    assert cross.status_code == 401  # a login cookie from another site does not count


def test_new_since_the_last_visit_on_home_and_story_pages(client: TestClient, corpus: Corpus) -> None:
    user = new_user(corpus)
    log_in(client, user.name)
    article_id = corpus.ids["bridge-closure"]
    story_id = corpus.store.get_article(article_id).story_id
    assert story_id is not None
    assert "new article" not in client.get("/").text  # first visit: nothing to compare with
    assert "new article" not in client.get(f"/stories/{story_id}").text
    with corpus.store.read() as conn:
        times = sorted(conn.execute(select(articles.c.first_seen)).scalars())
    cut = times[len(times) // 2]
    # this session began after a visit made before the later half of the desk was stored
    with corpus.store.transaction() as conn:
        conn.execute(update(user_visits).where(user_visits.c.user_id == user.id)
                     .values(previous_seen_at=cut - timedelta(microseconds=1)))
    expected_total = corpus.store.count_new_articles(cut - timedelta(microseconds=1))[None]
    expected_story = corpus.store.count_new_articles(cut - timedelta(microseconds=1), story_ids=[story_id]).get(story_id, 0)
    assert expected_total > 0
    home = client.get("/").text
    assert f"{expected_total} new article{'s' if expected_total != 1 else ''} since your last visit" in home
    story = client.get(f"/stories/{story_id}").text
    assert f"{expected_story} new article{'s' if expected_story != 1 else ''} in this story since" in story
    assert "new article" in client.get("/").text  # a reload in the same session keeps the marks


def test_passwords_are_never_logged_or_echoed(corpus: Corpus, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    user = new_user(corpus)
    client = client_for(corpus)
    pages = [log_in(client, user.name, "a wrong but long password"), log_in(client, user.name)]
    pages.append(client.get("/"))
    for answer in pages:
        assert "a wrong but long password" not in answer.text and PASSWORD not in answer.text
    assert "a wrong but long password" not in caplog.text and PASSWORD not in caplog.text
    assert PASSWORD not in str(client.get("/api/me").json())

"""The API's write side: tokens (hashed, revocable), adding sources through a loopback server,
OPML in and out, read-only mode, and the ``newsdesk token`` / ``serve`` commands."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from loopback import LoopbackServer
from sqlalchemy import select
from test_web_corpus import Corpus, client_for, make_corpus
from typer.testing import CliRunner

from newsdesk.cli import app as cli_app
from newsdesk.store.schema import api_tokens

#: desks built with backend_database_url: rerun on PostgreSQL by the second pass of `make test`
pytestmark = pytest.mark.backend

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def corpus(tmp_path: Path) -> Iterator[Corpus]:
    built = make_corpus(tmp_path)
    yield built
    built.store.close()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


def article_html(title: str, body: str) -> str:
    paragraphs = "".join(f"<p>{body} Sentence {i} adds detail about the ferry timetable.</p>" for i in range(6))
    return (f"<!doctype html><html><head><title>{title}</title><meta property=\"og:site_name\" "
            f"content=\"Ferry Gazette\"></head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>")


def serve_feed(server: LoopbackServer) -> str:
    items = ""
    for n in (1, 2):
        path = f"/ferry/{n}.html"
        server.route(path, body=article_html(f"Ferry timetable change {n}", f"Lantern Line ferries change {n}."),
                     headers={"Content-Type": "text/html; charset=utf-8"})
        items += (f"<item><title>Ferry timetable change {n}</title><link>{server.url(path)}</link>"
                  f"<guid>{server.url(path)}</guid><pubDate>Mon, 0{n} Mar 2026 09:00:00 GMT</pubDate></item>")
    rss = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Ferry Gazette</title>'
           f"<link>{server.url('/')}</link><description>Ferries</description>{items}</channel></rss>")
    server.route("/feed.xml", body=rss, headers={"Content-Type": "application/rss+xml"})
    server.route("/robots.txt", body="User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
    return server.url("/feed.xml")


def test_tokens_are_stored_only_as_hashes(corpus: Corpus) -> None:
    token, secret = corpus.store.create_token("laptop")
    with corpus.store.read() as conn:
        stored = conn.execute(select(api_tokens)).all()
    assert len(stored) == 1 and secret not in repr(stored[0]) and stored[0].token_hash != secret
    assert corpus.store.verify_token(secret) is not None
    assert corpus.store.verify_token(secret + "x") is None
    corpus.store.revoke_token(token.id)
    assert corpus.store.verify_token(secret) is None


def test_write_endpoints_need_a_valid_token(corpus: Corpus) -> None:
    client = client_for(corpus)
    body = {"targets": ["https://example.invalid/feed.xml"]}
    missing = client.post("/api/sources", json=body)
    assert missing.status_code == 401 and missing.headers["content-type"] == "application/problem+json"
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = client.post("/api/sources", json=body, headers={"Authorization": "Bearer nd_not-a-token"})
    assert wrong.status_code == 401 and wrong.json()["title"] == "invalid token"
    token, secret = corpus.store.create_token("revoked")
    corpus.store.revoke_token(token.id)
    revoked = client.post("/api/sources", json=body, headers={"Authorization": f"Bearer {secret}"})
    assert revoked.status_code == 401
    assert corpus.store.list_feeds() == []


def test_adding_a_feed_answers_202_with_a_job_that_subscribes_and_ingests(corpus: Corpus,
                                                                          server: LoopbackServer) -> None:
    feed_url = serve_feed(server)
    _token, secret = corpus.store.create_token("api test")
    with client_for(corpus) as client:  # the lifespan runs the in-process job queue (SQLite)
        answer = client.post("/api/sources", json={"targets": [feed_url]},
                             headers={"Authorization": f"Bearer {secret}"})
        assert answer.status_code == 202, answer.text
        job = answer.json()["jobs"][0]
        assert job["target"] == feed_url and answer.headers["location"] == job["url"] == f"/api/jobs/{job['id']}"
        deadline = time.monotonic() + 60
        while (state := client.get(job["url"]).json())["status"] in {"queued", "running"}:
            assert time.monotonic() < deadline, state
            time.sleep(0.2)
        assert state["status"] == "done" and state["attempts"] == 1 and state["task"] == "add_target", state
        listed = client.get(answer.json()["follow"]).json()["jobs"]
        assert [j["id"] for j in listed] == [job["id"]]
        assert [f.url for f in corpus.store.list_feeds()] == [feed_url]
        feeds = client.get("/api/sources").json()["feeds"]
        assert feeds[0]["article_count"] == 2 and feeds[0]["url"] == feed_url
        page = client.get("/sources/jobs")
        assert page.status_code == 200 and "add_target" in page.text and feed_url in page.text
    assert corpus.store.list_tokens()[0].last_used is not None


def test_adding_sources_without_the_job_queue_is_a_503_problem(corpus: Corpus) -> None:
    _token, secret = corpus.store.create_token("t")
    answer = client_for(corpus).post("/api/sources", json={"targets": ["https://example.org/feed.xml"]},
                                     headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 503 and answer.headers["content-type"] == "application/problem+json"


def test_only_web_urls_can_be_added(corpus: Corpus) -> None:
    _token, secret = corpus.store.create_token("t")
    client = client_for(corpus)
    for target in ("/etc/passwd", "file:///etc/passwd", "javascript:alert(1)"):
        answer = client.post("/api/sources", json={"targets": [target]}, headers={"Authorization": f"Bearer {secret}"})
        assert answer.status_code == 400, target
        assert answer.json()["title"] == "unsupported target"
    assert client.post("/api/sources", json={"targets": []},
                       headers={"Authorization": f"Bearer {secret}"}).status_code == 422


def test_opml_import_and_export(corpus: Corpus) -> None:
    _token, secret = corpus.store.create_token("t")
    client = client_for(corpus)
    opml = (b'<?xml version="1.0"?><opml version="2.0"><head><title>mine</title></head><body>'
            b'<outline text="Tech"><outline type="rss" text="One" xmlUrl="https://one.example/feed"/>'
            b'<outline type="rss" text="Two" xmlUrl="https://two.example/rss.xml" htmlUrl="https://two.example/"/>'
            b'</outline></body></opml>')
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "text/x-opml"}
    answer = client.post("/api/sources/opml", content=opml, headers=headers)
    assert answer.status_code == 201, answer.text
    assert [o["action"] for o in answer.json()["outcomes"]] == ["subscribed", "subscribed"]
    again = client.post("/api/sources/opml", content=opml, headers=headers)
    assert [o["action"] for o in again.json()["outcomes"]] == ["unchanged", "unchanged"]
    exported = client.get("/api/sources/opml")
    assert exported.headers["content-type"].startswith("text/x-opml")
    assert "https://one.example/feed" in exported.text and "https://two.example/rss.xml" in exported.text
    broken = client.post("/api/sources/opml", content=b"<html>not opml</html>", headers=headers)
    assert broken.status_code == 422 and broken.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("body", [
    b'<opml version="2.0"><body></body></opml>',
    b'<opml version="2.0"><body><outline text="x" xmlUrl="javascript:alert(1)"/>'
    b'<outline text="y" xmlUrl="file:///etc/passwd"/><outline text="z" xmlUrl="http://[::1/"/></body></opml>',
], ids=["no-outlines", "no-web-feeds"])
def test_an_opml_file_with_nothing_to_subscribe_is_not_created(corpus: Corpus, body: bytes) -> None:
    _token, secret = corpus.store.create_token("t")
    answer = client_for(corpus).post("/api/sources/opml", content=body,
                                     headers={"Authorization": f"Bearer {secret}", "Content-Type": "text/x-opml"})
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json" and "no feed" in answer.json()["detail"]
    assert corpus.store.list_feeds() == []


def test_saved_searches(corpus: Corpus) -> None:
    _token, secret = corpus.store.create_token("t")
    client = client_for(corpus)
    body = {"name": "Bridge", "query": "q=harbour+bridge&outlet=Civic+Wire&evil=1"}
    assert client.post("/api/searches", json=body).status_code == 401
    auth = {"Authorization": f"Bearer {secret}"}
    saved = client.post("/api/searches", json=body, headers=auth)
    assert saved.status_code == 201
    assert saved.json()["query"] == "q=harbour+bridge&outlet=Civic+Wire"
    assert client.post("/api/searches", json=body, headers=auth).status_code == 409
    # no words to find: the schema's pattern refuses it (422); only words that decode to spaces are a 400
    assert client.post("/api/searches", json={"name": "Empty", "query": "outlet=x"}, headers=auth).status_code == 422
    assert client.post("/api/searches", json={"name": "Spaces", "query": "q=%20"}, headers=auth).status_code == 400
    assert client.post("/api/searches", json={"name": "Harbour", "query": "q=%E6%B8%AF"}, headers=auth).status_code == 201
    listed = client.get("/api/searches").json()["searches"]
    assert [s["name"] for s in listed] == ["Bridge", "Harbour"]
    assert client.get(listed[0]["atom"]).status_code == 200
    page = client.get("/search", params={"q": "bridge"}).text
    assert f'href="{listed[0]["page"].replace("&", "&amp;")}"' in page


def test_read_only_mode_refuses_writes_but_serves_reads(corpus: Corpus) -> None:
    _token, secret = corpus.store.create_token("t")
    client = client_for(corpus, read_only=True)
    answer = client.post("/api/sources", json={"targets": ["https://example.org/"]},
                         headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 403 and answer.json()["title"] == "read-only mode"
    assert client.get("/api").json()["read_only"] is True
    assert client.get("/api/articles").status_code == 200
    assert "read-only" in client.get("/sources").text


def test_token_commands(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path)]
    created = runner.invoke(cli_app, [*base, "token", "create", "laptop"])
    assert created.exit_code == 0, created.output
    secret = created.output.strip().splitlines()[-1]
    assert secret.startswith("nd_")
    listed = runner.invoke(cli_app, [*base, "token", "list"])
    assert "laptop" in listed.output and "active" in listed.output and secret not in listed.output
    assert runner.invoke(cli_app, [*base, "token", "revoke", "1"]).exit_code == 0
    assert "revoked" in runner.invoke(cli_app, [*base, "token", "list"]).output
    missing = runner.invoke(cli_app, [*base, "token", "revoke", "42"])
    assert missing.exit_code == 6


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_command_answers_on_loopback(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "newsdesk", "--data-dir", str(tmp_path), "serve",
                                "--port", str(port), "--read-only"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/api", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError("newsdesk serve did not start") from None
                time.sleep(0.2)
        assert answer.json()["read_only"] is True
        assert "script-src 'self'" in answer.headers["content-security-policy"]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_hostile_feeds_are_per_target_failures_not_server_errors(corpus: Corpus, server: LoopbackServer) -> None:
    good = server.url("/ferry/ok.html")
    server.route("/ferry/ok.html", body=article_html("Ferry timetable holds", "Lantern Line ferries keep time."),
                 headers={"Content-Type": "text/html; charset=utf-8"})
    server.route("/robots.txt", body="User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
    deep = '{"version": "https://jsonfeed.org/version/1.1", "items": ' + "[" * 100_000 + "]" * 100_000 + "}"
    server.route("/deep.json", body=deep, headers={"Content-Type": "application/feed+json"})
    bad_links = (f'<rss version="2.0"><channel><title>Mixed</title><item><link>http://[::1/x</link></item>'
                 f"<item><title>Ferry timetable holds</title><link>{good}</link></item></channel></rss>")
    server.route("/mixed.xml", body=bad_links, headers={"Content-Type": "application/rss+xml"})
    _token, secret = corpus.store.create_token("hostile")
    with client_for(corpus) as client:  # the lifespan runs the in-process job queue (SQLite)
        answer = client.post(
            "/api/sources", json={"targets": [server.url("/deep.json"), server.url("/mixed.xml")]},
            headers={"Authorization": f"Bearer {secret}"})
        assert answer.status_code == 202, answer.text
        jobs = {j["target"]: j for j in answer.json()["jobs"]}
        deadline = time.monotonic() + 90

        def state(target: str) -> dict[str, Any]:
            return dict(client.get(jobs[target]["url"]).json())

        while (mixed := state(server.url("/mixed.xml")))["status"] in {"queued", "running"}:
            assert time.monotonic() < deadline, mixed
            time.sleep(0.2)
        while not (deep := state(server.url("/deep.json")))["error"]:
            assert time.monotonic() < deadline, deep
            time.sleep(0.2)
    assert mixed["status"] == "done", mixed
    assert "nest" in deep["error"].lower(), deep  # one line saying why, not a server error
    assert [f.url for f in corpus.store.list_feeds()] == [server.url("/mixed.xml")]
    assert corpus.store.has_article(good)

"""Abstractive summaries against a real loopback HTTP server speaking the chat-completions JSON."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from newsdesk.analyze.dedupe import content_hash
from newsdesk.analyze.llm import abstractive_summary, build_messages
from newsdesk.analyze.summarize import summarize_article, summarize_text
from newsdesk.config import Settings
from newsdesk.models import ExtractedArticle
from newsdesk.store import Store

TEXT = ("The Port Aldwin council approved a harbour levy on cruise passengers on Monday. "
        "The levy of four euros per passenger will fund dredging of the north channel. "
        "Opponents said cruise lines might skip the port. "
        "The levy takes effect in April.")
ANSWER = "Port Aldwin will charge cruise passengers four euros from April to pay for dredging [1][2]."


@dataclass
class ChatServer:
    """A tiny OpenAI-compatible endpoint: records each request, answers with ``mode``."""

    mode: str = "ok"
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    httpd: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self.httpd is not None
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def answer(self) -> tuple[int, bytes]:
        if self.mode == "ok":
            body = {"id": "cmpl-1", "object": "chat.completion", "model": "tiny-local",
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": ANSWER},
                                 "finish_reason": "stop"}]}
            return 200, json.dumps(body).encode()
        if self.mode == "error":
            return 500, b'{"error": {"message": "model overloaded"}}'
        if self.mode == "not-json":
            return 200, b"<html>gateway</html>"
        if self.mode == "empty":
            return 200, json.dumps({"choices": [{"message": {"role": "assistant", "content": "  "}}]}).encode()
        return 200, b'{"choices": []}'


def _handler(server: ChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length", "0"))
            server.requests.append(json.loads(self.rfile.read(length) or b"{}"))
            server.headers.append({k.lower(): v for k, v in self.headers.items()})
            server.paths.append(self.path)
            status, body = server.answer()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def chat() -> Iterator[ChatServer]:
    server = ChatServer()
    server.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(server))
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
    thread.join(timeout=5)


def _llm_settings(settings: Settings, base_url: str) -> Settings:
    return settings.replace(llm_base_url=base_url, llm_model="tiny-local", llm_api_key="sk-test-123")


def test_abstract_with_extractive_citations(chat: ChatServer, settings: Settings) -> None:
    extractive = summarize_text(TEXT, title="Levy approved", sentences=2)
    result = abstractive_summary(extractive, TEXT, _llm_settings(settings, chat.base_url), title="Levy approved")
    assert result.abstract == ANSWER
    assert result.text == ANSWER
    assert result.citations == extractive.sentences
    assert result.method == "llm:tiny-local"
    assert result.note == ""
    (request,) = chat.requests
    assert chat.paths == ["/v1/chat/completions"]
    assert chat.headers[0]["authorization"] == "Bearer sk-test-123"
    assert request["model"] == "tiny-local"
    user = request["messages"][-1]["content"]
    assert "[1] " + extractive.sentences[0].text in user
    assert "Levy approved" in user and "dredging of the north channel" in user
    data = result.to_json()
    assert data["abstract"] == ANSWER and len(data["sentences"]) == 2


@pytest.mark.parametrize(("mode", "reason"), [
    ("error", "HTTP 500"), ("not-json", "not JSON"), ("empty", "empty summary"), ("no-choices", "choices"),
])
def test_bad_answers_fall_back_with_a_note(chat: ChatServer, settings: Settings, mode: str, reason: str) -> None:
    chat.mode = mode
    extractive = summarize_text(TEXT)
    result = abstractive_summary(extractive, TEXT, _llm_settings(settings, chat.base_url))
    assert result.abstract == ""
    assert result.text == extractive.text
    assert result.sentences == extractive.sentences
    assert reason in result.note and "extractive" in result.note


def test_unreachable_endpoint_falls_back(settings: Settings) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again below: nothing listens there
    result = abstractive_summary(summarize_text(TEXT), TEXT, _llm_settings(settings, f"http://127.0.0.1:{port}"))
    assert result.abstract == ""
    assert "request failed" in result.note


def test_llm_off_without_base_url(settings: Settings) -> None:
    result = abstractive_summary(summarize_text(TEXT), TEXT, settings)
    assert result.abstract == ""
    assert "llm_base_url" in result.note


def test_long_text_is_clipped_in_the_prompt() -> None:
    extractive = summarize_text(TEXT)
    messages = build_messages("word " * 10_000, extractive)
    assert len(messages[-1]["content"]) < 13_000


def _save(store: Store) -> int:
    extracted = ExtractedArticle(url="https://coastpost.example/levy", title="Levy approved", text=TEXT,
                                 published=datetime(2026, 3, 2, tzinfo=UTC))
    with store.transaction() as conn:
        return int(store.save_article(conn, extracted, canonical_url=extracted.url,
                                      content_hash=content_hash(TEXT)).id)


def test_store_level_llm_summary_is_cached_but_a_fallback_is_not(chat: ChatServer, store: Store,
                                                                 settings: Settings) -> None:
    article_id = _save(store)
    llm_settings = _llm_settings(settings, chat.base_url)
    chat.mode = "error"
    failed = summarize_article(store, article_id, llm_settings, llm=True)
    assert failed.note and failed.abstract == ""
    assert store.count_cached() == 0
    chat.mode = "ok"
    good = summarize_article(store, article_id, llm_settings, llm=True)
    assert good.abstract == ANSWER
    assert summarize_article(store, article_id, llm_settings, llm=True) == good
    assert len(chat.requests) == 2  # the third call came from the cache
    plain = summarize_article(store, article_id, llm_settings)
    assert plain.abstract == "" and plain.sentences == good.sentences

"""Each analysis step records its own outcome: a broken step never costs an article its story, and
``newsdesk analyze`` runs again only what failed (real ``newsdesk`` processes on SQLite)."""

from __future__ import annotations

import json
from pathlib import Path

from jobrun import desk_env, newsdesk
from sqlalchemy import select

from newsdesk.store import Store
from newsdesk.store.schema import articles

BODY = ("The harbour authority of Port Sallow approved a new ferry terminal on {day}, after a long debate "
        "about costs, shipping lanes and the jobs the project would bring to the town. ")


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    for n, day in enumerate(("Monday", "Tuesday", "Wednesday"), start=1):
        paragraphs = "".join(f"<p>{BODY.format(day=day)}Detail {n}.{i} follows for readers.</p>" for i in range(5))
        (folder / f"terminal-{n}.html").write_text(
            f"<!doctype html><html lang='en'><head><title>Ferry terminal approved ({day})</title>"
            f"<link rel='canonical' href='https://courier.example/terminal-{n}'></head><body><article>"
            f"<h1>Ferry terminal approved ({day})</h1>{paragraphs}</article></body></html>", encoding="utf-8")
    return folder


def test_a_failing_step_keeps_the_story_and_is_retried_alone(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'desk.db'}"
    broken = desk_env(db, tmp_path, embedding_model=str(tmp_path / "no-such-model"))
    newsdesk(broken, "add", str(_folder(tmp_path)))
    store = Store(db)
    try:
        ids = [a.id for a in store.list_articles(limit=10)]
        assert len(ids) == 3
        for article_id in ids:
            assert store.get_article(article_id).story_id is not None  # the story did not wait for the embedding
            states = {s.step: s for s in store.step_states(article_id)}
            assert {k: s.status for k, s in states.items()} == {
                "entities": "done", "story": "done", "keyphrases": "done", "embedding": "failed"}
            assert "no-such-model" in states["embedding"].error and states["embedding"].attempts == 1
        with store.read() as conn:
            assert conn.execute(select(articles.c.analyzed_at).where(articles.c.analyzed_at.is_not(None))).all() == []
        # the failure is listed where a SQLite desk shows its work
        listed = json.loads(newsdesk(broken, "jobs", "--json").stdout)["failed_analysis_steps"]
        assert {(s["article_id"], s["step"]) for s in listed} == {(i, "embedding") for i in ids}
        stories_before = {i: store.get_article(i).story_id for i in ids}
        # a second run with the step still broken tries it once more, and only it
        newsdesk(broken, "analyze")
        assert {s.attempts for i in ids for s in store.step_states(i) if s.step == "embedding"} == {2}
        assert {s.attempts for i in ids for s in store.step_states(i) if s.step != "embedding"} == {1}
        # fixed (no model configured: the step has nothing to do), analyze completes the articles
        newsdesk(desk_env(db, tmp_path), "analyze")
        for article_id in ids:
            states = {s.step: s for s in store.step_states(article_id)}
            assert states["embedding"].status == "done" and states["embedding"].attempts == 3
            assert states["story"].attempts == 1
            assert store.get_article(article_id).story_id == stories_before[article_id]
        assert store.count_unanalyzed() == 0
    finally:
        store.close()

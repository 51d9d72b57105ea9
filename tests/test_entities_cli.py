"""``newsdesk entities`` and ``newsdesk entity NAME`` against a real SQLite file."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import backend_database_url
from typer.testing import CliRunner

from newsdesk.analyze.entities import index_entities
from newsdesk.cli import app
from newsdesk.config import Settings
from newsdesk.models import ExtractedArticle
from newsdesk.store import Store

#: desks built with backend_database_url: rerun on PostgreSQL by the second pass of `make test`
pytestmark = pytest.mark.backend

TEXTS = {
    "report": ("The Harbor Institute for Policy (HIP) published a study of port fees on Tuesday. "
               "HIP said fees in Lisbon had doubled since 2024, according to Dr. Mara Velk."),
    "reply": "Port operators in Lisbon rejected the Harbor Institute for Policy figures on Wednesday.",
}


@pytest.fixture
def db(tmp_path: Path, settings: Settings) -> str:
    """A database file with two analysed articles."""
    url = backend_database_url(tmp_path, "cli")
    store = Store(url)
    for day, (slug, text) in enumerate(TEXTS.items(), start=1):
        article = ExtractedArticle(url=f"https://meridianwire.example/{slug}", title=slug.title(), text=text,
                                   outlet="Meridian Wire", language="en",
                                   published=datetime(2026, 10, day, tzinfo=UTC))
        with store.transaction() as conn:
            stored = store.save_article(conn, article, canonical_url=article.url,
                                        content_hash=hashlib.sha256(text.encode()).hexdigest())
        index_entities(store, stored.id, settings)
    store.close()
    return url


def _run(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--db", db, *args])
    return result.exit_code, result.stdout, result.stderr


def test_entities_json_and_table(db: str) -> None:
    code, out, _err = _run(db, "entities", "--json")
    assert code == 0
    rows = json.loads(out)
    names = [r["name"] for r in rows]
    assert names[:2] == ["Harbor Institute for Policy", "Lisbon"] or names[:2] == ["Lisbon",
                                                                                      "Harbor Institute for Policy"]
    assert next(r for r in rows if r["name"] == "Harbor Institute for Policy")["aliases"] == ["HIP"]
    code, out, _err = _run(db, "entities", "--type", "person", "--json")
    assert [r["name"] for r in json.loads(out)] == ["Mara Velk"]
    code, out, _err = _run(db, "entities", "--limit", "1")
    assert code == 0 and "entities" in out and "Mara Velk" not in out


def test_entity_detail_by_alias(db: str) -> None:
    code, out, _err = _run(db, "entity", "hip", "--json")
    assert code == 0
    detail = json.loads(out)
    assert detail["entity"]["name"] == "Harbor Institute for Policy"
    assert [a["title"] for a in detail["articles"]] == ["Reply", "Report"]
    assert [c["date"] for c in detail["coverage_by_day"]] == ["2026-10-01", "2026-10-02"]
    assert detail["cooccurring"][0]["entity"]["name"] == "Lisbon"
    code, out, _err = _run(db, "entity", "Harbor Institute for Policy")
    assert code == 0 and "Reply" in out and "mentioned together with" in out


def test_errors_are_one_line_with_exit_codes(db: str) -> None:
    code, _out, err = _run(db, "entity", "Nobody Atall")
    assert code == 6
    assert "no entity named 'Nobody Atall'" in err
    code, _out, _err = _run(db, "entities", "--type", "planet")
    assert code == 2


def test_empty_database(tmp_path: Path) -> None:
    code, out, _err = _run(str(tmp_path / "empty.db"), "entities")
    assert code == 0 and "no entities yet" in out
    code, out, _err = _run(str(tmp_path / "empty.db"), "entities", "--json")
    assert json.loads(out) == []

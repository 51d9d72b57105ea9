"""The web benchmark's bulk loader fills the product's own schema as the write path would: the
same indexes and full-text triggers afterwards as a freshly migrated desk, a full-text index that
matches the articles, mention offsets that point at the names, ids the product continues from,
and pages that read it (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.web.generate import load  # noqa: E402
from newsdesk.models import ExtractedArticle  # noqa: E402
from newsdesk.serve import views  # noqa: E402
from newsdesk.store import Store  # noqa: E402
from newsdesk.store.schema import article_entities, articles, duplicate_links, entities  # noqa: E402


def _derived(store: Store) -> list[str]:
    """The definitions of every index and trigger of the database."""
    with store.engine.connect() as conn:
        if store.dialect == "sqlite":
            rows = conn.execute(text("SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
                                     "AND sql IS NOT NULL")).scalars()
        else:
            rows = conn.execute(text("SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()")).scalars()
        return sorted(str(r) for r in rows)


def test_bulk_load_matches_the_write_path(any_store: Store, tmp_path: Path) -> None:
    before = _derived(any_store)
    load(any_store, articles_total=400, story_size=10, seed=3)
    assert _derived(any_store) == before  # the same indexes and triggers, rebuilt
    with any_store.read() as conn:
        assert conn.execute(select(func.count()).select_from(articles)).scalar_one() == 400
        assert conn.execute(select(func.count()).select_from(duplicate_links)).scalar_one() > 0
        mentions = conn.execute(select(articles.c.text, entities.c.name, article_entities.c.positions,
                                       article_entities.c.count)
                                .join(articles, articles.c.id == article_entities.c.article_id)
                                .join(entities, entities.c.id == article_entities.c.entity_id)).all()
        hashes = conn.execute(select(articles.c.text, articles.c.content_hash)).all()
        if any_store.dialect == "sqlite":  # the FTS5 index holds exactly the articles' words
            conn.execute(text("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)"))
    assert mentions
    for body, name, positions, count in mentions:
        spans = json.loads(positions)
        assert len(spans) == count and all(body[a:b] == name for a, b in spans)
    assert all(hashlib.sha256(t.encode()).hexdigest() == h for t, h in hashes)

    common = any_store.search("government", limit=5)
    assert len(common) == 5
    with any_store.read() as conn:
        title = conn.execute(select(articles.c.title).where(articles.c.id == 123)).scalar_one()
    rare = title.split(":")[0].split()[0]
    assert 123 in {h.article_id for h in any_store.search(rare, limit=50)}

    # the product writes on from here: the next id, the full-text triggers, the pages
    url = "https://late.example/1"
    with any_store.transaction() as conn:
        stored = any_store.save_article(conn, ExtractedArticle(
            url=url, title="Zyxquart arrives", author="", published=None, outlet="Late", language="en",
            canonical_url=url, text="Zyxquart arrives in the city.", excerpt=""), canonical_url=url,
            content_hash="x" * 64, domain="late.example")
    assert stored.id == 401 and stored.action == "added"
    assert [h.article_id for h in any_store.search("zyxquart")] == [401]
    entity_id = any_store.find_entity_id(mentions[0][1])
    page = views.entity_view(any_store, str(entity_id))
    assert page["entity"]["article_count"] == sum(1 for m in mentions if m[1] == mentions[0][1])

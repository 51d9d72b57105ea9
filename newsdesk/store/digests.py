"""Precomputed page data (a mixin of newsdesk.store.Store): the digest of each story and article.

A story's digest is what its page and its line on the home page show (summary line, timeline,
summary, entities, framing, coverage series), computed when the story changes and read back in
one query; an article's digest is its related list. ``basis`` names the state a digest was
computed from (:meth:`DigestQueries.story_basis`: the story's ``updated_at`` and size), so a
reader can tell a stale digest from a fresh one without recomputing it. Writes are upserts: two
workers refreshing the same story at once both succeed and the last one wins.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from newsdesk.store.database import Database, as_utc, upsert, utcnow
from newsdesk.store.schema import article_digests, articles, entities, entity_digests, stories, story_digests


@dataclass(frozen=True)
class Digest:
    """A stored digest: its JSON ``body``, the ``basis`` it was computed from and whether that is
    still the subject's current state."""

    body: Any
    basis: str
    fresh: bool
    computed_at: datetime | None


def basis_of(updated_at: datetime | None, size: int) -> str:
    """The state a story digest follows: the story's last change and its size."""
    stamp = as_utc(updated_at)
    return f"{stamp.isoformat() if stamp else '-'}|{size}"


def _load(text: str) -> Any:
    try:
        return json.loads(text)
    except (json.JSONDecodeError, TypeError):
        return None  # a damaged digest is a missing one: recomputed and overwritten


def entity_basis_of(updated_at: datetime | None) -> str:
    """The state an entity digest follows: the entity's last coverage change."""
    stamp = as_utc(updated_at)
    return stamp.isoformat() if stamp else "-"


class DigestQueries(Database):
    """The ``story_digests``, ``article_digests`` and ``entity_digests`` tables."""

    def _story_basis_query(self) -> Any:
        return select(stories.c.id, stories.c.updated_at, stories.c.size)

    def story_basis(self, story_id: int) -> str | None:
        """The current basis of a story (None for an unknown id)."""
        with self.read() as conn:
            row = conn.execute(self._story_basis_query().where(stories.c.id == story_id)).first()
        return None if row is None else basis_of(row.updated_at, int(row.size))

    def touch_story(self, conn: Connection, story_id: int) -> None:
        """Mark a story changed (its digests become stale), inside the caller's transaction."""
        conn.execute(update(stories).where(stories.c.id == story_id).values(updated_at=utcnow()))

    # --- stories ---------------------------------------------------------------------------
    def get_story_digest(self, story_id: int) -> Digest | None:
        """The stored digest of a story, fresh or stale, in one query; None when none is stored."""
        query = (select(story_digests.c.body, story_digests.c.basis, story_digests.c.computed_at,
                        stories.c.updated_at, stories.c.size)
                 .join(stories, stories.c.id == story_digests.c.story_id)
                 .where(story_digests.c.story_id == story_id))
        with self.read() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        body = _load(row.body)
        if body is None:
            return None
        return Digest(body, row.basis, row.basis == basis_of(row.updated_at, int(row.size)),
                      as_utc(row.computed_at))

    def story_lines(self, story_ids: Sequence[int]) -> dict[int, tuple[str, bool]]:
        """(summary line, fresh) of each listed story that has a digest, in one query."""
        if not story_ids:
            return {}
        query = (select(story_digests.c.story_id, story_digests.c.summary_line, story_digests.c.basis,
                        stories.c.updated_at, stories.c.size)
                 .join(stories, stories.c.id == story_digests.c.story_id)
                 .where(story_digests.c.story_id.in_(list(story_ids))))
        with self.read() as conn:
            return {int(r.story_id): (r.summary_line, r.basis == basis_of(r.updated_at, int(r.size)))
                    for r in conn.execute(query)}

    def put_story_digest(self, story_id: int, basis: str, summary_line: str, body: Any) -> None:
        """Store a story's digest (replacing the one before)."""
        values = {"story_id": story_id, "basis": basis, "summary_line": summary_line,
                  "body": json.dumps(body, ensure_ascii=False, default=str), "computed_at": utcnow()}
        statement = upsert(self.dialect, story_digests).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=[story_digests.c.story_id],
            set_={k: statement.excluded[k] for k in ("basis", "summary_line", "body", "computed_at")})
        with self.transaction() as conn:
            if conn.execute(select(stories.c.id).where(stories.c.id == story_id)).first() is None:
                return  # the story went meanwhile
            conn.execute(statement)

    def count_story_digests(self) -> int:
        with self.read() as conn:
            return int(conn.execute(select(func.count()).select_from(story_digests)).scalar_one())

    # --- articles --------------------------------------------------------------------------
    def article_basis(self, article_id: int) -> str:
        """An article's related list follows its story (a new member is likely related) and the
        article itself."""
        query = (select(articles.c.id, articles.c.story_id, stories.c.updated_at, stories.c.size)
                 .outerjoin(stories, stories.c.id == articles.c.story_id).where(articles.c.id == article_id))
        with self.read() as conn:
            row = conn.execute(query).first()
        if row is None or row.story_id is None:
            return "-"
        return f"{row.story_id}|{basis_of(row.updated_at, int(row.size or 0))}"

    def get_article_digest(self, article_id: int) -> Digest | None:
        query = (select(article_digests.c.related, article_digests.c.basis, article_digests.c.computed_at,
                        articles.c.story_id, stories.c.updated_at, stories.c.size)
                 .join(articles, articles.c.id == article_digests.c.article_id)
                 .outerjoin(stories, stories.c.id == articles.c.story_id)
                 .where(article_digests.c.article_id == article_id))
        with self.read() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        body = _load(row.related)
        if body is None:
            return None
        current = "-" if row.story_id is None else f"{row.story_id}|{basis_of(row.updated_at, int(row.size or 0))}"
        return Digest(body, row.basis, row.basis == current, as_utc(row.computed_at))

    def put_article_digest(self, article_id: int, basis: str, related: Any) -> None:
        values = {"article_id": article_id, "basis": basis,
                  "related": json.dumps(related, ensure_ascii=False, default=str), "computed_at": utcnow()}
        statement = upsert(self.dialect, article_digests).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=[article_digests.c.article_id],
            set_={k: statement.excluded[k] for k in ("basis", "related", "computed_at")})
        with self.transaction() as conn:
            if conn.execute(select(articles.c.id).where(articles.c.id == article_id)).first() is None:
                return
            conn.execute(statement)

    def stale_article_ids(self, story_id: int, limit: int = 30) -> list[int]:
        """Newest originals of a story whose related list is missing or follows an older state."""
        query = (select(articles.c.id, article_digests.c.basis)
                 .outerjoin(article_digests, article_digests.c.article_id == articles.c.id)
                 .where(articles.c.story_id == story_id)
                 .order_by(articles.c.id.desc()).limit(limit))
        with self.read() as conn:
            rows = conn.execute(query).all()
            state = conn.execute(select(stories.c.updated_at, stories.c.size)
                                 .where(stories.c.id == story_id)).first()
        if state is None:
            return []
        current = f"{story_id}|{basis_of(state.updated_at, int(state.size))}"
        return [int(r.id) for r in rows if r.basis != current]

    # --- entities --------------------------------------------------------------------------
    def entity_basis(self, entity_id: int) -> str | None:
        """The current basis of an entity (None for an unknown id)."""
        with self.read() as conn:
            row = conn.execute(select(entities.c.updated_at).where(entities.c.id == entity_id)).first()
        return None if row is None else entity_basis_of(row.updated_at)

    def get_entity_digest(self, entity_id: int) -> Digest | None:
        """The stored page of an entity, fresh or stale, in one query; None when none is stored."""
        query = (select(entity_digests.c.body, entity_digests.c.basis, entity_digests.c.computed_at,
                        entities.c.updated_at)
                 .join(entities, entities.c.id == entity_digests.c.entity_id)
                 .where(entity_digests.c.entity_id == entity_id))
        with self.read() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        body = _load(row.body)
        if not isinstance(body, dict):
            return None  # damaged: recomputed and overwritten
        return Digest(body, row.basis, row.basis == entity_basis_of(row.updated_at), as_utc(row.computed_at))

    def put_entity_digest(self, entity_id: int, basis: str, body: Any) -> None:
        """Store an entity's page (replacing the one before); nothing when the entity went meanwhile."""
        info = body.get("entity", {}) if isinstance(body, dict) else {}
        values = {"entity_id": entity_id, "basis": basis,
                  "body": json.dumps(body, ensure_ascii=False, default=str), "computed_at": utcnow(),
                  "article_count": int(info.get("article_count", 0)), "story_count": int(info.get("story_count", 0)),
                  "mention_count": int(info.get("mentions", 0))}
        statement = upsert(self.dialect, entity_digests).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=[entity_digests.c.entity_id],
            set_={k: statement.excluded[k] for k in values if k != "entity_id"})
        with self.transaction() as conn:
            if conn.execute(select(entities.c.id).where(entities.c.id == entity_id)).first() is None:
                return
            conn.execute(statement)

    def count_entity_digests(self) -> int:
        with self.read() as conn:
            return int(conn.execute(select(func.count()).select_from(entity_digests)).scalar_one())

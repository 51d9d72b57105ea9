"""Queries for the summary cache (a mixin of newsdesk.store.Store).

A cache key names the subject, the method, its parameters and a content version (an article's
content hash, a digest of a story's articles), so a changed subject gets a new key and an old entry
is simply never asked for again. Writes are upserts, portable to SQLite and PostgreSQL: two
processes computing the same summary at once both succeed and the last one wins.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from newsdesk.errors import StoreError
from newsdesk.store.database import Database, utcnow
from newsdesk.store.schema import summaries

MAX_KEY_LENGTH = 200


class CacheQueries(Database):
    """The ``summaries`` table: JSON bodies under a key."""

    def get_cached(self, key: str) -> dict[str, Any] | None:
        """The body stored under ``key``, or ``None`` when nothing is cached (a miss, not a failure)."""
        with self.read() as conn:
            body = conn.execute(select(summaries.c.body).where(summaries.c.key == key)).scalar_one_or_none()
        if body is None:
            return None
        try:
            value = json.loads(body)
        except json.JSONDecodeError:
            return None  # a damaged entry is a miss: it gets recomputed and overwritten
        return value if isinstance(value, dict) else None

    def put_cached(self, key: str, body: dict[str, Any]) -> None:
        """Store ``body`` under ``key``, replacing what was there."""
        if not key or len(key) > MAX_KEY_LENGTH:
            raise StoreError(f"cache key must be 1..{MAX_KEY_LENGTH} characters", source=key[:80])
        values = {"key": key, "body": json.dumps(body, ensure_ascii=False, default=str),
                  "created_at": utcnow()}
        insert = pg_insert if self.dialect == "postgresql" else sqlite_insert
        statement = insert(summaries).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=[summaries.c.key],
            set_={"body": statement.excluded.body, "created_at": statement.excluded.created_at},
        )
        with self.transaction() as conn:
            conn.execute(statement)

    def drop_cached(self, prefix: str) -> int:
        """Forget every entry whose key starts with ``prefix`` (e.g. ``article:12:``); returns how many."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        with self.transaction() as conn:
            result = conn.execute(delete(summaries).where(summaries.c.key.like(escaped + "%", escape="\\")))
        return int(result.rowcount or 0)

    def count_cached(self) -> int:
        with self.read() as conn:
            return int(conn.execute(select(func.count()).select_from(summaries)).scalar_one())

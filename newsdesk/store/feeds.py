"""Queries for feed subscriptions and the fetch log."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, delete, func, insert, select, update

from newsdesk.errors import NotFoundError
from newsdesk.models import Feed
from newsdesk.store.database import Database, as_utc, upsert, utcnow
from newsdesk.store.schema import articles, feeds, fetches


def row_to_feed(row: Row[Any], article_count: int = 0) -> Feed:
    m = row._mapping
    return Feed(
        id=m["id"], url=m["url"], title=m["title"], site_url=m["site_url"], kind=m["kind"], etag=m["etag"],
        last_modified=m["last_modified"], last_fetched=as_utc(m["last_fetched"]), last_status=m["last_status"],
        error_count=m["error_count"], last_error=m["last_error"], next_poll=as_utc(m["next_poll"]),
        article_count=article_count,
    )


def backoff_delay(error_count: int, base: int, cap: int, retry_after: float | None = None) -> float:
    """Seconds before the next poll of a failing feed: exponential, jittered, capped, ≥ Retry-After."""
    delay = min(cap, base * (2 ** max(0, error_count - 1)))
    delay = delay * (0.8 + 0.4 * random.random())
    return max(delay, retry_after or 0.0)


class FeedQueries(Database):
    """Subscriptions (feeds and sitemaps) with their polling state."""

    def add_feed(self, url: str, title: str = "", site_url: str = "", kind: str = "feed") -> tuple[Feed, bool]:
        """Subscribe (idempotent, an upsert on the URL: two processes subscribing at once both
        succeed, one of them sees it as new). Returns the feed and whether it is new."""
        with self.transaction() as conn:
            created = conn.execute(
                upsert(self.dialect, feeds).values(
                    url=url, title=title, site_url=site_url, kind=kind, created_at=utcnow(),
                    etag="", last_modified="", last_status="", error_count=0, last_error="")
                .on_conflict_do_nothing(index_elements=[feeds.c.url])
                .returning(feeds.c.id)).scalar()
            if created is not None:
                return self._get_feed(conn, int(created)), True
            row = conn.execute(select(feeds.c.id, feeds.c.title).where(feeds.c.url == url)).one()
            if title and not row.title:
                conn.execute(update(feeds).where(feeds.c.id == row.id).values(title=title))
            return self._get_feed(conn, row.id), False

    def _get_feed(self, conn: Any, feed_id: int) -> Feed:
        row = conn.execute(select(feeds).where(feeds.c.id == feed_id)).first()
        if row is None:
            raise NotFoundError(f"no feed with id {feed_id}", source=str(feed_id))
        count = conn.execute(select(func.count()).where(articles.c.feed_id == feed_id)).scalar() or 0
        return row_to_feed(row, int(count))

    def get_feed(self, feed_id: int) -> Feed:
        with self.read() as conn:
            return self._get_feed(conn, feed_id)

    def find_feed(self, url: str) -> Feed | None:
        with self.read() as conn:
            row = conn.execute(select(feeds.c.id).where(feeds.c.url == url)).first()
            return self._get_feed(conn, row.id) if row else None

    def list_feeds(self) -> list[Feed]:
        counts = (select(articles.c.feed_id, func.count().label("n")).group_by(articles.c.feed_id).subquery())
        query = (select(feeds, counts.c.n).outerjoin(counts, counts.c.feed_id == feeds.c.id)
                 .order_by(feeds.c.title, feeds.c.url))
        with self.read() as conn:
            return [row_to_feed(row, int(row.n or 0)) for row in conn.execute(query)]

    def remove_feed(self, feed_id: int) -> None:
        with self.transaction() as conn:
            if conn.execute(delete(feeds).where(feeds.c.id == feed_id)).rowcount == 0:
                raise NotFoundError(f"no feed with id {feed_id}", source=str(feed_id))

    def due_feeds(self, now: datetime | None = None) -> list[Feed]:
        now = now or utcnow()
        with self.read() as conn:
            rows = conn.execute(select(feeds).where((feeds.c.next_poll.is_(None)) | (feeds.c.next_poll <= now))
                                .order_by(feeds.c.id)).all()
        return [row_to_feed(r) for r in rows]

    def record_feed_success(self, feed_id: int, *, title: str = "", site_url: str = "", etag: str = "",
                            last_modified: str = "", not_modified: bool = False, interval: int = 1800) -> None:
        now = utcnow()
        values: dict[str, Any] = dict(last_fetched=now, last_status="not modified" if not_modified else "ok",
                                      error_count=0, last_error="", next_poll=now + timedelta(seconds=interval))
        if not not_modified:
            values.update(etag=etag, last_modified=last_modified)
        if title:
            values["title"] = title
        if site_url:
            values["site_url"] = site_url
        with self.transaction() as conn:
            conn.execute(update(feeds).where(feeds.c.id == feed_id).values(**values))

    def record_feed_failure(self, feed_id: int, error: str, *, base: int = 1800, cap: int = 86_400,
                            retry_after: float | None = None) -> Feed:
        """Count the failure, keep its message, and push the next poll back exponentially."""
        now = utcnow()
        with self.transaction() as conn:
            count = int(conn.execute(select(feeds.c.error_count).where(feeds.c.id == feed_id)).scalar() or 0) + 1
            delay = backoff_delay(count, base, cap, retry_after)
            conn.execute(update(feeds).where(feeds.c.id == feed_id).values(
                last_fetched=now, last_status="error", error_count=count, last_error=error[:2000],
                next_poll=now + timedelta(seconds=delay)))
            return self._get_feed(conn, feed_id)

    def log_fetch(self, url: str, *, feed_id: int | None = None, status_code: int = 0, elapsed_ms: int = 0,
                  content_type: str = "", content_length: int = 0, etag: str = "", last_modified: str = "",
                  error: str = "") -> None:
        with self.transaction() as conn:
            conn.execute(insert(fetches).values(
                url=url, feed_id=feed_id, fetched_at=utcnow(), status_code=status_code, elapsed_ms=elapsed_ms,
                content_type=content_type, content_length=content_length, etag=etag,
                last_modified=last_modified, error=error[:2000]))

"""Queries for watchlists and their alert ledger (a mixin of newsdesk.store.Store).

A watchlist belongs to one user: every read names the user, and another user's watchlist is
"not found" (never "forbidden", which would tell that it exists). The alert ledger
(``watchlist_alerts``) records each article once per watchlist, so an alert job that crashes
and runs again never alerts an article twice.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update

from newsdesk.dates import parse_iso_datetime
from newsdesk.errors import ConflictError, InvalidArgumentError, NotFoundError
from newsdesk.store.articles import ArticleQueries
from newsdesk.store.database import as_utc, is_row_id, is_storable, upsert, utcnow
from newsdesk.store.schema import (
    ARTICLE_ORDER,
    article_entities,
    articles,
    duplicate_links,
    outlets,
    watchlist_alerts,
    watchlists,
)
from newsdesk.store.stories import StoryQueries

KINDS = ("search", "story", "entity", "outlet")
ALERT_MODES = ("off", "immediate", "hourly", "daily")
#: the search filters a search watchlist may keep (the same as the search page's)
SEARCH_FILTERS = ("outlet", "language", "since", "until")


@dataclass(frozen=True)
class Watchlist:
    id: int
    user_id: int
    name: str
    kind: str
    query: str
    filters: dict[str, str]
    target_id: int | None
    alert_mode: str
    alert_time: str
    min_new: int
    email: str
    webhook_url: str
    feed_nonce: str
    created_at: datetime | None
    checked_at: datetime | None
    last_alert_at: datetime | None
    has_webhook_secret: bool = field(default=False)

    @property
    def place(self) -> str:
        """Its key in ``user_visits``."""
        return f"watchlist:{self.id}"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "kind": self.kind, "query": self.query,
            "filters": self.filters, "target_id": self.target_id,
            "alert": {"mode": self.alert_mode, "time": self.alert_time, "min_new": self.min_new,
                      "email": self.email, "webhook_url": self.webhook_url,
                      "webhook_signed": self.has_webhook_secret},
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "last_alert_at": self.last_alert_at.isoformat() if self.last_alert_at else None,
        }


def _watchlist(row: Any) -> Watchlist:
    try:
        filters = {str(k): str(v) for k, v in json.loads(row.filters or "{}").items()}
    except (ValueError, AttributeError):
        filters = {}
    return Watchlist(
        id=int(row.id), user_id=int(row.user_id), name=row.name, kind=row.kind, query=row.query,
        filters=filters, target_id=row.target_id, alert_mode=row.alert_mode, alert_time=row.alert_time,
        min_new=int(row.min_new), email=row.email, webhook_url=row.webhook_url, feed_nonce=row.feed_nonce,
        created_at=as_utc(row.created_at), checked_at=as_utc(row.checked_at),
        last_alert_at=as_utc(row.last_alert_at), has_webhook_secret=bool(row.webhook_secret))


def check_watchlist_fields(values: dict[str, Any]) -> None:
    """Refuse values the columns cannot mean (InvalidArgumentError), before anything is written."""
    if "kind" in values and values["kind"] not in KINDS:
        raise InvalidArgumentError(f"unknown watchlist kind {values['kind']!r}: use {', '.join(KINDS)}")
    if "alert_mode" in values and values["alert_mode"] not in ALERT_MODES:
        raise InvalidArgumentError(f"unknown alert mode {values['alert_mode']!r}: use {', '.join(ALERT_MODES)}")
    if "min_new" in values and not 1 <= int(values["min_new"]) <= 10_000:
        raise InvalidArgumentError("min_new is a number from 1 to 10000")
    if "alert_time" in values:
        hours, _, minutes = str(values["alert_time"]).partition(":")
        if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60
                and len(minutes) == 2):
            raise InvalidArgumentError(f"alert time {values['alert_time']!r} is not HH:MM")
    if "filters" in values:
        unknown = set(values["filters"]) - set(SEARCH_FILTERS)
        if unknown:
            raise InvalidArgumentError(f"unknown search filter {', '.join(sorted(unknown))}")
    for key in ("name", "query", "email", "webhook_url", "webhook_secret"):
        if key in values and not is_storable(str(values[key])):
            raise InvalidArgumentError(f"{key} cannot contain a NUL character")
    if "name" in values and not str(values["name"]).strip():
        raise InvalidArgumentError("a watchlist needs a name")


class WatchlistQueries(ArticleQueries, StoryQueries):
    """Watchlists (per user), the articles they match, and the once-per-article alert ledger."""

    def create_watchlist(self, user_id: int, name: str, kind: str, *, query: str = "",
                         filters: dict[str, str] | None = None, target_id: int | None = None,
                         **alert: Any) -> Watchlist:
        values: dict[str, Any] = {"name": name.strip(), "kind": kind, "query": query, "filters": filters or {},
                                  **alert}
        check_watchlist_fields(values)
        if kind == "search" and not query.strip():
            raise InvalidArgumentError("a search watchlist needs a query")
        if kind != "search" and (target_id is None or not is_row_id(target_id)):
            raise InvalidArgumentError(f"a {kind} watchlist needs the id of its {kind}")
        now = utcnow()
        values["filters"] = json.dumps(values["filters"], sort_keys=True)
        row = {"alert_mode": "off", "alert_time": "08:00", "min_new": 1, "email": "", "webhook_url": "",
               "webhook_secret": "", **values, "user_id": user_id, "target_id": target_id,
               "feed_nonce": secrets.token_hex(16), "created_at": now, "checked_at": now}
        with self.transaction() as conn:
            new_id = conn.execute(upsert(self.dialect, watchlists).values(**row).on_conflict_do_nothing(
                index_elements=[watchlists.c.user_id, watchlists.c.name]).returning(watchlists.c.id)).scalar()
        if new_id is None:
            raise ConflictError(f"you have a watchlist named {name.strip()!r} already", source=name)
        return self.get_watchlist(int(new_id), user_id)

    def list_watchlists(self, user_id: int | None = None, *, alerting: bool = False) -> list[Watchlist]:
        """A user's watchlists by name; ``None`` lists everyone's (the alert scheduler's view)."""
        query = select(watchlists)
        if user_id is not None:
            query = query.where(watchlists.c.user_id == user_id)
        if alerting:
            query = query.where(watchlists.c.alert_mode != "off")
        with self.read() as conn:
            return [_watchlist(r) for r in conn.execute(query.order_by(watchlists.c.name, watchlists.c.id))]

    def get_watchlist(self, watchlist_id: int, user_id: int | None) -> Watchlist:
        """The watchlist if it is ``user_id``'s (``None``: whoever's, for jobs); NotFoundError otherwise."""
        row = None
        if is_row_id(watchlist_id):
            query = select(watchlists).where(watchlists.c.id == watchlist_id)
            if user_id is not None:
                query = query.where(watchlists.c.user_id == user_id)
            with self.read() as conn:
                row = conn.execute(query).first()
        if row is None:
            raise NotFoundError(f"no watchlist with id {watchlist_id}", source=f"watchlist {watchlist_id}")
        return _watchlist(row)

    def webhook_secret_of(self, watchlist_id: int) -> str:
        with self.read() as conn:
            value = conn.execute(select(watchlists.c.webhook_secret).where(watchlists.c.id == watchlist_id)).scalar()
        return str(value or "")

    def update_watchlist(self, watchlist_id: int, user_id: int, **values: Any) -> Watchlist:
        allowed = {"name", "query", "filters", "alert_mode", "alert_time", "min_new", "email", "webhook_url",
                   "webhook_secret", "checked_at", "last_alert_at"}
        unknown = set(values) - allowed
        if unknown:
            raise InvalidArgumentError(f"cannot change {', '.join(sorted(unknown))} of a watchlist")
        check_watchlist_fields(values)
        self.get_watchlist(watchlist_id, user_id)
        if "filters" in values:
            values["filters"] = json.dumps(values["filters"], sort_keys=True)
        if values:
            with self.transaction() as conn:
                conn.execute(update(watchlists).where(watchlists.c.id == watchlist_id).values(**values))
        return self.get_watchlist(watchlist_id, user_id)

    def renew_feed_nonce(self, watchlist_id: int, user_id: int) -> Watchlist:
        """A new private-feed secret: the old feed URLs stop working."""
        self.get_watchlist(watchlist_id, user_id)
        with self.transaction() as conn:
            conn.execute(update(watchlists).where(watchlists.c.id == watchlist_id)
                         .values(feed_nonce=secrets.token_hex(16)))
        return self.get_watchlist(watchlist_id, user_id)

    def delete_watchlist(self, watchlist_id: int, user_id: int) -> None:
        self.get_watchlist(watchlist_id, user_id)
        with self.transaction() as conn:
            conn.execute(delete(watchlists).where(watchlists.c.id == watchlist_id))

    # -- what a watchlist matches -----------------------------------------------------------------

    def _watchlist_condition(self, watchlist: Watchlist) -> tuple[Any, dict[str, Any]]:
        """(a condition on ``articles`` selecting what the watchlist follows, its bind parameters)."""
        if watchlist.kind == "story":
            story_id = self.resolve_story_id(watchlist.target_id or 0)
            return articles.c.story_id == story_id, {}
        if watchlist.kind == "entity":
            return articles.c.id.in_(select(article_entities.c.article_id)
                                     .where(article_entities.c.entity_id == watchlist.target_id)), {}
        if watchlist.kind == "outlet":
            return articles.c.outlet_id == watchlist.target_id, {}
        matched = self._match(watchlist.query)
        if matched is None:
            return articles.c.id.is_(None), {}
        match, params, _order = matched
        conditions: list[Any] = [articles.c.id.in_(select(match.c.id))]
        filters = watchlist.filters
        if filters.get("outlet"):
            conditions.append(articles.c.outlet_id.in_(
                select(outlets.c.id).where(func.lower(outlets.c.name) == filters["outlet"].lower())))
        if filters.get("language"):
            conditions.append(articles.c.language == filters["language"])
        for key, compare in (("since", ARTICLE_ORDER.__ge__), ("until", ARTICLE_ORDER.__le__)):
            if filters.get(key):
                when = parse_iso_datetime(filters[key])
                if when is not None:
                    conditions.append(compare(when))
        return and_(*conditions), params

    def watchlist_article_ids(self, watchlist: Watchlist, *, stored_after: datetime | None = None,
                              limit: int = 50, before: tuple[datetime | None, int] | None = None) -> list[int]:
        """Originals (copies folded) the watchlist matches, newest first; ``stored_after`` keeps only
        articles first stored after that time (what is new since a visit or an alert run);
        ``before`` is a keyset cursor (listing time, id) as in ``list_articles``."""
        condition, params = self._watchlist_condition(watchlist)
        query = (select(articles.c.id, ARTICLE_ORDER.label("at"))
                 .select_from(articles.outerjoin(duplicate_links, duplicate_links.c.article_id == articles.c.id))
                 .where(condition, duplicate_links.c.article_id.is_(None)))
        if stored_after is not None:
            query = query.where(articles.c.first_seen > stored_after)
        if before is not None:
            when, last_id = before
            query = query.where(or_(ARTICLE_ORDER < when,  # noqa: SIM300 (a column expression)
                                    and_(ARTICLE_ORDER == when, articles.c.id < last_id)))  # noqa: SIM300
        query = query.order_by(ARTICLE_ORDER.desc(), articles.c.id.desc()).limit(limit)
        with self.read() as conn:
            return [int(r.id) for r in conn.execute(query, params)]

    def count_watchlist_articles(self, watchlist: Watchlist, *, stored_after: datetime | None = None) -> int:
        condition, params = self._watchlist_condition(watchlist)
        query = (select(func.count()).select_from(
            articles.outerjoin(duplicate_links, duplicate_links.c.article_id == articles.c.id))
            .where(condition, duplicate_links.c.article_id.is_(None)))
        if stored_after is not None:
            query = query.where(articles.c.first_seen > stored_after)
        with self.read() as conn:
            return int(conn.execute(query, params).scalar() or 0)

    # -- the alert ledger -------------------------------------------------------------------------

    def queue_alerts(self, watchlist_id: int, article_ids: Sequence[int]) -> int:
        """Record articles as due for alerting; ones recorded before (sent or not) are skipped.
        Returns how many are new to the ledger."""
        now = utcnow()
        added = 0
        with self.transaction() as conn:
            for article_id in sorted(set(article_ids)):
                added += conn.execute(upsert(self.dialect, watchlist_alerts).values(
                    watchlist_id=watchlist_id, article_id=article_id, status="pending", queued_at=now
                ).on_conflict_do_nothing(index_elements=[watchlist_alerts.c.watchlist_id,
                                                         watchlist_alerts.c.article_id])
                    .returning(watchlist_alerts.c.article_id)).first() is not None
        return added

    def pending_alerts(self, watchlist_id: int, *, limit: int = 500) -> list[int]:
        """Article ids queued and not yet sent for this watchlist, oldest queued first."""
        with self.read() as conn:
            return [int(i) for i in conn.execute(
                select(watchlist_alerts.c.article_id).where(
                    watchlist_alerts.c.watchlist_id == watchlist_id, watchlist_alerts.c.status == "pending")
                .order_by(watchlist_alerts.c.queued_at, watchlist_alerts.c.article_id).limit(limit)).scalars()]

    def mark_alerts_sent(self, watchlist_id: int, article_ids: Sequence[int]) -> int:
        """Mark these alerts sent (only pending ones change); returns how many changed."""
        if not article_ids:
            return 0
        now = utcnow()
        with self.transaction() as conn:
            changed = conn.execute(update(watchlist_alerts).where(
                watchlist_alerts.c.watchlist_id == watchlist_id,
                watchlist_alerts.c.article_id.in_(sorted(set(article_ids))),
                watchlist_alerts.c.status == "pending").values(status="sent", sent_at=now)).rowcount or 0
            conn.execute(update(watchlists).where(watchlists.c.id == watchlist_id).values(last_alert_at=now))
        return int(changed)

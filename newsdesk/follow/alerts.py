"""Watchlist alerts and scheduled digests: what the alert jobs do.

One run for one watchlist (:func:`run_watchlist_alerts`):

1. **queue** — the articles it matches that were first stored since its watermark (minus
   :data:`ANALYSIS_LOOKBACK`, because an article matches a story or entity only once its analysis
   is done) go into the ``watchlist_alerts`` ledger, once per (watchlist, article);
2. **claim** — when the rule is due (immediate / hourly / daily at a time in the user's zone) and
   at least ``min_new`` alerts wait, they become one batch (status ``sending``);
3. **send** — e-mail and/or webhook, with a delivery id derived from (watchlist, batch);
4. **mark sent**.

Delivery is at-least-once with a dedupe key: a run that dies between 3 and 4 leaves the batch in
``sending``; the next run sends exactly that batch again, with the same ``Message-ID`` and
``X-Newsdesk-Delivery``, so a receiver recognises the repeat. No article is ever put in a second
batch of the same watchlist. Digests follow the same rule: sent, then ``last_digest_at`` moves;
the Message-ID is derived from (user, scheduled slot).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from newsdesk.config import Settings
from newsdesk.follow import schedule
from newsdesk.follow.delivery import Mail, post_webhook, send_mail
from newsdesk.follow.digest import DigestArticle, build_digest, digest_article, reader_link
from newsdesk.follow.render import alert_html, alert_text, digest_html, digest_markdown
from newsdesk.store import Store, utcnow
from newsdesk.store.users import User
from newsdesk.store.watchlists import Watchlist
from newsdesk.urls import host_of

#: how far before its watermark a watchlist looks again (late analysis; the ledger dedupes)
ANALYSIS_LOOKBACK = timedelta(hours=24)
#: most articles in one alert
BATCH_LIMIT = 200


@dataclass(frozen=True)
class AlertRun:
    watchlist_id: int
    queued: int
    sent: int
    delivery_id: str = ""
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"watchlist_id": self.watchlist_id, "queued": self.queued, "sent": self.sent,
                "delivery_id": self.delivery_id or None, "note": self.note or None}


def batch_id(watchlist_id: int, article_ids: list[int]) -> str:
    """The delivery id of a batch: the same articles of the same watchlist give the same id."""
    body = f"watchlist:{watchlist_id}:" + ",".join(str(i) for i in sorted(article_ids))
    return f"wl{watchlist_id}-" + hashlib.sha256(body.encode()).hexdigest()[:24]


def message_id(settings: Settings, delivery_id: str) -> str:
    return f"<{delivery_id}@{host_of(settings.base_url) or 'newsdesk.invalid'}>"


def _watchlist_link(settings: Settings, watchlist: Watchlist) -> str:
    return reader_link(settings, f"/watchlists/{watchlist.id}")


def alert_payload(settings: Settings, watchlist: Watchlist, articles: list[DigestArticle], delivery_id: str,
                  *, test: bool = False) -> dict[str, Any]:
    return {"event": "test" if test else "alert", "delivery_id": delivery_id,
            "watchlist": {"id": watchlist.id, "name": watchlist.name, "kind": watchlist.kind,
                          "link": _watchlist_link(settings, watchlist)},
            "articles": [a.to_json() for a in articles]}


def deliver_alert(store: Store, settings: Settings, watchlist: Watchlist, article_ids: list[int],
                  delivery_id: str, *, test: bool = False) -> None:
    """Send one batch to the watchlist's e-mail address and webhook (raises DeliveryError/FetchError)."""
    found = {a.id: a for a in store.get_articles(article_ids)}
    articles = [digest_article(settings, found[i]) for i in sorted(found, reverse=True)]
    link = _watchlist_link(settings, watchlist)
    if watchlist.email:
        prefix = "[test] " if test else ""
        send_mail(settings, Mail(watchlist.email, f"{prefix}{len(articles)} new: {watchlist.name}",
                                 alert_text(watchlist.name, link, articles),
                                 alert_html(watchlist.name, link, articles), message_id(settings, delivery_id)))
    if watchlist.webhook_url:
        post_webhook(settings, watchlist.webhook_url, store.webhook_secret_of(watchlist.id),
                     alert_payload(settings, watchlist, articles, delivery_id, test=test),
                     delivery_id=delivery_id, event="test" if test else "alert")


def _due(store: Store, watchlist: Watchlist, now: datetime) -> bool:
    user = store.get_user(watchlist.user_id)
    return schedule.alert_due(watchlist.alert_mode, watchlist.alert_time, user.time_zone,
                              last_sent=watchlist.last_alert_at, created=watchlist.created_at, now=now)


def run_watchlist_alerts(store: Store, settings: Settings, watchlist_id: int, *,
                         now: datetime | None = None) -> AlertRun:
    """Queue what is new for one watchlist, and send a batch if its rule is due (see the module)."""
    now = now or utcnow()
    watchlist = store.get_watchlist(watchlist_id, None)
    queued = store.record_new_matches(watchlist, checked_at=now, lookback=ANALYSIS_LOOKBACK)
    if watchlist.alert_mode == "off" or not (watchlist.email or watchlist.webhook_url):
        return AlertRun(watchlist.id, queued, 0, note="alerts off")
    if not _due(store, watchlist, now):
        return AlertRun(watchlist.id, queued, 0, note="not due")
    if store.count_pending_alerts(watchlist.id) < watchlist.min_new:
        return AlertRun(watchlist.id, queued, 0, note=f"fewer than {watchlist.min_new} new")
    ids = store.claim_alert_batch(watchlist.id, limit=BATCH_LIMIT)
    if not ids:
        return AlertRun(watchlist.id, queued, 0, note="nothing to send")
    delivery_id = batch_id(watchlist.id, ids)
    deliver_alert(store, settings, watchlist, ids, delivery_id)
    store.mark_alerts_sent(watchlist.id, ids, sent_at=now)
    return AlertRun(watchlist.id, queued, len(ids), delivery_id)


def send_test_alert(store: Store, settings: Settings, watchlist: Watchlist, *, articles: int = 3) -> AlertRun:
    """A test alert with the watchlist's newest articles; the ledger is not touched."""
    if not (watchlist.email or watchlist.webhook_url):
        from newsdesk.errors import InvalidArgumentError

        raise InvalidArgumentError("the watchlist has no e-mail address or webhook to test",
                                   source=f"watchlist {watchlist.id}")
    ids = store.watchlist_article_ids(watchlist, limit=articles)
    delivery_id = f"test-wl{watchlist.id}-{secrets.token_hex(6)}"
    deliver_alert(store, settings, watchlist, ids, delivery_id, test=True)
    return AlertRun(watchlist.id, 0, len(ids), delivery_id, note="test")


def due_watchlist_ids(store: Store, *, now: datetime | None = None, modes: tuple[str, ...] | None = None) -> list[int]:
    """Watchlists whose alert rule is due now (for the per-minute evaluation)."""
    now = now or utcnow()
    zones = {u.id: u.time_zone for u in store.list_users()}
    due = []
    for w in store.list_watchlists(alerting=True):
        if modes is not None and w.alert_mode not in modes:
            continue
        if schedule.alert_due(w.alert_mode, w.alert_time, zones.get(w.user_id, "UTC"), last_sent=w.last_alert_at,
                              created=w.created_at, now=now):
            due.append(w.id)
    return due


# --- digests -----------------------------------------------------------------------------------

def digest_is_due(user: User, now: datetime) -> bool:
    return schedule.digest_due(user.digest_mode, user.digest_time, user.digest_weekday, user.time_zone,
                               last_sent=user.last_digest_at, created=user.created_at, now=now)


def due_digest_user_ids(store: Store, *, now: datetime | None = None) -> list[int]:
    now = now or utcnow()
    return [u.id for u in store.list_users() if u.email and digest_is_due(u, now)]


def send_scheduled_digest(store: Store, settings: Settings, user_id: int, *, now: datetime | None = None) -> bool:
    """Send ``user``'s digest if due (by e-mail); True when one went out. An empty digest is not
    sent, but the schedule moves on."""
    now = now or utcnow()
    user = store.get_user(user_id)
    if not user.email or not digest_is_due(user, now):
        return False
    slot = schedule.latest_slot(now, user.digest_time, user.time_zone,
                                weekday=user.digest_weekday if user.digest_mode == "weekly" else None)
    since = schedule.digest_window(user.digest_mode, last_sent=user.last_digest_at, now=now)
    digest = build_digest(store, settings, user, since=since, until=now)
    sent = False
    if digest.stories:
        delivery_id = f"digest-u{user.id}-{slot:%Y%m%d%H%M}"
        send_mail(settings, Mail(user.email, f"Your newsdesk digest: {digest.article_count} new articles",
                                 digest_markdown(digest), digest_html(digest), message_id(settings, delivery_id)))
        sent = True
    store.update_user(user.id, last_digest_at=now)
    return sent

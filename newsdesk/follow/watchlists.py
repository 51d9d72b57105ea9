"""Making and changing watchlists from what a reader typed (CLI options, API bodies, forms):
the target resolved to its row, the alert targets checked (an e-mail address; a webhook URL through
the fetcher's address guard), a signing secret made for a new webhook."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from newsdesk.config import Settings
from newsdesk.errors import InvalidArgumentError, NotFoundError
from newsdesk.follow.delivery import check_email, check_webhook_url
from newsdesk.follow.feedtokens import feed_token
from newsdesk.store import Store
from newsdesk.store.users import User
from newsdesk.store.watchlists import KINDS, Watchlist


@dataclass
class WatchlistSpec:
    """A watchlist as asked for; ``target`` is a story id, an entity name or id, an outlet name."""

    kind: str
    query: str = ""
    target: str = ""
    name: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    alert_mode: str = "off"
    alert_time: str = "08:00"
    min_new: int = 1
    email: str = ""
    webhook_url: str = ""


def resolve_target(store: Store, kind: str, target: str) -> tuple[int, str]:
    """(row id, display name) of what a story, entity or outlet watchlist follows."""
    text = str(target).strip()
    if kind == "story":
        if not text.isdigit():
            raise InvalidArgumentError(f"a story is named by its id, not {text!r}", source=text)
        story = store.get_story(store.resolve_story_id(int(text)))
        return story.id, story.title or f"story {story.id}"
    if kind == "entity":
        entity_id = store.find_entity_id(text)
        infos = store.entity_infos([entity_id])
        return entity_id, infos[0].name if infos else text
    if kind == "outlet":
        outlet_id = store.find_outlet_id(text)
        return outlet_id, store.outlet_name(outlet_id)
    raise InvalidArgumentError(f"unknown watchlist kind {kind!r}: use {', '.join(KINDS)}")


def _alert_values(settings: Settings, user: User, values: dict[str, Any]) -> dict[str, Any]:
    """The alert fields checked; a webhook gets a new signing secret (``webhook_secret``)."""
    out = dict(values)
    if out.get("email"):
        out["email"] = check_email(out["email"])
    if "webhook_url" in out:
        if out["webhook_url"]:
            out["webhook_url"] = check_webhook_url(out["webhook_url"], settings)
            out["webhook_secret"] = secrets.token_urlsafe(32)
        else:
            out["webhook_secret"] = ""
    return out


def _check_alert_has_target(mode: str, email: str, webhook_url: str) -> None:
    if mode != "off" and not (email or webhook_url):
        raise InvalidArgumentError("an alert needs an e-mail address or a webhook URL (or set your account's e-mail)")


def create_watchlist(store: Store, settings: Settings, user: User, spec: WatchlistSpec) -> tuple[Watchlist, str]:
    """The new watchlist and, when it has a webhook, the webhook's signing secret (shown once)."""
    if spec.kind not in KINDS:
        raise InvalidArgumentError(f"unknown watchlist kind {spec.kind!r}: use {', '.join(KINDS)}")
    target_id: int | None = None
    label = spec.query.strip()
    if spec.kind != "search":
        target_id, label = resolve_target(store, spec.kind, spec.target)
    email = spec.email or (user.email if spec.alert_mode != "off" and not spec.webhook_url else "")
    _check_alert_has_target(spec.alert_mode, email, spec.webhook_url)
    alert = _alert_values(settings, user, {"alert_mode": spec.alert_mode, "alert_time": spec.alert_time,
                                           "min_new": spec.min_new, "email": email,
                                           "webhook_url": spec.webhook_url})
    name = spec.name.strip() or f"{spec.kind}: {label}"[:200]
    watchlist = store.create_watchlist(user.id, name, spec.kind, query=spec.query.strip(),
                                       filters={k: v for k, v in spec.filters.items() if v},
                                       target_id=target_id, **alert)
    return watchlist, str(alert.get("webhook_secret") or "")


def update_watchlist(store: Store, settings: Settings, user: User, watchlist_id: int,
                     values: dict[str, Any]) -> tuple[Watchlist, str]:
    """Change name, query, filters or the alert rule; a changed webhook URL gets a new secret."""
    current = store.get_watchlist(watchlist_id, user.id)
    if "query" in values and current.kind != "search":
        raise InvalidArgumentError("only a search watchlist has a query")
    checked = _alert_values(settings, user, values)
    mode = checked.get("alert_mode", current.alert_mode)
    _check_alert_has_target(mode, checked.get("email", current.email),
                            checked.get("webhook_url", current.webhook_url))
    watchlist = store.update_watchlist(watchlist_id, user.id, **checked)
    return watchlist, str(checked.get("webhook_secret") or "")


def feed_urls(settings: Settings, key: bytes, watchlist: Watchlist, base: str | None = None) -> dict[str, str]:
    """The private Atom and JSON Feed URLs of a watchlist (whoever has one can read the feed)."""
    root = settings.base_url if base is None else base
    token = feed_token(key, watchlist)
    return {kind: f"{root}/watchlists/{watchlist.id}/feed.{kind}?token={token}" for kind in ("atom", "json")}


def watchlist_json(store: Store, settings: Settings, key: bytes, watchlist: Watchlist,
                   base: str | None = None) -> dict[str, Any]:
    """A watchlist as its owner sees it: rule, private feed URLs, alerts waiting."""
    data = watchlist.to_json()
    data["feeds"] = feed_urls(settings, key, watchlist, base)
    data["pending_alerts"] = store.count_pending_alerts(watchlist.id)
    if watchlist.kind != "search" and watchlist.target_id is not None:
        try:
            data["target"] = resolve_target(store, watchlist.kind, str(watchlist.target_id))[1] \
                if watchlist.kind != "entity" else store.entity_infos([watchlist.target_id])[0].name
        except (NotFoundError, IndexError):
            data["target"] = None
    return data

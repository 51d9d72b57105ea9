"""Watchlist alerts end to end on SQLite and PostgreSQL: matches queued once in the ledger, a batch
sent by e-mail to a real SMTP server on loopback (aiosmtpd) and by a signed webhook to a real
loopback HTTP receiver, the rule (min_new, daily in the user's zone) respected, a crashed send
resent with the same delivery id, and a webhook to a private address refused by default."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from loopback import LoopbackServer
from smtp_loopback import Mailbox

from newsdesk.config import Settings
from newsdesk.errors import BlockedAddressError, InvalidArgumentError
from newsdesk.follow import alerts
from newsdesk.follow.delivery import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    DeliveryError,
    check_webhook_url,
    post_webhook,
)
from newsdesk.follow.passwords import hash_password
from newsdesk.follow.watchlists import WatchlistSpec, create_watchlist
from newsdesk.models import ExtractedArticle
from newsdesk.store import Store

TEXT = ("The harbour authority of Port Verran approved a new ferry terminal on Monday. "
        "Construction starts in spring and the terminal opens in two years. "
        "Residents asked for quieter engines and more night crossings.")


def add_article(store: Store, slug: str, text: str = TEXT, *, title: str = "", outlet: str = "Verran Gazette") -> int:
    article = ExtractedArticle(url=f"https://gazette.example/{slug}", title=title or slug.replace("-", " "),
                               text=f"{text} ({slug})", outlet=outlet, language="en",
                               published=datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    with store.transaction() as conn:
        stored = store.save_article(conn, article, canonical_url=article.url,
                                    content_hash=hashlib.sha256(article.text.encode()).hexdigest(),
                                    domain="gazette.example")
    return stored.id


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with Mailbox() as box:
        yield box


@pytest.fixture
def receiver() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        srv.route("/hook", handler=lambda request: (204, {}, b""))
        yield srv


@pytest.fixture
def mail_settings(settings: Settings, mailbox: Mailbox) -> Settings:
    return settings.replace(smtp_host="127.0.0.1", smtp_port=mailbox.port, smtp_security="none",
                            smtp_from="desk@news.example", base_url="https://news.example")


def test_an_immediate_alert_goes_out_once_per_article(store: Store, mail_settings: Settings, mailbox: Mailbox,
                                                      receiver: LoopbackServer) -> None:
    user = store.create_user("alice", hash_password("correct horse"), email="alice@example.org")
    watchlist, secret = create_watchlist(store, mail_settings, user, WatchlistSpec(
        kind="search", query="ferry terminal", alert_mode="immediate", webhook_url=receiver.url("/hook"),
        email="alice@example.org"))
    assert secret
    first = add_article(store, "terminal-approved", title="Ferry terminal approved")
    add_article(store, "budget-vote", text="The council voted on the school budget for next year.",
                title="Budget vote")

    run = alerts.run_watchlist_alerts(store, mail_settings, watchlist.id)
    assert (run.queued, run.sent) == (1, 1)
    message = mailbox.wait_for(1)[0]
    assert message["To"] == "alice@example.org" and message["From"] == "desk@news.example"
    assert message["Message-ID"] == f"<{run.delivery_id}@news.example>"
    body = message.get_body(("plain",))
    assert body is not None and "Ferry terminal approved" in body.get_content()
    assert f"https://news.example/articles/{first}" in body.get_content()
    assert "Budget vote" not in body.get_content()

    hook = receiver.last_request("/hook")
    assert hook.method == "POST" and hook.header(DELIVERY_HEADER.lower()) == run.delivery_id
    expected = "sha256=" + hmac.new(secret.encode(), hook.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(hook.header(SIGNATURE_HEADER.lower()), expected)
    payload = json.loads(hook.body)
    assert [a["id"] for a in payload["articles"]] == [first] and payload["watchlist"]["id"] == watchlist.id

    again = alerts.run_watchlist_alerts(store, mail_settings, watchlist.id)
    assert (again.queued, again.sent) == (0, 0)
    second = add_article(store, "terminal-opens", title="Ferry terminal opening date set")
    later = alerts.run_watchlist_alerts(store, mail_settings, watchlist.id)
    assert (later.queued, later.sent) == (1, 1) and later.delivery_id != run.delivery_id
    assert len(mailbox.wait_for(2)) == 2 and receiver.count("/hook") == 2
    assert json.loads(receiver.last_request("/hook").body)["articles"][0]["id"] == second


def test_a_send_that_crashed_is_resent_as_the_same_batch(store: Store, mail_settings: Settings,
                                                         mailbox: Mailbox) -> None:
    user = store.create_user("bea", hash_password("correct horse"), email="bea@example.org")
    add_article(store, "seed")  # the outlet exists; this article is older than the watchlist: never alerted
    watchlist, _ = create_watchlist(store, mail_settings, user, WatchlistSpec(
        kind="outlet", target="Verran Gazette", alert_mode="immediate"))
    ids = [add_article(store, f"story-{n}") for n in range(3)]
    store.record_new_matches(watchlist, checked_at=datetime.now(UTC), lookback=alerts.ANALYSIS_LOOKBACK)
    claimed = store.claim_alert_batch(watchlist.id)  # the worker dies here: claimed, never sent
    assert claimed == sorted(ids)
    add_article(store, "story-late")  # arrives meanwhile: it belongs to the next batch, not this one

    run = alerts.run_watchlist_alerts(store, mail_settings, watchlist.id)
    assert run.sent == 3 and run.delivery_id == alerts.batch_id(watchlist.id, claimed)
    assert mailbox.wait_for(1)[0]["Message-ID"] == alerts.message_id(mail_settings, run.delivery_id)
    rest = alerts.run_watchlist_alerts(store, mail_settings, watchlist.id)
    assert rest.sent == 1 and store.count_pending_alerts(watchlist.id) == 0


def test_a_failed_delivery_keeps_the_batch_for_the_retry(store: Store, mail_settings: Settings,
                                                         receiver: LoopbackServer) -> None:
    user = store.create_user("cem", hash_password("correct horse"))
    receiver.route("/down", handler=lambda request: (503, {}, b"busy"))
    add_article(store, "seed")
    watchlist, _ = create_watchlist(store, mail_settings, user, WatchlistSpec(
        kind="outlet", target="Verran Gazette", alert_mode="immediate", webhook_url=receiver.url("/down")))
    add_article(store, "one")
    with pytest.raises(DeliveryError):
        alerts.run_watchlist_alerts(store, mail_settings, watchlist.id)
    first_id = receiver.last_request("/down").header(DELIVERY_HEADER.lower())
    receiver.route("/down", handler=lambda request: (200, {}, b"ok"))
    run = alerts.run_watchlist_alerts(store, mail_settings, watchlist.id)
    assert run.sent == 1 and run.delivery_id == first_id and receiver.count("/down") == 2


def test_min_new_and_a_daily_rule_in_the_users_time_zone(store: Store, mail_settings: Settings,
                                                         mailbox: Mailbox) -> None:
    zone = ZoneInfo("America/New_York")
    local = (datetime.now(zone) + timedelta(minutes=10)).replace(second=0, microsecond=0)
    slot = local.astimezone(UTC)  # "07:30 in New York" is a UTC moment 4 or 5 hours later
    assert local.utcoffset() and slot.strftime("%H:%M") != local.strftime("%H:%M")
    user = store.create_user("dora", hash_password("correct horse"), email="dora@example.org",
                             time_zone="America/New_York")
    add_article(store, "seed")
    watchlist, _ = create_watchlist(store, mail_settings, user, WatchlistSpec(
        kind="outlet", target="Verran Gazette", alert_mode="daily", alert_time=f"{local:%H:%M}", min_new=2))
    add_article(store, "first")
    early = alerts.run_watchlist_alerts(store, mail_settings, watchlist.id, now=slot - timedelta(minutes=1))
    assert early.note == "not due" and store.count_pending_alerts(watchlist.id) == 1
    one = alerts.run_watchlist_alerts(store, mail_settings, watchlist.id, now=slot + timedelta(minutes=1))
    assert one.sent == 0 and "fewer than 2" in one.note
    add_article(store, "second")
    two = alerts.run_watchlist_alerts(store, mail_settings, watchlist.id, now=slot + timedelta(minutes=2))
    assert two.sent == 2
    assert len(mailbox.wait_for(1)) == 1
    third = add_article(store, "third")
    add_article(store, "fourth")
    same_day = alerts.run_watchlist_alerts(store, mail_settings, watchlist.id, now=slot + timedelta(hours=3))
    assert same_day.note == "not due" and store.count_pending_alerts(watchlist.id) == 2
    assert third in store.pending_alerts(watchlist.id)
    next_day = alerts.run_watchlist_alerts(store, mail_settings, watchlist.id, now=slot + timedelta(days=1))
    assert next_day.sent == 2 and len(mailbox.wait_for(2)) == 2


def test_a_webhook_to_a_private_address_is_refused_by_default(store: Store, settings: Settings,
                                                              receiver: LoopbackServer) -> None:
    guarded = settings.replace(allow_private_addresses=False)
    user = store.create_user("eve", hash_password("correct horse"))
    with pytest.raises(BlockedAddressError):
        check_webhook_url(receiver.url("/hook"), guarded)
    for url in ("http://169.254.169.254/latest/meta-data", "http://[::1]:8080/x", "http://10.0.0.7/hook"):
        with pytest.raises(BlockedAddressError):
            create_watchlist(store, guarded, user, WatchlistSpec(kind="search", query="ferry",
                                                                 alert_mode="immediate", webhook_url=url))
    with pytest.raises(BlockedAddressError):  # at send time too (a desk that stopped allowing them)
        post_webhook(guarded, receiver.url("/hook"), "secret", {"x": 1}, delivery_id="d1")
    assert receiver.count("/hook") == 0
    with pytest.raises(InvalidArgumentError):
        create_watchlist(store, guarded, user, WatchlistSpec(kind="search", query="ferry", alert_mode="immediate",
                                                             email="eve@example.org\r\nBcc: all@example.org"))
    with pytest.raises(InvalidArgumentError):  # an alert needs somewhere to go
        create_watchlist(store, guarded, user, WatchlistSpec(kind="search", query="ferry", alert_mode="hourly"))


def test_a_test_alert_leaves_the_ledger_alone(store: Store, mail_settings: Settings, mailbox: Mailbox) -> None:
    user = store.create_user("fay", hash_password("correct horse"), email="fay@example.org")
    add_article(store, "seed")
    watchlist, _ = create_watchlist(store, mail_settings, user, WatchlistSpec(
        kind="outlet", target="verran gazette", alert_mode="hourly"))
    add_article(store, "one")
    run = alerts.send_test_alert(store, mail_settings, watchlist)
    assert run.sent == 2 and mailbox.wait_for(1)[0]["Subject"].startswith("[test]")
    assert store.count_pending_alerts(watchlist.id) == 0


def test_a_scheduled_digest_is_mailed_once_per_slot(store: Store, mail_settings: Settings, mailbox: Mailbox) -> None:
    zone = ZoneInfo("Asia/Tokyo")
    local = (datetime.now(zone) + timedelta(minutes=5)).replace(second=0, microsecond=0)
    slot = local.astimezone(UTC)
    user = store.create_user("gus", hash_password("correct horse"), email="gus@example.org", time_zone="Asia/Tokyo")
    add_article(store, "seed")
    store.create_watchlist(user.id, "gazette", "outlet", target_id=store.find_outlet_id("Verran Gazette"))
    store.update_user(user.id, digest_mode="daily", digest_time=f"{local:%H:%M}")
    first = add_article(store, "digest-one", title="Terminal approved")
    assert user.id not in alerts.due_digest_user_ids(store, now=slot - timedelta(minutes=1))
    assert user.id in alerts.due_digest_user_ids(store, now=slot + timedelta(minutes=1))
    assert alerts.send_scheduled_digest(store, mail_settings, user.id, now=slot + timedelta(minutes=1))
    message = mailbox.wait_for(1)[0]
    assert message["To"] == "gus@example.org" and "digest" in message["Subject"].lower()
    assert message["Message-ID"].startswith(f"<digest-u{user.id}-")
    html = message.get_body(("html",))
    assert html is not None and f"https://news.example/articles/{first}" in html.get_content()
    assert not alerts.send_scheduled_digest(store, mail_settings, user.id, now=slot + timedelta(hours=2))
    assert store.get_user(user.id).last_digest_at == slot + timedelta(minutes=1)
    assert len(mailbox.messages) == 1

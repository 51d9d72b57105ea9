"""When alerts and digests are due: daily times in the user's zone (across a DST change), hourly
spacing, weekly digests on their weekday, and an unknown zone taken as UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsdesk.follow.schedule import alert_due, digest_due, digest_window, is_time_zone, latest_slot


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_a_daily_slot_is_the_local_time_on_either_side_of_a_dst_change() -> None:
    # 08:00 in Paris is 07:00 UTC in winter, 06:00 UTC in summer (DST began 2026-03-29)
    assert latest_slot(at("2026-03-28T12:00"), "08:00", "Europe/Paris") == at("2026-03-28T07:00")
    assert latest_slot(at("2026-03-29T12:00"), "08:00", "Europe/Paris") == at("2026-03-29T06:00")
    assert latest_slot(at("2026-03-29T05:59"), "08:00", "Europe/Paris") == at("2026-03-28T07:00")
    # a zone that does not exist is UTC, not a crash
    assert latest_slot(at("2026-03-29T12:00"), "08:00", "Mars/Olympus") == at("2026-03-29T08:00")
    assert not is_time_zone("Mars/Olympus") and is_time_zone("Asia/Kolkata")


def test_alert_rules() -> None:
    created = at("2026-05-01T09:00")
    assert alert_due("immediate", "08:00", "UTC", last_sent=None, created=created, now=created)
    assert not alert_due("off", "08:00", "UTC", last_sent=None, created=created, now=created + timedelta(days=9))
    assert not alert_due("hourly", "08:00", "UTC", last_sent=None, created=created, now=created + timedelta(minutes=59))
    assert alert_due("hourly", "08:00", "UTC", last_sent=None, created=created, now=created + timedelta(hours=1))
    sent = at("2026-05-01T10:30")
    assert not alert_due("hourly", "08:00", "UTC", last_sent=sent, created=created, now=sent + timedelta(minutes=30))
    # daily at 08:00 in Kolkata (02:30 UTC): made at 09:00 UTC, first due the next day at 02:30 UTC
    assert not alert_due("daily", "08:00", "Asia/Kolkata", last_sent=None, created=created, now=at("2026-05-02T02:29"))
    assert alert_due("daily", "08:00", "Asia/Kolkata", last_sent=None, created=created, now=at("2026-05-02T02:31"))
    assert not alert_due("daily", "08:00", "Asia/Kolkata", last_sent=at("2026-05-02T02:31"), created=created,
                         now=at("2026-05-02T23:00"))


def test_digest_rules() -> None:
    created = at("2026-05-01T09:00")  # a Friday
    assert not digest_due("off", "07:00", 0, "UTC", last_sent=None, created=created, now=created + timedelta(days=30))
    assert digest_due("daily", "07:00", 0, "UTC", last_sent=None, created=created, now=at("2026-05-02T07:00"))
    # weekly on Monday (0): not on Sunday, yes on Monday after 07:00
    assert not digest_due("weekly", "07:00", 0, "UTC", last_sent=None, created=created, now=at("2026-05-03T20:00"))
    assert digest_due("weekly", "07:00", 0, "UTC", last_sent=None, created=created, now=at("2026-05-04T07:01"))
    assert not digest_due("weekly", "07:00", 0, "UTC", last_sent=at("2026-05-04T07:01"), created=created,
                          now=at("2026-05-10T23:59"))
    assert digest_window("weekly", last_sent=None, now=at("2026-05-04T07:01")) == at("2026-04-27T07:01")
    assert digest_window("daily", last_sent=at("2026-05-03T07:00"), now=at("2026-05-04T07:01")) == at("2026-05-03T07:00")

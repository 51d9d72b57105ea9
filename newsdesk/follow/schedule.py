"""When an alert or a digest is due: pure functions of the rule, the last send and the clock.

Times of day are the user's (``users.time_zone``, an IANA name read with :mod:`zoneinfo`); a zone
that does not exist is taken as UTC rather than stopping every alert of the desk. A daily rule at
08:00 is due once the latest 08:00 local time has passed and nothing was sent since; an hourly
rule once an hour has passed since the last send; an immediate one always (the alert job runs
after each analysed article, and each article is alerted once).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

HOUR = timedelta(hours=1)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def is_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _clock(hhmm: str) -> time:
    hours, _, minutes = hhmm.partition(":")
    try:
        return time(int(hours), int(minutes))
    except ValueError:
        return time(8, 0)


def latest_slot(now: datetime, hhmm: str, time_zone: str, *, weekday: int | None = None) -> datetime:
    """The latest moment at or before ``now`` that is ``hhmm`` in ``time_zone`` (on ``weekday``,
    0 = Monday, when given), in UTC."""
    tz = zone(time_zone)
    local_now = now.astimezone(tz)
    at = _clock(hhmm)
    for days_back in range(8):
        day = local_now.date() - timedelta(days=days_back)
        if weekday is not None and day.weekday() != weekday:
            continue
        slot = datetime.combine(day, at, tzinfo=tz)
        if slot <= local_now:
            return slot.astimezone(UTC)
    return (local_now - timedelta(days=7)).astimezone(UTC)  # unreachable: 8 days hold every weekday


def alert_due(mode: str, hhmm: str, time_zone: str, *, last_sent: datetime | None, created: datetime | None,
              now: datetime) -> bool:
    """Whether a watchlist's alert rule lets a batch go out at ``now``."""
    reference = last_sent or created
    if mode == "immediate":
        return True
    if mode == "hourly":
        return reference is None or now - reference >= HOUR
    if mode == "daily":
        return reference is None or reference < latest_slot(now, hhmm, time_zone)
    return False


def digest_due(mode: str, hhmm: str, weekday: int, time_zone: str, *, last_sent: datetime | None,
               created: datetime | None, now: datetime) -> bool:
    """Whether a user's daily or weekly digest is due at ``now``."""
    if mode not in ("daily", "weekly"):
        return False
    slot = latest_slot(now, hhmm, time_zone, weekday=weekday if mode == "weekly" else None)
    reference = last_sent or created
    return reference is None or reference < slot


def digest_window(mode: str, *, last_sent: datetime | None, now: datetime) -> datetime:
    """Where a scheduled digest starts: the previous digest, else one day (or week) back."""
    if last_sent is not None:
        return last_sent
    return now - (timedelta(days=7) if mode == "weekly" else timedelta(days=1))

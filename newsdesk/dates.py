"""Dates and times from text: the one home for parsing them (feeds, sitemaps, pages, records, options).

Every function returns an aware UTC ``datetime``; a value without a zone is taken as UTC.

- :func:`parse_iso_datetime` — strict RFC 3339 / ISO 8601 (feeds, sitemaps, records, WARC);
- :func:`parse_datetime` — anything a page may say: ISO, RFC 2822 (``Tue, 01 Dec 2026 10:00 GMT``),
  and the free forms dateutil reads; also a ``date`` or ``datetime`` object;
- :func:`parse_date_option` — a command-line or API value: ISO, or an :class:`InvalidArgumentError`.
"""

from __future__ import annotations

import warnings
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from newsdesk.errors import InvalidArgumentError


def as_utc(value: datetime) -> datetime:
    """``value`` in UTC; a naive value is taken as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def parse_iso_datetime(value: Any) -> datetime | None:
    """An RFC 3339 / ISO 8601 date or datetime as aware UTC, or ``None`` when ``value`` is not one."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        return as_utc(datetime.fromisoformat(text))
    except (ValueError, OverflowError):
        return None


def parse_datetime(value: Any) -> datetime | None:
    """An aware UTC datetime from an ISO or RFC 2822 string, free-form text, a date or a datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        try:
            return as_utc(value)
        except (OverflowError, ValueError):
            return None
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    text = str(value).strip()
    parsed = parse_iso_datetime(text) or _rfc2822(text) or _free_form(text)
    try:
        return as_utc(parsed) if parsed else None
    except (OverflowError, ValueError):  # year 9999 with a negative offset is past datetime.max in UTC
        return None


def _rfc2822(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _free_form(text: str) -> datetime | None:
    try:
        from dateutil import parser as dateutil_parser
    except ImportError:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return dateutil_parser.parse(text)
    except (ValueError, OverflowError, TypeError):
        return None


def parse_date_option(value: Any, option: str) -> datetime | None:
    """A date given as an option (``--since 2026-11-01``) as aware UTC; ``None`` when not given.

    Raises :class:`InvalidArgumentError` naming ``option`` for anything that is not an ISO date.
    """
    if value is None or value == "":
        return None
    parsed = parse_iso_datetime(str(value))
    if parsed is None:
        raise InvalidArgumentError(f"{option} expects a date like 2026-11-01, got {value!r}")
    return parsed

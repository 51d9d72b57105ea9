"""Pagination cursors: an offset (``o40``), or a (published, id) keyset for article lists
(``k1772438400000000_17``: microseconds since 1970 and the last id seen).

A client passes back what it was given. Each kind has a pattern the OpenAPI schema declares, and
every string matching it is a usable position (values past the ends are clamped), so a client
that follows the schema is never refused; anything else is a 400 "bad cursor".
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from newsdesk.serve.problems import Problem
from newsdesk.store.database import MAX_ROW_ID

#: what the schema declares; an empty cursor is the first page
OFFSET_PATTERN = r"^(?:o([0-9]{1,9}))?$"
KEYSET_PATTERN = r"^(?:k(-?[0-9]{1,18})_([0-9]{1,19}))?$"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)
_EARLIEST, _LATEST = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)


def _bad(cursor: str, holds: str) -> Problem:
    return Problem(400, "bad cursor", f"the cursor {cursor[:40]!r} was not made by this server "
                                      f"(it should hold {holds})")


def encode_offset(offset: int) -> str:
    return f"o{offset}"


def decode_offset(cursor: str | None) -> int:
    found = re.match(OFFSET_PATTERN, cursor or "")
    if found is None:
        raise _bad(cursor or "", "an offset")
    return int(found.group(1) or 0)


def encode_keyset(published: datetime | None, article_id: int) -> str:
    micros = ((published or _EARLIEST) - _EPOCH) // _MICRO
    return f"k{micros}_{article_id}"


def decode_keyset(cursor: str | None) -> tuple[datetime, int] | None:
    found = re.match(KEYSET_PATTERN, cursor or "")
    if found is None:
        raise _bad(cursor or "", "a position in the article list")
    if found.group(1) is None:
        return None
    micros, article_id = int(found.group(1)), int(found.group(2))
    low, high = (_EARLIEST - _EPOCH) // _MICRO, (_LATEST - _EPOCH) // _MICRO
    published = _EPOCH + max(low, min(high, micros)) * _MICRO
    return published, min(article_id, MAX_ROW_ID)


#: the ``next_cursor`` of a list ordered by article id, highest first (``a1234``: the last id seen)
ID_PATTERN = r"^(?:a([0-9]{1,10}))?$"


def encode_id_cursor(last_id: int) -> str:
    return f"a{last_id}"


def decode_id_cursor(cursor: str | None) -> int | None:
    found = re.match(ID_PATTERN, cursor or "")
    if found is None:
        raise _bad(cursor or "", "a position in the list")
    if found.group(1) is None or int(found.group(1)) > MAX_ROW_ID:
        return None  # above every id: the first page
    return int(found.group(1))

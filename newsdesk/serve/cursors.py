"""Opaque pagination cursors: an offset, or a (published, id) keyset for article lists.

Cursors are URL-safe base64 of a small JSON value; a client passes back what it was given.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from newsdesk.serve.problems import Problem


def _encode(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(cursor: str) -> Any:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise Problem(400, "bad cursor", f"the cursor {cursor[:40]!r} was not made by this server") from None


def encode_offset(offset: int) -> str:
    return _encode({"o": offset})


def decode_offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    value = _decode(cursor)
    if not isinstance(value, dict) or not isinstance(value.get("o"), int) or value["o"] < 0:
        raise Problem(400, "bad cursor", "the cursor does not hold an offset")
    return int(value["o"])


def encode_keyset(published: datetime | None, article_id: int) -> str:
    return _encode({"p": published.isoformat() if published else None, "i": article_id})


def decode_keyset(cursor: str | None) -> tuple[datetime | None, int] | None:
    if not cursor:
        return None
    value = _decode(cursor)
    try:
        published = datetime.fromisoformat(value["p"]) if value.get("p") else None
        return published, int(value["i"])
    except (AttributeError, KeyError, TypeError, ValueError):
        raise Problem(400, "bad cursor", "the cursor does not hold a position in the article list") from None

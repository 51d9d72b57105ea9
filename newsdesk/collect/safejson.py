"""Safe JSON parsing for remote data (JSON Feed, JSON Lines): depth and number limits, one error type.

``json.loads`` recurses once per nesting level (``RecursionError`` past ~1,000 levels, sooner in a
thread) and refuses integers of more than 4,300 digits with a bare ``ValueError``. :func:`load_json`
measures the nesting with a cheap scan before parsing and turns every refusal into a
:class:`FeedError` naming ``source``.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from newsdesk.errors import FeedError

#: deeper than any feed or record needs, far below the interpreter's recursion limit
MAX_JSON_DEPTH = 64
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def nesting_depth(text: str) -> int:
    """How deep ``[``/``{`` nest in ``text``, brackets inside strings not counted."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if brackets.count("[") + brackets.count("{") <= MAX_JSON_DEPTH:
        return brackets.count("[") + brackets.count("{")
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def load_json(content: bytes | str, source: str, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """The parsed value of ``content`` (UTF-8, BOM allowed); :class:`FeedError` for anything unusable."""
    try:
        text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    except UnicodeDecodeError:
        raise FeedError("not UTF-8", source=source) from None
    if nesting_depth(text) > max_depth:
        raise FeedError(f"invalid JSON (nested deeper than {max_depth} levels)", source=source)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FeedError(f"invalid JSON ({exc.msg})", source=source) from None
    except (ValueError, RecursionError) as exc:  # e.g. an integer past the 4,300-digit limit
        raise FeedError(f"invalid JSON ({str(exc).split(':', 1)[0]})", source=source) from None

"""The one rule for batch commands that read a JSON Lines file (``summarize FILE.jsonl``, ``cluster``).

A bad line (not UTF-8, not JSON, not an object, a field missing or of the wrong type, nothing to work
on) is skipped and reported with its line number — ``error: FILE:LINE: why`` on stderr, and in
``--json`` output an ``{"id", "line", "error"}`` row in its place — and the lines after it are still
read. The command exits 0 when at least one record was processed; when every record was bad it ends
with exit 3 (nothing could be processed), and a file with no records at all is a bad target (exit 2).
``newsdesk add FILE.jsonl`` follows the same rule through its per-target outcomes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsdesk.cli.output import error_line
from newsdesk.errors import CollectError, UnsupportedTargetError


class BadRecord(ValueError):
    """A record that cannot be processed; the message says why (its line number is added)."""


@dataclass
class Batch:
    """Reads one JSONL file and keeps count of what was processed and what was skipped."""

    path: Path
    processed: int = 0
    skipped: list[int] = field(default_factory=list)

    def lines(self) -> Iterator[tuple[int, dict[str, Any] | BadRecord]]:
        """``(line number, record)`` for each non-blank line; a line that is no JSON object comes
        as a :class:`BadRecord` for the caller to :meth:`skip` in its place."""
        if not self.path.is_file():
            reason = "not a regular file" if self.path.exists() else "no such file"
            raise UnsupportedTargetError(reason, source=str(self.path))
        with self.path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                try:
                    yield number, _load(raw)
                except BadRecord as exc:
                    yield number, exc

    def skip(self, number: int, reason: str) -> dict[str, Any]:
        """Report line ``number`` as skipped; returns its ``--json`` error row."""
        self.skipped.append(number)
        message = f"{self.path}:{number}: {reason}"
        error_line(message)
        return {"id": None, "line": number, "error": message}

    def done(self) -> None:
        """Raise when nothing in the file could be processed (see the module docstring)."""
        if self.processed:
            return
        if self.skipped:
            raise CollectError(f"none of its {len(self.skipped)} records could be processed",
                               source=str(self.path))
        raise UnsupportedTargetError("no records (the file is empty)", source=str(self.path))


def _load(raw: bytes) -> dict[str, Any]:
    try:
        record = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise BadRecord("not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise BadRecord(f"not JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise BadRecord("not a JSON object")
    return record


def record_id(record: dict[str, Any]) -> str | int:
    """The record's ``id`` (a string or an integer), or :class:`BadRecord`."""
    value = record.get("id")
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        raise BadRecord("no \"id\" (a string or a number)")
    return value


def optional_text(record: dict[str, Any], key: str) -> str:
    """A string field that may be missing; :class:`BadRecord` when it is not a string."""
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadRecord(f"{key!r} must be a string")
    return value

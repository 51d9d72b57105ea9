"""HTTP-level refusals raised by the web layer (bad cursor, no token, CSRF, read-only mode).

Domain failures are :class:`newsdesk.errors.NewsdeskError`; these are the web's own, and the
app renders both the same way (``application/problem+json`` or an error page).
"""

from __future__ import annotations


class Problem(Exception):
    """An HTTP refusal with a status, a short title and a detail sentence."""

    def __init__(self, status: int, title: str, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.headers = status, title, detail, headers or {}

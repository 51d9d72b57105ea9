"""What the OpenAPI schema documents beyond the parameter types: every error as
``application/problem+json`` with its shape, and the feed media types.

Routes pass ``responses=answers(...)`` naming the statuses they can give, so the schema lists
exactly those (FastAPI's own 422 entry, which describes a body newsdesk never sends, is replaced).
"""

from __future__ import annotations

from typing import Any

PROBLEM_TYPE = "application/problem+json"
ATOM_TYPE = "application/atom+xml"
JSON_FEED_TYPE = "application/feed+json"

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem", "type": "object", "required": ["type", "title", "status", "detail", "instance"],
    "description": "An RFC 9457 problem: newsdesk errors add `error` and `source`, invalid requests `errors`",
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "instance": {"type": "string"},
        "error": {"type": "string"}, "source": {"type": ["string", "null"]},
        "errors": {"type": "array", "items": {"type": "object", "properties": {
            "loc": {"type": "array", "items": {"type": ["string", "integer"]}}, "msg": {"type": "string"}}}},
    },
}
DESCRIPTIONS = {
    400: "bad request (a bad cursor or date, an unknown value)", 401: "no or invalid API token, or not logged in",
    403: "read-only mode, a reader where an admin is needed, a failed CSRF check, or a refused origin", 404: "not found", 409: "conflict (the name is in use)",
    422: "invalid request (a parameter or body outside its schema), or an unreadable upload",
    502: "a source could not be fetched", 503: "an optional model is not installed, or the job queue is not running",
}
#: the refusals of every write route (token, read-only mode), on top of their own
WRITE = (400, 401, 403, 422)


def problem(status: int) -> dict[str, Any]:
    return {"description": DESCRIPTIONS.get(status, "refused"),
            "content": {PROBLEM_TYPE: {"schema": PROBLEM_SCHEMA}}}


def answers(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route that can refuse with ``statuses`` (each a problem+json)."""
    return {status: problem(status) for status in sorted(set(statuses))}


FEED_OK: dict[int | str, dict[str, Any]] = {200: {
    "description": "the feed: Atom 1.0 for `feed.atom`, JSON Feed 1.1 for `feed.json`",
    "content": {ATOM_TYPE: {"schema": {"type": "string"}},
                JSON_FEED_TYPE: {"schema": {"type": "object", "required": ["version", "title", "items"]}}}}}

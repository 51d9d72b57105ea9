"""What every route needs from the app: the store, the settings it was created with, and the
public address absolute URLs start with, and the queue stale page data is refreshed on."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Request

from newsdesk.config import Settings
from newsdesk.errors import NewsdeskError
from newsdesk.store import Store

log = logging.getLogger(__name__)


def request_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def request_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def site_url(request: Request) -> str:
    """``scheme://host[:port]`` of absolute URLs: the ``base_url`` setting, else what the request named."""
    return request_settings(request).base_url or str(request.base_url).rstrip("/")


def absolute_url(request: Request, path: str) -> str:
    """``path`` (``/articles/3?x=1``) as an absolute URL on :func:`site_url`."""
    return site_url(request) + path


class QueuedRefresh:
    """Refreshes of stored page data as jobs on the server's queue (coalesced per story/article)."""

    def __init__(self, desk: Any) -> None:
        self.desk = desk

    def story(self, story_id: int) -> None:
        self._quietly(self.desk.defer_story_refresh, story_id)

    def related(self, article_id: int) -> None:
        self._quietly(self.desk.defer_related_refresh, article_id)

    def entity(self, entity_id: int) -> None:
        self._quietly(self.desk.defer_entity_refresh, entity_id)

    @staticmethod
    def _quietly(defer: Any, subject: int) -> None:
        try:
            defer(subject)
        except NewsdeskError as exc:  # the page is shown all the same; the next view asks again
            log.warning("cannot queue a refresh of %s: %s", subject, exc)


def request_refresh(request: Request) -> QueuedRefresh | None:
    """How a page asks for stale stored data to be recomputed: the server's job queue when it
    runs one and is not read-only (else None: the page recomputes what it needs itself)."""
    desk = getattr(request.app.state, "jobs", None)
    if desk is None or request_settings(request).read_only:
        return None
    return QueuedRefresh(desk)


def request_desk(request: Request) -> Any:
    """The server's job queue (a :class:`~newsdesk.jobs.desk.JobDesk`); a 503 problem when the
    server was started without one."""
    from newsdesk.serve.problems import Problem

    desk = getattr(request.app.state, "jobs", None)
    if desk is None:
        raise Problem(503, "job queue not running", "this server was started without its job queue")
    return desk

"""What every route needs from the app: the store, the settings it was created with, and the
public address absolute URLs start with."""

from __future__ import annotations

from fastapi import Request

from newsdesk.config import Settings
from newsdesk.store import Store


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

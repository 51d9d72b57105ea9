"""What every route needs from the app: the store and the settings it was created with."""

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

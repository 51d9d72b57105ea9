"""Queries for cache (a mixin of newsdesk.store.Store)."""

from __future__ import annotations

from newsdesk.store.database import Database


class CacheQueries(Database):
    """cache: methods use self.transaction() / self.read() and the tables in store.schema."""

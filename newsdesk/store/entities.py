"""Queries for entities (a mixin of newsdesk.store.Store)."""

from __future__ import annotations

from newsdesk.store.database import Database


class EntityQueries(Database):
    """entities: methods use self.transaction() / self.read() and the tables in store.schema."""

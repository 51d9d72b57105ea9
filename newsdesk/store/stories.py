"""Queries for stories (a mixin of newsdesk.store.Store)."""

from __future__ import annotations

from newsdesk.store.database import Database


class StoryQueries(Database):
    """stories: methods use self.transaction() / self.read() and the tables in store.schema."""

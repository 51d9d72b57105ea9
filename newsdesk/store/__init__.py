"""The one door to the database. Nothing outside ``newsdesk.store`` writes SQL.

:class:`Store` is composed of one query mixin per concern (articles, feeds, stories,
entities, caches, tokens, users and read state, watchlists, feed-reader apps, host politeness, reads for
publishing, page digests); each mixin works through ``self.transaction()`` /
``self.read()`` from :class:`~newsdesk.store.database.Database`.
"""

from __future__ import annotations

from newsdesk.config import Settings
from newsdesk.store.analysis import AnalysisQueries
from newsdesk.store.articles import ArticleQueries
from newsdesk.store.cache import CacheQueries
from newsdesk.store.database import Database, migrate, utcnow
from newsdesk.store.digests import DigestQueries
from newsdesk.store.entities import EntityQueries
from newsdesk.store.feeds import FeedQueries
from newsdesk.store.hosts import HostStateQueries
from newsdesk.store.publish import PublishQueries
from newsdesk.store.stories import StoryQueries
from newsdesk.store.subscriptions import ReaderQueries
from newsdesk.store.tokens import TokenQueries
from newsdesk.store.users import UserQueries
from newsdesk.store.watchlists import WatchlistQueries


class Store(PublishQueries, ReaderQueries, WatchlistQueries, ArticleQueries, AnalysisQueries, FeedQueries, StoryQueries,
            EntityQueries, CacheQueries, TokenQueries, UserQueries, HostStateQueries, DigestQueries, Database):
    """All storage operations of newsdesk over one SQLAlchemy engine."""


def open_store(settings: Settings) -> Store:
    """Open (creating and migrating if needed) the database the settings name."""
    return Store(settings.resolved_database_url)


__all__ = ["Store", "open_store", "migrate", "utcnow"]

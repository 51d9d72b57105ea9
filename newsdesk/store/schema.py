"""Table definitions (SQLAlchemy Core), shared by SQLite and PostgreSQL.

The Alembic migrations in ``migrations/versions`` create exactly these tables; a test checks
that the migrated database and this metadata agree. Types are portable: timestamps are stored
as timezone-aware UTC, vectors and MinHash signatures as bytes.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

TS = DateTime(timezone=True)

outlets = Table(
    "outlets", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False, unique=True),
    Column("domain", String(300), nullable=False, default=""),
)

feeds = Table(
    "feeds", metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False, unique=True),
    Column("title", Text, nullable=False, default=""),
    Column("site_url", Text, nullable=False, default=""),
    Column("kind", String(20), nullable=False, default="feed"),
    Column("etag", Text, nullable=False, default=""),
    Column("last_modified", Text, nullable=False, default=""),
    Column("last_fetched", TS),
    Column("last_status", Text, nullable=False, default=""),
    Column("error_count", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=False, default=""),
    Column("next_poll", TS),
    Column("created_at", TS, nullable=False),
)

fetches = Table(
    "fetches", metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False),
    Column("feed_id", Integer, ForeignKey("feeds.id", ondelete="SET NULL")),
    Column("fetched_at", TS, nullable=False),
    Column("status_code", Integer, nullable=False, default=0),
    Column("elapsed_ms", Integer, nullable=False, default=0),
    Column("content_type", Text, nullable=False, default=""),
    Column("content_length", BigInteger, nullable=False, default=0),
    Column("etag", Text, nullable=False, default=""),
    Column("last_modified", Text, nullable=False, default=""),
    Column("error", Text, nullable=False, default=""),
    Index("ix_fetches_url_time", "url", "fetched_at"),
)

stories = Table(
    "stories", metadata,
    Column("id", Integer, primary_key=True),
    Column("title", Text, nullable=False, default=""),
    Column("first_seen", TS),
    Column("last_seen", TS),
    Column("size", Integer, nullable=False, default=0),
    #: the clusterer's state for the story (zlib-compressed JSON of term and name weights)
    Column("centroid", LargeBinary),
    Column("merged_into", Integer, ForeignKey("stories.id", ondelete="SET NULL")),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    Index("ix_stories_last_seen", "last_seen"),
)
#: the home page's order (0011): newest activity first, undated stories last
Index("ix_stories_recent", stories.c.last_seen.desc().nulls_last(), stories.c.id.desc())

articles = Table(
    "articles", metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False),
    Column("canonical_url", Text, nullable=False, unique=True),
    Column("title", Text, nullable=False, default=""),
    Column("author", Text, nullable=False, default=""),
    Column("published", TS),
    Column("outlet_id", Integer, ForeignKey("outlets.id", ondelete="SET NULL")),
    Column("language", String(16), nullable=False, default=""),
    Column("text", Text, nullable=False, default=""),
    Column("excerpt", Text, nullable=False, default=""),
    Column("status", String(40), nullable=False, default="ok"),
    Column("kind", String(20), nullable=False, default="html"),
    Column("content_hash", String(64), nullable=False),
    Column("first_seen", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    Column("feed_id", Integer, ForeignKey("feeds.id", ondelete="SET NULL")),
    Column("story_id", Integer, ForeignKey("stories.id", ondelete="SET NULL")),
    #: set once entities, key phrases and story assignment have run (re-run after a crash)
    Column("analyzed_at", TS),
    Index("ix_articles_content_hash", "content_hash"),
    Index("ix_articles_published", "published"),
    Index("ix_articles_story", "story_id"),
    Index("ix_articles_outlet", "outlet_id"),
)

#: listing order (newest first) and previous/next within an outlet or a story
ARTICLE_ORDER = func.coalesce(articles.c.published, articles.c.first_seen)
Index("ix_articles_order", ARTICLE_ORDER)
Index("ix_articles_outlet_order", articles.c.outlet_id, ARTICLE_ORDER)
Index("ix_articles_story_order", articles.c.story_id, ARTICLE_ORDER)

article_versions = Table(
    "article_versions", metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("text", Text, nullable=False, default=""),
    Column("replaced_at", TS, nullable=False),
    Index("ix_article_versions_article", "article_id"),
)

duplicate_links = Table(
    "duplicate_links", metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("original_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(10), nullable=False),  # exact | near
    Column("similarity", Float, nullable=False, default=1.0),
    Index("ix_duplicate_links_original", "original_id"),
)

#: MinHash signature per article (for re-scoring candidates)
minhashes = Table(
    "minhashes", metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("signature", LargeBinary, nullable=False),
)

#: LSH buckets: articles sharing (band, bucket) are near-duplicate candidates
lsh_buckets = Table(
    "lsh_buckets", metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("band", Integer, nullable=False),
    Column("bucket", BigInteger, nullable=False),
    Index("ix_lsh_buckets_band_bucket", "band", "bucket"),
    Index("ix_lsh_buckets_article", "article_id"),
)

entities = Table(
    "entities", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("type", String(20), nullable=False),  # person | org | place
    #: set when an article starts or stops mentioning the entity, or such an article changes story
    #: (the entity's page digest is stale from then on); NULL = not changed since 0011
    Column("updated_at", TS),
    UniqueConstraint("name", "type", name="uq_entities_name_type"),
)
#: the case-insensitive lookups of an entity by name or alias (an entity page's URL)
Index("ix_entities_name_lower", func.lower(entities.c.name))

entity_aliases = Table(
    "entity_aliases", metadata,
    Column("entity_id", Integer, ForeignKey("entities.id", ondelete="CASCADE"), nullable=False),
    Column("alias", Text, nullable=False),
    UniqueConstraint("entity_id", "alias", name="uq_entity_aliases_entity_alias"),
    Index("ix_entity_aliases_alias", "alias"),
)
Index("ix_entity_aliases_alias_lower", func.lower(entity_aliases.c.alias))

article_entities = Table(
    "article_entities", metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("entity_id", Integer, ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True),
    Column("count", Integer, nullable=False, default=1),
    #: JSON list of [start, end] character offsets in the article text
    Column("positions", Text, nullable=False, default="[]"),
    #: the type this article's text gave the entity (the entity's own type is the majority vote)
    Column("type", String(20)),
    Index("ix_article_entities_entity", "entity_id"),
)

keyphrases = Table(
    "keyphrases", metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("phrase", Text, primary_key=True),
    Column("score", Float, nullable=False),
)

#: cache of computed summaries; ``key`` names subject, method and parameters
summaries = Table(
    "summaries", metadata,
    Column("key", String(200), primary_key=True),
    Column("body", Text, nullable=False),  # JSON
    Column("created_at", TS, nullable=False),
)

embeddings = Table(
    "embeddings", metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("model", String(200), primary_key=True),
    Column("vector", LargeBinary, nullable=False),  # float32
)

# --- accounts (0008) ---------------------------------------------------------------------------
#: readers and admins. ``password_hash`` and ``api_password_hash`` are argon2 hashes; ``fever_key``
#: is the Fever API's md5("name:api password") (that protocol's own scheme), empty when unset.
users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("role", String(10), nullable=False, default="reader"),  # admin | reader
    Column("time_zone", String(64), nullable=False, default="UTC"),
    Column("email", Text, nullable=False, default=""),
    Column("api_password_hash", Text, nullable=False, default=""),
    Column("fever_key", String(32), nullable=False, default=""),
    Column("digest_mode", String(10), nullable=False, default="off"),  # off | daily | weekly
    Column("digest_time", String(5), nullable=False, default="07:00"),  # HH:MM in time_zone
    Column("digest_weekday", Integer, nullable=False, default=0),  # 0 = Monday (weekly digests)
    Column("last_digest_at", TS),
    Column("created_at", TS, nullable=False),
    Column("last_login", TS),
    Index("ix_users_fever_key", "fever_key"),
)

api_tokens = Table(
    "api_tokens", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", TS, nullable=False),
    Column("last_used", TS),
    Column("revoked", Boolean, nullable=False, default=False),
    #: the user the token acts for; NULL for a desk token made before any user existed (acts as admin)
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE")),
)

#: per user and article: read, starred, kept for later. No row means unread, not starred, not kept.
read_state = Table(
    "read_state", metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("is_read", Boolean, nullable=False, default=False),
    Column("starred", Boolean, nullable=False, default=False),
    Column("kept", Boolean, nullable=False, default=False),
    Column("updated_at", TS, nullable=False),
    Index("ix_read_state_user_starred", "user_id", "starred"),
    Index("ix_read_state_user_kept", "user_id", "kept"),
)

#: when a user last looked at a place ("home", "story:12", "watchlist:3"): ``seen_at`` is the
#: latest visit, ``previous_seen_at`` the visit before the current session ("new since …")
user_visits = Table(
    "user_visits", metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("place", String(100), primary_key=True),
    Column("seen_at", TS, nullable=False),
    Column("previous_seen_at", TS),
)

#: what a user follows: a search (``query`` + JSON ``filters``), a story, an entity or an outlet
#: (``target_id``), with its alert rule. ``checked_at`` is the alert watermark: articles stored
#: after it have not been looked at for alerts yet.
watchlists = Table(
    "watchlists", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", Text, nullable=False),
    Column("kind", String(10), nullable=False),  # search | story | entity | outlet
    Column("query", Text, nullable=False, default=""),
    Column("filters", Text, nullable=False, default="{}"),
    Column("target_id", Integer),
    Column("alert_mode", String(10), nullable=False, default="off"),  # off | immediate | hourly | daily
    Column("alert_time", String(5), nullable=False, default="08:00"),  # HH:MM, user's time zone (daily)
    Column("min_new", Integer, nullable=False, default=1),
    Column("email", Text, nullable=False, default=""),
    Column("webhook_url", Text, nullable=False, default=""),
    Column("webhook_secret", Text, nullable=False, default=""),
    #: part of the private feed token; a new nonce revokes the old feed URLs
    Column("feed_nonce", String(64), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("checked_at", TS, nullable=False),
    Column("last_alert_at", TS),
    UniqueConstraint("user_id", "name", name="uq_watchlists_user_name"),
    Index("ix_watchlists_user", "user_id"),
)

#: each article is alerted once per watchlist: queued as ``pending``, claimed into a batch as
#: ``sending`` (a crashed send resends the same batch), then ``sent``
watchlist_alerts = Table(
    "watchlist_alerts", metadata,
    Column("watchlist_id", Integer, ForeignKey("watchlists.id", ondelete="CASCADE"), primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("status", String(10), nullable=False, default="pending"),  # pending | sending | sent
    Column("queued_at", TS, nullable=False),
    Column("sent_at", TS),
    Index("ix_watchlist_alerts_status", "watchlist_id", "status"),
)

saved_searches = Table(
    "saved_searches", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("query", Text, nullable=False),
    Column("created_at", TS, nullable=False),
)

#: inverted index of the story clusterer: the top terms each live story is filed under
story_terms = Table(
    "story_terms", metadata,
    Column("story_id", Integer, ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
    Column("term", String(100), primary_key=True),
    Index("ix_story_terms_term", "term"),
)

#: document frequency of each term over analysed articles; the empty term counts the articles
term_df = Table(
    "term_df", metadata,
    Column("term", String(100), primary_key=True),
    Column("df", Integer, nullable=False),
)

# --- shared politeness (0007): times are seconds since the epoch, for portable arithmetic ------
#: per host: the earliest start of its next request, its cool-down and consecutive failures
host_state = Table(
    "host_state", metadata,
    Column("host", String(255), primary_key=True),
    Column("next_start_at", Float, nullable=False),
    Column("cool_until", Float, nullable=False),
    Column("failures", Integer, nullable=False),
)

#: per host: its concurrency slots, each leased by one request of one process until ``lease_until``
host_slots = Table(
    "host_slots", metadata,
    Column("host", String(255), primary_key=True),
    Column("slot", Integer, primary_key=True),
    Column("holder", String(100), nullable=False),
    Column("lease_until", Float, nullable=False),
)

#: fetched robots.txt files; ``body`` NULL means "allow everything" (absent, or an error in ``note``)
robots_cache = Table(
    "robots_cache", metadata,
    Column("origin", String(300), primary_key=True),
    Column("body", Text),
    Column("note", Text, nullable=False),
    Column("fetched_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
)

#: one row per analysis step of an article (entities, story, keyphrases, embedding): its own
#: outcome, so a failed step is retried alone and never hides the others
analysis_steps = Table(
    "analysis_steps", metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("step", String(20), primary_key=True),
    Column("status", String(10), nullable=False),  # done | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", Text, nullable=False, default=""),
    Column("updated_at", TS, nullable=False),
    Index("ix_analysis_steps_status", "status"),
)

#: the last error of each failed job attempt (the job queue keeps status and attempts, not messages)
job_errors = Table(
    "job_errors", metadata,
    Column("job_id", BigInteger, primary_key=True),
    Column("task", String(100), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", Text, nullable=False, default=""),
    Column("failed_at", TS, nullable=False),
)

# --- feed-reader apps (0010): what a user's Google Reader / Fever client shows -------------------
#: a user's folders (Google Reader labels of type folder, Fever groups); ids are the Fever group ids
reader_folders = Table(
    "reader_folders", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("created_at", TS, nullable=False),
    UniqueConstraint("user_id", "name", name="uq_reader_folders_user_name"),
)

#: a user's settings for one source of articles (``feed:<id>``, ``outlet:<id>`` for pages, files
#: and archives added directly, ``other``): their own title, folder, and whether they unsubscribed.
#: No row means: subscribed, the source's own title, no folder.
reader_subscriptions = Table(
    "reader_subscriptions", metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("source", String(40), primary_key=True),
    Column("title", Text, nullable=False, default=""),
    Column("folder_id", Integer, ForeignKey("reader_folders.id", ondelete="SET NULL")),
    Column("hidden", Boolean, nullable=False, default=False),
    Column("updated_at", TS, nullable=False),
    Index("ix_reader_subscriptions_folder", "folder_id"),
)

#: what a story's page and home-page line show, precomputed when the story changes (JSON ``body``);
#: ``basis`` = the story's ``updated_at`` and size it was computed from (stale when they differ)
story_digests = Table(
    "story_digests", metadata,
    Column("story_id", Integer, ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
    Column("basis", String(80), nullable=False),
    Column("summary_line", Text, nullable=False, default=""),
    Column("body", Text, nullable=False),
    Column("computed_at", TS, nullable=False),
)

#: an article's related list (JSON), precomputed when the article or its story changes
article_digests = Table(
    "article_digests", metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("basis", String(80), nullable=False),
    Column("related", Text, nullable=False),
    Column("computed_at", TS, nullable=False),
)

#: what an entity's page shows (JSON ``body``), precomputed when its coverage changes; ``basis`` =
#: the entity's ``updated_at`` it was computed from (stale when they differ)
entity_digests = Table(
    "entity_digests", metadata,
    Column("entity_id", Integer, ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True),
    Column("basis", String(80), nullable=False),
    Column("body", Text, nullable=False),
    #: the entity's corpus-wide counts as of ``computed_at`` (read by article pages)
    Column("article_count", Integer, nullable=False),
    Column("story_count", Integer, nullable=False),
    Column("mention_count", Integer, nullable=False),
    Column("computed_at", TS, nullable=False),
)

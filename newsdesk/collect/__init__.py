"""Getting bytes and entries from sources: HTTP (``fetcher``, guarded by ``netguard``), feeds, sitemaps,
OPML, local files and folders, WARC archives and JSON Lines records. See ``docs/collect.md``."""

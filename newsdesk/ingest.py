"""Ingestion: targets → collect → extract → deduplicate → store → enqueue analysis.

The work comes in task-sized pieces, each one a job of :mod:`newsdesk.jobs` and each callable
inline by ``newsdesk add``/``poll``:

* :meth:`Ingestor.add_target` — dispatch one target (URL, file, folder, OPML, WARC, JSONL);
* :meth:`Ingestor.poll_feed` — one conditional GET of a feed, then its new entries;
* :meth:`Ingestor.fetch_page` — fetch one page and store it;
* :meth:`Ingestor.read_sitemap` — the pages and child sitemaps of one sitemap;
* :func:`store_document` — extract, deduplicate and store one document in ONE transaction
  (article row, version, fingerprint, duplicate links), so a process killed at any moment leaves
  either the whole article or none of it; a re-run finds stored articles by canonical URL and
  content hash and changes nothing.

Work found on the way (the entries of a feed, the pages of a sitemap, a feed discovered on a
front page, the analysis of a new article) goes to :class:`FollowUps`: :class:`InlineFollowUps`
does it at once (the CLI), the job queue's follow-ups defer it as jobs.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from sqlalchemy import Connection

from newsdesk.analyze.dedupe import Fingerprint, signature_from_bytes, similarity
from newsdesk.collect import feeds as feedmod
from newsdesk.collect import sitemaps
from newsdesk.collect.fetcher import Fetcher, FetchResult
from newsdesk.collect.files import iter_documents
from newsdesk.collect.identity import identity_url, normalize_url, site_host
from newsdesk.collect.jsonl import iter_jsonl
from newsdesk.collect.opml import parse_opml
from newsdesk.collect.targets import classify_target, target_location
from newsdesk.collect.warc import iter_warc
from newsdesk.config import Settings
from newsdesk.errors import (
    CollectError,
    ExtractError,
    FeedError,
    HTTPStatusError,
    NewsdeskError,
    UnsupportedTargetError,
)
from newsdesk.extract import extract_document
from newsdesk.models import Document, ExtractedArticle, Feed, IngestOutcome
from newsdesk.sniff import looks_like_html
from newsdesk.store import Store

Progress = Callable[[IngestOutcome], None]
Hints = dict[str, Any]
log = logging.getLogger(__name__)
MIN_WORDS_FOR_NEAR_DUP = 40
MAX_SITEMAP_DEPTH = 3


class FollowUps(Protocol):
    """Where the work found while ingesting goes: done now, or deferred as jobs."""

    def page(self, url: str, *, hints: Hints, feed_id: int | None, fallback_html: str) -> Iterator[IngestOutcome]:
        ...

    def feed(self, feed: Feed) -> Iterator[IngestOutcome]:
        ...

    def sitemap(self, url: str, depth: int) -> Iterator[IngestOutcome]:
        ...

    def analysis(self, article_id: int) -> None:
        ...


class InlineFollowUps:
    """Do the follow-up work at once, in this process; analysis is left for ``analyze_pending``."""

    def __init__(self, ingestor: Ingestor) -> None:
        self.ingestor = ingestor

    def page(self, url: str, *, hints: Hints, feed_id: int | None, fallback_html: str) -> Iterator[IngestOutcome]:
        yield from self.ingestor.fetch_page(url, hints=hints, feed_id=feed_id, fallback_html=fallback_html)

    def feed(self, feed: Feed) -> Iterator[IngestOutcome]:
        yield from self.ingestor.poll_feed(feed)

    def sitemap(self, url: str, depth: int) -> Iterator[IngestOutcome]:
        yield from self.ingestor.read_sitemap(url, depth)

    def analysis(self, article_id: int) -> None:
        return None


def _order_key(published: datetime | None, article_id: int) -> tuple[float, int]:
    return (published.timestamp() if published else float("inf"), article_id)


class Ingestor:
    """Adds targets and polls feeds into one store. Not thread-safe itself; fetches run in threads."""

    def __init__(self, store: Store, settings: Settings, *, fetcher: Fetcher | None = None,
                 analyze: bool = True, on_progress: Progress | None = None,
                 follow_ups: Callable[[Ingestor], FollowUps] = InlineFollowUps) -> None:
        self.store = store
        self.settings = settings
        self._fetcher = fetcher
        self.analyze = analyze
        self.on_progress = on_progress or (lambda outcome: None)
        self.follow_ups: FollowUps = follow_ups(self)

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            self._fetcher = Fetcher(self.settings, ledger=self.store, robots_cache=self.store)  # shared by all workers
        return self._fetcher

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()

    def __enter__(self) -> Ingestor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the CLI's operations: many targets, then the analysis ---------------------------
    def add(self, targets: Iterable[str]) -> list[IngestOutcome]:
        """Ingest every target; one failing target never stops the others."""
        outcomes = [self._report(o) for target in targets for o in self.add_target(target)]
        if self.analyze:
            self.analyze_pending()
        return outcomes

    def poll(self, *, force: bool = False, workers: int = 4) -> list[IngestOutcome]:
        """Refresh every due feed (all feeds with ``force``); errors are recorded on the feed."""
        feeds = self.store.list_feeds() if force else self.store.due_feeds()
        outcomes: list[IngestOutcome] = []
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for result in pool.map(lambda feed: list(self.poll_feed(feed)), feeds):
                outcomes.extend(self._report(o) for o in result)
        if self.analyze:
            self.analyze_pending()
        return outcomes

    def analyze_pending(self, on_article: Callable[[int], None] | None = None) -> int:
        """Run the analysis steps not done yet of every stored original; returns how many ran.

        A failed step is recorded on the article (``newsdesk analyze`` retries it) and never stops
        the other steps or the other articles.
        """
        from newsdesk.analyze.pipeline import analyze_pending

        return analyze_pending(self.store, self.settings, on_article=on_article)

    # --- task: add one target (dispatch) -------------------------------------------------
    def add_target(self, target: str) -> Iterator[IngestOutcome]:
        """Everything one target yields; a target that fails is one ``failed`` outcome."""
        try:
            yield from self._dispatch(target)
        except NewsdeskError as exc:
            yield IngestOutcome(target, "failed", detail=str(exc))

    def _dispatch(self, target: str) -> Iterator[IngestOutcome]:
        kind, target = classify_target(target), target_location(target)
        if kind == "url":
            yield from self._add_url(target)
        elif kind == "stdin":
            yield self.ingest_document(Document(url="stdin:", content=sys.stdin.buffer.read()))
        elif kind == "opml":
            yield from self._add_opml(Path(target))
        elif kind == "warc":
            yield from self._ingest_stream(target, iter_warc(Path(target)))
        elif kind == "jsonl":
            yield from self._ingest_stream(target, iter_jsonl(Path(target)))
        else:  # file or folder
            yield from self._ingest_stream(target, iter_documents(Path(target)))

    def _ingest_stream(self, target: str, items: Iterable[Document | NewsdeskError]) -> Iterator[IngestOutcome]:
        for item in items:
            if isinstance(item, UnsupportedTargetError):  # e.g. an image inside a folder
                yield IngestOutcome(item.source or target, "skipped", detail=item.message)
            elif isinstance(item, NewsdeskError):
                yield IngestOutcome(item.source or target, "failed", detail=str(item))
            else:
                yield self.ingest_document(item)

    def _add_opml(self, path: Path) -> Iterator[IngestOutcome]:
        unusable: list[str] = []
        outlines = parse_opml(path.read_bytes(), str(path), unusable)
        yield from skipped_links(str(path), unusable, "outline", "outlines")
        for outline in outlines:
            feed, created = self.store.add_feed(outline.url, outline.title, outline.site_url)
            yield IngestOutcome(outline.url, "subscribed" if created else "unchanged", detail=outline.title)
            yield from self.follow_ups.feed(feed)

    def _add_url(self, url: str) -> Iterator[IngestOutcome]:
        result = self.fetcher.fetch(url)
        self._log_fetch(result)
        if feedmod.looks_like_feed(result.content, result.content_type):
            try:
                parsed = feedmod.parse_feed(result.content, result.url)
            except FeedError as exc:
                if not looks_like_html(result.content):
                    yield IngestOutcome(url, "failed", detail=str(exc))
                    return
                # a "feed" that is really a web page: read it as one
                yield from self._ingest_page(url, result)
                return
            feed, created = self.store.add_feed(normalize_url(result.url))
            yield IngestOutcome(url, "subscribed" if created else "unchanged", detail=feed.url)
            yield from self._ingest_entries(feed, result, parsed)
        elif sitemaps.looks_like_sitemap(result.content):
            yield from self._ingest_sitemap(result, depth=0)
        else:
            yield from self._ingest_page(url, result)

    def _ingest_page(self, target: str, result: FetchResult) -> Iterator[IngestOutcome]:
        document = self._document(result)
        outcome = self.ingest_document(document)
        is_front_page = urlsplit(result.url).path in ("", "/")
        if outcome.action == "failed" or is_front_page:
            links = feedmod.discover_feed_links(result.content, result.url) if "html" in document.media_type else []
            for link in links:
                feed, created = self.store.add_feed(normalize_url(link))
                yield IngestOutcome(link, "subscribed" if created else "unchanged",
                                    detail=f"feed discovered on {target}")
                if created:
                    yield from self.follow_ups.feed(feed)
            if links and outcome.action == "failed":
                return
        yield outcome

    # --- task: read one sitemap ----------------------------------------------------------
    def read_sitemap(self, url: str, depth: int = 0) -> Iterator[IngestOutcome]:
        try:
            result = self.fetcher.fetch(url)
        except NewsdeskError as exc:
            yield IngestOutcome(url, "failed", detail=str(exc))
            return
        yield from self._ingest_sitemap(result, depth)

    def _ingest_sitemap(self, result: FetchResult, depth: int) -> Iterator[IngestOutcome]:
        parsed = sitemaps.parse_sitemap(result.content, result.url)
        yield from skipped_links(result.url, parsed.unusable_locs, "location", "locations")
        for page in parsed.pages:
            yield from self.follow_ups.page(page.url, hints={"title": page.title, "published": page.published},
                                            feed_id=None, fallback_html="")
        if depth >= MAX_SITEMAP_DEPTH:
            return
        for child in parsed.sitemaps:
            yield from self.follow_ups.sitemap(child, depth + 1)

    # --- task: poll one feed -------------------------------------------------------------
    def poll_feed(self, feed: Feed) -> Iterator[IngestOutcome]:
        """One conditional GET of the feed, then its new entries; a failure is recorded on the feed
        (error count, back-off before the next poll) and is one ``failed`` outcome."""
        try:
            result = self.fetcher.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        except NewsdeskError as exc:
            retry_after = exc.retry_after if isinstance(exc, HTTPStatusError) else None
            self._log_failure(feed.url, exc, feed.id)
            self.store.record_feed_failure(feed.id, str(exc), base=self.settings.poll_interval,
                                           cap=self.settings.max_backoff, retry_after=retry_after)
            yield IngestOutcome(feed.url, "failed", detail=str(exc))
            return
        self._log_fetch(result, feed.id)
        if result.not_modified:
            self.store.record_feed_success(feed.id, not_modified=True, interval=self.settings.poll_interval)
            yield IngestOutcome(feed.url, "unchanged", detail="not modified")
            return
        try:
            parsed = feedmod.parse_feed(result.content, result.url)
        except FeedError as exc:
            self.store.record_feed_failure(feed.id, str(exc), base=self.settings.poll_interval,
                                           cap=self.settings.max_backoff)
            yield IngestOutcome(feed.url, "failed", detail=str(exc))
            return
        yield from self._ingest_entries(feed, result, parsed)

    def _ingest_entries(self, feed: Feed, result: FetchResult,
                        parsed: feedmod.ParsedFeed) -> Iterator[IngestOutcome]:
        yield from skipped_links(feed.url, parsed.unusable_links, "entry", "entries")
        for entry in parsed.entries:
            if not entry.url:
                continue
            if self.store.has_article(normalize_url(entry.url)):
                yield IngestOutcome(entry.url, "unchanged")
                continue
            hints: Hints = {"title": entry.title, "author": entry.author, "published": entry.published,
                            "outlet": parsed.title}
            yield from self.follow_ups.page(entry.url, hints=hints, feed_id=feed.id,
                                            fallback_html=entry.content_html)
        # The feed's validators are saved only after its entries are in (or queued durably): a crash
        # before this point refetches the whole feed next time, and the entries already stored come
        # back "unchanged".
        self.store.record_feed_success(
            feed.id, title=parsed.title, site_url=parsed.site_url, etag=result.etag,
            last_modified=result.last_modified, interval=self.settings.poll_interval)

    # --- task: fetch one page ------------------------------------------------------------
    def fetch_page(self, url: str, *, hints: Hints | None = None, feed_id: int | None = None,
                   fallback_html: str = "") -> Iterator[IngestOutcome]:
        """Fetch one page and store it; a feed entry's own HTML stands in when the page fails."""
        clean_hints = {k: v for k, v in (hints or {}).items() if v}
        try:
            result = self.fetcher.fetch(url)
            self._log_fetch(result, feed_id)
            document = self._document(result, hints=clean_hints)
        except CollectError as exc:
            self._log_failure(url, exc, feed_id)
            if len(fallback_html) < 500:
                yield IngestOutcome(url, "failed", detail=str(exc))
                return
            document = Document(url=url, content=fallback_html.encode("utf-8"),
                                content_type="text/html; charset=utf-8", hints=clean_hints)
        yield self.ingest_document(document, feed_id=feed_id)

    # --- one document: extract → dedupe → store → enqueue analysis -----------------------
    def ingest_document(self, document: Document, *, feed_id: int | None = None) -> IngestOutcome:
        outcome = store_document(self.store, self.settings, document, feed_id=feed_id)
        if outcome.action in {"added", "updated"} and outcome.article_id is not None:
            self.follow_ups.analysis(outcome.article_id)
        return outcome

    # --- helpers -------------------------------------------------------------------------
    def _document(self, result: FetchResult, *, hints: Hints | None = None) -> Document:
        return Document(url=result.url, content=result.content, content_type=result.content_type,
                        headers=result.headers, fetched_at=result.fetched_at, status_code=result.status_code,
                        hints=dict(hints or {}))

    def _log_fetch(self, result: FetchResult, feed_id: int | None = None) -> None:
        self.store.log_fetch(result.url, feed_id=feed_id, status_code=result.status_code,
                             elapsed_ms=int(result.elapsed_ms), content_type=result.content_type,
                             content_length=len(result.content), etag=result.etag,
                             last_modified=result.last_modified)

    def _log_failure(self, url: str, exc: NewsdeskError, feed_id: int | None) -> None:
        status = exc.status_code if isinstance(exc, HTTPStatusError) else 0
        self.store.log_fetch(url, feed_id=feed_id, status_code=status, error=str(exc))

    def _report(self, outcome: IngestOutcome) -> IngestOutcome:
        self.on_progress(outcome)
        return outcome


def store_document(store: Store, settings: Settings, document: Document, *,
                   feed_id: int | None = None) -> IngestOutcome:
    """Extract, deduplicate and store one document in one transaction."""
    try:
        extracted = extract_document(document)
    except ExtractError as exc:
        return IngestOutcome(document.url, "failed", detail=str(exc))
    canonical = identity_url(document.url, extracted.canonical_url)
    fingerprint = Fingerprint.of(extracted.text or canonical, settings.near_duplicate_threshold)
    with store.transaction() as conn:
        store.lock(conn, "copies")  # one original per group, however many processes add copies
        stored = store.save_article(
            conn, extracted, canonical_url=canonical, content_hash=fingerprint.content_hash,
            domain=site_host(canonical), feed_id=feed_id)
        if stored.action == "unchanged":
            return IngestOutcome(document.url, "unchanged", article_id=stored.id)
        original_id = None
        if extracted.text and extracted.status == "ok":
            store.save_fingerprint(conn, stored.id, fingerprint.signature, fingerprint.buckets)
            original_id = link_copies(store, conn, stored.id, extracted, fingerprint,
                                      settings.near_duplicate_threshold)
    if original_id is not None:
        return IngestOutcome(document.url, "duplicate", article_id=stored.id, duplicate_of=original_id,
                             detail=f"copy of {original_id}")
    detail = "no text layer" if extracted.status == "no_text_layer" else extracted.title
    return IngestOutcome(document.url, stored.action, article_id=stored.id, detail=detail)


def link_copies(store: Store, conn: Connection, article_id: int, extracted: ExtractedArticle,
                fingerprint: Fingerprint, threshold: float) -> int | None:
    """Link the new article and its copies to the earliest-published one.

    Returns the original's id when the new article is a copy, None when it is an original.
    """
    matches: dict[int, tuple[str, float]] = {}
    for other_id in store.exact_copies(conn, fingerprint.content_hash, article_id):
        matches[other_id] = ("exact", 1.0)
    if len(extracted.text.split()) >= MIN_WORDS_FOR_NEAR_DUP:
        for other_id, blob in store.near_candidates(conn, fingerprint.buckets, article_id):
            if other_id in matches:
                continue
            score = similarity(fingerprint.signature, signature_from_bytes(blob))
            if score >= threshold:
                matches[other_id] = ("near", round(score, 3))
    if not matches:
        return None
    originals = {store.original_id_of(conn, other): kind for other, kind in matches.items()}
    group = store.published_dates(conn, [article_id, *originals])
    earliest = min(group, key=lambda a: _order_key(a[1], a[0]))[0]
    if earliest == article_id:
        for other, (kind, score) in originals.items():
            if other != article_id:
                store.link_duplicate(conn, other, article_id, kind, score)
        return None
    kind, score = originals.get(earliest) or next(iter(originals.values()))
    store.link_duplicate(conn, article_id, earliest, kind, score)
    return earliest


def skipped_links(source: str, links: list[str], one: str, many: str) -> Iterator[IngestOutcome]:
    """One ``skipped`` line for the items of ``source`` (feed entries, sitemap locations, OPML outlines)
    whose link is not a usable http(s) URL: one for the source, not one per item (a feed may hold thousands)."""
    if links:
        yield IngestOutcome(source, "skipped", detail=(
            f"{len(links)} {one if len(links) == 1 else many} whose link is not a usable http(s) URL "
            f"(first: {links[0][:120]!r})"))

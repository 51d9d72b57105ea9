"""Ingestion: targets → collect → extract → deduplicate → store → analyse.

Each document is written in ONE transaction (article row, version, fingerprint, duplicate
links), so a process killed at any moment leaves either the whole article or none of it; a
re-run finds stored articles by canonical URL and content hash and changes nothing.
Analysis (entities, key phrases, story) runs after the write and is marked per article, so an
interrupted analysis is picked up again by the next run (:meth:`Ingestor.analyze_pending`).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import Connection

from newsdesk.analyze.dedupe import Fingerprint, normalize_url, signature_from_bytes, similarity
from newsdesk.collect import feeds as feedmod
from newsdesk.collect import sitemaps
from newsdesk.collect.fetcher import Fetcher, FetchResult
from newsdesk.collect.files import iter_documents
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
log = logging.getLogger(__name__)
MIN_WORDS_FOR_NEAR_DUP = 40
MAX_SITEMAP_DEPTH = 3


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def identity_url(doc_url: str, extracted: ExtractedArticle) -> str:
    """The URL an article is stored under.

    A page's own ``rel=canonical`` is trusted only when it stays on the same host (or the
    document has no web URL, as for local files and archives): a syndicated copy that points its
    canonical at the original publisher must not overwrite the original's row.
    """
    canonical = extracted.canonical_url or ""
    web_canonical = canonical.startswith(("http://", "https://"))
    if web_canonical and (not doc_url.startswith(("http://", "https://")) or _host(canonical) == _host(doc_url)):
        return normalize_url(canonical)
    return normalize_url(doc_url)


def _order_key(published: datetime | None, article_id: int) -> tuple[float, int]:
    return (published.timestamp() if published else float("inf"), article_id)


class Ingestor:
    """Adds targets and polls feeds into one store. Not thread-safe itself; fetches run in threads."""

    def __init__(self, store: Store, settings: Settings, *, fetcher: Fetcher | None = None,
                 analyze: bool = True, on_progress: Progress | None = None) -> None:
        self.store = store
        self.settings = settings
        self._fetcher = fetcher
        self.analyze = analyze
        self.on_progress = on_progress or (lambda outcome: None)

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

    # --- the public operations -----------------------------------------------------------
    def add(self, targets: Iterable[str]) -> list[IngestOutcome]:
        """Ingest every target; one failing target never stops the others."""
        outcomes: list[IngestOutcome] = []
        for target in targets:
            try:
                for outcome in self._add_target(target):
                    outcomes.append(self._report(outcome))
            except NewsdeskError as exc:
                outcomes.append(self._report(IngestOutcome(target, "failed", detail=str(exc))))
        if self.analyze:
            self.analyze_pending()
        return outcomes

    def poll(self, *, force: bool = False, workers: int = 4) -> list[IngestOutcome]:
        """Refresh every due feed (all feeds with ``force``); errors are recorded on the feed."""
        feeds = self.store.list_feeds() if force else self.store.due_feeds()
        outcomes: list[IngestOutcome] = []
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for result in pool.map(self._poll_feed, feeds):
                outcomes.extend(self._report(o) for o in result)
        if self.analyze:
            self.analyze_pending()
        return outcomes

    def analyze_pending(self, on_article: Callable[[int], None] | None = None) -> int:
        """Run analysis for every stored original not yet analysed; returns how many ran.

        One article whose analysis fails is logged and marked, so it neither stops the others
        nor is retried forever; ``newsdesk analyze`` after a fix does not revisit it.
        """
        from newsdesk.analyze.pipeline import analyze_article

        done = 0
        while ids := self.store.unanalyzed_article_ids(limit=500):
            for article_id in ids:
                try:
                    analyze_article(self.store, article_id, self.settings)
                except (NewsdeskError, ValueError, RuntimeError) as exc:
                    log.warning("analysis of article %s failed: %s", article_id, exc)
                    self.store.mark_analyzed(article_id)
                done += 1
                if on_article:
                    on_article(article_id)
        return done

    # --- dispatch ------------------------------------------------------------------------
    def _add_target(self, target: str) -> Iterator[IngestOutcome]:
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
        for outline in parse_opml(path.read_bytes(), str(path)):
            feed, created = self.store.add_feed(outline.url, outline.title, outline.site_url)
            yield IngestOutcome(outline.url, "subscribed" if created else "unchanged", detail=outline.title)
            yield from self._poll_feed(feed)

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
                    yield from self._poll_feed(feed)
            if links and outcome.action == "failed":
                return
        yield outcome

    def _ingest_sitemap(self, result: FetchResult, depth: int) -> Iterator[IngestOutcome]:
        parsed = sitemaps.parse_sitemap(result.content, result.url)
        for page in parsed.pages:
            yield from self._fetch_and_ingest(page.url, hints={"title": page.title, "published": page.published})
        if depth >= MAX_SITEMAP_DEPTH:
            return
        for child in parsed.sitemaps:
            try:
                child_result = self.fetcher.fetch(child)
                yield from self._ingest_sitemap(child_result, depth + 1)
            except NewsdeskError as exc:
                yield IngestOutcome(child, "failed", detail=str(exc))

    # --- feeds ---------------------------------------------------------------------------
    def _poll_feed(self, feed: Feed) -> list[IngestOutcome]:
        try:
            result = self.fetcher.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        except NewsdeskError as exc:
            retry_after = exc.retry_after if isinstance(exc, HTTPStatusError) else None
            self._log_failure(feed.url, exc, feed.id)
            self.store.record_feed_failure(feed.id, str(exc), base=self.settings.poll_interval,
                                           cap=self.settings.max_backoff, retry_after=retry_after)
            return [IngestOutcome(feed.url, "failed", detail=str(exc))]
        self._log_fetch(result, feed.id)
        if result.not_modified:
            self.store.record_feed_success(feed.id, not_modified=True, interval=self.settings.poll_interval)
            return [IngestOutcome(feed.url, "unchanged", detail="not modified")]
        return list(self._ingest_feed_content(feed, result))

    def _ingest_feed_content(self, feed: Feed, result: FetchResult) -> Iterator[IngestOutcome]:
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
        for entry in parsed.entries:
            if not entry.url:
                continue
            if self.store.has_article(normalize_url(entry.url)):
                yield IngestOutcome(entry.url, "unchanged")
                continue
            hints: dict[str, object] = {"title": entry.title, "author": entry.author, "published": entry.published,
                     "outlet": parsed.title}
            yield from self._fetch_and_ingest(entry.url, hints=hints, feed_id=feed.id,
                                              fallback_html=entry.content_html)
        # The feed's validators are saved only after its entries are in: a crash before this point
        # refetches the whole feed next time, and the entries already stored come back "unchanged".
        self.store.record_feed_success(
            feed.id, title=parsed.title, site_url=parsed.site_url, etag=result.etag,
            last_modified=result.last_modified, interval=self.settings.poll_interval)

    def _fetch_and_ingest(self, url: str, *, hints: dict[str, object], feed_id: int | None = None,
                          fallback_html: str = "") -> Iterator[IngestOutcome]:
        clean_hints = {k: v for k, v in hints.items() if v}
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

    # --- one document --------------------------------------------------------------------
    def ingest_document(self, document: Document, *, feed_id: int | None = None) -> IngestOutcome:
        """Extract, deduplicate and store one document in one transaction."""
        try:
            extracted = extract_document(document)
        except ExtractError as exc:
            return IngestOutcome(document.url, "failed", detail=str(exc))
        canonical = identity_url(document.url, extracted)
        fingerprint = Fingerprint.of(extracted.text or canonical, self.settings.near_duplicate_threshold)
        with self.store.transaction() as conn:
            self.store.lock(conn, "copies")  # one original per group, however many processes add copies
            stored = self.store.save_article(
                conn, extracted, canonical_url=canonical, content_hash=fingerprint.content_hash,
                domain=_host(canonical), feed_id=feed_id)
            if stored.action == "unchanged":
                return IngestOutcome(document.url, "unchanged", article_id=stored.id)
            original_id = None
            if extracted.text and extracted.status == "ok":
                self.store.save_fingerprint(conn, stored.id, fingerprint.signature, fingerprint.buckets)
                original_id = self._link_copies(conn, stored.id, extracted, fingerprint)
        if original_id is not None:
            return IngestOutcome(document.url, "duplicate", article_id=stored.id, duplicate_of=original_id,
                                 detail=f"copy of {original_id}")
        detail = "no text layer" if extracted.status == "no_text_layer" else extracted.title
        return IngestOutcome(document.url, stored.action, article_id=stored.id, detail=detail)

    def _link_copies(self, conn: Connection, article_id: int, extracted: ExtractedArticle,
                     fingerprint: Fingerprint) -> int | None:
        """Link the new article and its copies to the earliest-published one.

        Returns the original's id when the new article is a copy, None when it is an original.
        """
        store = self.store
        matches: dict[int, tuple[str, float]] = {}
        for other_id in store.exact_copies(conn, fingerprint.content_hash, article_id):
            matches[other_id] = ("exact", 1.0)
        if len(extracted.text.split()) >= MIN_WORDS_FOR_NEAR_DUP:
            threshold = self.settings.near_duplicate_threshold
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

    # --- helpers -------------------------------------------------------------------------
    def _document(self, result: FetchResult, *, hints: dict[str, object] | None = None) -> Document:
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

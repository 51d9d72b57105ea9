"""What a story's page and an article's related list show, computed once when they change.

:func:`story_page` builds the story page's data (the story detail — timeline, summary, entities,
framing — and the coverage series per day and outlet) plus the summary line the home page shows;
:func:`refresh_story` stores it as the story's digest, and :func:`refresh_article` stores an
article's related list. The job queue runs the refreshes when a story gains an article or is
merged (``newsdesk.refresh_story``); pages read the stored digest in one query and compute on
the fly only when none is stored yet. :func:`refresh_entity` does the same for an entity's page
(``newsdesk.refresh_entity``, deferred for the entities of the articles a story step filed).
Each refresh is idempotent: it recomputes from the database and overwrites.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from newsdesk.config import Settings
from newsdesk.errors import ModelUnavailableError, NotFoundError
from newsdesk.store import Store

log = logging.getLogger(__name__)
#: related publications kept per article
RELATED_LIMIT = 8
#: a story refresh also refreshes the related lists of this many of its newest originals
RELATED_PER_REFRESH = 20


def coverage_by_day(items: list[tuple[datetime | None, str | None]]) -> list[dict[str, Any]]:
    """(published, outlet) pairs → ``[{"day": "2026-01-31", "outlets": {outlet: n}}]``, by day."""
    days: dict[date, dict[str, int]] = {}
    for when, outlet in items:
        if when is None:
            continue
        bucket = days.setdefault(when.date(), {})
        bucket[outlet or "unknown"] = bucket.get(outlet or "unknown", 0) + 1
    return [{"day": d.isoformat(), "outlets": per} for d, per in sorted(days.items())]


def story_page(store: Store, settings: Settings, story_id: int) -> tuple[dict[str, Any], str]:
    """The story page's data and the story's summary line (NotFoundError for an unknown id)."""
    from newsdesk.analyze import stories
    from newsdesk.analyze.summarize import story_summary_line

    detail = stories.story_detail(store, story_id, settings)
    members = store.get_story_articles(detail.info.id)
    page = {"story": detail.to_json(),
            "coverage": coverage_by_day([(a.published or a.first_seen, a.outlet) for a in members])}
    return page, story_summary_line(store, settings, detail.info.id)


def refresh_story(store: Store, settings: Settings, story_id: int) -> dict[str, Any] | None:
    """Recompute and store the digest of a story (its survivor when merged); returns the page
    data, None for a story gone or emptied. The basis is read before computing, so a change
    made meanwhile leaves the digest stale (and refreshed again), never wrongly fresh."""
    try:
        story_id = store.resolve_story_id(story_id)
        basis = store.story_basis(story_id)
        if basis is None:
            return None
        page, line = story_page(store, settings, story_id)
    except NotFoundError:
        return None
    store.put_story_digest(story_id, basis, line, page)
    for article_id in store.stale_article_ids(story_id, limit=RELATED_PER_REFRESH):
        refresh_article(store, settings, article_id)
    return page


def related_of(store: Store, settings: Settings, article_id: int) -> list[dict[str, Any]] | None:
    """An article's related list as JSON; None when the related search is unavailable."""
    from newsdesk.analyze import related

    try:
        return [r.to_json() for r in related.related_articles(store, article_id, settings, limit=RELATED_LIMIT)]
    except (ModuleNotFoundError, ModelUnavailableError) as exc:
        log.warning("related publications unavailable: %s", exc)
        return None


def refresh_article(store: Store, settings: Settings, article_id: int) -> list[dict[str, Any]] | None:
    """Recompute and store an article's related list; returns it (None when unavailable)."""
    try:
        basis = store.article_basis(article_id)
        found = related_of(store, settings, article_id)
    except NotFoundError:
        return None
    if found is not None:
        store.put_article_digest(article_id, basis, found)
    return found


def entity_page(store: Store, entity_id: int) -> dict[str, Any]:
    """An entity page's data: the entity with its counts, newest articles, stories, coverage per
    day and co-occurring entities (NotFoundError for an unknown id)."""
    from newsdesk.analyze import entities

    detail = entities.entity_detail(store, entity_id)
    data = detail.to_json()
    data["coverage"] = [{"day": d.isoformat(), "outlets": {"articles": n}} for d, n in detail.coverage_by_day]
    return data


def refresh_entity(store: Store, entity_id: int) -> dict[str, Any] | None:
    """Recompute and store an entity's page; returns it, None for an entity gone. As for a
    story, the basis is read before computing, so a change meanwhile leaves the page stale."""
    basis = store.entity_basis(entity_id)
    if basis is None:
        return None
    try:
        page = entity_page(store, entity_id)
    except NotFoundError:
        return None
    store.put_entity_digest(entity_id, basis, page)
    return page

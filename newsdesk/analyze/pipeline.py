"""The per-article analysis steps run after ingestion; each records its own outcome.

Steps, in order: entities (the story clusterer uses them), the story, key phrases, and the
sentence embedding (a no-op when no model is installed). A step that fails is recorded as
failed with its error and does not stop the steps after it, so a broken key-phrase extractor
never leaves an article without its story. The article is marked analysed only when every step
is done; the next run (``newsdesk analyze``, the job queue's catch-up) runs only the steps not
done yet. Every step is idempotent, so an article whose analysis was interrupted is simply
analysed again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime

from newsdesk.config import Settings
from newsdesk.errors import AnalysisError, NewsdeskError
from newsdesk.store import Store, utcnow

log = logging.getLogger(__name__)
Step = Callable[[Store, int, Settings], object]


def _entities(store: Store, article_id: int, settings: Settings) -> None:
    from newsdesk.analyze import entities

    entities.index_entities(store, article_id, settings)


def _story(store: Store, article_id: int, settings: Settings) -> None:
    from newsdesk.analyze import stories

    stories.assign_story(store, article_id, settings)


def _keyphrases(store: Store, article_id: int, settings: Settings) -> None:
    from newsdesk.analyze import keyphrases

    keyphrases.index_keyphrases(store, article_id)


def _embedding(store: Store, article_id: int, settings: Settings) -> None:
    from newsdesk.analyze import embeddings

    embeddings.embed_article(store, article_id, settings)


STEPS: dict[str, Step] = {"entities": _entities, "story": _story, "keyphrases": _keyphrases,
                          "embedding": _embedding}


@dataclass
class AnalysisResult:
    """What one analysis run of one article did."""

    article_id: int
    done: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.failed


def analyze_article(store: Store, article_id: int, settings: Settings, *,
                    steps: Collection[str] | None = None) -> AnalysisResult:
    """Run the steps of one article (of ``steps``, default all) not done yet; never raises for a
    failing step."""
    result = AnalysisResult(article_id)
    already = store.completed_steps(article_id)
    for name, step in STEPS.items():
        if name in already or (steps is not None and name not in steps):
            continue
        try:
            step(store, article_id, settings)
        except (NewsdeskError, ValueError, RuntimeError, OSError, LookupError) as exc:
            log.warning("analysis step %s of article %s failed: %s", name, article_id, exc)
            store.record_step(article_id, name, error=f"{type(exc).__name__}: {exc}")
            result.failed[name] = str(exc)
            continue
        store.record_step(article_id, name)
        result.done.append(name)
    if result.complete and already.union(result.done) >= STEPS.keys():
        store.mark_analyzed(article_id)
    return result


def analyze_pending(store: Store, settings: Settings, *, on_article: Callable[[int], None] | None = None,
                    max_attempts: int | None = None) -> int:
    """Analyse every original whose analysis is not complete, each step that failed retried once,
    then merge the recent stories the stream split (what the ``merge_stories`` job does on a
    queue); returns how many articles ran. ``max_attempts`` leaves out steps that failed that often."""
    started: datetime = utcnow()
    done = 0
    while ids := store.unanalyzed_article_ids(limit=500, failed_since=started, max_attempts=max_attempts):
        for article_id in ids:
            analyze_article(store, article_id, settings)
            done += 1
            if on_article:
                on_article(article_id)
    if done:  # in-process, the merge job's work: join the stories the stream split
        from newsdesk.analyze.stories import merge_recent_stories

        merge_recent_stories(store, settings)
    return done


def require_complete(result: AnalysisResult) -> None:
    """Raise :class:`AnalysisError` naming the failed steps (a job fails, so its queue retries it)."""
    if result.failed:
        detail = "; ".join(f"{name}: {error}" for name, error in result.failed.items())
        raise AnalysisError(f"analysis of article {result.article_id} failed: {detail}",
                            source=str(result.article_id))

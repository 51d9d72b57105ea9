"""The per-article analysis steps run after ingestion, in order, then the article is marked done.

Entities come first (the story clusterer uses them), then key phrases, the sentence embedding
(only when a model is installed), then the story. Each step is idempotent, so an article whose
analysis was interrupted is simply analysed again.
"""

from __future__ import annotations

from newsdesk.config import Settings
from newsdesk.store import Store


def analyze_article(store: Store, article_id: int, settings: Settings) -> None:
    from newsdesk.analyze import embeddings, entities, keyphrases, stories

    entities.index_entities(store, article_id, settings)
    keyphrases.index_keyphrases(store, article_id)
    embeddings.embed_article(store, article_id, settings)
    stories.assign_story(store, article_id, settings)
    store.mark_analyzed(article_id)

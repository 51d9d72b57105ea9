"""Duplicate detection by content: exact content hashes, near-duplicates by MinHash LSH.

(URL identity — which URL an article is stored under — lives in :mod:`newsdesk.collect.identity`.)

* Two texts are exact copies when their normalised text hashes are equal.
* Two texts are near copies (syndication, light rewrites) when the Jaccard similarity of their
  word 5-shingles, estimated by MinHash, reaches the configured threshold. Candidates are found
  through LSH buckets kept in the database, so the check costs the same at any corpus size.
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash
from scipy.integrate import quad

NUM_PERM = 256
SHINGLE_WORDS = 5

_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    """Lower-cased word tokens with accents folded."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii") or text
    return _WORD.findall(folded.lower())


def content_hash(text: str) -> str:
    """SHA-256 of the text's words: blind to case, whitespace and punctuation changes."""
    return hashlib.sha256(" ".join(words(text)).encode("utf-8")).hexdigest()


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    tokens = words(text)
    if len(tokens) < size:
        return {" ".join(tokens).encode("utf-8")} if tokens else set()
    return {" ".join(tokens[i:i + size]).encode("utf-8") for i in range(len(tokens) - size + 1)}


@lru_cache(maxsize=1)
def _prototype() -> MinHash:
    """An empty MinHash whose permutations every signature shares: datasketch draws them afresh
    (256 pairs from a seeded ``RandomState``) for every new MinHash, which cost as much as hashing
    an article's shingles."""
    return MinHash(num_perm=NUM_PERM)


def signature(text: str) -> np.ndarray:
    """MinHash signature (``NUM_PERM`` unsigned 32-bit values) of the text's word shingles."""
    prototype = _prototype()
    minhash = MinHash(num_perm=NUM_PERM, seed=prototype.seed, permutations=prototype.permutations,
                      scheme=prototype.scheme)
    minhash.update_batch(list(shingles(text)))
    return minhash.hashvalues.astype(np.uint64)


def signature_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u8").tobytes()


def signature_from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u8")


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / float(len(a))


#: LSH only proposes candidates, which are then checked against the threshold with their
#: signatures; banding for a lower threshold keeps recall above 99% at the threshold itself.
LSH_MARGIN = 0.2


def _false_positive_area(threshold: float, bands: int, rows: int) -> float:
    """Chance that a pair below ``threshold`` shares a bucket, integrated over its similarity."""
    area, _error = quad(lambda s: 1 - (1 - s ** float(rows)) ** float(bands), 0.0, threshold)
    return float(area)


def _false_negative_area(threshold: float, bands: int, rows: int) -> float:
    """Chance that a pair above ``threshold`` shares no bucket, integrated over its similarity."""
    area, _error = quad(lambda s: 1 - (1 - (1 - s ** float(rows)) ** float(bands)), threshold, 1.0)
    return float(area)


@lru_cache(maxsize=32)
def lsh_params(threshold: float) -> tuple[int, int]:
    """(bands, rows) with ``bands x rows <= NUM_PERM`` that minimise the even sum of the false
    positive and false negative areas at ``threshold - LSH_MARGIN`` (floor 0.3).

    The banding decides the buckets stored in ``lsh_buckets``, so newsdesk computes it itself
    (the search ``datasketch.MinHashLSH`` runs with weights 0.5/0.5) rather than through a
    library's private helper whose answer could move with an upgrade.
    """
    target = max(0.3, threshold - LSH_MARGIN)
    best, best_error = (0, 0), float("inf")
    for bands in range(1, NUM_PERM + 1):
        for rows in range(1, NUM_PERM // bands + 1):
            error = 0.5 * _false_positive_area(target, bands, rows) + 0.5 * _false_negative_area(target, bands, rows)
            if error < best_error:
                best, best_error = (bands, rows), error
    return best


def band_buckets(sig: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """(band, bucket) pairs: texts sharing any pair are near-duplicate candidates."""
    bands, rows = lsh_params(threshold)
    out = []
    for band in range(bands):
        chunk = sig[band * rows:(band + 1) * rows].astype("<u8").tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8).digest()
        out.append((band, struct.unpack("<q", digest)[0]))  # signed: fits BIGINT
    return out


@dataclass(frozen=True)
class Fingerprint:
    """Everything dedupe needs to know about one text, computed once."""

    content_hash: str
    signature: np.ndarray
    buckets: list[tuple[int, int]]

    @classmethod
    def of(cls, text: str, threshold: float) -> Fingerprint:
        sig = signature(text)
        return cls(content_hash(text), sig, band_buckets(sig, threshold))

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
from datasketch.lsh import _optimal_param

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


def signature(text: str) -> np.ndarray:
    """MinHash signature (``NUM_PERM`` unsigned 32-bit values) of the text's word shingles."""
    minhash = MinHash(num_perm=NUM_PERM)
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


@lru_cache(maxsize=32)
def lsh_params(threshold: float) -> tuple[int, int]:
    """(bands, rows) whose S-curve passes 50% at ``threshold - LSH_MARGIN``."""
    bands, rows = _optimal_param(max(0.3, threshold - LSH_MARGIN), NUM_PERM, 0.5, 0.5)
    return int(bands), int(rows)


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

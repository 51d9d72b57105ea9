"""Read an HTTP body with a hard size limit that also bounds decompression.

The raw (still encoded) bytes are pulled chunk by chunk and decoded here with ``max_length`` so a
small gzip bomb never expands into memory: at most :data:`DECODE_STEP` bytes are produced per step,
and the count of *decoded* bytes is checked against the limit after every step. The rest of an
over-large body is never read; the caller closes the connection.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterable, Iterator

from newsdesk.errors import FetchError, ResponseTooLargeError

DECODE_STEP = 64 * 1024
SUPPORTED_ENCODINGS = ("gzip", "x-gzip", "deflate", "identity", "")


class _Inflater:
    """One content-coding layer (gzip with multiple members, or zlib/raw deflate), in bounded steps."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._first = True
        self._obj = self._new()

    def _new(self) -> zlib._Decompress:
        if self.coding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj()

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            if self.coding == "deflate" and self._first:
                self._first = False
                try:
                    probe = zlib.decompressobj()
                    probe.decompress(data[:2])
                except zlib.error:  # raw deflate without the zlib header, as some servers send
                    self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._obj.decompress(data, DECODE_STEP)
            if out:
                yield out
            data = self._obj.unconsumed_tail
            if self._obj.eof:
                rest = self._obj.unused_data
                if rest and self.coding in ("gzip", "x-gzip") and rest.lstrip(b"\0"):
                    self._obj = self._new()
                    data = rest
                else:
                    return

    def flush(self) -> Iterator[bytes]:
        while True:
            out = self._obj.decompress(self._obj.unconsumed_tail, DECODE_STEP)
            if not out:
                return
            yield out


def _decode(chunks: Iterable[bytes], codings: list[str]) -> Iterator[bytes]:
    if not codings:
        yield from chunks
        return
    inner, outer = codings[-1], codings[:-1]  # the last coding applied is undone first
    inflater = _Inflater(inner)

    def layer() -> Iterator[bytes]:
        for chunk in chunks:
            yield from inflater.feed(chunk)
        yield from inflater.flush()

    yield from _decode(layer(), outer)


def parse_codings(header: str, url: str) -> list[str]:
    """The ``Content-Encoding`` codings in the order they were applied (identity dropped)."""
    codings = [c.strip().lower() for c in header.split(",") if c.strip()]
    for coding in codings:
        if coding not in SUPPORTED_ENCODINGS:
            raise FetchError(f"unsupported Content-Encoding {coding!r}", source=url)
    return [c for c in codings if c != "identity"]


def read_limited(raw_chunks: Iterable[bytes], *, content_encoding: str, limit: int, url: str,
                 deadline: float | None = None) -> bytes:
    """Decode and collect ``raw_chunks``; raise :class:`ResponseTooLargeError` past ``limit`` bytes.

    ``deadline`` (a ``time.monotonic()`` value) bounds the whole read, so a server trickling bytes
    just under the read timeout cannot hold a worker for ever.
    """
    codings = parse_codings(content_encoding, url)
    parts: list[bytes] = []
    total = 0
    try:
        for piece in _decode(raw_chunks, codings):
            total += len(piece)
            if total > limit:
                raise ResponseTooLargeError(
                    f"response body is larger than the limit of {limit:,} bytes (max_response_bytes)",
                    source=url)
            parts.append(piece)
            if deadline is not None and time.monotonic() > deadline:
                raise FetchError("reading the response body took too long", source=url)
    except zlib.error as exc:
        raise FetchError(f"cannot decode {content_encoding} body: {exc}", source=url) from None
    return b"".join(parts)

"""WARC archives (warcio): HTML and PDF ``response`` records as :class:`Document` s.

Non-200 responses and records that are not documents (requests, metadata, images, scripts) are
skipped. A corrupt record is yielded as an :class:`ArchiveError` and reading resumes at the next
record boundary found after it (the next gzip member of a ``.warc.gz``, the next ``WARC/1.x`` line of
a plain ``.warc``), so one bad record does not lose the rest of the archive.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Generator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

from newsdesk.collect.files import HTML, PDF, XHTML, sniff_media_type
from newsdesk.dates import parse_iso_datetime
from newsdesk.errors import ArchiveError, UnsupportedTargetError
from newsdesk.models import Document
from newsdesk.sniff import sniffable_head
from newsdesk.urls import split_url

GZIP_MEMBER = b"\x1f\x8b\x08"
WARC_RECORD = b"WARC/1."
DOCUMENT_TYPES = frozenset({HTML, XHTML, PDF})
#: a record body larger than this is reported, not read
MAX_RECORD_BYTES = 100 * 1024 * 1024
#: headers that describe the transfer, not the decoded content warcio hands us
TRANSFER_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})
#: what warcio raises on corrupt input (OverflowError: a Content-Length too large to seek or read;
#: AttributeError/TypeError: a response record without the headers warcio expects)
CORRUPTION = (ArchiveLoadFailed, StatusAndHeadersParserException, zlib.error, EOFError, ValueError,
              OverflowError, OSError, IndexError, KeyError, AttributeError, TypeError)
SCAN_BLOCK = 1024 * 1024
# warcio logs each repair it makes to a record (to stderr when logging is not set up); what cannot be
# read is reported through ArchiveError instead
logging.getLogger("warcio").setLevel(logging.ERROR)


class _QuietArchiveIterator(ArchiveIterator):
    """warcio's iterator without its own warnings on stderr: corrupt records are reported as errors."""

    INC_RECORD = ""


def iter_warc(path: Path) -> Iterator[Document | ArchiveError]:
    """Documents in a WARC (or ``.warc.gz``) file, with an :class:`ArchiveError` per unreadable record."""
    path = Path(path)
    if not path.is_file():
        raise UnsupportedTargetError("no such file", source=str(path))
    with path.open("rb") as fh:
        head = fh.read(4096)
        gzipped = head.startswith(GZIP_MEMBER)
        if not _starts_like_an_archive(head):
            yield ArchiveError("not a WARC or ARC file", source=str(path))
            return
        marker = GZIP_MEMBER if gzipped else WARC_RECORD
        start: int | None = 0
        while start is not None:
            failed_at = yield from _read_from(fh, start, path)
            start = None if failed_at is None else _find_marker(fh, marker, failed_at + 1)


def _starts_like_an_archive(head: bytes) -> bool:
    return sniffable_head(head, 64).lstrip(b"\r\n").startswith((b"WARC/", b"filedesc://"))


def _read_from(fh: IO[bytes], start: int, path: Path) -> Generator[Document | ArchiveError, None, int | None]:
    """Yield records from ``start``; return the offset where reading failed, or None at a clean end."""
    fh.seek(start)
    iterator = _QuietArchiveIterator(fh)
    try:
        for record in iterator:
            item = _document(record, path)
            if item is not None:
                yield item
    except CORRUPTION as exc:
        offset = int(getattr(iterator, "offset", start) or start)
        yield ArchiveError(f"unreadable record near byte {offset}: {exc or type(exc).__name__}",
                           source=f"{path}@{offset}")
        return max(offset, start)
    return None


def _find_marker(fh: IO[bytes], marker: bytes, position: int) -> int | None:
    """Offset of the next ``marker`` at or after ``position``, or None."""
    fh.seek(position)
    carry = b""
    base = position
    while True:
        block = fh.read(SCAN_BLOCK)
        if not block:
            return None
        data = carry + block
        found = data.find(marker)
        if found >= 0:
            return base - len(carry) + found
        carry = data[-(len(marker) - 1):]
        base += len(block)


def _document(record: Any, path: Path) -> Document | ArchiveError | None:
    if record.rec_type != "response" or record.http_headers is None:
        return None
    if record.http_headers.get_statuscode() != "200":
        return None
    url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip()
    if url and split_url(url) is None:
        return ArchiveError(f"record has a malformed WARC-Target-URI {url[:200]!r}", source=str(path))
    declared = (record.http_headers.get_header("Content-Type") or "").split(";", 1)[0].strip().lower()
    if declared and declared not in DOCUMENT_TYPES and not declared.startswith("text/"):
        return None
    content = record.content_stream().read(MAX_RECORD_BYTES + 1)
    if len(content) > MAX_RECORD_BYTES:
        return ArchiveError(f"record body is larger than {MAX_RECORD_BYTES:,} bytes", source=url or str(path))
    missing = int(getattr(record.raw_stream, "limit", 0) or 0)
    if missing > 0:
        return ArchiveError(f"truncated record: {missing:,} bytes of its body are missing",
                            source=url or str(path))
    media = declared if declared in DOCUMENT_TYPES else sniff_media_type(content)
    if media not in DOCUMENT_TYPES:
        return None
    headers = _http_headers(record)
    return Document(
        url=url, content=content,
        content_type=record.http_headers.get_header("Content-Type") or media,
        headers=headers, fetched_at=_warc_date(record), status_code=200,
    )


def _http_headers(record: Any) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in record.http_headers.headers:
        key = name.lower()
        if key in TRANSFER_HEADERS:
            continue
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def _warc_date(record: Any) -> datetime | None:
    parsed = parse_iso_datetime(record.rec_headers.get_header("WARC-Date") or "")
    return parsed.astimezone(UTC) if parsed else None

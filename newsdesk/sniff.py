"""What bytes are, judged from their first bytes: HTML or not, gzip or not.

The one home of these decisions for every layer (collect, extract and ingest import it; it imports
nothing of newsdesk), so a page is HTML to the feed reader exactly when it is HTML to extraction.
"""

from __future__ import annotations

import re
import zlib

GZIP_MAGIC = b"\x1f\x8b"
BOM = b"\xef\xbb\xbf"
#: how far into a document its start is looked for
HEAD_BYTES = 4096
_HTML_DOCUMENT = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>]",
    re.IGNORECASE | re.DOTALL,
)
_HTML_FRAGMENT = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*(?:<\?xml[^>]*>\s*)?<(?:!doctype\s+html|html|head|body|meta|title|article|div|p)[\s>]",
    re.IGNORECASE | re.DOTALL,
)


def head(content: bytes, size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` bytes without a UTF-8 byte order mark and leading whitespace."""
    return content[:size].lstrip(b" \t\r\n").removeprefix(BOM).lstrip(b" \t\r\n")


def looks_like_html(content: bytes, *, fragments: bool = False) -> bool:
    """True when ``content`` starts as an HTML document (doctype, ``<html>``, ``<head>`` or ``<body>``
    after an optional XML declaration and comments).

    With ``fragments``, also a page that starts with a common body tag (``<div>``, ``<p>``,
    ``<title>``…) or names ``<html`` in its first bytes: how extraction tells a page served as
    ``text/plain`` from plain text. Feeds and file types use the strict form, so a feed quoting
    HTML in its first entry is still a feed.
    """
    start = head(content)
    if _HTML_DOCUMENT.match(start):
        return True
    return fragments and (bool(_HTML_FRAGMENT.match(start)) or b"<html" in start[:2048].lower())


def is_gzip(content: bytes) -> bool:
    """True when ``content`` starts with the gzip magic number."""
    return content.startswith(GZIP_MAGIC)


def gunzip_head(content: bytes, size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` decompressed bytes of gzip ``content`` (``b""`` when it is corrupt).

    Only the start is inflated, so a gzip bomb costs ``size`` bytes here; reading the whole of a
    gzipped file goes through a bounded reader (:func:`newsdesk.collect.safexml.gunzip_limited`).
    """
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(content, size)
    except zlib.error:
        return b""


def sniffable_head(content: bytes, size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` bytes of ``content``, decompressed first when it is gzip."""
    return gunzip_head(content, size) if is_gzip(content) else content[:size]

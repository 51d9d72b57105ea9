"""What a document is: HTML, PDF, plain text, a pre-extracted record, or binary (not an article).

The Content-Type is a hint, not the truth: servers send images as ``text/html`` and HTML as
``text/plain``. Magic numbers and NUL bytes in the first bytes decide first.
"""

from __future__ import annotations

from newsdesk import sniff
from newsdesk.models import Document

RECORD_TYPE = "application/x-newsdesk-record"

HTML_TYPES = {"text/html", "application/xhtml+xml", "application/xml", "text/xml"}
PDF_TYPES = {"application/pdf", "application/x-pdf"}
TEXT_TYPES = {"text/plain", "text/markdown", "text/x-markdown"}
_UNKNOWN_TYPES = {"", "application/octet-stream", "binary/octet-stream", "application/unknown"}

_MAGIC: tuple[tuple[int, bytes], ...] = (
    (0, b"\x89PNG"), (0, b"\xff\xd8\xff"), (0, b"GIF87a"), (0, b"GIF89a"), (0, b"PK\x03\x04"),
    (0, sniff.GZIP_MAGIC), (0, b"BZh"), (0, b"\xfd7zXZ"), (0, b"7z\xbc\xaf"), (0, b"Rar!"),
    (0, b"RIFF"), (0, b"OggS"), (0, b"fLaC"), (0, b"ID3"), (0, b"\x00asm"), (0, b"\x7fELF"),
    (0, b"\xd0\xcf\x11\xe0"), (0, b"wOFF"), (0, b"wOF2"), (0, b"\x00\x01\x00\x00"), (0, b"II*\x00"),
    (0, b"MM\x00*"), (4, b"ftyp"), (0, b"\x1aE\xdf\xa3"), (0, b"SQLite format 3"),
)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def is_pdf(content: bytes) -> bool:
    return b"%PDF-" in content[:1024]


def is_binary(content: bytes) -> bool:
    """Magic numbers of images, archives, media and executables, or NUL bytes in a non-UTF-16 head."""
    if any(content[offset:offset + len(magic)] == magic for offset, magic in _MAGIC):
        return True
    if content.startswith(_UTF16_BOMS) or content.startswith(b"\x00\x00\xfe\xff"):
        return False
    return b"\x00" in content[:4096]


def looks_like_html(content: bytes) -> bool:
    """HTML, including pages that start with a body tag (see :func:`newsdesk.sniff.looks_like_html`)."""
    return sniff.looks_like_html(content, fragments=True)


def sniff_kind(doc: Document) -> str:
    """``record``, ``pdf``, ``html``, ``text`` or ``binary`` for ``doc``."""
    if doc.media_type == RECORD_TYPE:
        return "record"
    content = doc.content
    if is_pdf(content):
        return "pdf"
    if is_binary(content):
        return "binary"
    media = doc.media_type
    if media in PDF_TYPES and not looks_like_html(content):
        return "pdf"  # no %PDF- header: pypdf says what is wrong with it
    if media in HTML_TYPES or media.endswith("+xml"):
        return "html"
    if media in TEXT_TYPES or media in _UNKNOWN_TYPES or media.startswith("text/"):
        return "html" if looks_like_html(content) else "text"
    return "binary"

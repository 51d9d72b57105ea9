"""Bytes to text: charset from the Content-Type header, then BOM / ``<meta charset>``, then detection.

Declared charsets are often wrong. A page declared as a single-byte charset (ISO-8859-1,
windows-1252…) whose bytes are valid UTF-8 with non-ASCII characters is read as UTF-8; a page
declared UTF-8 whose bytes are not valid UTF-8 falls through to the next candidate and finally to
detection (charset-normalizer), then windows-1252, which never fails.
"""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# WHATWG: these labels mean windows-1252 in practice.
_LATIN_CODECS = {
    "cp1250", "cp1252", "cp1254", "cp1257", "cp437", "cp775", "cp850", "cp852", "cp857", "cp858", "cp860",
    "cp861", "cp863", "cp865", "hp-roman8", "hp_roman8", "latin-1", "iso8859-2", "iso8859-3",
    "iso8859-4", "iso8859-9", "iso8859-10", "iso8859-13", "iso8859-14", "iso8859-15", "iso8859-16",
    "mac-roman", "mac-latin2", "mac-iceland", "mac-turkish", "ascii",
}
_SINGLE_BYTE_ALIASES = {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "iso8859-1", "l1"}


def _codec(label: str) -> str | None:
    """The Python codec name for a charset label, or None if unknown."""
    label = label.strip().lower()
    if label in _SINGLE_BYTE_ALIASES:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def bom_encoding(content: bytes) -> str | None:
    for bom, name in _BOMS:
        if content.startswith(bom):
            return name
    return None


def header_charset(content_type: str) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return _codec(match.group(1)) if match else None


def declared_charset(content: bytes) -> str | None:
    """The charset a ``<meta>`` tag or XML declaration in the first 4 KB names."""
    head = content[:4096]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return _codec(match.group(1).decode("ascii", "ignore")) if match else None


def _is_single_byte(codec: str) -> bool:
    return codecs.lookup(codec).name.startswith(("cp", "iso8859", "latin", "mac", "koi8"))


def _utf8_or_none(content: bytes) -> str | None:
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _try(content: bytes, codec: str) -> str | None:
    if codec == "utf-8":
        return _utf8_or_none(content)
    if _is_single_byte(codec):
        as_utf8 = _utf8_or_none(content)
        if as_utf8 is not None and not content.isascii():
            return as_utf8  # declared single-byte, but the bytes are UTF-8
    try:
        return content.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(content: bytes) -> str | None:
    """charset-normalizer's guess, except that any Latin single-byte guess becomes windows-1252.

    Telling windows-1252 from windows-1257 or ISO-8859-2 by statistics alone is unreliable on
    short pages; windows-1252 is what undeclared Latin-script pages almost always are (and what
    browsers assume), so only a multi-byte or non-Latin guess overrides it.
    """
    from charset_normalizer import from_bytes

    best = from_bytes(content[:65536]).best()
    if best is None:
        return None
    codec = _codec(best.encoding) or ""
    if codec in _LATIN_CODECS:
        codec = "cp1252"
    try:
        return content.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_bytes(content: bytes, content_type: str = "") -> str:
    """Decode a page or text file; never fails (windows-1252 with replacement is the last resort)."""
    bom = bom_encoding(content)
    if bom:
        return content.decode(bom, errors="replace").lstrip("\ufeff")
    for codec in (header_charset(content_type), declared_charset(content), "utf-8"):
        if codec:
            text = _try(content, codec)
            if text is not None:
                return text
    return _detect(content) or content.decode("cp1252", errors="replace")

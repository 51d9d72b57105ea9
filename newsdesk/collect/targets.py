"""What a command-line target is: a URL, a file, a folder, an OPML list, a WARC, JSON Lines or stdin.

Decided by scheme, then extension, then the first bytes of the file.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path
from urllib.parse import unquote, urlsplit

from newsdesk.collect.files import BY_EXTENSION, sniff_media_type
from newsdesk.errors import UnsupportedTargetError

KINDS = ("url", "file", "folder", "opml", "warc", "jsonl", "stdin")
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")
OPML_SUFFIXES = (".opml",)


def is_url(target: str) -> bool:
    """True for an ``http``/``https`` URL with a host."""
    try:
        parts = urlsplit(target.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _path_of(target: str) -> Path:
    parts = urlsplit(target)
    if parts.scheme.lower() == "file":
        if parts.netloc not in ("", "localhost"):
            raise UnsupportedTargetError("file:// URLs must name a local path", source=target)
        return Path(unquote(parts.path))
    return Path(target).expanduser()


def _head(path: Path, size: int = 4096) -> bytes:
    try:
        with path.open("rb") as fh:
            head = fh.read(size)
    except OSError as exc:
        raise UnsupportedTargetError(f"cannot read: {exc.strerror or exc}", source=str(path)) from None
    if head.startswith(b"\x1f\x8b"):
        try:
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, size)
        except (zlib.error, gzip.BadGzipFile):
            return b""
    return head


def _sniff(head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"WARC/"):
        return "warc"
    if b"<opml" in text[:512].lower():
        return "opml"
    if text.startswith(b"{") and b'"url"' in text.split(b"\n", 1)[0]:
        return "jsonl"
    return ""


def classify_target(target: str) -> str:
    """One of :data:`KINDS`; :class:`UnsupportedTargetError` for anything newsdesk cannot read."""
    target = target.strip()
    if target == "-":
        return "stdin"
    if is_url(target):
        return "url"
    scheme = urlsplit(target).scheme.lower()
    if scheme and len(scheme) > 1 and scheme != "file":  # one letter: a Windows drive, not a scheme
        raise UnsupportedTargetError(f"unsupported URL scheme {scheme!r}: use http, https or a path",
                                     source=target)
    path = _path_of(target)
    if not path.exists():
        raise UnsupportedTargetError("no such file or folder", source=target)
    if path.is_dir():
        return "folder"
    if not path.is_file():
        raise UnsupportedTargetError("not a regular file or folder", source=target)
    name = path.name.lower()
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(OPML_SUFFIXES):
        return "opml"
    head = _head(path)
    kind = _sniff(head)
    if kind:
        return kind
    if path.suffix.lower() in BY_EXTENSION or sniff_media_type(head):
        return "file"
    raise UnsupportedTargetError(
        f"unsupported file type {path.suffix or '(no extension)'}: newsdesk reads URLs, HTML, XHTML, PDF, "
        "text, OPML, WARC and JSON Lines", source=target)

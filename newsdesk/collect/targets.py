"""What a command-line target is: a URL, a file, a folder, an OPML list, a WARC, JSON Lines or stdin.

Decided by scheme, then extension, then the first bytes of the file.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from newsdesk.collect.files import BY_EXTENSION, sniff_media_type
from newsdesk.errors import InvalidTargetError, UnsupportedTargetError
from newsdesk.sniff import sniffable_head
from newsdesk.urls import WEB_SCHEMES, is_web_url, split_url, web_url_problem

KINDS = ("url", "file", "folder", "opml", "warc", "jsonl", "stdin")
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")
OPML_SUFFIXES = (".opml",)


def is_url(target: str) -> bool:
    """True for a well-formed ``http``/``https`` URL with a host."""
    return is_web_url(target)


def _scheme(target: str) -> str:
    """The URL scheme of ``target`` ('' for a path; a one-letter "scheme" is a Windows drive)."""
    head, sep, _rest = target.partition(":")
    if not sep or len(head) < 2 or not head[:1].isalpha():
        return ""
    if not all(ch.isalnum() or ch in "+-." for ch in head):
        return ""
    return head.lower()


def check_target(target: str) -> None:
    """Raise :class:`InvalidTargetError` for a target that is malformed whatever exists on disk.

    Empty targets and http(s) URLs that do not parse (no host, bad brackets, bad port) are bad
    arguments; whether a path exists or a scheme is supported is decided by :func:`classify_target`.
    """
    if not target.strip():
        raise InvalidTargetError("empty target: give a URL, a path or - for stdin", source=repr(target))
    scheme = _scheme(target.strip())
    if scheme in WEB_SCHEMES:
        problem = web_url_problem(target)
        if problem:
            raise InvalidTargetError(problem, source=target.strip())
    elif scheme == "file":
        _path_of(target.strip())


def target_location(target: str) -> str:
    """The target as ingestion opens it: a ``file://`` URL becomes its local path, the rest stays."""
    target = target.strip()
    if _scheme(target) == "file":
        return str(_path_of(target))
    return target


def _path_of(target: str) -> Path:
    if _scheme(target) == "file":
        parts = split_url(target)
        if parts is None:
            raise InvalidTargetError("malformed file:// URL", source=target)
        if parts.netloc not in ("", "localhost"):
            raise UnsupportedTargetError("file:// URLs must name a local path", source=target)
        if not parts.path:
            raise InvalidTargetError("file:// URL has no path", source=target)
        return Path(unquote(parts.path))
    try:
        return Path(target).expanduser()
    except RuntimeError:  # "~someone" with no such user
        raise UnsupportedTargetError("no such file or folder (unknown home directory)", source=target) from None


def _head(path: Path, size: int = 4096) -> bytes:
    try:
        with path.open("rb") as fh:
            return sniffable_head(fh.read(size), size)
    except OSError as exc:
        raise UnsupportedTargetError(f"cannot read: {exc.strerror or exc}", source=str(path)) from None


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
    check_target(target)
    target = target.strip()
    if target == "-":
        return "stdin"
    if is_url(target):
        return "url"
    scheme = _scheme(target)
    if scheme and scheme != "file":
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

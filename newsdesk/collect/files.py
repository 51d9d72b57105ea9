"""Local files and folders as :class:`Document` s: HTML, XHTML, PDF and plain text.

The media type comes from the extension and is checked against the first bytes: a PDF is a PDF
whatever its name says, and a file with an unknown extension is accepted only when its bytes are
clearly HTML or PDF. Anything else is an :class:`UnsupportedTargetError`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from newsdesk.errors import CollectError, UnsupportedTargetError
from newsdesk.models import Document
from newsdesk.sniff import head, looks_like_html

HTML = "text/html"
XHTML = "application/xhtml+xml"
PDF = "application/pdf"
TEXT = "text/plain"
BY_EXTENSION = {
    ".html": HTML, ".htm": HTML, ".shtml": HTML,
    ".xhtml": XHTML, ".xht": XHTML,
    ".pdf": PDF,
    ".txt": TEXT, ".text": TEXT, ".md": TEXT, ".markdown": TEXT, ".rst": TEXT,
}
#: a file larger than this is not read (the same order as the HTTP size limit)
MAX_FILE_BYTES = 200 * 1024 * 1024


def sniff_media_type(content: bytes) -> str:
    """``application/pdf`` or ``text/html`` from the first bytes, or '' when neither is clear."""
    if head(content, 1024).startswith(b"%PDF-"):
        return PDF
    if looks_like_html(content):
        return HTML
    return ""


def _is_text(content: bytes) -> bool:
    sample = content[:8192]
    if b"\0" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(sample) - 4  # a multibyte character cut by the sample's end
    return True


def media_type_for(path: Path, content: bytes) -> str:
    """The media type newsdesk reads ``path`` as; :class:`UnsupportedTargetError` when none fits."""
    by_name = BY_EXTENSION.get(path.suffix.lower(), "")
    sniffed = sniff_media_type(content)
    if sniffed == PDF or (sniffed == HTML and by_name in ("", TEXT)):
        return sniffed
    if by_name == PDF:
        raise UnsupportedTargetError("named .pdf but is not a PDF (no %PDF- header)", source=str(path))
    if by_name in (HTML, XHTML) or (by_name == TEXT and _is_text(content)):
        return by_name
    if by_name == TEXT:
        raise UnsupportedTargetError("named as text but holds binary data", source=str(path))
    raise UnsupportedTargetError(
        f"unsupported file type {path.suffix or '(no extension)'}: newsdesk reads HTML, XHTML, PDF and text",
        source=str(path))


def document_from_path(path: Path) -> Document:
    """Read one file as a Document with a ``file://`` URL; raise a :class:`CollectError` if it cannot."""
    path = Path(path)
    if not path.exists():
        raise UnsupportedTargetError("no such file", source=str(path))
    if not path.is_file():
        raise UnsupportedTargetError("not a regular file", source=str(path))
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnsupportedTargetError(f"file is larger than {MAX_FILE_BYTES:,} bytes", source=str(path))
        content = path.read_bytes()
    except OSError as exc:
        raise CollectError(f"cannot read file: {exc.strerror or exc}", source=str(path)) from None
    media = media_type_for(path, content)
    modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    return Document(
        url=path.resolve().as_uri(), content=content, content_type=media,
        headers={"last-modified": modified.strftime("%a, %d %b %Y %H:%M:%S GMT")},
        fetched_at=datetime.now(UTC),
    )


def _visible_files(folder: Path) -> Iterator[Path | CollectError]:
    """Files under ``folder``, sorted, depth first, skipping hidden files and folders.

    A folder that cannot be listed is yielded as a :class:`CollectError` and the walk goes on.
    """
    problems: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=problems.append):
        yield from (_unreadable_folder(p) for p in problems)
        problems.clear()
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name
    yield from (_unreadable_folder(p) for p in problems)


def _unreadable_folder(exc: OSError) -> CollectError:
    return CollectError(f"cannot list folder: {exc.strerror or exc}", source=str(exc.filename))


def iter_documents(path: Path) -> Iterator[Document | CollectError]:
    """A file, or every visible file in a folder (recursive, sorted); failures are yielded, not raised."""
    path = Path(path)
    if not path.exists():
        raise UnsupportedTargetError("no such file or folder", source=str(path))
    candidates: Iterator[Path | CollectError] = _visible_files(path) if path.is_dir() else iter([path])
    for candidate in candidates:
        if isinstance(candidate, CollectError):
            yield candidate
            continue
        try:
            yield document_from_path(candidate)
        except CollectError as exc:
            yield exc

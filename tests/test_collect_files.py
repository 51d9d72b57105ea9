"""Local files and folders as Documents: type by extension and bytes, hidden files, errors in a walk."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.collect.files import document_from_path, iter_documents
from newsdesk.errors import CollectError, UnsupportedTargetError
from newsdesk.models import Document

PAGE = b"<!DOCTYPE html><html><head><title>Invented</title></head><body><p>Ferry news.</p></body></html>"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def write(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("name, content, media", [
    ("story.html", PAGE, "text/html"),
    ("story.HTM", PAGE, "text/html"),
    ("story.xhtml", b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
     "application/xhtml+xml"),
    ("report.pdf", PDF_BYTES, "application/pdf"),
    ("notes.txt", "Plain notes about the harbour — with a dash.".encode(), "text/plain"),
    ("notes.md", b"# Heading\n\nText.", "text/plain"),
    ("saved_page", PAGE, "text/html"),            # no extension: sniffed
    ("misnamed.html", PDF_BYTES, "application/pdf"),  # bytes win for PDF
    ("page.txt", PAGE, "text/html"),               # a saved page named .txt
])
def test_document_types(tmp_path: Path, name: str, content: bytes, media: str) -> None:
    path = write(tmp_path / name, content)
    doc = document_from_path(path)
    assert isinstance(doc, Document)
    assert doc.content_type == media
    assert doc.content == content
    assert doc.url == path.resolve().as_uri() and doc.url.startswith("file:///")
    assert doc.fetched_at is not None and doc.fetched_at.tzinfo is not None


@pytest.mark.parametrize("name, content, message", [
    ("photo.jpg", b"\xff\xd8\xff\xe0JFIF", "unsupported file type .jpg"),
    ("blob", b"\x00\x01\x02", "no extension"),
    ("fake.pdf", b"not a pdf at all", "not a PDF"),
    ("binary.txt", b"\x00\x00\xff\xfe", "binary"),
])
def test_unsupported_files(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = write(tmp_path / name, content)
    with pytest.raises(UnsupportedTargetError, match=message) as info:
        document_from_path(path)
    assert info.value.source == str(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedTargetError, match="no such file"):
        document_from_path(tmp_path / "nope.html")


def test_url_of_a_path_with_spaces(tmp_path: Path) -> None:
    doc = document_from_path(write(tmp_path / "my page.html", PAGE))
    assert doc.url.endswith("/my%20page.html")


def test_folder_walk_is_sorted_recursive_and_skips_hidden(tmp_path: Path) -> None:
    write(tmp_path / "b.html", PAGE)
    write(tmp_path / "a.txt", b"alpha")
    write(tmp_path / "sub" / "c.pdf", PDF_BYTES)
    write(tmp_path / "sub" / "deeper" / "d.htm", PAGE)
    write(tmp_path / ".hidden.html", PAGE)
    write(tmp_path / ".git" / "index.html", PAGE)
    write(tmp_path / "z.png", b"\x89PNG\r\n\x1a\n")
    (tmp_path / "dangling.html").symlink_to(tmp_path / "gone.html")
    items = list(iter_documents(tmp_path))
    names = [Path(i.url).name if isinstance(i, Document) else Path(str(i.source)).name for i in items]
    assert names == ["a.txt", "b.html", "dangling.html", "z.png", "c.pdf", "d.htm"]
    errors = [i for i in items if isinstance(i, CollectError)]
    assert [Path(str(e.source)).name for e in errors] == ["dangling.html", "z.png"]
    assert "no such file" in str(errors[0])


def test_single_file_target(tmp_path: Path) -> None:
    (item,) = list(iter_documents(write(tmp_path / "one.html", PAGE)))
    assert isinstance(item, Document) and item.content == PAGE


def test_walk_of_missing_folder_raises(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedTargetError):
        list(iter_documents(tmp_path / "absent"))

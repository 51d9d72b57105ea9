"""WARC reading with warcio: documents out, other records skipped, corrupt records reported and skipped."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsdesk.collect.warc import iter_warc
from newsdesk.errors import ArchiveError, UnsupportedTargetError
from newsdesk.models import Document

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def page(n: int) -> bytes:
    return (f"<html><head><title>Invented story {n}</title></head><body>"
            f"<p>The harbour board met for the {n}th time.</p></body></html>").encode()


#: (url, status, content type, body, record type)
RECORDS = [
    ("https://archive.example.test/story1", "200 OK", "text/html; charset=utf-8", page(1), "response"),
    ("https://archive.example.test/story1", "", "", b"", "request"),
    ("https://archive.example.test/story2", "200 OK", "text/html", page(2), "response"),
    ("https://archive.example.test/report.pdf", "200 OK", "application/pdf", PDF_BYTES, "response"),
    ("https://archive.example.test/missing", "404 Not Found", "text/html", page(404), "response"),
    ("https://archive.example.test/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n", "response"),
    ("https://archive.example.test/app.js", "200 OK", "application/javascript", b"var x = 1;", "response"),
    ("https://archive.example.test/story3", "200 OK", "", page(3), "response"),  # no type: sniffed
]
EXPECTED = ["https://archive.example.test/story1", "https://archive.example.test/story2",
            "https://archive.example.test/report.pdf", "https://archive.example.test/story3"]


def write_warc(path: Path, *, gz: bool) -> list[int]:
    """Write RECORDS; return each record's start offset (plus the end offset)."""
    offsets = []
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for url, status, ctype, body, rec_type in RECORDS:
            offsets.append(fh.tell())
            if rec_type == "request":
                http = StatusAndHeaders("GET /story1 HTTP/1.1", [("Host", "archive.example.test")],
                                        is_http_request=True)
                record = writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=http)
            else:
                headers = [("Content-Type", ctype)] if ctype else []
                headers.append(("Server", "invented/1.0"))
                http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
                record = writer.create_warc_record(
                    url, "response", payload=io.BytesIO(body), http_headers=http,
                    warc_headers_dict={"WARC-Date": "2026-03-04T10:20:30Z"})
            writer.write_record(record)
        offsets.append(fh.tell())
    return offsets


def corrupt(path: Path, start: int, length: int, pattern: bytes = b"\xff") -> None:
    data = bytearray(path.read_bytes())
    data[start:start + length] = pattern * length
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("gz", [False, True])
def test_documents_from_a_warc(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    write_warc(path, gz=gz)
    items = list(iter_warc(path))
    assert all(isinstance(i, Document) for i in items)
    docs = [i for i in items if isinstance(i, Document)]
    assert [d.url for d in docs] == EXPECTED
    first = docs[0]
    assert first.content == page(1)
    assert first.content_type == "text/html; charset=utf-8"
    assert first.fetched_at == datetime(2026, 3, 4, 10, 20, 30, tzinfo=UTC)
    assert first.headers["server"] == "invented/1.0" and "content-length" not in first.headers
    assert docs[2].content == PDF_BYTES and docs[2].media_type == "application/pdf"
    assert docs[3].content_type == "text/html"


def test_corrupt_middle_record_in_plain_warc(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    offsets = write_warc(path, gz=False)
    corrupt(path, offsets[2], 4, b"X")  # story2's "WARC/1.0" line
    items = list(iter_warc(path))
    errors = [i for i in items if isinstance(i, ArchiveError)]
    docs = [i.url for i in items if isinstance(i, Document)]
    assert len(errors) == 1 and str(path) in str(errors[0])
    assert docs == [u for u in EXPECTED if not u.endswith("story2")]
    assert isinstance(items[1], ArchiveError)  # reported where it was


def test_corrupt_middle_record_in_warc_gz(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    offsets = write_warc(path, gz=True)
    middle = offsets[2] + (offsets[3] - offsets[2]) // 2
    corrupt(path, middle, 24)
    items = list(iter_warc(path))
    assert sum(isinstance(i, ArchiveError) for i in items) == 1
    assert [i.url for i in items if isinstance(i, Document)] == [u for u in EXPECTED if not u.endswith("story2")]


@pytest.mark.parametrize("gz", [False, True])
def test_truncated_archive_keeps_earlier_records(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    write_warc(path, gz=gz)
    path.write_bytes(path.read_bytes()[:-60])
    items = list(iter_warc(path))
    assert [i.url for i in items if isinstance(i, Document)] == EXPECTED[:-1]
    assert isinstance(items[-1], ArchiveError)
    assert "story3" in str(items[-1]) or "record" in str(items[-1])


def test_not_a_warc_at_all(tmp_path: Path) -> None:
    path = tmp_path / "junk.warc"
    path.write_bytes(b"this is not an archive\n" * 10)
    items = list(iter_warc(path))
    assert items and all(isinstance(i, ArchiveError) for i in items)


def test_missing_archive(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedTargetError):
        list(iter_warc(tmp_path / "absent.warc.gz"))


@pytest.mark.parametrize("length", [b"9" * 40, b"99999999999999999999", b"-5"])
def test_absurd_content_length_is_one_error_and_the_rest_are_read(tmp_path: Path, length: bytes,
                                                                  capfd: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "crawl.warc"
    offsets = write_warc(archive, gz=False)
    data = archive.read_bytes()
    start = data.index(b"Content-Length: ", offsets[2])
    end = data.index(b"\r\n", start)
    archive.write_bytes(data[:start] + b"Content-Length: " + length + data[end:])
    items = list(iter_warc(archive))
    errors = [i for i in items if isinstance(i, ArchiveError)]
    assert len(errors) == 1 and str(archive) in str(errors[0].source)
    urls = [i.url for i in items if isinstance(i, Document)]
    assert urls == [u for u in EXPECTED if not u.endswith("story2")]
    assert capfd.readouterr().err == ""  # warcio's own warnings stay off the terminal


def test_malformed_target_uri_is_reported(tmp_path: Path) -> None:
    archive = tmp_path / "crawl.warc"
    write_warc(archive, gz=False)
    archive.write_bytes(archive.read_bytes().replace(b"https://archive.example.test/story2", b"http://[::1/story2"))
    items = list(iter_warc(archive))
    errors = [i for i in items if isinstance(i, ArchiveError)]
    assert len(errors) == 1 and "malformed WARC-Target-URI" in str(errors[0])
    assert [i.url for i in items if isinstance(i, Document)] == [u for u in EXPECTED if not u.endswith("story2")]


def test_response_record_without_a_target_uri_is_reported(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "crawl.warc"
    write_warc(archive, gz=False)
    data = archive.read_bytes()
    archive.write_bytes(data.replace(b"WARC-Target-URI: https://archive.example.test/story1\r\n", b"", 1))
    items = list(iter_warc(archive))
    assert any(isinstance(i, ArchiveError) for i in items)
    assert "https://archive.example.test/story2" in [i.url for i in items if isinstance(i, Document)]
    assert capfd.readouterr().err == ""

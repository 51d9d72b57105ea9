"""JSON Lines records and target classification."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.collect.jsonl import RECORD_MEDIA_TYPE, iter_jsonl
from newsdesk.collect.targets import classify_target, is_url, target_location
from newsdesk.errors import FeedError, InvalidTargetError, UnsupportedTargetError
from newsdesk.models import Document

GOOD = {"url": "https://wire.example.test/a1", "title": "Council passes budget",
        "text": "The council passed the budget on Tuesday.", "published": "2026-03-03T09:00:00+01:00",
        "source": "Invented Wire", "author": "R. Example", "language": "en"}


# -- JSON Lines --------------------------------------------------------------------------------
def test_records_become_documents_with_hints(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    second = {"url": "https://wire.example.test/a2", "title": "Second", "text": "More.", "source": "Wire",
              "published": "2026-03-04"}
    path.write_text(json.dumps(GOOD) + "\n\n" + json.dumps(second) + "\n", encoding="utf-8")
    first, other = list(iter_jsonl(path))
    assert isinstance(first, Document) and isinstance(other, Document)
    assert first.url == GOOD["url"] and first.content == b"" and first.content_type == RECORD_MEDIA_TYPE
    assert first.hints == {"title": "Council passes budget", "text": "The council passed the budget on Tuesday.",
                           "published": datetime(2026, 3, 3, 8, 0, tzinfo=UTC), "outlet": "Invented Wire",
                           "author": "R. Example", "language": "en"}
    assert other.hints["published"] == datetime(2026, 3, 4, tzinfo=UTC)
    assert other.hints["author"] == "" and "language" not in other.hints


def test_bad_lines_are_reported_and_the_rest_read(tmp_path: Path) -> None:
    lines = [
        json.dumps(GOOD),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"title": "no url", "text": "x"}),
        json.dumps({"url": "ftp://wire.example.test/x", "text": "x"}),
        json.dumps({"url": "https://wire.example.test/n", "text": "x", "published": "last tuesday"}),
        json.dumps({"url": "https://wire.example.test/e"}),
        json.dumps({"url": "https://wire.example.test/t", "text": 42}),
        json.dumps({**GOOD, "url": "https://wire.example.test/last"}),
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(iter_jsonl(path))
    assert [type(i).__name__ for i in items] == ["Document"] + ["FeedError"] * 7 + ["Document"]
    errors = [i for i in items if isinstance(i, FeedError)]
    assert [str(e.source).rsplit(":", 1)[1] for e in errors] == ["2", "3", "4", "5", "6", "7", "8"]
    assert "line 2" in str(errors[0]) and "invalid JSON" in str(errors[0])
    assert "published" in str(errors[4])


def test_missing_jsonl_file(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedTargetError):
        list(iter_jsonl(tmp_path / "absent.jsonl"))


# -- targets -----------------------------------------------------------------------------------
@pytest.mark.parametrize("target, expected", [
    ("https://news.example.test/story", True),
    ("http://127.0.0.1:8000/", True),
    ("HTTPS://NEWS.EXAMPLE.TEST", True),
    ("ftp://news.example.test/", False),
    ("news.example.test/story", False),
    ("https://", False),
    ("/tmp/file.html", False),
    ("http://[::1", False),
    ("http://[127.0.0.1]/", False),
])
def test_is_url(target: str, expected: bool) -> None:
    assert is_url(target) is expected


def _make(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def test_classify_urls_stdin_and_folders(tmp_path: Path) -> None:
    assert classify_target("https://news.example.test/a") == "url"
    assert classify_target("-") == "stdin"
    assert classify_target(str(tmp_path)) == "folder"
    assert classify_target(tmp_path.as_uri()) == "folder"


@pytest.mark.parametrize("name, content, kind", [
    ("page.html", b"<html></html>", "file"),
    ("paper.pdf", b"%PDF-1.7", "file"),
    ("notes.txt", b"hello", "file"),
    ("saved", b"<!doctype html><html><body>x</body></html>", "file"),
    ("subs.opml", b"<opml version='2.0'/>", "opml"),
    ("subs.xml", b"<?xml version='1.0'?>\n<opml version='2.0'><body/></opml>", "opml"),
    ("crawl.warc", b"WARC/1.0\r\n", "warc"),
    ("crawl.warc.gz", gzip.compress(b"WARC/1.1\r\n", mtime=0), "warc"),
    ("crawl.bin", gzip.compress(b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", mtime=0), "warc"),
    ("records.jsonl", b'{"url": "https://x.example.test/"}\n', "jsonl"),
    ("records.ndjson", b"", "jsonl"),
    ("dump.json", b'{"url": "https://x.example.test/", "text": "t"}\n{"url": "https://y"}\n', "jsonl"),
])
def test_classify_files(tmp_path: Path, name: str, content: bytes, kind: str) -> None:
    target = _make(tmp_path, name, content)
    assert classify_target(target) == kind
    assert classify_target(Path(target).as_uri()) == kind


@pytest.mark.parametrize("make, message", [
    (lambda p: str(p / "missing.html"), "no such file"),
    (lambda p: _make(p, "photo.jpg", b"\xff\xd8\xff"), "unsupported file type .jpg"),
    (lambda p: "ftp://files.example.test/a.html", "unsupported URL scheme"),
    (lambda p: "javascript:alert(1)", "unsupported URL scheme"),
])
def test_classify_unsupported(tmp_path: Path, make: Callable[[Path], str], message: str) -> None:
    with pytest.raises(UnsupportedTargetError, match=message):
        classify_target(make(tmp_path))


@pytest.mark.parametrize("target, message", [
    ("", "empty target"),
    ("   ", "empty target"),
    ("http://", "URL has no host"),
    ("https:///path", "URL has no host"),
    ("http://[::1", "malformed URL"),
    ("http://[::1/", "malformed URL"),
    ("http://[zz]/", "malformed URL"),
    ("http://[127.0.0.1]/", "malformed URL"),
    ("http://news.example.test:notaport/", "malformed URL"),
    ("file://", "no path"),
    ("file://localhost", "no path"),
])
def test_malformed_targets_are_invalid(target: str, message: str) -> None:
    with pytest.raises(InvalidTargetError, match=message) as info:
        classify_target(target)
    assert info.value.exit_code == 2
    assert "scheme" not in str(info.value)


def test_file_urls_map_to_local_paths(tmp_path: Path) -> None:
    page = Path(_make(tmp_path, "my page.html", b"<html></html>"))
    assert target_location(page.as_uri()) == str(page)
    assert target_location(f"file://localhost{page}") == str(page)
    assert target_location(" https://news.example.test/a ") == "https://news.example.test/a"
    assert target_location(str(page)) == str(page)


# -- hostile JSON ------------------------------------------------------------------------------
HOSTILE_JSON = {
    "deep array": "[" * 100_000 + "]" * 100_000,
    "deep object": '{"a":' * 100_000 + "1" + "}" * 100_000,
    "huge integer": '{"url": "https://wire.example.test/i", "text": "t", "n": ' + "9" * 5_000 + "}",
    "bad url": '{"url": "http://[::1/", "text": "t"}',
}


@pytest.mark.parametrize("name", list(HOSTILE_JSON))
def test_hostile_jsonl_lines_are_errors_and_the_rest_read(tmp_path: Path, name: str) -> None:
    path = tmp_path / "hostile.jsonl"
    path.write_text(json.dumps(GOOD) + "\n" + HOSTILE_JSON[name] + "\n" + json.dumps(GOOD) + "\n", encoding="utf-8")
    items = list(iter_jsonl(path))
    assert [type(i).__name__ for i in items] == ["Document", "FeedError", "Document"]
    error = items[1]
    assert isinstance(error, FeedError) and error.source == f"{path}:2" and "line 2" in str(error)


@pytest.mark.parametrize("name", ["deep array", "deep object", "huge integer"])
def test_hostile_json_feeds_are_feed_errors(name: str) -> None:
    from newsdesk.collect.feeds import parse_feed

    body = '{"version": "https://jsonfeed.org/version/1.1", "items": [], "x": ' + HOSTILE_JSON[name] + "}"
    with pytest.raises(FeedError, match="not a JSON Feed: invalid JSON") as info:
        parse_feed(body.encode(), "https://feeds.example.test/feed.json")
    assert info.value.source == "https://feeds.example.test/feed.json"


def test_json_depth_scan_ignores_brackets_in_strings() -> None:
    from newsdesk.collect.safejson import MAX_JSON_DEPTH, load_json, nesting_depth

    assert nesting_depth('["[[[[\\"[[", {"a": [1]}]') == 3
    assert load_json('{"title": "' + "[" * 1000 + '"}', "x") == {"title": "[" * 1000}
    nested = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert load_json(nested, "x") is not None
    with pytest.raises(FeedError, match="nested deeper"):
        load_json("[" + nested + "]", "x")


def test_unknown_home_directory_is_an_unsupported_target() -> None:
    with pytest.raises(UnsupportedTargetError, match="no such file or folder"):
        classify_target("~no-such-user-here")

"""The shared low-level helpers: one HTML/gzip sniffer and one date parser for every layer."""

from __future__ import annotations

import gzip
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsdesk import sniff
from newsdesk.cli import app
from newsdesk.collect.feeds import looks_like_feed
from newsdesk.collect.files import sniff_media_type
from newsdesk.dates import parse_date_option, parse_datetime, parse_iso_datetime
from newsdesk.errors import InvalidArgumentError
from newsdesk.extract.sniff import sniff_kind
from newsdesk.models import Document


@pytest.mark.parametrize("content, document, fragment", [
    (b"<!DOCTYPE html><html><body></body></html>", True, True),
    (b"\xef\xbb\xbf  <html lang='en'>", True, True),
    (b"<?xml version='1.0'?>\n<!-- saved --><html xmlns='http://www.w3.org/1999/xhtml'>", True, True),
    (b"<body><p>x</p></body>", True, True),
    (b"<div class='story'><p>Text</p></div>", False, True),
    (b"<title>x</title><p>y</p>", False, True),
    (b"Plain text that mentions <html in passing", False, True),
    (b"Plain text, nothing else.", False, False),
    (b"<?xml version='1.0'?><rss version='2.0'><channel><item><description><![CDATA[<html>",
     False, True),
])
def test_one_html_sniffer_strict_and_for_fragments(content: bytes, document: bool, fragment: bool) -> None:
    assert sniff.looks_like_html(content) is document
    assert sniff.looks_like_html(content, fragments=True) is fragment


def test_every_layer_uses_the_same_html_decision() -> None:
    page = b"<?xml version='1.0'?><html><head><title>t</title></head><body></body></html>"
    assert sniff_media_type(page) == "text/html"
    assert sniff_kind(Document(url="u", content=page, content_type="text/plain")) == "html"
    assert not looks_like_feed(page, "text/xml")
    feed = b"<?xml version='1.0'?><rss version='2.0'><channel><item><description><![CDATA[<html><body>"
    assert looks_like_feed(feed, "text/xml")


def test_gzip_heads_are_bounded_and_corruption_is_empty() -> None:
    bomb = gzip.compress(b"WARC/1.0\r\n" + b"\0" * 50_000_000)
    assert sniff.is_gzip(bomb) and len(sniff.gunzip_head(bomb, 64)) == 64
    assert sniff.sniffable_head(bomb, 10) == b"WARC/1.0\r\n"
    assert sniff.gunzip_head(b"\x1f\x8b\x08\x00garbage") == b""
    assert sniff.sniffable_head(b"plain bytes", 5) == b"plain"


def test_iso_dates() -> None:
    assert parse_iso_datetime("2026-03-14T18:30:00Z") == datetime(2026, 3, 14, 18, 30, tzinfo=UTC)
    assert parse_iso_datetime("2026-03-14T18:30:00+01:00") == datetime(2026, 3, 14, 17, 30, tzinfo=UTC)
    assert parse_iso_datetime("2026-03-14") == datetime(2026, 3, 14, tzinfo=UTC)
    assert parse_iso_datetime("last tuesday") is None and parse_iso_datetime(20260314) is None
    assert parse_iso_datetime("9999-12-31T23:59:59-23:59") is None  # past datetime.max in UTC


def test_free_dates() -> None:
    assert parse_datetime("Sat, 14 Mar 2026 18:30:00 GMT") == datetime(2026, 3, 14, 18, 30, tzinfo=UTC)
    assert parse_datetime("March 14, 2026") == datetime(2026, 3, 14, tzinfo=UTC)
    assert parse_datetime(date(2026, 3, 14)) == datetime(2026, 3, 14, tzinfo=UTC)
    assert parse_datetime("Fri, 31 Dec 9999 23:59:59 -2359") is None
    assert parse_datetime("not a date at all") is None and parse_datetime("") is None


def test_date_options() -> None:
    assert parse_date_option("2026-11-01", "--since") == datetime(2026, 11, 1, tzinfo=UTC)
    assert parse_date_option(None, "--since") is None
    with pytest.raises(InvalidArgumentError, match="--since expects a date"):
        parse_date_option("yesterday", "--since")


@pytest.mark.parametrize("command", [["ls"], ["stories"]])
def test_cli_date_options_share_one_message(tmp_path: Path, command: list[str]) -> None:
    env = {"NEWSDESK_DATA_DIR": str(tmp_path), "NEWSDESK_CONFIG": str(tmp_path / "none.toml")}
    done = CliRunner().invoke(app, ["--db", str(tmp_path / "n.db"), *command, "--since", "yesterday"], env=env)
    assert done.exit_code == 2 and "--since expects a date like 2026-11-01" in done.output, done.output

"""Bad input through the real CLI: a clear one-line error, a non-zero exit when the whole command
failed, and nothing already stored is lost."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from loopback import LoopbackServer
from pypdf import PdfWriter
from typer.testing import CliRunner

from newsdesk.cli import app

GOOD_PAGE = """<!doctype html><html lang="en"><head><title>Council approves budget</title>
<meta property="og:site_name" content="The Ledger"></head><body><article><h1>Council approves budget</h1>
<p>The city council approved next year's budget on Tuesday by a vote of nine to four, after a debate that ran
past midnight and ended with a compromise on library funding and road repairs in the northern districts.</p>
<p>Opposition members said the plan relied on optimistic revenue forecasts, while the mayor said the budget
protected services without raising the property tax for a third year in a row.</p></article></body></html>"""


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture
def cli(tmp_path: Path) -> Callable[..., tuple[int, str, list[dict[str, object]]]]:
    """Run ``newsdesk`` against one database; return (exit code, output, articles as JSON)."""
    runner = CliRunner()
    db = tmp_path / "news.db"
    env = {"NEWSDESK_DATA_DIR": str(tmp_path), "NEWSDESK_CONFIG": str(tmp_path / "none.toml"),
           "NEWSDESK_MAX_RESPONSE_BYTES": "2000000", "NEWSDESK_MIN_HOST_DELAY": "0",
           "NEWSDESK_HOST_DELAY_JITTER": "0", "NEWSDESK_TIMEOUT": "5"}

    def run(*args: str) -> tuple[int, str, list[dict[str, object]]]:
        result = runner.invoke(app, ["--db", str(db), "--allow-private-addresses", *args], env=env)
        listing = runner.invoke(app, ["--db", str(db), "ls", "--json"], env=env)
        return result.exit_code, result.output, json.loads(listing.stdout)

    good = tmp_path / "good.html"
    good.write_text(GOOD_PAGE, encoding="utf-8")
    code, out, stored = run("add", str(good), "--no-analyze")
    assert code == 0 and len(stored) == 1, out
    return run


def _assert_failed(code: int, out: str, stored: list[dict[str, object]], *words: str) -> None:
    assert code != 0, out
    failed = [line for line in out.splitlines() if "failed" in line or "error" in line]
    assert failed, out
    assert any(all(w.lower() in line.lower() for w in words) for line in failed), out
    assert len(stored) == 1 and stored[0]["title"] == "Council approves budget"


def test_broken_and_truncated_feeds(server: LoopbackServer, cli: Callable[..., tuple[int, str, list]]) -> None:
    server.route("/broken.xml", headers={"Content-Type": "application/rss+xml"},
                 body=b"<?xml version='1.0'?><rss><channel><title>X</title><item><title>a</ti")
    server.route("/garbage.xml", headers={"Content-Type": "application/rss+xml"}, body=b"\x00\x01 not xml at all")
    for path in ("/broken.xml", "/garbage.xml"):
        code, out, stored = cli("add", server.url(path), "--no-analyze")
        _assert_failed(code, out, stored, "failed")


def test_feed_that_is_really_html_is_read_as_a_page(server: LoopbackServer, cli: Callable[..., tuple]) -> None:
    server.route("/feed", headers={"Content-Type": "application/rss+xml"}, body=b"<html><body></body></html>")
    code, out, stored = cli("add", server.url("/feed"), "--no-analyze")
    _assert_failed(code, out, stored, "failed")


def test_endless_response_stops_at_the_size_limit(server: LoopbackServer, cli: Callable[..., tuple]) -> None:
    def five_gigabytes() -> Iterator[bytes]:
        chunk = b"<p>" + b"a" * 65_536 + b"</p>"
        for _ in range(5 * 1024 * 1024 * 1024 // len(chunk)):
            yield chunk

    server.route("/huge", headers={"Content-Type": "text/html"}, body=five_gigabytes)
    code, out, stored = cli("add", server.url("/huge"), "--no-analyze")
    _assert_failed(code, out, stored, "large")
    assert server.streams["/huge"].bytes_sent < 50_000_000


def test_binary_served_as_html_and_empty_page(server: LoopbackServer, cli: Callable[..., tuple]) -> None:
    server.route("/binary", headers={"Content-Type": "text/html"}, body=bytes(range(256)) * 64)
    server.route("/empty", headers={"Content-Type": "text/html"}, body=b"")
    for path in ("/binary", "/empty"):
        code, out, stored = cli("add", server.url(path), "--no-analyze")
        _assert_failed(code, out, stored, "failed")


def test_wrong_charset_still_gives_the_text(server: LoopbackServer, cli: Callable[..., tuple]) -> None:
    latin = GOOD_PAGE.replace("Council approves budget", "Café owners protest Zürich rules").replace(
        "The city council", "The café owners' association")
    server.route("/latin", headers={"Content-Type": "text/html; charset=utf-8"}, body=latin.encode("latin-1"))
    code, out, stored = cli("add", server.url("/latin"), "--no-analyze")
    assert code == 0, out
    assert any(a["title"] == "Café owners protest Zürich rules" for a in stored)


def test_redirect_loop(server: LoopbackServer, cli: Callable[..., tuple]) -> None:
    server.redirect("/a", server.url("/b"))
    server.redirect("/b", server.url("/a"))
    code, out, stored = cli("add", server.url("/a"), "--no-analyze")
    _assert_failed(code, out, stored, "redirect")


def test_pdf_without_text_is_kept_with_a_status_and_encrypted_pdf_fails(tmp_path: Path,
                                                                         cli: Callable[..., tuple]) -> None:
    blank = PdfWriter()
    blank.add_blank_page(width=595, height=842)
    blank.add_metadata({"/Title": "Scanned memo"})
    scanned = tmp_path / "scanned.pdf"
    with scanned.open("wb") as fh:
        blank.write(fh)
    code, out, stored = cli("add", str(scanned), "--no-analyze", "--json")
    assert code == 0, out
    entry = next(a for a in stored if a["kind"] == "pdf")
    assert entry["status"] == "no_text_layer" and entry["title"] == "Scanned memo"

    locked = PdfWriter()
    locked.add_blank_page(width=595, height=842)
    locked.encrypt("secret")
    buffer = io.BytesIO()
    locked.write(buffer)
    encrypted = tmp_path / "locked.pdf"
    encrypted.write_bytes(buffer.getvalue())
    code, out, stored = cli("add", str(encrypted), "--no-analyze")
    assert code != 0 and "password" in out.lower(), out
    assert len(stored) == 2


def test_missing_file_and_unknown_target(tmp_path: Path, cli: Callable[..., tuple]) -> None:
    code, out, stored = cli("add", str(tmp_path / "nope.html"), "--no-analyze")
    _assert_failed(code, out, stored, "no such")


def test_warc_with_a_corrupt_record_keeps_the_rest(tmp_path: Path, cli: Callable[..., tuple]) -> None:
    from test_collect_warc import write_warc

    archive = tmp_path / "crawl.warc"
    offsets = write_warc(archive, gz=False)
    data = bytearray(archive.read_bytes())
    data[offsets[2]:offsets[2] + 8] = b"GARBAGE!"  # the second page's record header
    archive.write_bytes(bytes(data))
    code, out, stored = cli("add", str(archive), "--no-analyze")
    assert code == 0, out  # the command as a whole did not fail
    assert "failed" in out
    assert len(stored) > 1 and stored[0]["title"] != "" and any(a["title"] == "Council approves budget"
                                                               for a in stored)

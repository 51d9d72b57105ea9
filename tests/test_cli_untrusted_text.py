"""Text from pages, feeds and users through the real CLI: never read as Rich markup, and its control
characters (NUL, ESC, C1, bidi overrides) never reach the terminal."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from loopback import LoopbackServer
from typer.testing import CliRunner

from newsdesk.cli import app
from newsdesk.cli.output import safe

HOSTILE = "[/x] Budget [bold]vote\x1b[2J \u202eevil\u202c \x9b31m [link=file:///etc]"
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
PARAGRAPHS = "".join(
    f"<p>The city council approved the harbour budget on Tuesday after a debate number {n} that ran past "
    f"midnight and ended with a compromise on library funding and road repairs in the north.</p>"
    for n in range(4))


FOLLOW_UP = "".join(
    f"<p>Harbour budget critics on the city council said on Wednesday that point {n} of the compromise "
    f"leaves library funding short, and promised to reopen the vote on road repairs next month.</p>"
    for n in range(4))


def _page(title: str, paragraphs: str = PARAGRAPHS) -> str:
    from html import escape

    return (f"<!doctype html><html lang='en'><head><title>{escape(title)}</title>"
            f"<meta property='og:site_name' content='{escape(title)}'></head><body><article>"
            f"<h1>{escape(title)}</h1>{paragraphs}</article></body></html>")


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


class Cli:
    def __init__(self, tmp_path: Path) -> None:
        self.db = tmp_path / "news.db"
        self.env = {"NEWSDESK_DATA_DIR": str(tmp_path), "NEWSDESK_CONFIG": str(tmp_path / "none.toml"),
                    "NEWSDESK_MIN_HOST_DELAY": "0", "NEWSDESK_HOST_DELAY_JITTER": "0", "NEWSDESK_TIMEOUT": "5"}

    def __call__(self, *args: str, code: int = 0) -> tuple[str, str]:
        result = CliRunner().invoke(app, ["--db", str(self.db), "--allow-private-addresses", *args], env=self.env)
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
        for stream in (result.stdout, result.stderr):
            assert not UNSAFE.search(stream), repr(stream)
        return result.stdout, result.stderr


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def test_a_hostile_page_title_is_shown_literally_by_every_command(server: LoopbackServer, cli: Cli) -> None:
    server.route("/budget", headers={"Content-Type": "text/html; charset=utf-8"}, body=_page(HOSTILE))
    server.route("/follow-up", headers={"Content-Type": "text/html; charset=utf-8"},
                 body=_page(HOSTILE + " again", FOLLOW_UP))
    out, _ = cli("add", server.url("/budget"), server.url("/follow-up"))
    assert "[/x] Budget [bold]vote" in out
    for command in (["ls"], ["show", "1"], ["search", "budget"], ["stories"], ["story", "1"], ["related", "2"]):
        out, _ = cli(*command)
        assert "[/x]" in out, (command, out)
    assert json.loads(cli("ls", "--json")[0])[0]["title"].startswith("[/x] Budget")


def test_a_hostile_target_and_failure_detail_are_shown_literally(server: LoopbackServer, cli: Cli) -> None:
    _out, _err = cli("add", server.url("/missing[/x]\x1b[31m"), code=3)
    assert "[/x]" in _out


def test_a_hostile_feed_title_does_not_break_the_feed_list(server: LoopbackServer, cli: Cli) -> None:
    server.route("/budget", headers={"Content-Type": "text/html; charset=utf-8"}, body=_page("Budget"))
    title = "[/x] Wire \u202eevil\u202c [red]"
    server.route("/feed.xml", headers={"Content-Type": "application/rss+xml"},
                 body=(f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
                       f"<link>{server.url('/')}</link><item><title>Budget</title>"
                       f"<link>{server.url('/budget')}</link></item></channel></rss>"))
    cli("add", server.url("/feed.xml"), "--no-analyze")
    for _ in range(2):
        out, _err = cli("feeds")
        assert "[/x] Wire" in out


def test_hostile_token_and_entity_names(cli: Cli) -> None:
    out, _ = cli("token", "create", "[/x] laptop\x1b]0;owned\x07")
    assert "[/x] laptop" in out
    out, _ = cli("token", "list")
    assert "[/x] laptop" in out
    _out, err = cli("entity", "[/x]\x1b[2J", code=6)
    assert len(err.strip().splitlines()) == 1 and "[/x]" in err


def test_safe_neutralises_every_control_but_keeps_text() -> None:
    assert safe("a\x00b\x1bc\x9bd\u202ee\u2066f\u200fg") == "a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf\ufffdg"
    assert safe("two\r\nlines\tand\ra tab") == "two lines and a tab"
    assert safe("keep\r\nlines\n\tand tabs", multiline=True) == "keep\nlines\n\tand tabs"
    assert safe("Café — 東京 [b]") == "Café — 東京 [b]"

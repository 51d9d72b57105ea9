"""``newsdesk extract``: local files, URLs over loopback HTTP, stdin; JSON Lines, Rich output, exit codes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from loopback import LoopbackServer
from test_extract_pdf import build_pdf
from typer.testing import CliRunner

from newsdesk.cli import app

TESTDATA = Path(__file__).parent / "testdata" / "extract"
LIGHTHOUSE = TESTDATA / "lighthouse.html"
BRIEF = TESTDATA / "council-brief.txt"


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"NEWSDESK_DATA_DIR": str(tmp_path), "NEWSDESK_CONFIG": str(tmp_path / "none.toml"),
            "NEWSDESK_MIN_HOST_DELAY": "0", "NEWSDESK_HOST_DELAY_JITTER": "0"}


def _run(args: list[str], env: dict[str, str], stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, args, env=env, input=stdin)
    return result.exit_code, result.stdout, result.stderr


def _lines(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_local_files_as_json_lines_in_order(env: dict[str, str]) -> None:
    code, out, _ = _run(["extract", str(BRIEF), str(LIGHTHOUSE), "--json"], env)
    assert code == 0
    brief, page = _lines(out)
    assert brief["target"] == str(BRIEF) and brief["kind"] == "text"
    assert brief["author"] == "Tomas Brandt"
    assert page["title"] == "Volunteers Relight the Old Harbour Lighthouse"
    assert page["published"] == "2026-03-14T17:30:00+00:00"
    assert page["outlet"] == "The Harbour Gazette" and page["language"] == "en"
    assert str(page["url"]).startswith("file://")
    assert page["canonical_url"] == ""  # a local page without a web address has no public URL
    for key in ("text", "excerpt"):
        assert page[key]


def test_url_over_http_resolves_canonical_and_fixes_a_wrong_charset(server: LoopbackServer,
                                                                     env: dict[str, str]) -> None:
    html = LIGHTHOUSE.read_text(encoding="utf-8").replace("forty years", "forty years, café-side,")
    server.route("/story", body=html.encode("cp1252", errors="replace"),
                 headers={"Content-Type": "text/html; charset=utf-8"})
    code, out, err = _run(["--allow-private-addresses", "extract", server.url("/story"), "--json"], env)
    assert code == 0, err
    (page,) = _lines(out)
    assert page["canonical_url"] == server.url("/news/2026/03/lighthouse-relit")
    assert "café-side" in str(page["text"])
    assert page["author"] == "Maren Holt"


def test_failures_are_reported_and_the_rest_go_on(server: LoopbackServer, env: dict[str, str],
                                                  tmp_path: Path) -> None:
    server.route("/logo", body=b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, headers={"Content-Type": "text/html"})
    missing = tmp_path / "missing.html"
    targets = [server.url("/logo"), str(LIGHTHOUSE), str(missing)]
    code, out, _ = _run(["--allow-private-addresses", "extract", *targets, "--json"], env)
    assert code == 0
    logo, page, gone = _lines(out)
    assert logo["target"] == server.url("/logo") and "binary" in str(logo["error"])
    assert page["author"] == "Maren Holt"
    assert gone["target"] == str(missing) and "no such file" in str(gone["error"])


def test_exit_code_is_non_zero_only_when_every_target_failed(server: LoopbackServer, env: dict[str, str],
                                                             tmp_path: Path) -> None:
    server.route("/empty", body=b"", headers={"Content-Type": "text/html"})
    code, out, _ = _run(["--allow-private-addresses", "extract", server.url("/empty"),
                         str(tmp_path / "nope.txt"), "--json"], env)
    assert code != 0
    assert [set(row) for row in _lines(out)] == [{"target", "error", "error_type"}] * 2
    code, _, err = _run(["extract", str(tmp_path / "nope.txt")], env)
    assert code != 0 and "no such file" in err


def test_private_addresses_are_refused_without_the_flag(server: LoopbackServer, env: dict[str, str]) -> None:
    server.route("/story", body=LIGHTHOUSE.read_bytes(), headers={"Content-Type": "text/html"})
    code, out, _ = _run(["extract", server.url("/story"), "--json"], env)
    assert code != 0 and "error" in _lines(out)[0]
    assert server.count("/story") == 0


def test_stdin_html_with_a_base_url(env: dict[str, str]) -> None:
    code, out, _ = _run(["extract", "-", "--json", "--url", "https://gazette.example/x"], env,
                        stdin=LIGHTHOUSE.read_bytes())
    assert code == 0
    (page,) = _lines(out)
    assert page["kind"] == "html" and page["url"] == "https://gazette.example/x"
    assert page["canonical_url"] == "https://gazette.example/news/2026/03/lighthouse-relit"


def test_stdin_text_is_sniffed_and_text_flag_prints_only_the_body(env: dict[str, str]) -> None:
    code, out, _ = _run(["extract", "-", "--text"], env, stdin=BRIEF.read_bytes())
    assert code == 0
    assert out.startswith("The city council approved a plan")
    assert "Previous Article" not in out and "Tomas Brandt" not in out


def test_rich_rendering_shows_the_fields(env: dict[str, str]) -> None:
    code, out, _ = _run(["extract", str(LIGHTHOUSE)], env)
    assert code == 0
    for expected in ("Volunteers Relight the Old Harbour Lighthouse", "Maren Holt", "The Harbour Gazette",
                     "2026-03-14T17:30:00+00:00", "published", "canonical_url", "excerpt",
                     "For the first time in more than forty years"):
        assert expected in out


def test_scanned_pdf_is_kept_with_a_clear_warning(env: dict[str, str], tmp_path: Path) -> None:
    scan = tmp_path / "budget-scan.pdf"
    scan.write_bytes(build_pdf(image_pages=1))
    code, out, err = _run(["extract", str(scan), "--json"], env)
    assert code == 0
    (row,) = _lines(out)
    assert row["status"] == "no_text_layer" and row["text"] == "" and row["title"] == "budget scan"
    assert "no text layer" in " ".join(err.split())

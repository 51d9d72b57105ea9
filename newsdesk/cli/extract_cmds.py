"""``newsdesk extract``: show what newsdesk makes of a page URL, a local file or stdin, without storing it."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from newsdesk.cli.base import app, check_targets, state
from newsdesk.cli.output import cell, console, err_console, error_line, print_jsonl, safe
from newsdesk.errors import NewsdeskError
from newsdesk.extract import extract_document, status_message
from newsdesk.models import Document, ExtractedArticle

STDIN = "-"
_FIELDS = ("author", "published", "outlet", "language", "url", "canonical_url", "status", "kind")


def _is_url(target: str) -> bool:
    return target.lower().startswith(("http://", "https://"))


class _Loader:
    """Turns targets into Documents; opens one Fetcher on the first URL and closes it at the end."""

    def __init__(self, stdin_url: str) -> None:
        self.stdin_url = stdin_url
        self._fetcher: Any = None

    def load(self, target: str) -> Document:
        if target == STDIN:
            return Document(url=self.stdin_url, content=sys.stdin.buffer.read(), fetched_at=datetime.now(UTC))
        if _is_url(target):
            return self._fetch(target)
        from newsdesk.collect.files import document_from_path
        from newsdesk.collect.targets import target_location

        return document_from_path(Path(target_location(target)).expanduser())

    def _fetch(self, url: str) -> Document:
        if self._fetcher is None:
            from newsdesk.collect.fetcher import Fetcher

            self._fetcher = Fetcher(state.settings)
        result = self._fetcher.fetch(url)
        return Document(url=result.url, content=result.content, content_type=result.content_type,
                        headers=dict(result.headers), fetched_at=result.fetched_at,
                        status_code=result.status_code)

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()


def _render(article: ExtractedArticle) -> None:
    """A readable Rich view of one article (page text is never read as markup)."""
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="bold cyan", no_wrap=True)
    fields.add_column()
    for name in _FIELDS:
        value = getattr(article, name)
        if name == "published":
            value = value.isoformat() if value else ""
        fields.add_row(name, cell(value or "—"))
    console.print(Panel(fields, title=cell(article.title or "(untitled)", "bold"), title_align="left"))
    if article.excerpt:
        console.print(Text("excerpt", style="bold cyan"))
        console.print(cell(article.excerpt, "italic"))
    console.print(Text("text", style="bold cyan"))
    console.print(Text(safe(article.text or "(no text)", multiline=True)))
    console.print()


def _warn(article: ExtractedArticle) -> None:
    message = status_message(article)
    if message:
        err_console.print(cell(f"warning: {message}", "yellow"), soft_wrap=True)


@app.command()
def extract(
    targets: list[str] = typer.Argument(..., metavar="TARGET...",
                                        help="Page URL, local file (HTML, XHTML, PDF, text) or - for stdin."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per target (JSON Lines), in order."),
    text_only: bool = typer.Option(False, "--text", help="Print only the cleaned main text."),
    stdin_url: str = typer.Option("stdin:", "--url", envvar="NEWSDESK_URL",
                                  help="URL the page read from stdin came from (resolves relative links)."),
) -> None:
    """Extract title, author, date, outlet, language, canonical URL, text and excerpt; store nothing."""
    check_targets(targets)
    loader = _Loader(stdin_url or "stdin:")
    failures, last_code = 0, 1
    try:
        for target in targets:
            try:
                article = extract_document(loader.load(target))
            except NewsdeskError as exc:
                failures, last_code = failures + 1, exc.exit_code
                _report_failure(target, exc, as_json)
                continue
            _report(target, article, as_json=as_json, text_only=text_only)
    finally:
        loader.close()
    if failures == len(targets):
        raise typer.Exit(last_code)


def _report_failure(target: str, exc: NewsdeskError, as_json: bool) -> None:
    if as_json:
        print_jsonl([{"target": target, "error": str(exc), "error_type": type(exc).__name__}])
    else:
        error_line(exc)


def _report(target: str, article: ExtractedArticle, *, as_json: bool, text_only: bool) -> None:
    _warn(article)
    if as_json:
        print_jsonl([{"target": target, **article.to_json()}])
    elif text_only:
        sys.stdout.write(safe(article.text, multiline=True) + "\n")
        sys.stdout.flush()
    else:
        _render(article)

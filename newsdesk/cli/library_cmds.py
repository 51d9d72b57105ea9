"""Commands that read the library: ls, show, search."""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from newsdesk.cli.base import app, get_store, parse_date
from newsdesk.cli.output import cell, console, line, page_hint, print_json, safe

_MARK = re.compile(r"<mark>(.*?)</mark>", re.DOTALL)


def _date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "—"


@app.command("ls")
def list_articles(
    outlet: str | None = typer.Option(None, help="Only this outlet (case-insensitive)."),
    since: str | None = typer.Option(None, metavar="DATE",
                                     help="Published on or after this date (YYYY-MM-DD or ISO 8601)."),
    until: str | None = typer.Option(None, metavar="DATE",
                                     help="Published on or before this date (YYYY-MM-DD or ISO 8601)."),
    language: str | None = typer.Option(None, help="ISO 639-1 code, e.g. en."),
    feed: int | None = typer.Option(None, help="Only articles from this feed id."),
    duplicates: bool = typer.Option(True, "--duplicates/--no-duplicates", help="Include linked copies."),
    limit: int = typer.Option(50, min=1, help="How many articles to list."),
    offset: int = typer.Option(0, min=0, help="Skip this many first (the next page: --offset 50)."),
    as_json: bool = typer.Option(False, "--json", help="A JSON list instead of a table."),
) -> None:
    """List stored articles, newest first."""
    store = get_store()
    filters: dict[str, Any] = {"outlet": outlet, "since": parse_date(since, "--since"),
                               "until": parse_date(until, "--until"), "language": language, "feed_id": feed,
                               "include_duplicates": duplicates}
    rows = store.list_articles(**filters, limit=limit, offset=offset)
    if as_json:
        print_json([a.to_json(with_text=False) for a in rows])
        return
    table = Table("id", "published", "outlet", "title", "lang", "copy of")
    for a in rows:
        table.add_row(str(a.id), _date(a.published), cell(a.outlet), cell(a.title or a.url), cell(a.language),
                      f"#{a.duplicate_of}" if a.duplicate_of else "")
    console.print(table)
    if len(rows) == limit or offset:
        page_hint(offset, len(rows), store.count_articles(**filters))


@app.command()
def show(
    article_id: int = typer.Argument(..., help="Article id (see `newsdesk ls`)."),
    as_json: bool = typer.Option(False, "--json", help="The article, its copies and versions as JSON."),
) -> None:
    """Show one stored article with its metadata, copies and versions."""
    store = get_store()
    article = store.get_article(article_id)
    copies = store.duplicates_of(article_id)
    if as_json:
        data = article.to_json()
        data["duplicates"] = [c.to_json(with_text=False) for c in copies]
        data["versions"] = len(store.article_versions(article_id))
        print_json(data)
        return
    console.print(cell(article.title, "bold"))
    meta = [article.outlet, article.author, _date(article.published), article.language, article.canonical_url]
    console.print(cell(" · ".join(m for m in meta if m), "dim"))
    if article.duplicate_of:
        console.print(cell(f"{article.duplicate_kind} copy of #{article.duplicate_of}", "yellow"))
    if article.status != "ok":
        console.print(cell(f"status: {article.status}", "red"))
    console.print()
    console.print(Text(safe(article.text, multiline=True)))
    if copies:
        console.print()
        console.print(line(("Copies", "bold"), " (this article was first):"))
        for c in copies:
            console.print(line(f"  #{c.id} {_date(c.published)} ", c.outlet, " — ", c.title))


@app.command()
def search(
    query: str = typer.Argument(..., help='Words, "a phrase", OR, -exclude, prefix*.'),
    outlet: str | None = typer.Option(None, help="Only this outlet (case-insensitive)."),
    since: str | None = typer.Option(None, metavar="DATE",
                                     help="Published on or after this date (YYYY-MM-DD or ISO 8601)."),
    until: str | None = typer.Option(None, metavar="DATE",
                                     help="Published on or before this date (YYYY-MM-DD or ISO 8601)."),
    language: str | None = typer.Option(None, help="ISO 639-1 code, e.g. en."),
    limit: int = typer.Option(20, min=1, help="How many matches to list."),
    offset: int = typer.Option(0, min=0, help="Skip this many first (the next page: --offset 20)."),
    as_json: bool = typer.Option(False, "--json", help="The matches as JSON, with highlighted snippets."),
) -> None:
    """Full-text search over titles and texts, best matches first, with snippets."""
    store = get_store()
    filters: dict[str, Any] = {"outlet": outlet, "since": parse_date(since, "--since"),
                               "until": parse_date(until, "--until"), "language": language}
    hits = store.search(query, limit=limit, offset=offset, **filters)
    if as_json:
        print_json([h.to_json() for h in hits])
        return
    if not hits:
        console.print("no matches")
        return
    for h in hits:
        console.print(line((f"#{h.article_id}", "bold"), " ", h.title, " ", (f"{h.outlet} {_date(h.published)}", "dim")))
        console.print(line("    ", _snippet(h.snippet)))
    if len(hits) == limit or offset:
        page_hint(offset, len(hits), store.count_search(query, **filters))


def _snippet(marked: str) -> Text:
    """A search snippet (HTML-escaped text with ``<mark>`` around the matches) as highlighted Text."""
    out = Text()
    for number, piece in enumerate(_MARK.split(marked)):
        out.append(safe(html.unescape(piece)), style="bold yellow" if number % 2 else "")
    return out

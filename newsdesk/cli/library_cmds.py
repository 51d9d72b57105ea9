"""Commands that read the library: ls, show, search."""

from __future__ import annotations

import html
from datetime import datetime

import typer
from rich.markup import escape
from rich.table import Table

from newsdesk.cli.base import app, console, get_store, handle_errors, print_json
from newsdesk.dates import parse_date_option

parse_date = parse_date_option


def _date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "—"


@app.command("ls")
@handle_errors
def list_articles(
    outlet: str | None = typer.Option(None, help="Only this outlet (case-insensitive)."),
    since: str | None = typer.Option(None, help="Published on or after this date."),
    until: str | None = typer.Option(None, help="Published on or before this date."),
    language: str | None = typer.Option(None, help="ISO 639-1 code, e.g. en."),
    feed: int | None = typer.Option(None, help="Only articles from this feed id."),
    duplicates: bool = typer.Option(True, "--duplicates/--no-duplicates", help="Include linked copies."),
    limit: int = typer.Option(50, min=1),
    offset: int = typer.Option(0, min=0),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List stored articles, newest first."""
    rows = get_store().list_articles(
        outlet=outlet, since=parse_date(since, "--since"), until=parse_date(until, "--until"),
        language=language, feed_id=feed, include_duplicates=duplicates, limit=limit, offset=offset)
    if as_json:
        print_json([a.to_json(with_text=False) for a in rows])
        return
    table = Table("id", "published", "outlet", "title", "lang", "copy of")
    for a in rows:
        table.add_row(str(a.id), _date(a.published), escape(a.outlet), escape(a.title or a.url), a.language,
                      f"#{a.duplicate_of}" if a.duplicate_of else "")
    console.print(table)


@app.command()
@handle_errors
def show(
    article_id: int = typer.Argument(..., help="Article id (see `newsdesk ls`)."),
    as_json: bool = typer.Option(False, "--json"),
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
    console.print(f"[bold]{escape(article.title)}[/bold]")
    meta = [article.outlet, article.author, _date(article.published), article.language, article.canonical_url]
    console.print(" · ".join(escape(m) for m in meta if m), style="dim")
    if article.duplicate_of:
        console.print(f"[yellow]{article.duplicate_kind} copy of #{article.duplicate_of}[/yellow]")
    if article.status != "ok":
        console.print(f"[red]status: {article.status}[/red]")
    console.print()
    console.print(escape(article.text))
    if copies:
        console.print()
        console.print("[bold]Copies[/bold] (this article was first):")
        for c in copies:
            console.print(f"  #{c.id} {_date(c.published)} {escape(c.outlet)} — {escape(c.title)}")


@app.command()
@handle_errors
def search(
    query: str = typer.Argument(..., help='Words, "a phrase", OR, -exclude, prefix*.'),
    outlet: str | None = typer.Option(None),
    since: str | None = typer.Option(None),
    until: str | None = typer.Option(None),
    language: str | None = typer.Option(None),
    limit: int = typer.Option(20, min=1),
    offset: int = typer.Option(0, min=0),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Full-text search over titles and texts, best matches first, with snippets."""
    hits = get_store().search(query, limit=limit, offset=offset, outlet=outlet,
                              since=parse_date(since, "--since"), until=parse_date(until, "--until"),
                              language=language)
    if as_json:
        print_json([h.to_json() for h in hits])
        return
    if not hits:
        console.print("no matches")
        return
    for h in hits:
        snippet = escape(html.unescape(h.snippet.replace("<mark>", "\x02").replace("</mark>", "\x03")))
        snippet = snippet.replace("\x02", "[bold yellow]").replace("\x03", "[/bold yellow]")
        console.print(f"[bold]#{h.article_id}[/bold] {escape(h.title)} [dim]{escape(h.outlet)} "
                      f"{_date(h.published)}[/dim]")
        console.print(f"    {snippet}", highlight=False)

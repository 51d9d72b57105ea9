"""Commands about stories and relations: cluster (batch, no database), stories, story, related."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from newsdesk.cli.base import (
    app,
    console,
    err_console,
    get_store,
    handle_errors,
    print_json,
    print_jsonl,
    state,
)
from newsdesk.dates import parse_date_option
from newsdesk.errors import UnsupportedTargetError

_parse_date = parse_date_option


def _date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "—"


def _records(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise UnsupportedTargetError(f"no such file: {path}", source=str(path))
    records = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UnsupportedTargetError(f"line {number} is not JSON: {exc.msg}", source=str(path)) from None
            if not isinstance(record, dict) or "id" not in record:
                raise UnsupportedTargetError(f"line {number} has no \"id\"", source=str(path))
            records.append(record)
    return records


@app.command()
@handle_errors
def cluster(
    file: Path = typer.Argument(..., help="JSONL of {id, title?, text, published?, source?, entities?}."),
    threshold: float | None = typer.Option(None, help="Similarity to join a story (default: story_threshold)."),
    window_days: int | None = typer.Option(None, help="Days around a story in which it can be joined."),
    merge_threshold: float = typer.Option(0.5, help="Centroid similarity at which stories merge; 0 = never."),
    as_json: bool = typer.Option(False, "--json", help="One {\"id\", \"story\"} line per record."),
) -> None:
    """Cluster records into stories in file order, without touching the database."""
    from newsdesk.analyze.stories import StreamClusterer

    settings = state.settings
    clusterer = StreamClusterer(threshold if threshold is not None else settings.story_threshold,
                                window_days if window_days is not None else settings.story_window_days,
                                merge_threshold=merge_threshold or None)
    records = _records(file)
    for record in records:
        published = _parse_date(record.get("published") or record.get("date"), f"{file}: published")
        entities = record.get("entities") or ()
        clusterer.add(record["id"], record.get("title"), record.get("text"), published, record.get("source"),
                      [str(e) for e in entities])
    rows = [{"id": r["id"], "story": clusterer.story_of(r["id"])} for r in records]
    if as_json:
        print_jsonl(rows)
        return
    sizes: dict[int, int] = {}
    for row in rows:
        sizes[row["story"]] = sizes.get(row["story"], 0) + 1
    console.print(f"{len(rows)} records in {len(sizes)} stories "
                  f"({sum(1 for s in sizes.values() if s > 1)} with more than one record)")


@app.command("stories")
@handle_errors
def stories_cmd(
    since: str | None = typer.Option(None, help="Active on or after this date."),
    outlet: str | None = typer.Option(None, help="Only stories this outlet covers."),
    limit: int = typer.Option(50, min=1),
    offset: int = typer.Option(0, min=0),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List stories, most recently active first."""
    from newsdesk.analyze.stories import list_stories

    found = list_stories(get_store(), since=_parse_date(since, "--since"), outlet=outlet, limit=limit,
                         offset=offset)
    if as_json:
        print_json([s.to_json() for s in found])
        return
    table = Table("id", "last seen", "articles", "outlets", "title")
    for s in found:
        table.add_row(str(s.id), _date(s.last_seen), str(s.size), escape(", ".join(s.outlets[:4])),
                      escape(s.title))
    console.print(table)


@app.command("story")
@handle_errors
def story_cmd(
    story_id: int = typer.Argument(..., help="Story id (see `newsdesk stories`)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Show a story: timeline, summary, entities and how each outlet frames it."""
    from newsdesk.analyze.stories import story_detail

    detail = story_detail(get_store(), story_id, state.settings)
    if as_json:
        print_json(detail.to_json())
        return
    info = detail.info
    console.print(f"[bold]{escape(info.title)}[/bold]")
    console.print(f"story {info.id} · {info.size} articles · {len(info.outlets)} outlets · "
                  f"{_date(info.first_seen)} – {_date(info.last_seen)}", style="dim")
    if detail.summary:
        console.print("\n[bold]Summary[/bold]")
        console.print(escape(str(detail.summary.get("text", ""))))
    console.print("\n[bold]Timeline[/bold]")
    for entry in detail.timeline:
        copies = f" (+{len(entry.duplicates)} copies)" if entry.duplicates else ""
        console.print(f"{_date(entry.published)}  #{entry.article_id}  {escape(entry.outlet or '?')}: "
                      f"{escape(entry.title)}{copies}")
    if detail.entities:
        names = [str(e.get("name", e)) for e in detail.entities[:12]]
        console.print("\n[bold]Entities[/bold]\n" + escape(", ".join(names)))
    console.print("\n[bold]Framing[/bold]")
    for framing in detail.framing:
        console.print(f"[bold]{escape(framing.outlet)}[/bold]: {escape(framing.lead)}")
        if framing.phrases:
            console.print("  only here: " + escape("; ".join(framing.phrases)), style="dim")
    for note in detail.notes:
        err_console.print(f"note: {escape(note)}", soft_wrap=True)


@app.command()
@handle_errors
def related(
    article_id: int = typer.Argument(..., help="Article id (see `newsdesk ls`)."),
    limit: int = typer.Option(10, min=1, max=100),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Articles related to one article (its own copies left out)."""
    from newsdesk.analyze.embeddings import unavailable_reason
    from newsdesk.analyze.related import related_articles

    settings = state.settings
    found = related_articles(get_store(), article_id, settings, limit=limit)
    note = unavailable_reason(settings)
    if note:
        err_console.print(f"note: {escape(note)}", soft_wrap=True)
    if as_json:
        print_json([r.to_json() for r in found])
        return
    table = Table("id", "score", "published", "outlet", "title")
    for r in found:
        table.add_row(str(r.article_id), f"{r.score:.3f}", _date(r.published), escape(r.outlet), escape(r.title))
    console.print(table)

"""Commands about stories and relations: cluster (batch, no database), stories, story, related."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from newsdesk.cli.base import app, get_store, parse_date, state
from newsdesk.cli.batch import BadRecord, Batch, optional_text, record_id
from newsdesk.cli.output import cell, console, development_line, line, note_line, print_json, print_jsonl
from newsdesk.dates import parse_iso_datetime
from newsdesk.models import Summary

if TYPE_CHECKING:
    from newsdesk.analyze.stories import StreamClusterer


def _date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "—"


@dataclass
class _Clustered:
    """One line of a ``cluster`` file: the record's id once it is filed, or the error row of a bad line."""

    id: str | int | None = None
    error_row: dict[str, Any] | None = None


def _file_record(clusterer: StreamClusterer, record: dict[str, Any] | BadRecord) -> str | int:
    if isinstance(record, BadRecord):
        raise record
    doc_id = record_id(record)
    raw_date = record.get("published") or record.get("date")
    published = parse_iso_datetime(raw_date) if isinstance(raw_date, str) else None
    if raw_date and published is None:
        raise BadRecord(f"'published' is not a date like 2026-11-01: {raw_date!r}")
    entities = record.get("entities") or []
    if not isinstance(entities, list):
        raise BadRecord("'entities' must be a list of names")
    clusterer.add(doc_id, optional_text(record, "title"), optional_text(record, "text"), published,
                  optional_text(record, "source"), [str(e) for e in entities])
    return doc_id


@app.command()
def cluster(
    file: Path = typer.Argument(..., help="JSONL of {id, title?, text, published?, source?, entities?}."),
    threshold: float | None = typer.Option(None, help="Similarity to join a story (default: story_threshold)."),
    window_days: int | None = typer.Option(None, help="Days around a story in which it can be joined."),
    merge_threshold: float = typer.Option(0.0, help="Centroid similarity at which the stream merges two stories "
                                                    "on arrival; 0 = never (the merge pass does it)."),
    merge_pass: bool = typer.Option(True, help="After the last record, merge the stories the stream split "
                                               "(what the scheduled merge job does on a desk)."),
    merge_every: int = typer.Option(0, min=0, help="Also run the merge pass every N records (0 = only at the end)."),
    as_json: bool = typer.Option(False, "--json", help="One {\"id\", \"story\"} line per record."),
) -> None:
    """Cluster records into stories in file order, without touching the database.

    A bad line is skipped and reported with its line number; the rest are clustered.
    """
    from newsdesk.analyze.stories import StreamClusterer

    settings = state.settings
    clusterer = StreamClusterer(threshold if threshold is not None else settings.story_threshold,
                                window_days if window_days is not None else settings.story_window_days,
                                merge_threshold=merge_threshold or None)
    batch = Batch(file)
    lines: list[_Clustered] = []
    for number, record in batch.lines():
        try:
            lines.append(_Clustered(id=_file_record(clusterer, record)))
            batch.processed += 1
            if merge_pass and merge_every and batch.processed % merge_every == 0:
                clusterer.merge_pass()
        except BadRecord as exc:
            lines.append(_Clustered(error_row=batch.skip(number, str(exc))))
    batch.done()
    if merge_pass:
        clusterer.merge_pass()
    rows = [{"id": c.id, "story": clusterer.story_of(c.id)} if c.id is not None else c.error_row for c in lines]
    if as_json:
        print_jsonl(rows)
        return
    sizes = Counter(row["story"] for row in rows if row and "story" in row)
    console.print(f"{sum(sizes.values())} records in {len(sizes)} stories "
                  f"({sum(1 for s in sizes.values() if s > 1)} with more than one record)"
                  + (f"; {len(batch.skipped)} bad lines skipped" if batch.skipped else ""))


@app.command("stories")
def stories_cmd(
    since: str | None = typer.Option(None, metavar="DATE",
                                     help="Active on or after this date (YYYY-MM-DD or ISO 8601)."),
    outlet: str | None = typer.Option(None, help="Only stories this outlet covers."),
    limit: int = typer.Option(50, min=1, help="How many stories to list."),
    offset: int = typer.Option(0, min=0, help="Skip this many first (the next page: --offset 50)."),
    as_json: bool = typer.Option(False, "--json", help="A JSON list (with each story's summary line)."),
) -> None:
    """List stories, most recently active first."""
    from newsdesk.analyze.stories import list_stories
    from newsdesk.analyze.summarize import story_summary_line

    store = get_store()
    found = list_stories(store, since=parse_date(since, "--since"), outlet=outlet, limit=limit, offset=offset)
    if as_json:
        for story in found:
            story.summary_line = story_summary_line(store, state.settings, story.id)
        print_json([s.to_json() for s in found])
        return
    table = Table("id", "last seen", "articles", "outlets", "title")
    for s in found:
        table.add_row(str(s.id), _date(s.last_seen), str(s.size), cell(_first_outlets(s.outlets)), cell(s.title))
    console.print(table)


def _first_outlets(outlets: list[str], shown: int = 4) -> str:
    """``A, B, C, D +2 more``: the first outlets of a story, and how many are left out."""
    more = f" +{len(outlets) - shown} more" if len(outlets) > shown else ""
    return ", ".join(outlets[:shown]) + more


@app.command("story")
def story_cmd(
    story_id: int = typer.Argument(..., help="Story id (see `newsdesk stories`)."),
    as_json: bool = typer.Option(False, "--json", help="The story as JSON."),
) -> None:
    """Show a story: timeline, summary, entities and how each outlet frames it."""
    from newsdesk.analyze.stories import story_detail

    detail = story_detail(get_store(), story_id, state.settings)
    if as_json:
        print_json(detail.to_json())
        return
    info = detail.info
    console.print(cell(info.title, "bold"))
    console.print(cell(f"story {info.id} · {info.size} articles · {len(info.outlets)} outlets · "
                       f"{_date(info.first_seen)} – {_date(info.last_seen)}", "dim"))
    if detail.summary:
        summary = Summary.from_json(detail.summary)
        _heading("What happened")
        if summary.abstract:
            console.print(cell(summary.abstract))
        for sentence in summary.sentences:
            console.print(development_line(sentence))
    _heading("Timeline")
    for entry in detail.timeline:
        copies = f" (+{len(entry.duplicates)} copies)" if entry.duplicates else ""
        console.print(line(f"{_date(entry.published)}  #{entry.article_id}  ", entry.outlet or "?", ": ",
                           entry.title, copies))
    if detail.entities:
        names = [str(e.get("name", e)) for e in detail.entities[:12]]
        _heading("Entities")
        console.print(cell(", ".join(names)))
    _heading("Framing")
    for framing in detail.framing:
        console.print(line((framing.outlet, "bold"), ": ", framing.lead))
        if framing.phrases:
            console.print(cell("  only here: " + "; ".join(framing.phrases), "dim"))
    for note in detail.notes:
        note_line(note)


def _heading(title: str) -> None:
    console.print()
    console.print(cell(title, "bold"))


@app.command()
def related(
    article_id: int = typer.Argument(..., help="Article id (see `newsdesk ls`)."),
    limit: int = typer.Option(10, min=1, max=100, help="How many related articles to list."),
    as_json: bool = typer.Option(False, "--json", help="A JSON list instead of a table."),
) -> None:
    """Articles related to one article (its own copies left out)."""
    from newsdesk.analyze.embeddings import unavailable_reason
    from newsdesk.analyze.related import related_articles

    settings = state.settings
    found = related_articles(get_store(), article_id, settings, limit=limit)
    note = unavailable_reason(settings)
    if note:
        note_line(note)
    if as_json:
        print_json([r.to_json() for r in found])
        return
    table = Table("id", "score", "published", "outlet", "title")
    for r in found:
        table.add_row(str(r.article_id), f"{r.score:.3f}", _date(r.published), cell(r.outlet), cell(r.title))
    console.print(table)

"""Commands about named entities: ``newsdesk entities`` (the list) and ``newsdesk entity NAME``."""

from __future__ import annotations

from enum import StrEnum

import typer
from rich.table import Table

from newsdesk.cli.base import app, get_store
from newsdesk.cli.output import cell, console, line, print_json
from newsdesk.store.entities import EntityDetail, EntityInfo


class EntityType(StrEnum):
    person = "person"
    org = "org"
    place = "place"


def _entity_table(rows: list[EntityInfo], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for column, justify in (("id", "right"), ("name", "left"), ("type", "left"), ("articles", "right"),
                            ("stories", "right"), ("aliases", "left")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(str(row.id), cell(row.name), cell(row.type), str(row.article_count), str(row.story_count),
                      cell(", ".join(row.aliases[:4]) + (" …" if len(row.aliases) > 4 else "")))
    return table


@app.command("entities")
def entities_command(
    type: EntityType | None = typer.Option(None, "--type", help="Only this kind."),
    limit: int = typer.Option(50, "--limit", min=1, help="How many entities to list."),
    offset: int = typer.Option(0, "--offset", min=0, help="Skip this many first."),
    as_json: bool = typer.Option(False, "--json", help="A JSON list instead of a table."),
) -> None:
    """People, organisations and places, the most covered first."""
    from newsdesk.analyze.entities import list_entities

    store = get_store()
    try:
        rows = list_entities(store, type=type.value if type else None, limit=limit, offset=offset)
    finally:
        store.close()
    if as_json:
        print_json([row.to_json() for row in rows])
    elif not rows:
        console.print("no entities yet (they are found when articles are analysed)")
    else:
        console.print(_entity_table(rows, "entities"))


def _print_detail(detail: EntityDetail) -> None:
    entity = detail.entity
    aliases = f" — also {', '.join(entity.aliases)}" if entity.aliases else ""
    console.print(line((entity.name, "bold"), f" ({entity.type}, id {entity.id}): "
                       f"{entity.article_count} articles, {entity.story_count} stories", aliases))
    if detail.coverage_by_day:
        console.print()
        console.print(cell("coverage by day", "bold"))
        peak = max(count for _day, count in detail.coverage_by_day)
        for day, count in detail.coverage_by_day[-30:]:
            console.print(f"  {day.isoformat()}  {'█' * max(1, round(20 * count / peak))} {count}")
    if detail.stories:
        table = Table(title="stories", title_justify="left")
        for column in ("id", "title", "articles", "last seen"):
            table.add_column(column)
        for story in detail.stories:
            last = story.last_seen.strftime("%Y-%m-%d") if story.last_seen else "—"
            table.add_row(str(story.id), cell(story.title), str(story.article_count), last)
        console.print(table)
    table = Table(title="articles (newest first)", title_justify="left")
    for column in ("id", "date", "outlet", "title", "mentions"):
        table.add_column(column)
    for article in detail.articles:
        when = article.published.strftime("%Y-%m-%d") if article.published else "—"
        table.add_row(str(article.id), when, cell(article.outlet), cell(article.title), str(article.mentions))
    console.print(table)
    if detail.cooccurring:
        console.print()
        console.print(cell("mentioned together with", "bold"))
        for other, count in detail.cooccurring:
            console.print(line("  ", other.name, f" ({other.type}) — {count} articles"))


@app.command("entity")
def entity_command(
    name: str = typer.Argument(..., help="Entity name, alias or id (case-insensitive)."),
    as_json: bool = typer.Option(False, "--json", help="JSON instead of tables."),
) -> None:
    """One entity: its articles and stories over time, and who or what it appears with."""
    from newsdesk.analyze.entities import entity_detail

    store = get_store()
    try:
        detail = entity_detail(store, name)
    finally:
        store.close()
    if as_json:
        print_json(detail.to_json())
    else:
        _print_detail(detail)

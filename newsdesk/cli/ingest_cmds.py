"""Commands that bring content in: add, poll, feeds, analyze, demo."""

from __future__ import annotations

from collections import Counter

import typer
from rich.table import Table

from newsdesk.cli.base import app, console, err_console, get_store, handle_errors, print_json, progress, state
from newsdesk.models import IngestOutcome

ACTION_STYLE = {"added": "green", "updated": "cyan", "unchanged": "dim", "duplicate": "yellow",
                "failed": "red", "subscribed": "magenta", "skipped": "dim",
                "queued": "cyan"}


def _print_outcomes(outcomes: list[IngestOutcome], as_json: bool) -> None:
    if as_json:
        print_json([o.to_json() for o in outcomes])
        return
    for o in outcomes:
        style = ACTION_STYLE.get(o.action, "")
        extra = f"#{o.article_id} " if o.article_id else ""
        if o.action == "duplicate":
            extra += f"duplicate of #{o.duplicate_of}"
        elif o.detail:
            detail = o.detail.removeprefix(f"{o.target}: ")
            extra += detail if o.action != "failed" else f"failed: {detail}"
        console.print(f"[{style}]{o.action:>10}[/{style}]  {o.target}  {extra}", highlight=False,
                      markup=True, soft_wrap=True)
    counts = Counter(o.action for o in outcomes)
    console.print(", ".join(f"{n} {action}" for action, n in sorted(counts.items())) or "nothing to do")


def _run_ingest(targets: list[str] | None, *, analyze: bool, poll: bool = False, force: bool = False
                ) -> list[IngestOutcome]:
    from newsdesk.ingest import Ingestor

    store = get_store()
    with Ingestor(store, state.settings, analyze=False) as ingestor:
        with progress("ingesting") as advance:
            ingestor.on_progress = lambda outcome: advance(1)
            outcomes = ingestor.poll(force=force) if poll else ingestor.add(targets or [])
        if analyze:
            pending = store.count_unanalyzed()
            with progress("analysing", total=pending) as advance:
                ingestor.analyze_pending(on_article=lambda article_id: advance(1))
    return outcomes


@app.command()
@handle_errors
def add(
    targets: list[str] = typer.Argument(..., help="Page/feed/sitemap URLs, files, folders, OPML, WARC, JSONL; - for stdin."),
    as_json: bool = typer.Option(False, "--json", help="Print the outcomes as JSON."),
    analyze: bool = typer.Option(True, "--analyze/--no-analyze", help="Run entities, key phrases and stories."),
    enqueue: bool = typer.Option(False, "--enqueue", help="Queue one job per target for the workers "
                                 "(PostgreSQL) and print the job ids, instead of ingesting here."),
) -> None:
    """Add pages, feeds, sitemaps, files and archives; report what happened to each."""
    if enqueue:
        _enqueue(targets, as_json)
        return
    outcomes = _run_ingest(targets, analyze=analyze)
    _print_outcomes(outcomes, as_json)
    if outcomes and all(o.action == "failed" for o in outcomes):
        raise typer.Exit(3)


def _enqueue(targets: list[str], as_json: bool) -> None:
    from newsdesk.errors import ConfigError, InvalidArgumentError
    from newsdesk.jobs.desk import JobDesk, uses_postgres

    if not uses_postgres(state.settings):
        raise ConfigError("--enqueue needs PostgreSQL (a SQLite desk runs its jobs inside `newsdesk serve` or "
                          "`newsdesk run`); without --enqueue, newsdesk add ingests at once")
    if "-" in targets:
        raise InvalidArgumentError("stdin (-) cannot be queued; add it without --enqueue", source="-")
    get_store().close()  # migrate before queueing
    desk = JobDesk(state.settings, concurrency=1)
    desk.prepare()
    with desk.app.open():
        ids = [desk.defer_target(target) for target in targets]
    desk.close()
    if as_json:
        print_json([{"target": t, "job_id": i, "url": f"/api/jobs/{i}"} for t, i in zip(targets, ids, strict=True)])
        return
    for target, job_id in zip(targets, ids, strict=True):
        console.print(f"[cyan]{'queued':>10}[/cyan]  {target}  job {job_id}", highlight=False, soft_wrap=True)
    console.print(f"{len(ids)} queued; follow them with 'newsdesk jobs'", highlight=False)


@app.command()
@handle_errors
def poll(
    force: bool = typer.Option(False, "--force", help="Poll every feed, not only the due ones."),
    as_json: bool = typer.Option(False, "--json"),
    analyze: bool = typer.Option(True, "--analyze/--no-analyze"),
) -> None:
    """Refresh the feeds that are due (conditional GET, robots.txt, per-host limits, back-off)."""
    _print_outcomes(_run_ingest(None, analyze=analyze, poll=True, force=force), as_json)


@app.command()
@handle_errors
def feeds(
    as_json: bool = typer.Option(False, "--json"),
    opml: bool = typer.Option(False, "--opml", help="Print the subscriptions as OPML."),
    remove: int | None = typer.Option(None, "--remove", help="Unsubscribe the feed with this id."),
) -> None:
    """List subscriptions with last fetch, status and error count."""
    store = get_store()
    if remove is not None:
        store.remove_feed(remove)
        err_console.print(f"removed feed {remove}")
        return
    rows = store.list_feeds()
    if opml:
        from newsdesk.collect.opml import export_opml

        typer.echo(export_opml(rows), nl=False)
        return
    if as_json:
        print_json([f.to_json() for f in rows])
        return
    table = Table("id", "feed", "articles", "last fetch", "status", "errors", "next poll")
    for f in rows:
        status = f.last_status if not f.last_error else f"[red]{f.last_error}[/red]"
        table.add_row(str(f.id), f"{f.title or ''}\n[dim]{f.url}[/dim]", str(f.article_count),
                      f.last_fetched.strftime("%Y-%m-%d %H:%M") if f.last_fetched else "never", status,
                      str(f.error_count), f.next_poll.strftime("%Y-%m-%d %H:%M") if f.next_poll else "now")
    console.print(table)


@app.command()
@handle_errors
def analyze() -> None:
    """Run the analysis steps for every article not analysed yet (after --no-analyze or a crash)."""
    _run_ingest([], analyze=True)


@app.command()
@handle_errors
def demo(
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Load the bundled demo corpus (invented outlets and articles) into the database."""
    from newsdesk.demo import demo_targets

    outcomes = _run_ingest([str(p) for p in demo_targets()], analyze=True)
    if as_json:
        _print_outcomes(outcomes, True)
        return
    counts = Counter(o.action for o in outcomes)
    store = get_store()
    console.print(f"demo corpus: {', '.join(f'{n} {a}' for a, n in sorted(counts.items()))}")
    console.print(f"database {state.settings.resolved_database_url} holds "
                  f"{store.count_articles()} articles from {len(store.outlets())} outlets "
                  f"({store.count_articles(include_duplicates=False)} originals).")

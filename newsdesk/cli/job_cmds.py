"""``newsdesk worker``, ``newsdesk run`` and ``newsdesk jobs [retry|cancel]``: the job queue."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import typer
from rich.table import Table

from newsdesk.cli.base import app, get_store, state
from newsdesk.cli.output import console, err_console, print_json
from newsdesk.errors import ConfigError
from newsdesk.store.database import redact_url

T = TypeVar("T")
jobs_app = typer.Typer(help="The job queue: list jobs, retry failed ones, cancel queued ones.")
app.add_typer(jobs_app, name="jobs")

WORKERS_NEED_POSTGRES = "workers need PostgreSQL; `newsdesk serve` or `newsdesk run` runs jobs in-process"
IN_PROCESS_QUEUE = ("this desk is on SQLite: its job queue lives inside the `newsdesk serve` or `newsdesk run` "
                    "process (its /sources/jobs page shows it)")
STATUS_STYLE = {"queued": "cyan", "running": "yellow", "failed": "red", "done": "green", "cancelled": "dim",
                "aborted": "dim"}


def _queues(value: str | None) -> list[str] | None:
    from newsdesk.jobs.desk import QUEUES

    if not value:
        return None
    names = [q.strip() for q in value.split(",") if q.strip()]
    unknown = [q for q in names if q not in QUEUES]
    if unknown:
        raise ConfigError(f"unknown queue {unknown[0]!r} (queues: {', '.join(QUEUES)})", source=unknown[0])
    return names


def _run_until_stopped(concurrency: int, queues: list[str] | None, name: str) -> None:
    from newsdesk.jobs.desk import JobDesk
    from newsdesk.jobs.runner import configure_logging, run_jobs

    configure_logging()
    get_store().close()  # migrate (and fail on a bad database) before starting
    desk = JobDesk(state.settings, concurrency=concurrency)
    with contextlib.suppress(KeyboardInterrupt):  # the worker stops cleanly on SIGINT/SIGTERM itself
        asyncio.run(run_jobs(desk, concurrency=concurrency, queues=queues, name=name))


@app.command()
def worker(
    concurrency: int = typer.Option(4, "--concurrency", min=1, help="Jobs run at once by this worker."),
    queues: str | None = typer.Option(None, "--queues", help="Comma-separated queues (ingest,analysis,schedule,alerts); "
                                      "default all."),
) -> None:
    """Run jobs from the PostgreSQL queue (start as many as needed, on any machine); Ctrl-C stops."""
    from newsdesk.jobs.desk import uses_postgres

    if not uses_postgres(state.settings):
        raise ConfigError(WORKERS_NEED_POSTGRES)
    selected = _queues(queues)
    console.print(f"newsdesk worker on {redact_url(state.settings.resolved_database_url)} "
                  f"(concurrency {concurrency}, queues {', '.join(selected) if selected else 'all'})",
                  highlight=False, soft_wrap=True)
    _run_until_stopped(concurrency, selected, "worker")


@app.command()
def run(
    concurrency: int = typer.Option(4, "--concurrency", min=1, help="Jobs run at once."),
) -> None:
    """Keep the desk current without a web server: the schedule and the jobs, in this process."""
    console.print(f"newsdesk running jobs for {redact_url(state.settings.resolved_database_url)} "
                  f"(feeds checked every {state.settings.scheduler_interval}s); Ctrl-C stops", highlight=False,
                  soft_wrap=True)
    _run_until_stopped(concurrency, None, "run")


def _with_queue(action: Callable[[Any], Awaitable[T]]) -> T:
    """Run ``action(desk)`` with the PostgreSQL queue open; a clear error on SQLite."""
    from newsdesk.jobs.desk import JobDesk, uses_postgres

    if not uses_postgres(state.settings):
        raise ConfigError(IN_PROCESS_QUEUE)
    get_store().close()
    desk = JobDesk(state.settings, concurrency=1)

    async def go() -> T:
        await asyncio.to_thread(desk.prepare)
        async with desk.app.open_async():
            return await action(desk)

    try:
        return asyncio.run(go())
    finally:
        desk.close()


@jobs_app.callback(invoke_without_command=True)
def jobs(
    ctx: typer.Context,
    status: str | None = typer.Option(None, "--status", help="Only jobs in this status: queued, running, "
                                      "failed, done, cancelled, aborted."),
    limit: int = typer.Option(50, "--limit", min=1, help="Newest jobs shown."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: counts per status and the jobs."),
) -> None:
    """List jobs (queued / running / failed / done) with their attempts and errors."""
    if ctx.invoked_subcommand is not None:
        return
    from newsdesk.jobs import board
    from newsdesk.jobs.desk import uses_postgres

    board.parse_status(status)
    if not uses_postgres(state.settings):
        _in_process_work(as_json)
        return
    listing = _with_queue(lambda desk: board.list_jobs(desk, status=status, limit=limit))
    if as_json:
        print_json(listing.to_json())
        return
    console.print(", ".join(f"{n} {name}" for name, n in listing.counts.items()), highlight=False)
    if not listing.jobs:
        return
    table = Table("id", "task", "status", "attempts", "subject", "error")
    for job in listing.jobs:
        style = STATUS_STYLE.get(job.status, "")
        status_text = f"[{style}]{job.status}[/{style}]"
        if job.status == "queued" and job.attempts and job.scheduled_at:
            status_text += f"\n[dim]retry {job.scheduled_at:%H:%M:%S}[/dim]"
        table.add_row(str(job.id), job.task, status_text, str(job.attempts), job.subject, job.error)
    console.print(table)


def _in_process_work(as_json: bool) -> None:
    """On SQLite: what the durable state says is failing (the queue itself is in another process)."""
    store = get_store()
    feeds = [f for f in store.list_feeds() if f.error_count]
    steps = store.failed_steps(limit=100)
    if as_json:
        print_json({"queue": "in-process", "note": IN_PROCESS_QUEUE, "counts": None, "jobs": [],
                    "failing_feeds": [f.to_json() for f in feeds],
                    "failed_analysis_steps": [s.to_json() for s in steps]})
        return
    err_console.print(f"note: {IN_PROCESS_QUEUE}", highlight=False, soft_wrap=True)
    console.print(f"{len(feeds)} failing feeds, {len(steps)} failed analysis steps", highlight=False)
    for f in feeds:
        console.print(f"feed {f.id} {f.url}: {f.error_count} errors, last: {f.last_error}", highlight=False,
                      soft_wrap=True)
    for s in steps:
        console.print(f"article {s.article_id} {s.step}: {s.attempts} attempts, last: {s.error}",
                      highlight=False, soft_wrap=True)


@jobs_app.command("retry")
def jobs_retry(
    job_id: int | None = typer.Argument(None, help="The failed job to run again."),
    failed: bool = typer.Option(False, "--failed", help="Run every failed job again."),
) -> None:
    """Run a failed job (or every failed job) again now."""
    from newsdesk.errors import InvalidArgumentError
    from newsdesk.jobs import board

    if (job_id is None) == (not failed):
        raise InvalidArgumentError("give a job id or --failed (not both)")
    if failed:
        ids = _with_queue(board.retry_failed)
        typer.echo(f"{len(ids)} failed jobs queued again" + (f": {' '.join(map(str, ids))}" if ids else ""))
        return
    assert job_id is not None
    job = _with_queue(lambda desk: board.retry_job(desk, job_id))
    typer.echo(f"job {job.id} ({job.task}) {job.status} again")


@jobs_app.command("cancel")
def jobs_cancel(job_id: int = typer.Argument(..., help="The queued (or running) job to cancel.")) -> None:
    """Cancel a queued job; a running one is asked to stop."""
    from newsdesk.jobs import board

    job = _with_queue(lambda desk: board.cancel_job(desk, job_id))
    typer.echo(f"job {job.id} ({job.task}) {job.status}")

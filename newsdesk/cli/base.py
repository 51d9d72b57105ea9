"""Shared CLI plumbing: the Typer app, global options, error handling and output helpers."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from newsdesk.config import Settings, load_settings
from newsdesk.errors import NewsdeskError

app = typer.Typer(
    name="newsdesk",
    help="Collect, clean, deduplicate and follow the news across outlets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class CliState:
    db: str | None = None
    data_dir: Path | None = None
    allow_private: bool | None = None
    _settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(
                data_dir=self.data_dir, database_url=self.db,
                allow_private_addresses=self.allow_private,
            )
        return self._settings


state = CliState()


@app.callback()
def _global_options(
    db: str | None = typer.Option(None, "--db", envvar="NEWSDESK_DATABASE_URL",
                                  help="Database URL or SQLite file path (default: per-user data dir)."),
    data_dir: Path | None = typer.Option(None, "--data-dir", envvar="NEWSDESK_DATA_DIR",
                                         help="Where the default database and config live."),
    allow_private: bool | None = typer.Option(
        None, "--allow-private-addresses/--no-allow-private-addresses",
        help="Allow fetching loopback/private addresses (off by default: SSRF guard)."),
) -> None:
    if db and "://" not in db:
        db = f"sqlite:///{Path(db).expanduser().resolve()}"
    state.db, state.data_dir, state.allow_private, state._settings = db, data_dir, allow_private, None


def get_store() -> Any:
    """Open (and migrate) the configured database."""
    from newsdesk.store import open_store

    return open_store(state.settings)


def handle_errors(func: F) -> F:
    """Turn :class:`NewsdeskError` into a one-line message and its exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NewsdeskError as exc:
            err_console.print(f"[red]error:[/red] {exc}", markup=True, highlight=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def print_json(data: Any) -> None:
    """One JSON document on stdout (no Rich markup, safe to pipe)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")


def print_jsonl(rows: Any) -> None:
    for row in rows:
        sys.stdout.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        sys.stdout.flush()


@contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """A Rich progress bar on a terminal; silent when stderr is not a TTY."""
    if not err_console.is_terminal:
        def ignore(n: int = 1) -> None:
            return None

        yield ignore
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err_console, transient=True) as bar:
        task = bar.add_task(description, total=total)

        def advance(n: int = 1) -> None:
            bar.advance(task, n)

        yield advance


def main() -> None:
    app()

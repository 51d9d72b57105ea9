"""Commands about the database itself: ``newsdesk db upgrade``, ``db copy``, ``db backup``."""

from __future__ import annotations

from pathlib import Path

import typer

from newsdesk.cli.base import app, state
from newsdesk.cli.output import console, err_console, print_json
from newsdesk.errors import StoreError

db_app = typer.Typer(help="Upgrade, copy or back up the database.", no_args_is_help=True)
app.add_typer(db_app, name="db")


def _url(value: str) -> str:
    """A URL as given, or a SQLite file path made into one (like the global --db)."""
    return value if "://" in value else f"sqlite:///{Path(value).expanduser().resolve()}"


@db_app.command("upgrade")
def upgrade() -> None:
    """Run the schema migrations on the configured database."""
    from newsdesk.store.transfer import upgrade_database

    url = state.settings.resolved_database_url
    before, after = upgrade_database(url)
    if before == after:
        console.print(f"already at revision {after}")
    else:
        console.print(f"upgraded from revision {before or '(empty)'} to {after}")
    if url.startswith("postgres"):
        from newsdesk.store import Store

        store = Store(url, auto_migrate=False)
        try:
            vectors = "pgvector (nearest neighbours in SQL)" if store.has_vector_column() else \
                "bytes (pgvector not offered by this server: semantic search scans the vectors)"
        finally:
            store.close()
        console.print(f"embeddings stored as {vectors}")


@db_app.command("copy")
def copy(
    source: str = typer.Option(..., "--from", help="Database URL (or SQLite file) to copy from."),
    target: str = typer.Option(..., "--to", help="Database URL (or SQLite file) to copy into."),
    batch: int = typer.Option(1000, "--batch", help="Rows per transaction on the target."),
    as_json: bool = typer.Option(False, "--json", help="Print the table counts as JSON."),
) -> None:
    """Copy a whole desk to another database (SQLite ⇄ PostgreSQL). Rerun to resume an interrupted copy."""
    from newsdesk.store.transfer import copy_database

    report = copy_database(_url(source), _url(target), batch=batch)
    if as_json:
        print_json(report.to_json())
    else:
        for table in report.tables:
            mark = "ok" if table.complete else "MISMATCH"
            console.print(f"{table.name:<18} {table.source_rows:>8} → {table.target_rows:>8}  "
                          f"(copied now {table.copied})  {mark}", highlight=False)
    if not report.complete:
        raise StoreError("row counts differ between source and target (see above); the target "
                         "held other rows already, or the source changed during the copy")
    if not as_json:
        err_console.print(f"copied {sum(t.target_rows for t in report.tables)} rows in "
                          f"{len(report.tables)} tables; counts match")


@db_app.command("backup")
def backup(destination: Path = typer.Argument(..., help="The new file to write the copy to.")) -> None:
    """Write a consistent copy of the SQLite desk while it runs (SQLite's online backup)."""
    from newsdesk.store.transfer import backup_sqlite

    pages = backup_sqlite(state.settings.resolved_database_url, destination)
    console.print(f"backed up to {destination} ({pages} pages)")

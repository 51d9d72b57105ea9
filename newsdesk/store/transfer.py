"""Whole-desk operations: upgrade the schema, copy a desk between databases, back up a SQLite desk.

* :func:`upgrade_database` runs the Alembic migrations and says from which revision to which.
* :func:`copy_database` moves every table of ``schema.py`` from one URL to another (SQLite →
  PostgreSQL and back): tables in foreign-key order, rows in primary-key order, in batches, each
  batch one transaction on the target. The target therefore always holds a prefix of each table,
  so a rerun after an interruption resumes after the last row it has (and inserts with
  ``ON CONFLICT DO NOTHING`` besides): nothing is copied twice. Afterwards the full-text index
  is rebuilt (SQLite FTS5; PostgreSQL's ``search_vector`` is a generated column, computed as
  rows arrive), PostgreSQL sequences are moved past the copied ids, and the row counts of source
  and target are compared table by table.
* :func:`backup_sqlite` writes a consistent copy of a live SQLite desk with SQLite's online
  backup API (readers and the writer carry on meanwhile).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Table,
    UniqueConstraint,
    func,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from newsdesk.errors import InvalidArgumentError, StoreError
from newsdesk.store.database import MIGRATIONS_DIR, Database, migrate, upsert
from newsdesk.store.schema import metadata

DEFAULT_BATCH = 1000


@dataclass
class TableCopy:
    """How one table's copy went: rows in the source, rows copied by this run, rows in the target."""

    name: str
    source_rows: int
    copied: int
    target_rows: int

    @property
    def complete(self) -> bool:
        return self.source_rows == self.target_rows


@dataclass
class CopyReport:
    tables: list[TableCopy] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return all(t.complete for t in self.tables)

    def to_json(self) -> dict[str, Any]:
        return {"complete": self.complete, "tables": [
            {"table": t.name, "source_rows": t.source_rows, "copied": t.copied, "target_rows": t.target_rows}
            for t in self.tables]}


def _revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_database(url: str) -> tuple[str | None, str | None]:
    """Migrate the database at ``url`` to the newest schema; returns (revision before, after)."""
    db = Database(url, auto_migrate=False)
    try:
        before = _revision(db)
        migrate(db.engine)
        return before, _revision(db)
    finally:
        db.close()


def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


# --- copy ------------------------------------------------------------------------------------------
def _order_columns(table: Table) -> list[Column[Any]]:
    """The key rows are copied (and resumed) in: the primary key, else the first unique constraint,
    else every column."""
    if table.primary_key.columns:
        return list(table.primary_key.columns)
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint) and constraint.columns:
            return list(constraint.columns)
    return list(table.columns)


def _self_references(table: Table) -> list[str]:
    """Columns pointing at the same table (``stories.merged_into``): copied in a second pass."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _normalise(row: dict[str, Any], table: Table) -> dict[str, Any]:
    """SQLite hands back naive UTC datetimes; give every database aware UTC ones."""
    for column in table.columns:
        value = row.get(column.name)
        if isinstance(column.type, DateTime) and isinstance(value, datetime):
            row[column.name] = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return row


def _count(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _last_key(conn: Connection, table: Table, order: list[Column[Any]]) -> tuple[Any, ...] | None:
    row = conn.execute(select(*order).order_by(*(c.desc() for c in order)).limit(1)).first()
    return None if row is None else tuple(row)


def _after(order: list[Column[Any]], key: tuple[Any, ...]) -> Any:
    if len(order) == 1:
        return order[0] > key[0]
    return tuple_(*order) > tuple_(*key)


class _Copier:
    def __init__(self, source: Database, target: Database, batch: int,
                 on_batch: Callable[[str, int], None]) -> None:
        self.source, self.target, self.batch, self.on_batch = source, target, batch, on_batch

    def copy_table(self, table: Table) -> int:
        order = _order_columns(table)
        deferred = _self_references(table)
        with self.target.read() as conn:
            last = _last_key(conn, table, order)
        copied = 0
        while True:
            query = select(table).order_by(*order).limit(self.batch)
            if last is not None:
                query = query.where(_after(order, last))
            with self.source.read() as conn:
                rows = [_normalise(dict(r._mapping), table) for r in conn.execute(query)]
            if not rows:
                break
            first_pass = [{**r, **dict.fromkeys(deferred)} for r in rows] if deferred else rows
            with self.target.transaction() as conn:
                conn.execute(upsert(self.target.dialect, table).on_conflict_do_nothing(), first_pass)
            copied += len(rows)
            last = tuple(rows[-1][c.name] for c in order)
            self.on_batch(table.name, len(rows))
        if deferred:
            self._copy_references(table, deferred)
        return copied

    def _copy_references(self, table: Table, columns: list[str]) -> None:
        key = list(table.primary_key.columns)
        wanted = [table.c[name] for name in columns]
        with self.source.read() as conn:
            rows = conn.execute(select(*key, *wanted).where(*(c.is_not(None) for c in wanted))).all()
        with self.target.transaction() as conn:
            for row in rows:
                values = {name: row._mapping[name] for name in columns}
                conn.execute(update(table).where(*(c == row._mapping[c.name] for c in key)).values(**values))

    def finish(self) -> None:
        """Rebuild what the target derives from the rows, and move its id sequences past them."""
        with self.target.transaction() as conn:
            if self.target.dialect == "sqlite":
                conn.execute(text("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')"))
            elif self.target.dialect == "postgresql":
                for table in metadata.sorted_tables:
                    if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement:
                        conn.execute(text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"))
        if self.target.dialect == "postgresql":
            with self.target.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))


def copy_database(source_url: str, target_url: str, *, batch: int = DEFAULT_BATCH,
                  on_batch: Callable[[str, int], None] | None = None) -> CopyReport:
    """Copy every table from ``source_url`` to ``target_url`` (both migrated to the newest schema
    first); resumable, counts compared at the end (see the module docstring)."""
    if batch < 1:
        raise InvalidArgumentError("--batch must be at least 1", source=str(batch))
    if source_url == target_url:
        raise InvalidArgumentError("--from and --to name the same database", source=source_url)
    source = Database(source_url)
    target = Database(target_url)
    report = CopyReport()
    try:
        copier = _Copier(source, target, batch, on_batch or (lambda _table, _n: None))
        for table in metadata.sorted_tables:
            copied = copier.copy_table(table)
            with source.read() as conn:
                source_rows = _count(conn, table)
            with target.read() as conn:
                target_rows = _count(conn, table)
            report.tables.append(TableCopy(table.name, source_rows, copied, target_rows))
        copier.finish()
    except SQLAlchemyError as exc:
        raise StoreError(f"copy failed: {getattr(exc, 'orig', None) or exc}") from None
    finally:
        source.close()
        target.close()
    return report


# --- backup ----------------------------------------------------------------------------------------
def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (``None`` for another database or an in-memory one)."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[-1]
    return None if not path or path == ":memory:" else Path(path)


def backup_sqlite(url: str, destination: Path) -> int:
    """Write a consistent copy of the SQLite desk at ``url`` to ``destination``; returns its pages.

    SQLite's online backup API copies the database as of one moment while other connections keep
    reading and writing. PostgreSQL desks are backed up with ``pg_dump``.
    """
    source_path = sqlite_path(url)
    if source_path is None:
        raise InvalidArgumentError("newsdesk db backup is for SQLite desks; back up PostgreSQL with pg_dump "
                                   "(pg_dump --format=custom DBNAME > desk.dump)", source=url)
    if not source_path.exists():
        raise InvalidArgumentError(f"no SQLite desk at {source_path}", source=str(source_path))
    if destination.exists():
        raise InvalidArgumentError(f"{destination} exists already; choose a new file", source=str(destination))
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        src, dst = sqlite3.connect(source_path, timeout=30), sqlite3.connect(destination)
        try:
            src.backup(dst)  # one step: the copy is the database as of one moment
            pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
        finally:
            src.close()
            dst.close()
    except sqlite3.Error as exc:
        destination.unlink(missing_ok=True)
        raise StoreError(f"backup failed: {exc}", source=str(source_path)) from None
    return pages

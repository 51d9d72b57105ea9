"""Opening the database: engine, connection pragmas, migrations and transactions.

SQLite (the default) runs in WAL mode with foreign keys on and a busy timeout, so a reader
never blocks the writer and several processes can share one file; PostgreSQL takes the same
schema through the same Alembic migrations.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, SQLAlchemyError

from newsdesk.errors import ConflictError, StoreError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: the largest row id both databases can hold (ids are INTEGER: 32 bits on PostgreSQL); ids start at 1
MAX_ROW_ID = 2**31 - 1
_migrate_lock = threading.Lock()


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything newsdesk returns is aware UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def redact_url(url: str) -> str:
    """``url`` fit for a message: the password, if any, replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return re.sub(r"(://[^/:@]*:)[^/@]*@", r"\1***@", url)


def _reason(exc: BaseException) -> str:
    """What the driver said (not SQLAlchemy's statement dump), on one line."""
    return " ".join(str(getattr(exc, "orig", None) or exc).split())


def is_row_id(value: int) -> bool:
    """Whether ``value`` can be a row id: a query with anything else could only overflow."""
    return 1 <= value <= MAX_ROW_ID


def is_storable(text: str) -> bool:
    """Whether ``text`` could be a stored value: PostgreSQL text holds no NUL character, so a filter
    naming one matches nothing (and must not reach the database, which would refuse it)."""
    return "\x00" not in text


def new_id(result: Any) -> int:
    """The primary key of the row an INSERT just created."""
    key = result.inserted_primary_key
    if not key:
        raise StoreError("the database returned no id for a new row")
    return int(key[0])


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # Writers take the lock at BEGIN so two of them queue instead of failing on upgrade;
    # connections opened by Database.read() begin deferred and never block the writer.
    if conn.get_execution_options().get("newsdesk_read"):
        conn.exec_driver_sql("BEGIN")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _make_sqlite_folder(url: str) -> None:
    path = url.split("///", 1)[-1]
    if not path or path == ":memory:":
        return
    folder = Path(path).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise StoreError(f"cannot create the database folder {folder}: a file is in the way") from None
    except OSError as exc:
        raise StoreError(f"cannot create the database folder {folder}: {exc.strerror or exc}") from None


def create_db_engine(url: str) -> Engine:
    """An engine for ``url``; creates the SQLite file's folder if needed."""
    try:
        if url.startswith("sqlite"):
            _make_sqlite_folder(url)
            engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
            event.listen(engine, "connect", _sqlite_pragmas)
            # Let SQLAlchemy, not pysqlite, issue BEGIN, so it can be BEGIN IMMEDIATE.
            event.listen(engine, "connect",
                         lambda dbapi_conn, _rec: setattr(dbapi_conn, "isolation_level", None))
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return create_engine(url, pool_pre_ping=True)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise StoreError(f"cannot open database {redact_url(url)}: {_reason(exc)}") from None


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (a no-op when it is there already)."""
    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    with _migrate_lock:
        try:
            with engine.connect() as conn:
                current = MigrationContext.configure(conn).get_current_revision()
            if current == head:
                return
            with engine.begin() as conn:
                command.upgrade(_alembic_config(conn), "head")
        except (SQLAlchemyError, CommandError) as exc:
            where = engine.url.render_as_string(hide_password=True)
            raise StoreError(f"cannot open database {where}: {_reason(exc)}") from None


class Database:
    """Engine plus transaction helper; the :class:`~newsdesk.store.Store` builds on it."""

    def __init__(self, url: str, *, auto_migrate: bool = True) -> None:
        self.url = url
        self.engine = create_db_engine(url)
        self.dialect = self.engine.dialect.name
        if auto_migrate:
            migrate(self.engine)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction: committed on success, rolled back on any exception."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except IntegrityError as exc:
            raise ConflictError(f"the database refused the change: {_reason(exc)}") from None
        except SQLAlchemyError as exc:
            raise StoreError(f"database error: {_reason(exc)}") from None

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reads (no write lock taken on SQLite)."""
        try:
            with self.engine.connect().execution_options(newsdesk_read=True) as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"database error: {_reason(exc)}") from None

    def close(self) -> None:
        self.engine.dispose()

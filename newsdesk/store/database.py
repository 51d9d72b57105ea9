"""Opening the database: engine, connection pragmas, migrations and transactions.

SQLite (the default) runs in WAL mode with foreign keys on and a busy timeout, so a reader
never blocks the writer and several processes can share one file; PostgreSQL takes the same
schema through the same Alembic migrations.

Concurrent writers: rows with a natural key are written with :func:`upsert` (``INSERT … ON
CONFLICT``, the same statement on both databases), and work that reads then writes shared state
(story assignment, near-copy linking) first takes :meth:`Database.lock` for its concern inside
the transaction: a PostgreSQL transaction-scoped advisory lock; on SQLite the one writer that
``BEGIN IMMEDIATE`` admits already serialises it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, Table, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from newsdesk.errors import ConflictError, StoreError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: the largest row id both databases can hold (ids are INTEGER: 32 bits on PostgreSQL); ids start at 1
MAX_ROW_ID = 2**31 - 1
_migrate_lock = threading.Lock()

#: the concerns :meth:`Database.lock` serialises; each is one advisory-lock key per schema
LOCK_CONCERNS = frozenset({"stories", "copies", "migrate", "alerts", "users"})


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything newsdesk returns is aware UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: the scheme and authority of a URL; the authority's userinfo ends at its *last* "@", since a password
#: typed into a URL often holds an unescaped one
_AUTHORITY = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*://)([^/?#]*)")
#: a password handed over as a query parameter (libpq reads ``?password=``)
_QUERY_PASSWORD = re.compile(r"([?&;](?:password|sslpassword)=)([^&#;]*)", re.IGNORECASE)


def _passwords(url: str) -> list[str]:
    """Every password ``url`` holds, as written in it."""
    found = [m.group(2) for m in _QUERY_PASSWORD.finditer(url) if m.group(2)]
    authority = _AUTHORITY.match(url)
    if authority and "@" in authority.group(2):
        userinfo = authority.group(2).rsplit("@", 1)[0]
        if ":" in userinfo and userinfo.split(":", 1)[1]:
            found.append(userinfo.split(":", 1)[1])
    return found


def redact_url(url: str) -> str:
    """``url`` fit for a message: every password in it (in the userinfo or a ``password=`` query
    parameter) replaced by ``***``; the rest as written."""
    redacted = _QUERY_PASSWORD.sub(lambda m: m.group(1) + ("***" if m.group(2) else ""), url)
    authority = _AUTHORITY.match(redacted)
    if authority and "@" in authority.group(2):
        userinfo, host = authority.group(2).rsplit("@", 1)
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":***"
        redacted = authority.group(1) + userinfo + "@" + host + redacted[authority.end():]
    return redacted


def scrub(message: str, url: str) -> str:
    """``message`` (a driver's words about ``url``) with no part of the URL's passwords in it: the whole
    password, its percent-decoded form, and what a parser took for the host after an unescaped "@"."""
    for password in _passwords(url):
        pieces = {password, unquote(password)}
        pieces.update(password.split("@", k)[k] + "@" for k in range(1, password.count("@") + 1))
        for piece in sorted(pieces, key=len, reverse=True):
            message = message.replace(piece, "***@" if piece.endswith("@") else "***")
    return message


def _reason(exc: BaseException) -> str:
    """What the driver said (not SQLAlchemy's statement dump), on one line."""
    return " ".join(str(getattr(exc, "orig", None) or exc).split())


def _open_error(url: str, exc: BaseException) -> StoreError:
    """The one message for a database that cannot be opened: the URL and the reason, no password."""
    return StoreError(scrub(f"cannot open database {redact_url(url)}: {_reason(exc)}", url))


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


def upsert(dialect: str, table: Table) -> Any:
    """``INSERT … ON CONFLICT`` for ``table`` on this dialect; chain ``.values(...)`` then
    ``.on_conflict_do_nothing(...)`` or ``.on_conflict_do_update(...)``."""
    maker = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return maker(table)


def fit_to_columns(table: Table, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with every string cut to its column's length (``String(16)`` and so on).

    PostgreSQL refuses a value longer than its ``varchar(n)``; SQLite stores it whole. Cutting here
    makes both keep the same thing, and a page's garbage ``lang`` attribute never fails a write.
    """
    fitted = dict(values)
    for name, value in values.items():
        length = getattr(table.c[name].type, "length", None) if name in table.c else None
        if length and isinstance(value, str) and len(value) > length:
            fitted[name] = value[:length]
    return fitted


def advisory_lock(conn: Connection, concern: str) -> None:
    """Hold the lock for ``concern`` until ``conn``'s transaction ends (PostgreSQL only: on SQLite
    the write transaction, begun IMMEDIATE, is already the only one)."""
    if concern not in LOCK_CONCERNS:
        raise ValueError(f"unknown lock concern {concern!r}")
    if conn.dialect.name != "postgresql":
        return
    # One key per concern and schema: desks in different schemas of one server never wait on each other.
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':' || :concern))"),
                 {"concern": concern})


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
        raise _open_error(url, exc) from None


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
                # Two processes opening a fresh PostgreSQL desk at once: the second waits, then finds
                # the schema at head and does nothing.
                advisory_lock(conn, "migrate")
                if MigrationContext.configure(conn).get_current_revision() != head:
                    command.upgrade(_alembic_config(conn), "head")
        except (SQLAlchemyError, CommandError) as exc:
            raise _open_error(engine.url.render_as_string(hide_password=False), exc) from None


class Database:
    """Engine plus transaction helper; the :class:`~newsdesk.store.Store` builds on it."""

    def __init__(self, url: str, *, auto_migrate: bool = True) -> None:
        self.url = url
        self.engine = create_db_engine(url)
        self.dialect = self.engine.dialect.name
        if auto_migrate:
            migrate(self.engine)

    @contextmanager
    def transaction(self, *, durable: bool = True) -> Iterator[Connection]:
        """One transaction: committed on success, rolled back on any exception.

        ``durable=False`` is for state that may lose its last moments in a crash (politeness
        bookings): PostgreSQL then commits without waiting for the WAL flush.
        """
        try:
            with self.engine.begin() as conn:
                if not durable and self.dialect == "postgresql":
                    conn.execute(text("SET LOCAL synchronous_commit TO OFF"))
                yield conn
        except IntegrityError as exc:
            raise ConflictError(f"the database refused the change: {_reason(exc)}") from None
        except SQLAlchemyError as exc:
            raise StoreError(f"database error: {_reason(exc)}") from None

    def lock(self, conn: Connection, concern: str) -> None:
        """Serialise ``concern`` ("stories", "copies") across processes for the rest of ``conn``'s
        transaction; take it before reading the state the transaction will change."""
        advisory_lock(conn, concern)

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

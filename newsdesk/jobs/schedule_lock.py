"""Which process of a SQLite desk runs the schedule: the one holding an OS file lock.

On SQLite the job queue lives in the memory of a ``serve``/``run`` process, so every such process
would run its own schedule (poll due feeds, catch up analysis, alert watchlists) — with
``serve --workers N``, N times per tick. The server processes instead race for an exclusive
``flock`` on a file beside the database (``desk.db.schedule.lock``): the one that gets it runs the
schedule; the others do not. The kernel releases the lock when its holder exits (even killed), and
the others keep trying, so a restarted or surviving process takes over. PostgreSQL needs none of
this: procrastinate's periodic deferrer makes one job per tick in the database.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from typing import IO

from newsdesk.store.transfer import sqlite_path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock; every process schedules, as before
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)


def schedule_lock_path(database_url: str) -> Path | None:
    """The lock file of a SQLite desk (None: PostgreSQL or an in-memory database)."""
    path = sqlite_path(database_url)
    return None if path is None else path.with_name(path.name + ".schedule.lock")


class ScheduleLock:
    """A non-blocking exclusive lock on one desk's schedule, held until :meth:`release`."""

    def __init__(self, database_url: str) -> None:
        self.path = schedule_lock_path(database_url)
        self._handle: IO[str] | None = None

    @property
    def held(self) -> bool:
        return self._handle is not None or self.path is None or fcntl is None

    def acquire(self) -> bool:
        """Take the lock if no other process holds it; True when this process holds it."""
        if self.held:
            return True
        assert self.path is not None
        try:
            handle = self.path.open("a+")
        except OSError as exc:  # no lock file possible (read-only directory): schedule, as before
            log.warning("cannot create the schedule lock %s (%s); this process runs the schedule", self.path,
                        exc.strerror or exc)
            self.path = None
            return True
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")  # who runs the schedule, for a person looking
        handle.flush()
        self._handle = handle
        return True

    def release(self) -> None:
        if self._handle is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

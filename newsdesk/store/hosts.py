"""Per-host politeness and the robots.txt cache, shared by every process using the desk.

The fetcher's :class:`~newsdesk.collect.politeness.HostLedger` and
:class:`~newsdesk.collect.fetcher.RobotsCache`, in the database. Every change is one atomic
statement (or an upsert followed by one), so two processes never book the same start time for a
host nor hold more slots than its limit:

* booking a start is ``UPDATE host_state SET next_start_at = max(next_start_at, now) + spacing
  … RETURNING`` — the row lock (PostgreSQL) or the single writer (SQLite) orders the bookings;
* a slot is claimed with ``UPDATE host_slots … WHERE lease_until <= now`` (compare-and-set on the
  lease), so a killed process's slot frees itself when the lease runs out.

These transactions are not durable (``synchronous_commit`` off on PostgreSQL): a crash may forget
the last bookings, which costs at most one request sent a little early, and spares every fetch
the wait for a disk flush.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, case, func, select, update

from newsdesk.collect.politeness import backoff_seconds
from newsdesk.models import Booking, RobotsEntry
from newsdesk.store.database import Database, upsert
from newsdesk.store.schema import host_slots, host_state, robots_cache


def _later(column: Any, value: Any) -> Any:
    """The later of a column and a number, in SQL both databases read (no GREATEST in SQLite)."""
    return case((column > value, column), else_=value)


class HostStateQueries(Database):
    """``host_state``, ``host_slots`` and ``robots_cache``."""

    def _ensure_host(self, conn: Connection, host: str) -> None:
        conn.execute(upsert(self.dialect, host_state)
                     .values(host=host, next_start_at=0.0, cool_until=0.0, failures=0)
                     .on_conflict_do_nothing(index_elements=[host_state.c.host]))

    # --- HostLedger ------------------------------------------------------------------------------
    def claim_host_slot(self, host: str, *, limit: int, holder: str, now: float, lease: float) -> int | None:
        with self.transaction(durable=False) as conn:
            slot = self._take_free_slot(conn, host, limit=limit, holder=holder, now=now, lease=lease)
            if slot is None:  # a new host (no slot rows yet), or a busy one: make sure the rows exist
                conn.execute(upsert(self.dialect, host_slots).on_conflict_do_nothing(
                    index_elements=[host_slots.c.host, host_slots.c.slot]),
                    [{"host": host, "slot": n, "holder": "", "lease_until": 0.0} for n in range(limit)])
                slot = self._take_free_slot(conn, host, limit=limit, holder=holder, now=now, lease=lease)
            return slot

    def _take_free_slot(self, conn: Connection, host: str, *, limit: int, holder: str, now: float,
                        lease: float) -> int | None:
        """Lease the lowest free slot: one compare-and-set UPDATE (a writer that loses the race to
        another for that slot finds ``lease_until`` changed and takes none)."""
        free = (select(func.min(host_slots.c.slot))
                .where(host_slots.c.host == host, host_slots.c.slot < limit, host_slots.c.lease_until <= now)
                .scalar_subquery())
        taken = conn.execute(
            update(host_slots)
            .where(host_slots.c.host == host, host_slots.c.slot == free, host_slots.c.lease_until <= now)
            .values(holder=holder, lease_until=now + lease).returning(host_slots.c.slot)).scalar()
        return None if taken is None else int(taken)

    def release_host_slot(self, host: str, slot: int, holder: str) -> None:
        with self.transaction(durable=False) as conn:
            conn.execute(update(host_slots)
                         .where(host_slots.c.host == host, host_slots.c.slot == slot, host_slots.c.holder == holder)
                         .values(holder="", lease_until=0.0))

    def book_host_start(self, host: str, *, now: float, spacing: float, max_wait: float) -> Booking:
        start = _later(_later(host_state.c.next_start_at, now), host_state.c.cool_until)
        book = (update(host_state)
                .where(host_state.c.host == host, host_state.c.cool_until <= now + max_wait)
                .values(next_start_at=start + spacing)
                .returning(host_state.c.next_start_at, host_state.c.cool_until))
        with self.transaction(durable=False) as conn:
            booked = conn.execute(book).first()
            if booked is None:  # a host not seen before, or one cooling down
                self._ensure_host(conn, host)
                booked = conn.execute(book).first()
            if booked is not None:
                return Booking(float(booked.next_start_at) - spacing, float(booked.cool_until))
            cool_until = conn.execute(select(host_state.c.cool_until).where(host_state.c.host == host)).scalar_one()
            return Booking(None, float(cool_until))

    def record_host_outcome(self, host: str, *, now: float, failed: bool, retry_after: float | None,
                            backoff_base: float) -> None:
        if not failed:
            # A healthy host (the common case) costs one read, no write transaction.
            with self.read() as conn:
                failing = conn.execute(select(host_state.c.failures)
                                       .where(host_state.c.host == host, host_state.c.failures > 0)).first()
            if failing is not None:
                with self.transaction(durable=False) as conn:
                    conn.execute(update(host_state).where(host_state.c.host == host).values(failures=0))
            return
        with self.transaction(durable=False) as conn:
            self._ensure_host(conn, host)
            failures = conn.execute(
                update(host_state).where(host_state.c.host == host)
                .values(failures=host_state.c.failures + 1).returning(host_state.c.failures)).scalar_one()
            wait = max(backoff_seconds(int(failures), backoff_base), retry_after or 0.0)
            if wait:
                conn.execute(update(host_state).where(host_state.c.host == host)
                             .values(cool_until=_later(host_state.c.cool_until, now + wait)))

    # --- RobotsCache -----------------------------------------------------------------------------
    def cached_robots(self, origin: str, *, now: float) -> RobotsEntry | None:
        with self.read() as conn:
            row = conn.execute(select(robots_cache.c.body, robots_cache.c.note)
                               .where(robots_cache.c.origin == origin, robots_cache.c.expires_at > now)).first()
        return None if row is None else RobotsEntry(row.body, row.note)

    def store_robots(self, origin: str, entry: RobotsEntry, *, now: float, ttl: float) -> None:
        statement = upsert(self.dialect, robots_cache).values(
            origin=origin, body=entry.body, note=entry.note, fetched_at=now, expires_at=now + ttl)
        with self.transaction(durable=False) as conn:
            conn.execute(statement.on_conflict_do_update(
                index_elements=[robots_cache.c.origin],
                set_={"body": statement.excluded.body, "note": statement.excluded.note,
                      "fetched_at": statement.excluded.fetched_at, "expires_at": statement.excluded.expires_at}))

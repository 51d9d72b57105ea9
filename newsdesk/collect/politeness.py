"""Per-host politeness for the fetcher: concurrency slots, spacing between requests, Retry-After
and back-off — kept in a :class:`HostLedger` so that, with the database as the ledger, they hold
across every worker process, not per process.

``with gate.slot(host): ...`` claims one of the host's ``per_host_concurrency`` slots (a lease
that expires, so a killed process frees its slot), then books the earliest start allowed: at least
``min_delay`` (+ random jitter, + any robots.txt ``Crawl-delay``) after the previous request to
that host *started*, whichever process made it. After the request, :meth:`HostGate.record` notes
the outcome: a failure (429, 5xx, network error) or a ``Retry-After`` makes the host cool down —
a short cool-down is waited out, a long one raises :class:`HostBusyError` at once for every
process instead of asking the server again.

Two ledgers: :class:`MemoryLedger` (one process: ``extract``, tests) and the store's
``HostStateQueries`` (``host_state`` / ``host_slots`` tables), which the fetcher receives through
this module's :class:`HostLedger` protocol — ``collect`` never imports ``store``.
"""

from __future__ import annotations

import os
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from newsdesk.errors import HostBusyError
from newsdesk.models import Booking

#: a robots.txt Crawl-delay above this is capped (a hostile robots.txt must not stall a poll)
MAX_CRAWL_DELAY = 30.0
#: a host cooling down for longer than this is not waited for: the fetch fails with HostBusyError
MAX_COOLDOWN_WAIT = 5.0
#: longest back-off after consecutive failures of one host
MAX_BACKOFF = 300.0
#: how long a claimed slot stays claimed if its holder dies without releasing it
SLOT_LEASE = 120.0
#: how often a request waiting for a free slot looks again
SLOT_POLL = 0.05


class HostLedger(Protocol):
    """Where per-host politeness state lives; every method is atomic across its users."""

    def claim_host_slot(self, host: str, *, limit: int, holder: str, now: float, lease: float) -> int | None:
        """Take a free slot (0..limit-1) of ``host``, or ``None`` when all are held."""

    def release_host_slot(self, host: str, slot: int, holder: str) -> None:
        """Give the slot back (only if ``holder`` still holds it)."""

    def book_host_start(self, host: str, *, now: float, spacing: float, max_wait: float) -> Booking:
        """Book the earliest start ≥ ``now``, after the host's previous start + its spacing and after
        its cool-down; refuse (``start=None``) when the cool-down ends more than ``max_wait`` away."""

    def record_host_outcome(self, host: str, *, now: float, failed: bool, retry_after: float | None,
                            backoff_base: float) -> None:
        """A failure doubles the host's back-off (from ``backoff_base``, capped); success clears it;
        ``retry_after`` seconds (from the server) cool the host down at least that long."""


def backoff_seconds(failures: int, base: float) -> float:
    """Exponential back-off after ``failures`` consecutive failures, capped at :data:`MAX_BACKOFF`."""
    if failures <= 0 or base <= 0:
        return 0.0
    return float(min(MAX_BACKOFF, base * (2 ** (failures - 1))))


@dataclass
class _HostState:
    next_start: float = 0.0
    cool_until: float = 0.0
    failures: int = 0


class MemoryLedger:
    """A :class:`HostLedger` for one process (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hosts: dict[str, _HostState] = {}
        self._slots: dict[tuple[str, int], tuple[str, float]] = {}

    def claim_host_slot(self, host: str, *, limit: int, holder: str, now: float, lease: float) -> int | None:
        with self._lock:
            for slot in range(limit):
                held = self._slots.get((host, slot))
                if held is None or held[1] <= now:
                    self._slots[(host, slot)] = (holder, now + lease)
                    return slot
            return None

    def release_host_slot(self, host: str, slot: int, holder: str) -> None:
        with self._lock:
            if self._slots.get((host, slot), ("", 0.0))[0] == holder:
                del self._slots[(host, slot)]

    def book_host_start(self, host: str, *, now: float, spacing: float, max_wait: float) -> Booking:
        with self._lock:
            state = self._hosts.setdefault(host, _HostState())
            if state.cool_until > now + max_wait:
                return Booking(None, state.cool_until)
            start = max(now, state.next_start, state.cool_until)
            state.next_start = start + spacing
            return Booking(start, state.cool_until)

    def record_host_outcome(self, host: str, *, now: float, failed: bool, retry_after: float | None,
                            backoff_base: float) -> None:
        with self._lock:
            state = self._hosts.setdefault(host, _HostState())
            state.failures = state.failures + 1 if failed else 0
            wait = max(backoff_seconds(state.failures, backoff_base), retry_after or 0.0)
            if wait:
                state.cool_until = max(state.cool_until, now + wait)


class HostGate:
    """Concurrency slots, request spacing and cool-downs, per host, over a :class:`HostLedger`."""

    def __init__(self, *, concurrency: int, min_delay: float, jitter: float,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.time,
                 rng: random.Random | None = None, ledger: HostLedger | None = None) -> None:
        self.concurrency = max(1, concurrency)
        self.min_delay = max(0.0, min_delay)
        self.jitter = max(0.0, jitter)
        self.ledger: HostLedger = ledger if ledger is not None else MemoryLedger()
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self._lock = threading.Lock()
        self._crawl_delay: dict[str, float] = {}
        self._holder = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def set_crawl_delay(self, host: str, seconds: float) -> None:
        with self._lock:
            self._crawl_delay[host] = min(max(0.0, seconds), MAX_CRAWL_DELAY)

    def _spacing(self, host: str) -> float:
        with self._lock:
            delay = max(self.min_delay, self._crawl_delay.get(host, 0.0))
        return delay + (self._rng.uniform(0, self.jitter) if self.jitter else 0.0)

    def _claim(self, host: str, holder: str) -> int:
        while True:
            slot = self.ledger.claim_host_slot(host, limit=self.concurrency, holder=holder, now=self._clock(),
                                               lease=SLOT_LEASE)
            if slot is not None:
                return slot
            time.sleep(SLOT_POLL)  # real time: another request (maybe another process) holds the slots

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold one of the host's slots for one request, started no earlier than the host allows."""
        holder = f"{self._holder}-{threading.get_ident()}"
        slot = self._claim(host, holder)
        try:
            now = self._clock()
            booking = self.ledger.book_host_start(host, now=now, spacing=self._spacing(host),
                                                  max_wait=MAX_COOLDOWN_WAIT)
            if booking.start is None:
                wait = booking.cool_until - now
                raise HostBusyError(f"{host} asked for a pause: next request in {wait:.0f} s", source=host,
                                    status_code=503, retry_after=wait)
            if booking.start > now:
                self._sleep(booking.start - now)
            yield
        finally:
            self.ledger.release_host_slot(host, slot, holder)

    def record(self, host: str, *, failed: bool, retry_after: float | None = None) -> None:
        """Note how the host answered: failures back off (from ``min_delay``), success clears it."""
        self.ledger.record_host_outcome(host, now=self._clock(), failed=failed, retry_after=retry_after,
                                        backoff_base=self.min_delay)

"""Per-host politeness for the fetcher: a concurrency limit and a minimum spacing between requests.

:class:`HostGate` is thread-safe: ``with gate.slot(host): ...`` waits for one of the host's
``per_host_concurrency`` slots, then until ``min_delay`` (+ random jitter, + any robots.txt
``Crawl-delay``) has passed since the previous request to that host *started*.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: a robots.txt Crawl-delay above this is capped (a hostile robots.txt must not stall a poll)
MAX_CRAWL_DELAY = 30.0


class HostGate:
    """Concurrency slots and request spacing, per host."""

    def __init__(self, *, concurrency: int, min_delay: float, jitter: float,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 rng: random.Random | None = None) -> None:
        self.concurrency = max(1, concurrency)
        self.min_delay = max(0.0, min_delay)
        self.jitter = max(0.0, jitter)
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._next_start: dict[str, float] = {}
        self._crawl_delay: dict[str, float] = {}

    def set_crawl_delay(self, host: str, seconds: float) -> None:
        with self._lock:
            self._crawl_delay[host] = min(max(0.0, seconds), MAX_CRAWL_DELAY)

    def _semaphore(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            if host not in self._slots:
                self._slots[host] = threading.BoundedSemaphore(self.concurrency)
            return self._slots[host]

    def _reserve_start(self, host: str) -> float:
        """Book the earliest allowed start time for the next request to ``host``; return the wait."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next_start.get(host, now))
            delay = max(self.min_delay, self._crawl_delay.get(host, 0.0))
            if delay or self.jitter:
                spacing = delay + (self._rng.uniform(0, self.jitter) if self.jitter else 0.0)
                self._next_start[host] = start + spacing
            return start - now

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        semaphore = self._semaphore(host)
        with semaphore:
            wait = self._reserve_start(host)
            if wait > 0:
                self._sleep(wait)
            yield

"""Login rate limiting: at most :data:`MAX_FAILURES` failed logins per :data:`WINDOW` for one name
and, separately, for one client address; past that, logins are refused with 429 and Retry-After.

The counts live in this server process (a lock-guarded map of recent failure times, bounded in
size). Several ``newsdesk serve`` processes behind one proxy each keep their own counts, so the
effective limit there is ``MAX_FAILURES`` times the number of processes; the argon2 hash keeps
each guess slow either way. The client address is the TCP peer's (``serve`` does not trust
forwarding headers), so behind a proxy every client shares the proxy's address limit.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

MAX_FAILURES = 5
WINDOW = 15 * 60.0
#: keys remembered at most (oldest dropped first): a flood of names cannot grow memory without end
MAX_KEYS = 10_000


class LoginLimiter:
    """Recent failures per key ("name:alice", "addr:127.0.0.1")."""

    def __init__(self, *, max_failures: int = MAX_FAILURES, window: float = WINDOW,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def retry_after(self, keys: list[str]) -> int:
        """Seconds until a login for these keys may be tried again; 0 when it may be tried now."""
        now = self.clock()
        wait = 0.0
        with self._lock:
            for key in keys:
                times = self._recent(key, now)
                if len(times) >= self.max_failures:
                    wait = max(wait, times[-self.max_failures] + self.window - now)
        return int(wait) + 1 if wait > 0 else 0

    def failed(self, keys: list[str]) -> None:
        now = self.clock()
        with self._lock:
            for key in keys:
                times = self._failures.pop(key, None) or deque()
                times.append(now)
                while len(times) > self.max_failures:
                    times.popleft()
                self._failures[key] = times  # re-inserted: the dict's order is the age order
            while len(self._failures) > MAX_KEYS:
                del self._failures[next(iter(self._failures))]

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

"""A small in-process memo with a time limit, for derived data that is costly and may be a little
stale: related publications and the one-line summaries on the home page.

Entries expire after ``ttl`` seconds and the least recently used go first past ``maxsize``, so a
new article shows up in "related" within the time limit. Thread-safe (pages run on a thread pool).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class Memo:
    def __init__(self, *, ttl: float = 300.0, maxsize: int = 4096) -> None:
        self.ttl, self.maxsize = ttl, maxsize
        self._items: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The remembered value for ``key``, or ``compute()`` (remembered) when missing or expired."""
        now = time.monotonic()
        with self._lock:
            found = self._items.get(key)
            if found is not None and now - found[0] < self.ttl:
                self._items.move_to_end(key)
                value: T = found[1]
                return value
        value = compute()
        with self._lock:
            self._items[key] = (now, value)
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

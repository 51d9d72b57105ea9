"""The serve layer's time-limited memo (related publications, home summary lines)."""

from __future__ import annotations

import time

from newsdesk.serve.memo import Memo


def test_memo_remembers_until_the_time_limit() -> None:
    calls: list[int] = []
    memo = Memo(ttl=0.2)

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert memo.get("k", compute) == 1 and memo.get("k", compute) == 1
    time.sleep(0.25)
    assert memo.get("k", compute) == 2 and len(calls) == 2


def test_memo_drops_the_least_recently_used() -> None:
    memo = Memo(maxsize=2)
    memo.get("a", lambda: 1)
    memo.get("b", lambda: 2)
    memo.get("a", lambda: 0)  # touch a: b is now the oldest
    memo.get("c", lambda: 3)
    assert memo.get("a", lambda: -1) == 1 and memo.get("b", lambda: -2) == -2

"""Helpers for tests that run real ``newsdesk worker`` / ``serve`` / ``run`` processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def desk_env(database_url: str, data_dir: Path, **settings: Any) -> dict[str, str]:
    """Environment for a desk process: loopback allowed, no politeness delays, a fast schedule."""
    values = {"allow_private_addresses": "1", "min_host_delay": "0", "host_delay_jitter": "0",
              "scheduler_interval": "1", "worker_heartbeat": "1", "job_retry_delay": "2", "timeout": "5",
              **{k: str(v) for k, v in settings.items()}}
    env = {**os.environ, "NEWSDESK_DATABASE_URL": database_url, "NEWSDESK_DATA_DIR": str(data_dir),
           "NEWSDESK_CONFIG": "/nonexistent"}
    env.update({f"NEWSDESK_{k.upper()}": v for k, v in values.items()})
    return env


def newsdesk(env: dict[str, str], *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "newsdesk", *args], env=env, cwd=ROOT, capture_output=True,
                            text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"newsdesk {' '.join(args)} exited {result.returncode}: {result.stderr}")
    return result


def start(env: dict[str, str], *args: str, log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("ab")
    return subprocess.Popen([sys.executable, "-m", "newsdesk", *args], env=env, cwd=ROOT, stdout=handle,
                            stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen[bytes], timeout: float = 40) -> int:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def jobs_json(env: dict[str, str], *args: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(newsdesk(env, "jobs", "--json", "--limit", "500", *args).stdout)
    return data


def wait_for(condition: Callable[[], T | None], *, timeout: float, what: str, interval: float = 0.5) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)

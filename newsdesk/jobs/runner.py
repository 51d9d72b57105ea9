"""Running the jobs: a procrastinate worker with the schedule, in a process of its own
(``newsdesk worker``), headless (``newsdesk run``) or inside the web server (``newsdesk serve``).

On PostgreSQL every worker runs procrastinate's periodic deferrer (the database makes one job per
tick). On SQLite the queue is in each process's memory, so only the process holding the desk's
:class:`~newsdesk.jobs.schedule_lock.ScheduleLock` runs the deferrer: ``serve --workers N`` has
one schedule, and so has a ``serve`` and a ``run`` on one desk."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable

from procrastinate.periodic import PeriodicDeferrer, PeriodicRegistry

from newsdesk.jobs.desk import JobDesk
from newsdesk.jobs.schedule_lock import ScheduleLock

log = logging.getLogger(__name__)

#: seconds a stopping worker waits for its running jobs before aborting them
SHUTDOWN_GRACE = 30.0


class OneLineFormatter(logging.Formatter):
    """Log records as one line each: a failed job says why, without a traceback."""

    def formatException(self, ei: object) -> str:  # noqa: N802 (logging's name)
        return ""

    def formatStack(self, stack_info: str) -> str:  # noqa: N802
        return ""

    def format(self, record: logging.LogRecord) -> str:
        record.exc_text = ""
        if record.exc_info and record.exc_info[1] is not None and "failed" not in record.getMessage():
            record.msg = f"{record.getMessage()}: {record.exc_info[1]}"
            record.args = ()
        return super().format(record).replace("\n", " ")


def configure_logging(level: int = logging.WARNING) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)


async def run_jobs(desk: JobDesk, *, concurrency: int = 4, queues: Iterable[str] | None = None,
                   install_signal_handlers: bool = True, name: str | None = None, opened: bool = False) -> None:
    """Run a worker (and its periodic scheduler) until stopped by a signal or cancelled.

    ``opened``: the app is already open and prepared (``serve`` opens it to defer jobs from requests).
    """
    if not opened:
        await asyncio.to_thread(desk.prepare)
    heartbeat = desk.settings.worker_heartbeat
    options = dict(concurrency=concurrency, queues=list(queues) if queues else None, name=name or "newsdesk",
                   install_signal_handlers=install_signal_handlers, update_heartbeat_interval=heartbeat,
                   stalled_worker_timeout=3 * heartbeat, shutdown_graceful_timeout=SHUTDOWN_GRACE,
                   fetch_job_polling_interval=min(5.0, float(desk.settings.scheduler_interval)))
    schedule = None
    if not desk.durable:  # the worker runs the jobs; the schedule runs where the lock is held
        registry, desk.app.periodic_registry = desk.app.periodic_registry, PeriodicRegistry()
        schedule = asyncio.create_task(run_schedule_when_locked(desk, registry), name="newsdesk-schedule")
    try:
        if opened:
            await desk.app.run_worker_async(**options)  # type: ignore[arg-type]
        else:
            async with desk.app.open_async():
                await desk.app.run_worker_async(**options)  # type: ignore[arg-type]
    finally:
        if schedule is not None:
            schedule.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await schedule
        desk.close()


async def run_schedule_when_locked(desk: JobDesk, registry: PeriodicRegistry) -> None:
    """Run procrastinate's periodic deferrer over ``registry`` while this process holds the desk's
    schedule lock; until then try again each tick (the holder may stop or die)."""
    lock = ScheduleLock(desk.settings.resolved_database_url)
    interval = max(1.0, float(desk.settings.scheduler_interval))
    try:
        if not lock.acquire():
            log.info("another process runs the schedule of this desk (%s); this one serves", lock.path)
            while not lock.acquire():
                await asyncio.sleep(interval)
            log.info("this process now runs the schedule of this desk")
        await PeriodicDeferrer(registry=registry, **desk.app.periodic_defaults).worker()
    finally:
        lock.release()

"""What the queue holds: listing, following, retrying and cancelling jobs (CLI, API, jobs page)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from procrastinate.exceptions import ConnectorException, UniqueViolation
from procrastinate.jobs import Job

from newsdesk.errors import InvalidArgumentError, NotFoundError, StoreError
from newsdesk.jobs.desk import JobDesk
from newsdesk.store import utcnow

#: procrastinate's statuses, as newsdesk names them
STATUS_NAMES = {"todo": "queued", "doing": "running", "succeeded": "done", "failed": "failed",
                "cancelled": "cancelled", "aborting": "running", "aborted": "aborted"}
STATUSES = ("queued", "running", "failed", "done", "cancelled", "aborted")
_QUEUE_STATUS = {v: k for k, v in STATUS_NAMES.items() if k != "aborting"}


@dataclass(frozen=True)
class JobView:
    """One job as ``newsdesk jobs`` and ``/api/jobs`` show it."""

    id: int
    task: str
    status: str
    attempts: int  # runs so far (a queued job with attempts waits for its retry at scheduled_at)
    args: dict[str, Any]
    queue: str
    scheduled_at: datetime | None
    error: str
    failed_at: datetime | None

    @property
    def subject(self) -> str:
        """What the job works on, in a few words (a URL, a feed, an article...)."""
        args = self.args
        for key in ("target", "url"):
            if args.get(key):
                return str(args[key])
        for key, label in (("feed_id", "feed"), ("article_id", "article"), ("story_id", "story")):
            if args.get(key) is not None:
                return f"{label} {args[key]}"
        return ""

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "task": self.task, "status": self.status, "attempts": self.attempts,
                "subject": self.subject, "args": {k: v for k, v in self.args.items() if k != "fallback_html"},
                "queue": self.queue,
                "scheduled_at": self.scheduled_at.isoformat() if self.scheduled_at else None,
                "error": self.error, "failed_at": self.failed_at.isoformat() if self.failed_at else None,
                "url": f"/api/jobs/{self.id}"}


@dataclass(frozen=True)
class JobList:
    counts: dict[str, int]
    jobs: list[JobView]

    def to_json(self) -> dict[str, Any]:
        return {"counts": self.counts, "jobs": [j.to_json() for j in self.jobs]}


def _views(desk: JobDesk, jobs: list[Job]) -> list[JobView]:
    errors = desk.store.job_errors([j.id for j in jobs if j.id is not None])
    views = []
    for job in jobs:
        assert job.id is not None
        error = errors.get(job.id)
        status = STATUS_NAMES.get(str(job.status), str(job.status))
        views.append(JobView(job.id, job.task_name.removeprefix("newsdesk."), status, job.attempts,
                             dict(job.task_kwargs), job.queue, job.scheduled_at,
                             error.error if error else "", error.failed_at if error else None))
    return views


def parse_status(status: str | None) -> str | None:
    if status is None:
        return None
    if status not in _QUEUE_STATUS:
        raise InvalidArgumentError(f"unknown job status {status!r} (use one of {', '.join(STATUSES)})",
                                   source=status)
    return status


async def list_jobs(desk: JobDesk, *, status: str | None = None, limit: int = 50) -> JobList:
    """The newest ``limit`` jobs (of one status), with the count of jobs in each status."""
    manager = desk.app.job_manager
    counts = dict.fromkeys(STATUSES, 0)
    for queue in await manager.list_queues_async():
        for raw, name in STATUS_NAMES.items():
            counts[name] += int(queue.get(raw, 0) or 0)
    raw_status = _QUEUE_STATUS[status] if (status := parse_status(status)) else None
    jobs = sorted(await manager.list_jobs_async(status=raw_status), key=lambda j: j.id or 0, reverse=True)
    return JobList(counts, await asyncio.to_thread(_views, desk, jobs[:limit]))  # a database read: off the loop


async def get_job(desk: JobDesk, job_id: int) -> JobView:
    found = list(await desk.app.job_manager.list_jobs_async(id=job_id))
    if not found:
        raise NotFoundError(f"no job with id {job_id}", source=str(job_id))
    return (await asyncio.to_thread(_views, desk, found))[0]


async def _requeue(desk: JobDesk, job_id: int) -> None:
    try:
        await desk.app.job_manager.retry_job_by_id_async(job_id, retry_at=utcnow())
    except UniqueViolation:
        raise InvalidArgumentError(f"job {job_id} is not run again: the same work is already queued "
                                   "(see newsdesk jobs --status queued)", source=str(job_id)) from None
    except ConnectorException as exc:
        raise StoreError(f"cannot queue job {job_id} again: {exc.__cause__ or exc}") from None


async def retry_job(desk: JobDesk, job_id: int) -> JobView:
    """Run a failed job again now."""
    job = await get_job(desk, job_id)
    if job.status != "failed":
        raise InvalidArgumentError(f"job {job_id} is {job.status}; only failed jobs can be retried",
                                   source=str(job_id))
    await _requeue(desk, job_id)
    return await get_job(desk, job_id)


async def retry_failed(desk: JobDesk) -> list[int]:
    """Run every failed job again (but those whose work is already queued); returns their ids."""
    failed = await desk.app.job_manager.list_jobs_async(status="failed")
    ids = []
    for job in failed:
        if job.id is None:
            continue
        try:
            await _requeue(desk, job.id)
        except InvalidArgumentError:
            continue
        ids.append(job.id)
    return ids


async def cancel_job(desk: JobDesk, job_id: int) -> JobView:
    """Cancel a queued job (a running one is asked to stop after its current step)."""
    job = await get_job(desk, job_id)
    if job.status not in {"queued", "running"}:
        raise InvalidArgumentError(f"job {job_id} is {job.status}; only queued or running jobs can be cancelled",
                                   source=str(job_id))
    await desk.app.job_manager.cancel_job_by_id_async(job_id, abort=job.status == "running")
    return await get_job(desk, job_id)

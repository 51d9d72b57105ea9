"""The job queue in the web server: its lifespan, ``/api/jobs`` and the jobs page under Sources.

``newsdesk serve`` opens the desk's queue when the server starts and, unless told not to (a
PostgreSQL desk whose workers run elsewhere, or read-only mode), runs a worker with the
schedule inside uvicorn's event loop. On SQLite that in-process queue is the only one: the jobs
page and ``/api/jobs`` show the jobs of this process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import WithJsonSchema

from newsdesk.jobs import board
from newsdesk.jobs.desk import JobDesk
from newsdesk.serve.openapi import answers
from newsdesk.serve.problems import Problem

#: a job id: procrastinate's ids are 64-bit
JobId = Annotated[int, Path(ge=1, le=2**63 - 1, description="a job id")]
#: ``status`` of a job listing; empty = every status
JobStatus = Annotated[str | None, Query(description="queued, running, failed, done, cancelled or aborted"),
                      WithJsonSchema({"type": "string", "enum": [*board.STATUSES, ""]})]

log = logging.getLogger(__name__)
api_router = APIRouter(prefix="/api", tags=["api"])
page_router = APIRouter(include_in_schema=False)
#: jobs the in-process worker of ``serve`` runs at once
SERVE_CONCURRENCY = 2


def lifespan(run_worker: bool) -> Any:
    """A FastAPI lifespan opening the job queue (and running a worker when ``run_worker``)."""

    @contextlib.asynccontextmanager
    async def open_jobs(app: FastAPI) -> AsyncIterator[None]:
        from newsdesk.jobs.runner import run_jobs

        settings = app.state.settings
        preload = asyncio.create_task(asyncio.to_thread(_import_page_modules))  # in the background
        desk = JobDesk(settings, concurrency=SERVE_CONCURRENCY, store=app.state.store)
        await asyncio.to_thread(desk.prepare)
        async with desk.app.open_async():
            app.state.jobs = desk
            worker = None
            if run_worker and not settings.read_only:
                worker = asyncio.create_task(run_jobs(desk, concurrency=SERVE_CONCURRENCY,
                                                      install_signal_handlers=False, name="serve", opened=True))
            try:
                yield
            finally:
                preload.cancel()
                app.state.jobs = None
                if worker is not None:
                    worker.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await worker
                desk.close()

    return open_jobs


def _import_page_modules() -> None:
    """Import what the pages use before the first request comes (not in the middle of one)."""
    import importlib

    for name in ("stories", "summarize", "entities", "related", "digests", "framing"):
        importlib.import_module(f"newsdesk.analyze.{name}")


def _desk(request: Request) -> JobDesk:
    desk: JobDesk | None = getattr(request.app.state, "jobs", None)
    if desk is None:
        raise Problem(503, "job queue not running", "this server was started without its job queue")
    return desk


async def defer_targets(request: Request, targets: list[str]) -> Response:
    """``202 Accepted``: one job per target, each with the URL to follow it."""
    desk = _desk(request)
    jobs = []
    for target in targets:
        job_id = await desk.defer_target_async(target)
        jobs.append({"id": job_id, "target": target, "url": f"/api/jobs/{job_id}"})
    ids = ",".join(str(j["id"]) for j in jobs)
    return JSONResponse({"jobs": jobs, "follow": f"/api/jobs?ids={ids}"}, status_code=202,
                        headers={"Location": str(jobs[0]["url"])})


@api_router.get("/jobs", summary="Jobs: queued, running, failed and done, with attempts and errors",
                responses=answers(400, 422, 503))
async def list_jobs(request: Request, status: JobStatus = None,
                    ids: str | None = Query(None, description="comma-separated job ids (others are ignored)"),
                    limit: int = Query(50, ge=1, le=500)) -> dict[str, Any]:
    status = board.parse_status(status or None)  # a bad status is a 400 whether or not ids are given
    desk = _desk(request)
    if ids:
        wanted = [int(i) for i in ids.split(",") if i.strip().isdigit()][:limit]
        found = [await _get_or_none(desk, job_id) for job_id in wanted]
        return {"jobs": [j.to_json() for j in found if j is not None]}
    listing = await board.list_jobs(desk, status=status or None, limit=limit)
    return listing.to_json()


async def _get_or_none(desk: JobDesk, job_id: int) -> board.JobView | None:
    from newsdesk.errors import NotFoundError

    try:
        return await board.get_job(desk, job_id)
    except NotFoundError:
        return None


@api_router.get("/jobs/{job_id}", summary="One job: status, attempts, last error", responses=answers(404, 422, 503))
async def get_job(request: Request, job_id: JobId) -> dict[str, Any]:
    return (await board.get_job(_desk(request), job_id)).to_json()


@page_router.get("/sources/jobs", response_class=HTMLResponse)
async def jobs_page(request: Request, status: str | None = None) -> Response:
    from newsdesk.serve.pages import render

    desk = _desk(request)
    listing = await board.list_jobs(desk, status=status or None, limit=200)
    return render(request, "jobs.html", {"title": "Jobs", "listing": listing, "status": status or "",
                                         "statuses": board.STATUSES, "durable": desk.durable})

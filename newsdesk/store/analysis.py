"""Queries for the per-step analysis state of articles and the errors of failed jobs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, exists, func, select
from sqlalchemy.dialects import postgresql, sqlite

from newsdesk.store.database import Database, as_utc, utcnow
from newsdesk.store.schema import ARTICLE_ORDER, analysis_steps, articles, duplicate_links, job_errors


@dataclass(frozen=True)
class StepState:
    """The outcome of one analysis step of one article."""

    article_id: int
    step: str
    status: str  # done | failed
    attempts: int
    error: str
    updated_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "step": self.step, "status": self.status,
                "attempts": self.attempts, "error": self.error,
                "updated_at": self.updated_at.isoformat() if self.updated_at else None}


@dataclass(frozen=True)
class JobError:
    job_id: int
    task: str
    attempts: int
    error: str
    failed_at: datetime | None


class AnalysisQueries(Database):
    """Which analysis steps of which article are done, failed, or still to run."""

    def _upsert(self, table: Any, values: dict[str, Any], keys: list[str], update: dict[str, Any]) -> Any:
        insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        statement = insert(table).values(**values)
        return statement.on_conflict_do_update(index_elements=keys, set_=update)

    def record_step(self, article_id: int, step: str, *, error: str | None = None) -> None:
        """Save a step's outcome: done (``error`` None) or failed with its message; counts attempts."""
        now = utcnow()
        status = "failed" if error is not None else "done"
        values = {"article_id": article_id, "step": step, "status": status, "attempts": 1,
                  "error": (error or "")[:2000], "updated_at": now}
        update = {"status": status, "attempts": analysis_steps.c.attempts + 1,
                  "error": (error or "")[:2000], "updated_at": now}
        with self.transaction() as conn:
            if conn.execute(select(articles.c.id).where(articles.c.id == article_id)).first() is None:
                return  # the article was removed meanwhile
            conn.execute(self._upsert(analysis_steps, values, ["article_id", "step"], update))

    def completed_steps(self, article_id: int) -> set[str]:
        """Steps done for the article's current version (a changed article runs them again)."""
        query = (select(analysis_steps.c.step)
                 .select_from(analysis_steps.join(articles, articles.c.id == analysis_steps.c.article_id))
                 .where(analysis_steps.c.article_id == article_id, analysis_steps.c.status == "done",
                        analysis_steps.c.updated_at >= articles.c.updated_at))
        with self.read() as conn:
            return set(conn.execute(query).scalars())

    def step_states(self, article_id: int) -> list[StepState]:
        with self.read() as conn:
            rows = conn.execute(select(analysis_steps).where(analysis_steps.c.article_id == article_id)
                                .order_by(analysis_steps.c.step)).all()
        return [_to_state(r) for r in rows]

    def failed_steps(self, limit: int = 200) -> list[StepState]:
        """Failed steps, most recent first."""
        with self.read() as conn:
            rows = conn.execute(select(analysis_steps).where(analysis_steps.c.status == "failed")
                                .order_by(analysis_steps.c.updated_at.desc()).limit(limit)).all()
        return [_to_state(r) for r in rows]

    @staticmethod
    def _pending(query: Any, *, failed_since: datetime | None, max_attempts: int | None,
                 quiet_since: datetime | None = None) -> Any:
        """Restrict ``query`` to originals with text whose analysis is not complete."""
        query = (query.select_from(articles.outerjoin(duplicate_links, duplicate_links.c.article_id == articles.c.id))
                 .where(articles.c.analyzed_at.is_(None), duplicate_links.c.article_id.is_(None),
                        articles.c.status == "ok"))
        if quiet_since is not None:
            query = query.where(articles.c.updated_at <= quiet_since, ~exists().where(
                analysis_steps.c.article_id == articles.c.id, analysis_steps.c.updated_at > quiet_since))
        failed = and_(analysis_steps.c.article_id == articles.c.id, analysis_steps.c.status == "failed")
        if failed_since is not None:
            query = query.where(~exists().where(failed, analysis_steps.c.updated_at >= failed_since))
        if max_attempts is not None:
            query = query.where(~exists().where(failed, analysis_steps.c.attempts >= max_attempts))
        return query

    def unanalyzed_article_ids(self, limit: int = 1000, *, failed_since: datetime | None = None,
                               max_attempts: int | None = None, quiet_since: datetime | None = None
                               ) -> list[int]:
        """Originals whose analysis is not complete (new, changed, interrupted, or a step failed),
        in publication order. ``failed_since`` leaves out those with a step that failed since then
        (one pass retries each once); ``max_attempts`` those with a step that failed that often;
        ``quiet_since`` those changed, or with a step recorded, since then (still being worked on)."""
        query = self._pending(select(articles.c.id), failed_since=failed_since, max_attempts=max_attempts,
                              quiet_since=quiet_since)
        with self.read() as conn:
            return [int(i) for i in conn.execute(query.order_by(ARTICLE_ORDER, articles.c.id).limit(limit))
                    .scalars()]

    def awaiting_story_ids(self, limit: int = 200, *, after: str = "entities") -> list[int]:
        """Originals whose story step is not done but whose ``after`` step has run (done or failed)
        for their current version, in publication order (the order the clusterer expects)."""
        current = and_(analysis_steps.c.article_id == articles.c.id,
                       analysis_steps.c.updated_at >= articles.c.updated_at)
        steps = analysis_steps
        query = self._pending(select(articles.c.id), failed_since=None, max_attempts=None)
        query = query.where(exists().where(current, steps.c.step == after),
                            ~exists().where(current, steps.c.step == "story", steps.c.status == "done"))
        with self.read() as conn:
            return [int(i) for i in conn.execute(query.order_by(ARTICLE_ORDER, articles.c.id).limit(limit))
                    .scalars()]

    def count_unanalyzed(self) -> int:
        query = self._pending(select(func.count()), failed_since=None, max_attempts=None)
        with self.read() as conn:
            return int(conn.execute(query).scalar() or 0)

    # --- job errors ------------------------------------------------------------------------
    def record_job_error(self, job_id: int, task: str, attempts: int, error: str) -> None:
        now = utcnow()
        values = {"job_id": job_id, "task": task[:100], "attempts": attempts, "error": error[:2000],
                  "failed_at": now}
        with self.transaction() as conn:
            conn.execute(self._upsert(job_errors, values, ["job_id"],
                                      {"attempts": attempts, "error": error[:2000], "failed_at": now}))

    def job_errors(self, job_ids: list[int]) -> dict[int, JobError]:
        if not job_ids:
            return {}
        with self.read() as conn:
            rows = conn.execute(select(job_errors).where(job_errors.c.job_id.in_(job_ids))).all()
        return {int(r.job_id): JobError(int(r.job_id), r.task, r.attempts, r.error, as_utc(r.failed_at))
                for r in rows}

    def forget_job_errors(self, job_ids: list[int] | None = None) -> None:
        """Drop the errors of these jobs (all with None: an in-memory queue starting afresh)."""
        with self.transaction() as conn:
            query = delete(job_errors)
            conn.execute(query if job_ids is None else query.where(job_errors.c.job_id.in_(job_ids)))


def _to_state(row: Any) -> StepState:
    return StepState(int(row.article_id), row.step, row.status, int(row.attempts), row.error,
                     as_utc(row.updated_at))

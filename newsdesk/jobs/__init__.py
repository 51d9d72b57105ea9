"""Jobs: the work of the desk as procrastinate tasks, a schedule, and workers.

* :mod:`newsdesk.jobs.desk` — :class:`JobDesk`: the procrastinate app bound to one desk (its
  settings, store and fetcher), on PostgreSQL (durable queue in the same database) or, on
  SQLite, procrastinate's in-memory connector inside the ``serve``/``run`` process;
* :mod:`newsdesk.jobs.tasks` — the tasks (add a target, poll a feed, fetch a page, read a
  sitemap, analyse an article, summarise a story) and the periodic ones (enqueue due feeds,
  catch up unfinished analysis, retry the jobs of dead workers, forget old jobs);
* :mod:`newsdesk.jobs.runner` — running a worker (``newsdesk worker``, ``run``, ``serve``);
* :mod:`newsdesk.jobs.board` — listing, retrying and cancelling jobs (``newsdesk jobs``, the API).

See docs/jobs.md.
"""

"""The ``newsdesk`` command: a thin Typer layer over the package's functions.

Each module in this package registers its commands on :data:`app`; errors from the
:mod:`newsdesk.errors` tree become one-line messages and exit codes here and nowhere else.
"""

from __future__ import annotations

from newsdesk.cli.base import app, main

# Importing the command modules registers their commands on ``app``.
from newsdesk.cli import (  # noqa: E402,F401  isort: skip
    ingest_cmds,
    extract_cmds,
    library_cmds,
    summary_cmds,
    story_cmds,
    entity_cmds,
    serve_cmds,
    db_cmds,
    job_cmds,
    user_cmds,
    watch_cmds,
    publish_cmds,
)

__all__ = ["app", "main"]

"""CLI commands (see newsdesk.cli.base for the shared app)."""

from __future__ import annotations

from newsdesk.cli.base import app  # noqa: F401

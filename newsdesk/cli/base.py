"""Shared CLI plumbing: the Typer app, its global options, and the one place errors become exit codes.

Every command runs inside :meth:`NewsdeskGroup.main`: a :class:`~newsdesk.errors.NewsdeskError`
from any of them, or a usage error from Click, ends as one line on stderr and the README's exit
code. Output helpers live in :mod:`newsdesk.cli.output`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import typer
from typer.core import TyperGroup

from newsdesk.cli.output import error_line
from newsdesk.collect.targets import check_target
from newsdesk.config import Settings, load_settings
from newsdesk.dates import parse_date_option
from newsdesk.errors import NewsdeskError

try:  # Typer 0.2x vendors Click as typer._click; older Typer uses Click itself
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover
    from click import exceptions as click_exceptions  # type: ignore[no-redef]



class NewsdeskGroup(TyperGroup):
    """The ``newsdesk`` command group; its :meth:`main` is where every error is caught."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,  # type: ignore[override]
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        _quiet_flags(self)
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except NewsdeskError as exc:
            _fail(str(exc), exc.exit_code)
        except click_exceptions.NoArgsIsHelpError as exc:
            text = exc.ctx.get_help() if exc.ctx else ""  # Typer's Rich help prints itself, returns ""
            if text:
                typer.echo(text)
            sys.exit(exc.exit_code)
        except click_exceptions.ClickException as exc:
            _fail(_usage_message(exc), exc.exit_code)
        except typer.Abort:
            _fail("aborted", 1)
        sys.exit(result if isinstance(result, int) else 0)


def _quiet_flags(command: Any) -> None:
    """No ``<bool>`` after a flag in ``--help`` (``--json``, ``--force``, ``--help`` itself)."""
    for param in [*command.params, command.get_help_option(typer.Context(command))]:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    for sub in getattr(command, "commands", {}).values():
        _quiet_flags(sub)


def _usage_message(exc: click_exceptions.ClickException) -> str:
    message = exc.format_message()
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click_exceptions.UsageError) and ctx is not None:
        return f"{message} (see '{ctx.command_path} --help')"
    return message


def _fail(message: str, code: int) -> NoReturn:
    error_line(message)
    sys.exit(code)


app = typer.Typer(
    name="newsdesk",
    cls=NewsdeskGroup,
    help="Collect, clean, deduplicate and follow the news across outlets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@dataclass
class CliState:
    db: str | None = None
    data_dir: Path | None = None
    allow_private: bool | None = None
    _settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(
                data_dir=self.data_dir, database_url=self.db,
                allow_private_addresses=self.allow_private,
            )
        return self._settings


state = CliState()


@app.callback()
def _global_options(
    db: str | None = typer.Option(None, "--db", envvar="NEWSDESK_DATABASE_URL",
                                  help="Database URL or SQLite file path (default: per-user data dir)."),
    data_dir: Path | None = typer.Option(None, "--data-dir", envvar="NEWSDESK_DATA_DIR",
                                         help="Where the default database and config live."),
    allow_private: bool | None = typer.Option(
        None, "--allow-private-addresses/--no-allow-private-addresses",
        help="Allow fetching loopback/private addresses (off by default: SSRF guard)."),
) -> None:
    if db and "://" not in db:
        db = f"sqlite:///{Path(db).expanduser().resolve()}"
    state.db, state.data_dir, state.allow_private, state._settings = db, data_dir, allow_private, None


def parse_date(value: str | None, option: str) -> datetime | None:
    """A ``--since``/``--until`` value (YYYY-MM-DD or ISO 8601) as aware UTC; naive means UTC."""
    return parse_date_option(value, option)


def check_targets(targets: list[str]) -> list[str]:
    """The targets as given, or :class:`InvalidTargetError` for an empty or malformed one (exit 2)."""
    for target in targets:
        check_target(target)
    return targets


def get_store() -> Any:
    """Open (and migrate) the configured database."""
    from newsdesk.store import open_store

    return open_store(state.settings)


def main() -> None:
    app()

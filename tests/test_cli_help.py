"""Every command's ``--help``: each option and argument says what it does, flags carry no ``<bool>``,
and date options name the format they take."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from newsdesk.cli import app


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _commands(sub, (*path, name))


COMMANDS = list(_commands(typer.main.get_command(app)))


def test_the_tree_has_every_command() -> None:
    names = {" ".join(path) for path, _command in COMMANDS}
    assert {"add", "ls", "search", "stories", "story", "serve", "token create", "cluster"} <= names


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) or "newsdesk" for p, _ in COMMANDS])
def test_every_option_has_help_text(path: tuple[str, ...], command: Any) -> None:
    missing = [param.name for param in command.params if not (getattr(param, "help", None) or "").strip()]
    assert not missing, f"newsdesk {' '.join(path)}: no help for {missing}"
    result = CliRunner().invoke(app, [*path, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    for param in command.params:
        if param.name in {"since", "until"}:
            assert "YYYY-MM-DD" in (param.help or ""), (path, param.name)

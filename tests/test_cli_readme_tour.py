"""The README's CLI tour is runnable as written: each command exists and takes the options shown
(checked with ``--help`` appended, so nothing is fetched), and ``make run PORT=…`` serves on that port."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from newsdesk.cli import app


def _tour() -> list[list[str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## A short tour of the CLI", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, "the tour has a sh block"
    lines = [line.split(" #", 1)[0].split(">", 1)[0].strip() for line in block.group(1).splitlines()]
    return [shlex.split(line)[1:] for line in lines if line.startswith("newsdesk ")]


@pytest.mark.parametrize("args", _tour(), ids=lambda args: " ".join(args)[:40])
def test_every_tour_command_parses(args: list[str]) -> None:
    result = CliRunner().invoke(app, [*args, "--help"])
    assert result.exit_code == 0, result.output


def test_global_options_go_before_the_subcommand() -> None:
    assert CliRunner().invoke(app, ["--db", "x.db", "ls", "--help"]).exit_code == 0
    late = CliRunner().invoke(app, ["ls", "--db", "x.db"])
    assert late.exit_code == 2 and "--db" in late.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_takes_a_port() -> None:
    plan = subprocess.run(["make", "-n", "run", "PORT=8001"], cwd=ROOT, capture_output=True,
                          text=True, check=False, timeout=30)
    assert "serve --host 127.0.0.1 --port 8001" in plan.stdout, plan.stdout + plan.stderr

"""Everything the CLI writes: the two consoles, terminal-safe text, JSON, progress bars, error lines.

Text from pages, feeds, entities and users is never read as Rich markup (both consoles have markup
off; styled lines are built with :class:`rich.text.Text`), and :func:`safe` neutralises the control
characters in it (NUL, ESC, C0/C1, bidi overrides) before it reaches a terminal.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from newsdesk.models import SummarySentence

#: C0 and C1 controls, DEL, and the Unicode bidi/line controls that reorder or hide what a terminal shows
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[{_CONTROLS}]")
_UNSAFE_OR_TAB = re.compile(f"[\t{_CONTROLS}]")
_LINE_BREAKS = re.compile(r"\r\n?|\n")
REPLACEMENT = "\ufffd"


class _CliConsole(Console):
    """A console that never reads markup and, unless it is a terminal, never hard-wraps a line."""

    def print(self, *objects: Any, soft_wrap: bool | None = None, **kwargs: Any) -> None:
        if soft_wrap is None:
            soft_wrap = not self.is_terminal
        super().print(*objects, soft_wrap=soft_wrap, **kwargs)


console = _CliConsole(markup=False, highlight=False)
err_console = _CliConsole(stderr=True, markup=False, highlight=False)


def safe(value: object, *, multiline: bool = False) -> str:
    """``value`` as text a terminal shows as it is: control characters become U+FFFD.

    Single-line text (titles, names, URLs, table cells) has its line breaks and tabs turned into
    spaces; ``multiline`` text (an article body) keeps ``\\n`` and tabs.
    """
    text = "" if value is None else str(value)
    if multiline:
        return _UNSAFE.sub(REPLACEMENT, _LINE_BREAKS.sub("\n", text))
    return _UNSAFE_OR_TAB.sub(REPLACEMENT, _LINE_BREAKS.sub(" ", text).replace("\t", " "))


def cell(value: object, style: str = "") -> Text:
    """One untrusted value as a Rich ``Text`` (never markup), made :func:`safe`."""
    return Text(safe(value), style=style)


def line(*parts: str | tuple[str, str] | Text) -> Text:
    """A styled line from plain parts: ``line(("added", "green"), "  ", title)``; every str is made safe."""
    out = Text()
    for part in parts:
        if isinstance(part, Text):
            out.append_text(part)
        elif isinstance(part, tuple):
            out.append(safe(part[0]), style=part[1])
        else:
            out.append(safe(part))
    return out


def development_line(sentence: SummarySentence) -> Text:
    """One line of a story summary: ``• 2026-11-09 · Meridian Wire: <sentence> (article 12)``."""
    day = sentence.published.date().isoformat() if sentence.published else "undated"
    source = f"{day} \u00b7 {sentence.outlet}:" if sentence.outlet else f"{day}:"
    article = (f" (article {sentence.article_id})", "dim") if sentence.article_id is not None else ""
    return line("\u2022 ", (source, "bold"), " ", sentence.text, article)


def error_line(message: object) -> None:
    """``error: MESSAGE`` as one line on stderr (red on a terminal)."""
    err_console.print(line(("error:", "red"), " ", str(message)), soft_wrap=True)


def note_line(message: object) -> None:
    """``note: MESSAGE`` as one line on stderr."""
    err_console.print(line(("note:", "yellow"), " ", str(message)), soft_wrap=True)


def page_hint(offset: int, shown: int, total: int) -> None:
    """``showing 1–50 of 55; …`` on stderr when a listing holds more than the page shown."""
    if total <= offset + shown and not offset:
        return
    first, last = (offset + 1, offset + shown) if shown else (0, 0)
    more = f"; the next page: --offset {offset + shown}" if offset + shown < total else ""
    err_console.print(f"showing {first}–{last} of {total}{more} (or a larger --limit)", soft_wrap=True)


def _json_safe(text: str) -> str:
    # JSON already escapes C0; escape C1 and bidi controls too (the document means the same)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def print_json(data: Any) -> None:
    """One JSON document on stdout (no Rich markup, safe to pipe and to show)."""
    sys.stdout.write(_json_safe(json.dumps(data, ensure_ascii=False, default=str)) + "\n")


def print_jsonl(rows: Iterable[Any]) -> None:
    for row in rows:
        sys.stdout.write(_json_safe(json.dumps(row, ensure_ascii=False, default=str)) + "\n")
        sys.stdout.flush()


@contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """A Rich progress bar on a terminal; silent when stderr is not a TTY."""
    if not err_console.is_terminal:
        def ignore(n: int = 1) -> None:
            return None

        yield ignore
        return
    with Progress(TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err_console, transient=True) as bar:
        task = bar.add_task(safe(description), total=total)

        def advance(n: int = 1) -> None:
            bar.advance(task, n)

        yield advance

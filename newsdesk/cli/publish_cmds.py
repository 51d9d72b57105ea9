"""Commands that publish a selection of articles: brief (a briefing), cite (a bibliography), export
(the data, for pandas or R). Each takes a story, a search, a watchlist or article ids."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import typer

from newsdesk.cli.base import app, get_store, state
from newsdesk.cli.output import console, err_console, print_json, safe
from newsdesk.errors import InvalidArgumentError
from newsdesk.publish.selection import SEARCH_LIMIT, Selection

_STORY = typer.Option(None, "--story", min=1, metavar="ID", help="A story (see `newsdesk stories`).")
_SEARCH = typer.Option(None, "--search", metavar="QUERY", help="The articles a full-text search finds.")
_WATCHLIST = typer.Option(None, "--watchlist", min=1, metavar="ID",
                          help="A watchlist's articles (any user's: the command line runs as the desk's owner).")
_OUTPUT = typer.Option(None, "-o", "--output", metavar="FILE", help="Write to FILE (default: stdout).")


def _selection(*, story: int | None, search: str | None, watchlist: int | None, ids: list[int] | None = None,
               every: bool = False, limit: int = SEARCH_LIMIT, allow_all: bool = False) -> Selection | None:
    """The one selection the options name; a usage error (exit 2) for none or several."""
    given = [name for name, value in (("--story", story), ("--search", search), ("--watchlist", watchlist),
                                      ("article ids", ids or None), ("--all", every or None))
             if value is not None]
    if len(given) != 1:
        wanted = "--story ID, --search QUERY, --watchlist ID" + (", --all" if allow_all else "") + " or article ids"
        raise InvalidArgumentError(f"name exactly one of {wanted}" + (f" (got {', '.join(given)})" if given else ""))
    if story is not None:
        return Selection.of_story(story)
    if search is not None:
        return Selection.of_search(search, limit=limit)
    if watchlist is not None:
        return replace(Selection.of_watchlist(watchlist), limit=limit)
    if ids:
        return Selection.of_articles(ids)
    return None  # --all


def _write(chunks: Iterable[bytes], output: Path | None, *, binary: bool) -> None:
    """The chunks to ``output`` (written to a temporary file, then renamed: never half a file) or stdout."""
    if output is None:
        if binary and sys.stdout.isatty():
            raise InvalidArgumentError("this format is binary: name a file with -o FILE (or pipe it)")
        if sys.stdout.isatty():  # untrusted text on a terminal: control characters shown, not obeyed
            for chunk in chunks:
                sys.stdout.write(safe(chunk.decode("utf-8"), multiline=True))
            return
        for chunk in chunks:
            sys.stdout.buffer.write(chunk)
        sys.stdout.flush()
        return
    target = output.expanduser()
    try:
        folder = target.resolve().parent
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    except OSError as exc:
        raise InvalidArgumentError(f"cannot write {target}: {exc.strerror or exc}", source=str(target)) from None
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
        os.chmod(temporary, 0o666 & ~_umask())  # what open() would have made, not mkstemp's 0600
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _encoded(chunks: Iterable[str]) -> Iterator[bytes]:
    for chunk in chunks:
        yield chunk.encode("utf-8")


@app.command()
def brief(
    story: int | None = _STORY,
    search: str | None = _SEARCH,
    watchlist: int | None = _WATCHLIST,
    fmt: str = typer.Option("md", "--format", "-f", help="md, html, pdf or docx."),
    output: Path | None = _OUTPUT,
    paper: str = typer.Option("a4", help="PDF page size: a4 or letter."),
    limit: int = typer.Option(SEARCH_LIMIT, min=1, max=500, help="Articles a --search or --watchlist briefing covers."),
    as_json: bool = typer.Option(False, "--json", help="The briefing's content as JSON instead of a file."),
) -> None:
    """A one-page briefing: summary with numbered citations, timeline, framing, entities, sources."""
    from newsdesk.publish.brief import FORMATS, build_briefing, render_briefing

    if fmt not in FORMATS:
        raise InvalidArgumentError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if paper.lower() not in ("a4", "letter"):
        raise InvalidArgumentError(f"--paper must be a4 or letter, not {paper!r}")
    selection = _selection(story=story, search=search, watchlist=watchlist, limit=limit)
    assert selection is not None
    briefing = build_briefing(get_store(), state.settings, selection)
    if as_json:
        print_json(briefing.to_json())
        return
    _write([render_briefing(briefing, fmt, paper=paper)], output, binary=fmt in ("pdf", "docx"))
    if output is not None:
        err_console.print(f"briefing of {len(briefing.sources)} sources written to {safe(output)}", soft_wrap=True)


@app.command()
def cite(
    ids: list[int] | None = typer.Argument(None, metavar="[ID]...", help="Article ids (see `newsdesk ls`)."),
    story: int | None = _STORY,
    search: str | None = _SEARCH,
    watchlist: int | None = _WATCHLIST,
    fmt: str = typer.Option("bibtex", "--format", "-f", help="bibtex, ris or csl-json."),
    style: str | None = typer.Option(None, help="Print formatted references in this CSL style instead "
                                                "(apa, chicago-author-date, …; see --styles)."),
    styles: bool = typer.Option(False, "--styles", help="List the offered citation styles."),
    output: Path | None = _OUTPUT,
    limit: int = typer.Option(SEARCH_LIMIT, min=1, max=1000, help="Articles a --search or --watchlist bibliography covers."),
    as_json: bool = typer.Option(False, "--json", help="With --style or --styles: a JSON list."),
) -> None:
    """Citations of articles, a story, a search or a watchlist: one entry per original, copies folded."""
    from newsdesk.publish.cite import FORMATS, citation_records, render
    from newsdesk.publish.reference import format_references
    from newsdesk.publish.reference import styles as offered_styles
    from newsdesk.publish.selection import resolve

    if styles:
        found = offered_styles()
        if as_json:
            print_json(found)
        else:
            for row in found:
                console.print(f"{row['name']:<30} {row['label']}")
        return
    if fmt not in FORMATS:
        raise InvalidArgumentError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    selection = _selection(story=story, search=search, watchlist=watchlist, ids=ids, limit=limit)
    assert selection is not None
    store = get_store()
    records = citation_records(store, resolve(store, selection))
    if style is not None:
        references = format_references(records, style)
        if as_json:
            print_json([r.to_json() for r in references])
        else:
            _write(_encoded(f"{r.text}\n" for r in references), output, binary=False)
        return
    _write([render(records, fmt).encode("utf-8")], output, binary=False)


@app.command()
def export(
    story: int | None = _STORY,
    search: str | None = _SEARCH,
    watchlist: int | None = _WATCHLIST,
    every: bool = typer.Option(False, "--all", help="Every article of the desk."),
    fmt: str = typer.Option("csv", "--format", "-f", help="csv or jsonl."),
    output: Path | None = _OUTPUT,
    spreadsheet: bool = typer.Option(False, "--spreadsheet-safe",
                                     help="CSV for Excel/LibreOffice: a cell starting with = + - @ gets a "
                                          "leading ' so it is never run as a formula."),
) -> None:
    """Export articles for analysis (pandas, R): one row per article, copies with `original_of`.

    Columns: id, story, outlet, author, published, language, url, canonical_url, original_of,
    title, text. Streamed: memory stays flat for any number of articles.
    """
    from newsdesk.publish.export import FORMATS, export_chunks

    if fmt not in FORMATS:
        raise InvalidArgumentError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    selection = _selection(story=story, search=search, watchlist=watchlist, every=every, allow_all=True)
    if spreadsheet and fmt != "csv":
        raise InvalidArgumentError("--spreadsheet-safe applies to --format csv only")
    _write(_encoded(export_chunks(get_store(), selection, fmt, spreadsheet=spreadsheet)), output, binary=False)

"""``newsdesk summarize``: summaries of a stored article, a story, a file or URL, or a JSONL batch.

    newsdesk summarize 42 [--sentences N | --words N] [--llm] [--json]     a stored article
    newsdesk summarize --story 7 [--sentences N] [--llm] [--json]           a story across outlets
    newsdesk summarize page.html | https://example.org/a [--json]          extracted on the fly
    newsdesk summarize records.jsonl --json [--sentences N]                batch, no database

The batch form reads ``{"id": ..., "title"?: ..., "text": ...}`` per line and prints
``{"id": ..., "summary": ...}`` per record, in order, without opening any database; a bad line or a
record with no text is skipped and reported with its line number (:mod:`newsdesk.cli.batch`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from newsdesk.cli.base import app, check_targets, get_store, state
from newsdesk.cli.batch import BadRecord, Batch, optional_text, record_id
from newsdesk.cli.output import (
    cell,
    console,
    development_line,
    line,
    note_line,
    print_json,
    print_jsonl,
    progress,
)
from newsdesk.errors import UnsupportedTargetError
from newsdesk.models import Document, ExtractedArticle, Summary

BATCH_SUFFIXES = (".jsonl", ".ndjson")


def _count_lines(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for line in fh if line.strip())


def _batch_row(record: dict[str, Any] | BadRecord, sentences: int, words: int | None) -> dict[str, Any]:
    """``{"id", "summary"}`` for one record, or :class:`BadRecord` (bad line, no text to summarize)."""
    if isinstance(record, BadRecord):
        raise record
    key = record_id(record)  # the same rule as ``cluster``: a summary nobody can match to its record is no use
    text = optional_text(record, "text")
    if not text.strip():
        raise BadRecord("no text to summarize")
    from newsdesk.analyze.summarize import summarize_text

    summary = summarize_text(text, title=optional_text(record, "title"), sentences=sentences, words=words,
                             language=optional_text(record, "language"))
    if not summary.text:
        raise BadRecord("no sentence to summarize in its text")
    return {"id": key, "summary": summary.text}


def _summarize_batch(path: Path, sentences: int, words: int | None, as_json: bool) -> None:
    """One summary per record, in order; bad lines are skipped and reported (see :mod:`newsdesk.cli.batch`)."""
    batch = Batch(path)
    with progress(f"summarizing {path.name}", _count_lines(path) if path.is_file() else None) as advance:
        for number, record in batch.lines():
            advance(1)
            try:
                row = _batch_row(record, sentences, words)
            except BadRecord as exc:
                failed = batch.skip(number, str(exc))
                if as_json:
                    print_jsonl([{**failed, "id": None if isinstance(record, BadRecord) else record.get("id")}])
                continue
            batch.processed += 1
            if as_json:
                print_jsonl([row])
            else:
                console.print(line((str(row["id"]), "bold"), ": ", row["summary"]))
    batch.done()


def _extract_target(target: str) -> ExtractedArticle:
    """Collect and extract a file or URL (the collect/extract modules do the work)."""
    from newsdesk.extract import extract_document

    if target.startswith(("http://", "https://")):
        from newsdesk.collect.fetcher import Fetcher

        with Fetcher(state.settings) as fetcher:
            result = fetcher.fetch(target)
        document = Document(url=result.url, content=result.content, content_type=result.content_type,
                            headers=result.headers, fetched_at=result.fetched_at,
                            status_code=result.status_code)
    else:
        from newsdesk.collect.files import document_from_path

        document = document_from_path(Path(target))
    return extract_document(document)


def _summarize_extracted(article: ExtractedArticle, sentences: int, words: int | None, llm: bool) -> Summary:
    from newsdesk.analyze.summarize import summarize_text

    summary = summarize_text(article.text, title=article.title, sentences=sentences, words=words,
                             language=article.language)
    if llm:
        from newsdesk.analyze.llm import abstractive_summary

        summary = abstractive_summary(summary, article.text, state.settings, title=article.title)
    return summary


def _show(summary: Summary, subject: dict[str, Any], as_json: bool) -> None:
    if summary.note:
        note_line(summary.note)
    if as_json:
        print_json({**subject, **summary.to_json()})
        return
    if summary.abstract:
        console.print(cell(summary.abstract))
        console.print("\nSources:", style="dim")
    if not summary.sentences:
        console.print("(nothing to summarize: no text)", style="dim")
    for number, sentence in enumerate(summary.sentences, start=1):
        if subject.get("story_id") is not None and not summary.abstract:
            console.print(development_line(sentence))
        else:
            console.print(line(f"[{number}] " if summary.abstract else "\u2022 ", sentence.text))


def _is_article_id(target: str) -> bool:
    return target.isdigit() and not Path(target).exists()


@app.command("summarize")
def summarize_command(
    target: str | None = typer.Argument(
        None, help="Stored article id, a file or URL to extract, or a .jsonl file of {id, title?, text}."),
    story: int | None = typer.Option(None, "--story", help="Summarize this story across its outlets."),
    sentences: int | None = typer.Option(None, "--sentences", "-n", min=1, max=50,
                                         help="Sentences to pick (default 3; 5 for a story)."),
    words: int | None = typer.Option(None, "--words", "-w", min=1, help="About this many words instead."),
    llm: bool = typer.Option(False, "--llm", help="Abstractive summary via the configured LLM endpoint."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (JSON Lines for a batch)."),
) -> None:
    """Summarize a stored article, a story, a file or URL, or a JSONL batch."""
    if target is not None:
        check_targets([target])
    if (target is None) == (story is None):
        raise UnsupportedTargetError("give an article id, file, URL or .jsonl file, or --story ID",
                                     source=target or "summarize")
    if story is not None:
        count = sentences or 5
        store = get_store()
        try:
            from newsdesk.analyze.summarize import summarize_story

            summary = summarize_story(store, story, state.settings, sentences=count, llm=llm)
        finally:
            store.close()
        _show(summary, {"story_id": story}, as_json)
        return
    assert target is not None
    sentences = sentences or 3
    if _is_article_id(target):
        store = get_store()
        try:
            from newsdesk.analyze.summarize import summarize_article

            summary = summarize_article(store, int(target), state.settings, sentences=sentences, words=words,
                                        llm=llm)
        finally:
            store.close()
        _show(summary, {"article_id": int(target)}, as_json)
        return
    path = Path(target)
    if path.suffix.lower() in BATCH_SUFFIXES and path.is_file():
        _summarize_batch(path, sentences, words, as_json)
        return
    if not target.startswith(("http://", "https://")) and not path.exists():
        raise UnsupportedTargetError("not a stored article id, an existing file or an http(s) URL",
                                     source=target)
    article = _extract_target(target)
    summary = _summarize_extracted(article, sentences, words, llm)
    _show(summary, {"target": target, "title": article.title}, as_json)

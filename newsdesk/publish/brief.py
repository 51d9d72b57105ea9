"""A briefing: what a colleague needs to pick up a story, a watchlist or a search on one page —
title, a summary whose sentences cite their sources by number, a timeline, how each outlet frames
it, the key entities, and the numbered source list (copies folded under their original).

Every number in the summary, timeline and framing is a source's number in ``sources``.
"""

from __future__ import annotations

from datetime import datetime

from newsdesk.analyze.framing import compare_outlets
from newsdesk.config import Settings
from newsdesk.models import FramingInput, Summary
from newsdesk.publish.briefing import Briefing, CitedSentence, EntityRow, FramingRow, SourceRow, TimelineRow
from newsdesk.publish.cite import clean, source_kind
from newsdesk.publish.selection import SelectedSources, Selection, resolve
from newsdesk.store import Store
from newsdesk.store.database import utcnow

FORMATS = ("md", "html", "pdf", "docx")
MEDIA_TYPES = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8",
               "pdf": "application/pdf",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
SUMMARY_SENTENCES = 5
KEY_ENTITIES = 12


def _day(value: datetime | None) -> str:
    return value.date().isoformat() if value else ""


def _summary(store: Store, settings: Settings, selected: SelectedSources) -> Summary:
    from newsdesk.analyze.summarize import summarize_articles, summarize_story

    if selected.selection.kind == "story" and selected.selection.story_id is not None:
        return summarize_story(store, selected.selection.story_id, settings, sentences=SUMMARY_SENTENCES)
    return summarize_articles(selected.all_articles, sentences=SUMMARY_SENTENCES)


def _entities(store: Store, selected: SelectedSources) -> list[EntityRow]:
    if selected.selection.kind == "story" and selected.selection.story_id is not None:
        rows = store.story_entity_rows(store.resolve_story_id(selected.selection.story_id), limit=KEY_ENTITIES)
    else:
        rows = store.selection_entity_rows([a.id for a in selected.originals], limit=KEY_ENTITIES)
    return [EntityRow(clean(e.name), e.type, e.mentions) for e in rows]


def _sources(store: Store, selected: SelectedSources) -> list[SourceRow]:
    profiles = store.outlet_documents([s.article.outlet for s in selected.sources])
    rows = []
    for source in selected.sources:
        a = source.article
        copies = [{"outlet": clean(c.outlet) or "another outlet", "date": _day(c.published), "url": c.public_url}
                  for c in source.copies]
        rows.append(SourceRow(source.number, clean(a.outlet), clean(a.author), _day(a.published or a.first_seen),
                              clean(a.title) or "(untitled)", a.public_url,
                              source_kind(a, profiles.get(a.outlet)), a.id, copies))
    return rows


def _scope(selected: SelectedSources) -> str:
    originals = selected.originals
    outlets = {a.outlet for a in originals if a.outlet}
    days = sorted(d for d in (_day(a.published or a.first_seen) for a in originals) if d)
    copies = sum(len(s.copies) for s in selected.sources)
    span = f", {days[0]} to {days[-1]}" if days and days[0] != days[-1] else (f", {days[0]}" if days else "")
    copy_note = f" (and {copies} {'copy' if copies == 1 else 'copies'})" if copies else ""
    return (f"{len(originals)} {'article' if len(originals) == 1 else 'articles'}{copy_note} from "
            f"{len(outlets)} {'outlet' if len(outlets) == 1 else 'outlets'}{span}")


def build_briefing(store: Store, settings: Settings, selection: Selection) -> Briefing:
    """The briefing of a selection; NotFoundError for an unknown story, article or watchlist."""
    selected = resolve(store, selection)
    summary = _summary(store, settings, selected) if selected.sources else Summary([], "none")
    sentences = [CitedSentence(clean(s.text), selected.number_of(s.article_id)) for s in summary.sentences]
    timeline = [TimelineRow(_day(s.article.published or s.article.first_seen), clean(s.article.outlet),
                            clean(s.article.title) or "(untitled)", s.number, len(s.copies))
                for s in selected.sources]
    originals = selected.originals
    framing = compare_outlets([FramingInput(a.id, a.outlet, a.title, a.text) for a in originals])
    framing_rows = [FramingRow(clean(f.outlet) or "(no outlet)", clean(f.lead), [clean(p) for p in f.phrases],
                               sorted({n for n in (selected.number_of(i) for i in f.article_ids) if n}))
                    for f in framing]
    return Briefing(
        title=clean(selected.title) or "Briefing", scope=_scope(selected), generated=utcnow(),
        summary=[s for s in sentences if s.text], timeline=timeline, framing=framing_rows,
        entities=_entities(store, selected), sources=_sources(store, selected), notes=list(selected.notes))


def render_briefing(briefing: Briefing, fmt: str, *, paper: str = "a4") -> bytes:
    """The briefing as a file in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "md":
        from newsdesk.publish.brief_text import markdown

        return markdown(briefing).encode("utf-8")
    if fmt == "html":
        from newsdesk.publish.brief_text import standalone_html

        return standalone_html(briefing).encode("utf-8")
    if fmt == "pdf":
        from newsdesk.publish.brief_pdf import pdf

        return pdf(briefing, paper=paper)
    from newsdesk.publish.brief_docx import docx

    return docx(briefing)

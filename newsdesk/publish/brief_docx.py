"""A briefing as a Word document (python-docx): headings, the cited summary, lists, and the sources
with their links as hyperlinks."""

from __future__ import annotations

import io
from typing import Any

from newsdesk.publish.briefing import Briefing


def _hyperlink(paragraph: Any, url: str, label: str) -> None:
    """A clickable link run (python-docx has no public API for one: the relationship plus the
    ``w:hyperlink`` element, as its documentation's recipe does)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rel_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    props.append(style)
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "0645AD")
    props.append(colour)
    run.append(props)
    text = OxmlElement("w:t")
    text.text = label
    run.append(text)
    link.append(run)
    paragraph._p.append(link)


def docx(b: Briefing) -> bytes:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.core_properties.title = b.title[:250]
    document.core_properties.author = "newsdesk"
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    document.add_heading(b.title, level=0)
    document.add_paragraph(f"{b.scope} · briefing of {b.generated:%Y-%m-%d %H:%M} UTC").runs[0].italic = True
    for note in b.notes:
        document.add_paragraph(note)
    if b.summary:
        document.add_heading("Summary", level=1)
        paragraph = document.add_paragraph()
        for sentence in b.summary:
            paragraph.add_run(sentence.text)
            if sentence.number:
                paragraph.add_run(f"[{sentence.number}]").font.superscript = True
            paragraph.add_run(" ")
    document.add_heading("Timeline", level=1)
    for r in b.timeline:
        paragraph = document.add_paragraph(style="List Bullet")
        paragraph.add_run(f"{r.date or 'undated'} — ")
        paragraph.add_run(r.outlet or "?").bold = True
        copies = f" (+{r.copies} {'copy' if r.copies == 1 else 'copies'})" if r.copies else ""
        paragraph.add_run(f": {r.title} [{r.number}]{copies}")
    if b.framing:
        document.add_heading("How each outlet frames it", level=1)
        for f in b.framing:
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.add_run(f.outlet).bold = True
            paragraph.add_run(f" {''.join(f'[{n}]' for n in f.numbers)}: {f.lead}")
            if f.phrases:
                paragraph.add_run(f"\nonly here: {'; '.join(f.phrases)}").italic = True
    if b.entities:
        document.add_heading("Key entities", level=1)
        document.add_paragraph(", ".join(f"{e.name} ({e.type}, {e.mentions} mentions)" for e in b.entities))
    document.add_heading("Sources", level=1)
    for s in b.sources:
        paragraph = document.add_paragraph()
        head = " · ".join(p for p in (s.outlet, s.author, s.date) if p)
        paragraph.add_run(f"[{s.number}] {head} — ")
        if s.url:
            _hyperlink(paragraph, s.url, s.title)
            paragraph.add_run(f"\n{s.url}").font.size = Pt(8.5)
        else:
            paragraph.add_run(s.title)
        if s.also_run_by:
            runs = ", ".join(c["outlet"] + (f" ({c['date']})" if c["date"] else "") for c in s.also_run_by)
            paragraph.add_run(f"\nalso run by {runs}").italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

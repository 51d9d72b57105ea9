"""A briefing as PDF, laid out by ReportLab (self-contained: no system libraries).

Text is set in DejaVu Sans/Serif when the system has it (Debian ``fonts-dejavu-core``: Latin,
Greek, Cyrillic and more), else in the PDF base fonts (Latin-1 only). Every string is XML-escaped
before it reaches ReportLab's paragraph markup, so article text never becomes markup.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from newsdesk.publish.briefing import Briefing

#: TrueType fonts tried in order (regular, bold) — the first pair found is embedded
FONT_CANDIDATES = [
    ("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf"),
]


def _fonts() -> tuple[str, str]:
    """(regular, bold) font names registered with ReportLab."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for regular, bold in FONT_CANDIDATES:
        if Path(regular).is_file() and Path(bold).is_file():
            if "BriefText" not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont("BriefText", regular))
                pdfmetrics.registerFont(TTFont("BriefText-Bold", bold))
                pdfmetrics.registerFontFamily("BriefText", normal="BriefText", bold="BriefText-Bold",
                                              italic="BriefText", boldItalic="BriefText-Bold")
            return "BriefText", "BriefText-Bold"
    return "Times-Roman", "Times-Bold"


def _x(text: str) -> str:
    return escape(text)


def _link(url: str, label: str) -> str:
    return f'<link href="{escape(url, {chr(34): "&quot;"})}" color="#0645ad">{_x(label)}</link>'


def pdf(b: Briefing, *, paper: str = "a4") -> bytes:
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer

    regular, bold = _fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13.5)
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=11, textColor="#555555")
    title = ParagraphStyle("title", parent=body, fontName=bold, fontSize=17, leading=21, spaceAfter=3)
    heading = ParagraphStyle("heading", parent=body, fontName=bold, fontSize=12, leading=15, spaceBefore=9,
                             spaceAfter=3, keepWithNext=1)
    story: list[object] = [Paragraph(_x(b.title), title),
                           Paragraph(_x(f"{b.scope} · briefing of {b.generated:%Y-%m-%d %H:%M} UTC"), small),
                           Spacer(1, 4)]
    story += [Paragraph(_x(note), small) for note in b.notes]

    def bullets(items: list[str], style: ParagraphStyle = body, numbered: bool = False) -> object:
        flow = [ListItem(Paragraph(i, style), leftIndent=14) for i in items]
        return ListFlowable(flow, bulletType="1" if numbered else "bullet", start=1 if numbered else None,
                            bulletFontName=regular, bulletFontSize=9, leftIndent=14)

    if b.summary:
        story.append(Paragraph("Summary", heading))
        story.append(Paragraph(" ".join(_x(s.text) + (f"<super>[{s.number}]</super>" if s.number else "")
                                        for s in b.summary), body))
    story.append(Paragraph("Timeline", heading))
    story.append(bullets([f"{_x(r.date or 'undated')} — <b>{_x(r.outlet or '?')}</b>: {_x(r.title)} [{r.number}]"
                          + (f" (+{r.copies} {'copy' if r.copies == 1 else 'copies'})" if r.copies else "")
                          for r in b.timeline]))
    if b.framing:
        story.append(Paragraph("How each outlet frames it", heading))
        story.append(bullets([f"<b>{_x(f.outlet)}</b> {''.join(f'[{n}]' for n in f.numbers)}: {_x(f.lead)}"
                              + (f"<br/><font size=8.5 color='#555555'>only here: {_x('; '.join(f.phrases))}</font>"
                                 if f.phrases else "") for f in b.framing]))
    if b.entities:
        story.append(Paragraph("Key entities", heading))
        story.append(Paragraph(", ".join(f"{_x(e.name)} ({e.type}, {e.mentions} mentions)" for e in b.entities), body))
    story.append(Paragraph("Sources", heading))
    rows = []
    for s in b.sources:
        head = " · ".join(_x(p) for p in (s.outlet, s.author, s.date) if p)
        line = f"[{s.number}] {head} — " + (_link(s.url, s.title) if s.url else _x(s.title))
        if s.url:
            line += f"<br/><font size=8>{_x(s.url)}</font>"
        if s.also_run_by:
            runs = ", ".join(_x(c["outlet"] + (f" ({c['date']})" if c["date"] else "")) for c in s.also_run_by)
            line += f"<br/><font size=8.5 color='#555555'>also run by {runs}</font>"
        rows.append(Paragraph(line, ParagraphStyle("source", parent=body, leftIndent=14, firstLineIndent=-14,
                                                   spaceAfter=3)))
    story += rows
    buffer = io.BytesIO()
    size = LETTER if paper.lower() == "letter" else A4
    doc = SimpleDocTemplate(buffer, pagesize=size, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=b.title, author="newsdesk", subject=b.scope)
    doc.build(story)
    return buffer.getvalue()

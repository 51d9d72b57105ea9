"""Citation records of a selection's sources, and their three export formats: CSL-JSON, BibTeX
(biblatex-friendly) and RIS. One entry per original article; its copies are folded into a note
("Also run by …").

The entry type follows what the source is, from what the store knows of it:

* a PDF document is a **report**, its outlet the institution;
* a page from an outlet whose stored originals include PDF documents is that institution's brief,
  also a **report** (news desks seldom publish PDFs, research institutes do);
* a dated article with an outlet (an HTML page or a feed/JSONL record) is a **news** article,
  the outlet its container (newspaper, wire, broadcaster);
* anything else (an undated page, a local text file) is a **web page**.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newsdesk.models import Article
from newsdesk.publish.names import Name, split_byline
from newsdesk.publish.selection import SelectedSources, Source
from newsdesk.store import Store
from newsdesk.store.publish import OutletDocuments

FORMATS = ("bibtex", "ris", "csl-json")
MEDIA_TYPES = {"bibtex": "application/x-bibtex", "ris": "application/x-research-info-systems",
               "csl-json": "application/vnd.citationstyles.csl+json"}
EXTENSIONS = {"bibtex": "bib", "ris": "ris", "csl-json": "json"}
#: entry types per kind of source
CSL_TYPES = {"news": "article-newspaper", "report": "report", "webpage": "webpage"}
BIBTEX_TYPES = {"news": "article", "report": "report", "webpage": "online"}
RIS_TYPES = {"news": "NEWS", "report": "RPRT", "webpage": "ELEC"}
#: biblatex ``langid`` (babel names) of the languages the desk detects most often
LANGIDS = {"en": "english", "fr": "french", "de": "german", "es": "spanish", "it": "italian",
           "pt": "portuguese", "nl": "dutch", "ru": "russian", "uk": "ukrainian", "pl": "polish",
           "sv": "swedish", "da": "danish", "no": "norsk", "fi": "finnish", "cs": "czech",
           "tr": "turkish", "el": "greek", "ar": "arabic", "he": "hebrew", "zh": "chinese",
           "ja": "japanese", "ko": "korean", "hu": "magyar", "ro": "romanian", "ca": "catalan"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def clean(text: str) -> str:
    """One line of printable text: control characters gone, whitespace runs one space."""
    return " ".join(_CONTROL.sub(" ", text or "").split())


def source_kind(article: Article, outlet: OutletDocuments | None) -> str:
    """``news``, ``report`` or ``webpage`` (see the module docstring)."""
    if article.kind == "pdf":
        return "report"
    if outlet is not None and outlet.pdf_documents > 0:
        return "report"
    if article.kind in ("html", "record") and article.outlet and article.published:
        return "news"
    return "webpage"


@dataclass
class CitationRecord:
    """One original article as a bibliography entry."""

    key: str
    kind: str
    title: str
    authors: list[Name]
    container: str
    issued: datetime | None
    accessed: datetime | None
    url: str
    language: str
    article_id: int
    also_run_by: list[str] = field(default_factory=list)

    @property
    def note(self) -> str:
        return f"Also run by {', '.join(self.also_run_by)}" if self.also_run_by else ""


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]", "", folded)


def citation_key(article: Article, authors: list[Name]) -> str:
    """``hale2026-12``: first author (else outlet) ASCII-folded, year, article id — unique per desk."""
    lead = authors[0].sort_key.split()[-1] if authors and authors[0].sort_key else article.outlet
    year = f"{article.published.year}" if article.published else "nd"
    return f"{_ascii_word(lead)[:20] or 'anon'}{year}-{article.id}"


def _also_run_by(copies: list[Article]) -> list[str]:
    runs = []
    for copy in copies:
        when = copy.published.date().isoformat() if copy.published else ""
        runs.append(clean(f"{copy.outlet or 'another outlet'}" + (f" ({when})" if when else "")))
    return list(dict.fromkeys(runs))


def record_of(source: Source, outlet: OutletDocuments | None) -> CitationRecord:
    article = source.article
    authors = split_byline(clean(article.author))
    return CitationRecord(
        key=citation_key(article, authors), kind=source_kind(article, outlet), title=clean(article.title),
        authors=authors, container=clean(article.outlet), issued=article.published,
        accessed=article.first_seen, url=article.public_url, language=clean(article.language).lower(),
        article_id=article.id, also_run_by=_also_run_by(source.copies))


def citation_records(store: Store, selected: SelectedSources) -> list[CitationRecord]:
    """The records of a selection's sources, in source-number order."""
    profiles = store.outlet_documents([s.article.outlet for s in selected.sources])
    return [record_of(s, profiles.get(s.article.outlet)) for s in selected.sources]


# --- CSL-JSON -------------------------------------------------------------------------------------

def _date_parts(value: datetime | None) -> dict[str, Any] | None:
    return {"date-parts": [[value.year, value.month, value.day]]} if value else None


def to_csl(record: CitationRecord) -> dict[str, Any]:
    item: dict[str, Any] = {"id": record.key, "type": CSL_TYPES[record.kind], "title": record.title}
    if record.authors:
        item["author"] = [a.to_csl() for a in record.authors]
    if record.container:
        item["publisher" if record.kind == "report" else "container-title"] = record.container
    for name, value in (("issued", record.issued), ("accessed", record.accessed)):
        parts = _date_parts(value)
        if parts:
            item[name] = parts
    if record.url:
        item["URL"] = record.url
    if record.language:
        item["language"] = record.language
    if record.note:
        item["note"] = record.note
    return item


def csl_json(records: list[CitationRecord]) -> str:
    return json.dumps([to_csl(r) for r in records], ensure_ascii=False, indent=2) + "\n"


# --- BibTeX ---------------------------------------------------------------------------------------

_LATEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "%": r"\%",
          "#": r"\#", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}
_LATEX_SPECIAL = re.compile("|".join(re.escape(c) for c in _LATEX))


#: doubled characters TeX would print as one ligature (``--`` an en dash, ``''`` a closing quote)
_LIGATURE = re.compile(r"([-'`<>!?,])(?=\1)|([!?])(?=`)")


def latex_escape(text: str) -> str:
    """Text safe inside a braced BibTeX field, printed as written: every TeX special character
    escaped, and ligatures (``--``, ``''``, ``<<``, ``!```) broken up with an empty group."""
    escaped = _LATEX_SPECIAL.sub(lambda m: _LATEX[m.group(0)], clean(text))
    return _LIGATURE.sub(lambda m: m.group(0) + "{}", escaped)


def bibtex_url(url: str) -> str:
    """A URL for biblatex's verbatim ``url`` field: braces, backslashes and spaces percent-encoded."""
    return re.sub(r"[{}\\\s]", lambda m: f"%{ord(m.group(0)):02X}", url)


def _bib_name(name: Name) -> str:
    if name.literal:
        return "{" + latex_escape(name.literal) + "}"
    family = latex_escape(name.family)
    if " " in name.family:
        family = "{" + family + "}"
    return f"{family}, {latex_escape(name.given)}" if name.given else family


def to_bibtex(record: CitationRecord) -> str:
    fields: list[tuple[str, str]] = []
    if record.authors:
        fields.append(("author", " and ".join(_bib_name(a) for a in record.authors)))
    fields.append(("title", latex_escape(record.title)))
    if record.kind == "news":
        fields += [("journaltitle", latex_escape(record.container)), ("entrysubtype", "newspaper")]
    elif record.kind == "report":
        fields += [("institution", latex_escape(record.container or "Unknown institution")), ("type", "Report")]
    elif record.container:
        fields.append(("organization", latex_escape(record.container)))
    if record.issued:
        fields.append(("date", record.issued.date().isoformat()))
    if record.url:
        fields.append(("url", bibtex_url(record.url)))
    if record.accessed:
        fields.append(("urldate", record.accessed.date().isoformat()))
    if record.language:
        langid = LANGIDS.get(record.language.split("-")[0])
        fields.append(("langid", langid) if langid else ("language", latex_escape(record.language)))
    if record.note:
        fields.append(("addendum", latex_escape(record.note)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{BIBTEX_TYPES[record.kind]}{{{record.key},\n{body}\n}}\n"


def bibtex(records: list[CitationRecord]) -> str:
    return "\n".join(to_bibtex(r) for r in records)


# --- RIS ------------------------------------------------------------------------------------------

def _ris_date(value: datetime) -> str:
    return value.strftime("%Y/%m/%d")


def to_ris(record: CitationRecord) -> str:
    lines = [("TY", RIS_TYPES[record.kind]), ("ID", record.key)]
    for name in record.authors:
        lines.append(("AU", name.literal or (f"{name.family}, {name.given}" if name.given else name.family)))
    lines.append(("TI", record.title))
    if record.container:
        lines.append(("PB" if record.kind == "report" else "T2", record.container))
    if record.issued:
        lines += [("PY", str(record.issued.year)), ("DA", _ris_date(record.issued))]
    if record.url:
        lines.append(("UR", record.url))
    if record.accessed:
        lines.append(("Y2", _ris_date(record.accessed)))
    if record.language:
        lines.append(("LA", record.language))
    if record.note:
        lines.append(("N1", record.note))
    lines.append(("ER", ""))
    return "\n".join(f"{tag}  - {clean(value)}" for tag, value in lines) + "\n"


def ris(records: list[CitationRecord]) -> str:
    return "\n".join(to_ris(r) for r in records)


def render(records: list[CitationRecord], fmt: str) -> str:
    """The records in ``fmt`` (one of :data:`FORMATS`)."""
    writers = {"bibtex": bibtex, "ris": ris, "csl-json": csl_json}
    return writers[fmt](records)

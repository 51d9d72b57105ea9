"""What a briefing holds — cited summary sentences, timeline rows, framing rows, entities and the
numbered sources — as plain dataclasses: ``brief.py`` builds one, ``brief_text.py``,
``brief_pdf.py`` and ``brief_docx.py`` render it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class CitedSentence:
    text: str
    number: int | None


@dataclass
class TimelineRow:
    date: str
    outlet: str
    title: str
    number: int
    copies: int


@dataclass
class FramingRow:
    outlet: str
    lead: str
    phrases: list[str]
    numbers: list[int]


@dataclass
class EntityRow:
    name: str
    type: str
    #: mentions in the selection's articles
    mentions: int


@dataclass
class SourceRow:
    number: int
    outlet: str
    author: str
    date: str
    title: str
    url: str
    kind: str
    article_id: int
    #: the copies: "NewsLoop (2026-09-25)", linked where they have a web address
    also_run_by: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Briefing:
    title: str
    scope: str
    generated: datetime
    summary: list[CitedSentence]
    timeline: list[TimelineRow]
    framing: list[FramingRow]
    entities: list[EntityRow]
    sources: list[SourceRow]
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["generated"] = self.generated.isoformat()
        return data

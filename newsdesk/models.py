"""Plain dataclasses that cross module boundaries.

Data flows one way: ``collect`` yields :class:`Document` (bytes plus what the source said about
them), ``extract`` turns one into an :class:`ExtractedArticle`, ``store`` keeps it as an
:class:`Article`, and ``analyze`` adds stories, entities, summaries and relations: its results
(:class:`Summary`, :class:`RelatedArticle`, :class:`OutletFraming`, :class:`StoryInfo`,
:class:`StoryDetail`) live here too, so the modules that make them and the ones that show them
(``cli/``, ``serve/``, ``analyze/llm.py``) import this module, never each other.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from newsdesk.urls import web_url


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass
class Document:
    """Raw content from a source, before extraction.

    ``url`` is where it came from (``file://`` for local files); ``hints`` holds what a feed
    entry, WARC header or JSONL record said about it (``title``, ``author``, ``published``,
    ``outlet``, ``text`` for pre-extracted records) and is used where the page says nothing.
    """

    url: str
    content: bytes
    content_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    fetched_at: datetime | None = None
    status_code: int = 200
    hints: dict[str, Any] = field(default_factory=dict)
    feed_url: str | None = None

    @property
    def media_type(self) -> str:
        return self.content_type.split(";", 1)[0].strip().lower()


@dataclass
class ExtractedArticle:
    """What extraction makes of one document: the fields ``newsdesk extract`` prints."""

    url: str
    title: str = ""
    author: str = ""
    published: datetime | None = None
    outlet: str = ""
    language: str = ""
    canonical_url: str = ""
    text: str = ""
    excerpt: str = ""
    #: ``ok``, or a reason the text is missing such as ``no_text_layer``
    status: str = "ok"
    #: ``html``, ``pdf``, ``text`` or ``record``
    kind: str = "html"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["published"] = self.published.isoformat() if self.published else None
        return data


@dataclass
class Article:
    """A stored article: one per canonical URL."""

    id: int
    url: str
    canonical_url: str
    title: str
    text: str
    author: str = ""
    published: datetime | None = None
    outlet: str = ""
    language: str = ""
    excerpt: str = ""
    status: str = "ok"
    kind: str = "html"
    content_hash: str = ""
    first_seen: datetime | None = None
    feed_id: int | None = None
    #: id of the earliest-published article this one copies, if any
    duplicate_of: int | None = None
    #: ``exact`` or ``near`` when ``duplicate_of`` is set
    duplicate_kind: str | None = None
    similarity: float | None = None
    story_id: int | None = None

    @property
    def public_url(self) -> str:
        """The web address a reader may be shown: the page's own http(s) URL, else its http(s)
        canonical URL, else ``""`` — a local file's path never leaves the desk."""
        return web_url(self.url) or web_url(self.canonical_url)

    def to_json(self, *, with_text: bool = True, public: bool = False) -> dict[str, Any]:
        """The article as JSON; ``public`` (the web API and pages) replaces local paths by web
        addresses (``url`` and ``canonical_url`` are ``""`` where the article has none)."""
        data = asdict(self)
        if public:
            data["url"], data["canonical_url"] = self.public_url, web_url(self.canonical_url)
        for key in ("published", "first_seen"):
            value = data[key]
            data[key] = value.isoformat() if value else None
        if not with_text:
            data.pop("text")
        return data


@dataclass
class Feed:
    """A subscription that ``poll`` refreshes."""

    id: int
    url: str
    title: str = ""
    site_url: str = ""
    kind: str = "feed"  # feed | sitemap
    etag: str = ""
    last_modified: str = ""
    last_fetched: datetime | None = None
    last_status: str = ""  # ok | not_modified | error text
    error_count: int = 0
    last_error: str = ""
    next_poll: datetime | None = None
    article_count: int = 0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("last_fetched", "next_poll"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


@dataclass
class IngestOutcome:
    """What happened to one document on ``add``/``poll``: one line of the report."""

    target: str
    action: str  # added | unchanged | updated | duplicate | failed | subscribed | skipped
    article_id: int | None = None
    duplicate_of: int | None = None
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SearchHit:
    article_id: int
    title: str
    outlet: str
    published: datetime | None
    snippet: str
    score: float

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["published"] = self.published.isoformat() if self.published else None
        return data


# --- analysis results (analyze/ makes them; cli/, serve/ and the LLM step read them) -----------

@dataclass(frozen=True)
class SummarySentence:
    """One chosen sentence; ``position`` is its index among its article's sentences.

    A story summary's sentences also say where each comes from: the article's outlet, its public
    URL and its publication time (a story summary is a dated list of developments)."""

    text: str
    article_id: int | None
    position: int
    outlet: str | None = None
    url: str | None = None
    published: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "article_id": self.article_id, "position": self.position,
                "outlet": self.outlet, "url": self.url,
                "published": self.published.isoformat() if self.published else None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SummarySentence:
        published = data.get("published")
        return cls(str(data["text"]), data.get("article_id"), int(data["position"]), data.get("outlet"),
                   data.get("url"), datetime.fromisoformat(published) if published else None)


@dataclass
class Summary:
    """Chosen sentences in reading order; with an LLM, ``abstract`` holds its text and the
    sentences are its citations. ``note`` says why a requested LLM summary fell back."""

    sentences: list[SummarySentence]
    method: str
    abstract: str = ""
    note: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def extractive_text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    @property
    def text(self) -> str:
        return self.abstract or self.extractive_text

    @property
    def citations(self) -> list[SummarySentence]:
        return self.sentences

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method, "text": self.text, "abstract": self.abstract or None,
            "sentences": [s.to_json() for s in self.sentences], "note": self.note or None,
            "params": self.params,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Summary:
        return cls(
            sentences=[SummarySentence.from_json(s) for s in data.get("sentences", [])],
            method=str(data.get("method") or ""), abstract=data.get("abstract") or "",
            note=data.get("note") or "", params=dict(data.get("params") or {}),
        )


@dataclass
class RelatedArticle:
    article_id: int
    title: str
    outlet: str
    published: datetime | None
    score: float
    excerpt: str

    def to_json(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "title": self.title, "outlet": self.outlet,
                "published": self.published.isoformat() if self.published else None,
                "score": round(self.score, 4), "excerpt": self.excerpt}


@dataclass(frozen=True)
class FramingInput:
    """One article as framing sees it."""

    article_id: int
    outlet: str
    title: str
    text: str


@dataclass
class OutletFraming:
    outlet: str
    article_ids: list[int]
    lead: str
    phrases: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class StoryInfo:
    """A story in a list."""

    id: int
    title: str
    size: int
    outlets: list[str]
    first_seen: datetime | None
    last_seen: datetime | None
    summary_line: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "size": self.size, "outlets": self.outlets,
                "first_seen": _iso(self.first_seen), "last_seen": _iso(self.last_seen),
                "summary_line": self.summary_line}


@dataclass
class TimelineEntry:
    """One original article of a story, with the copies folded under it."""

    article_id: int
    title: str
    outlet: str
    published: datetime | None
    url: str
    duplicates: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "title": self.title, "outlet": self.outlet,
                "published": _iso(self.published), "url": self.url, "duplicates": self.duplicates}


@dataclass
class StoryDetail:
    """Everything the story page shows."""

    info: StoryInfo
    timeline: list[TimelineEntry]
    summary: dict[str, Any] | None
    entities: list[dict[str, Any]]
    framing: list[OutletFraming]
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {**self.info.to_json(), "timeline": [t.to_json() for t in self.timeline],
                "summary": self.summary, "entities": self.entities,
                "framing": [f.to_json() for f in self.framing], "notes": self.notes}


@dataclass(frozen=True)
class Booking:
    """The start time booked for one request to a host (seconds since the epoch), or — ``start`` is
    ``None`` — the end of the host's cool-down when it is too far away to wait for."""

    start: float | None
    cool_until: float


@dataclass(frozen=True)
class RobotsEntry:
    """A cached robots.txt outcome: the body (``None`` = allow everything) and why, if an error."""

    body: str | None
    note: str = ""

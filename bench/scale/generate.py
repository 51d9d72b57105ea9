"""Realistic synthetic news corpora for the scale benchmark: outlets, storylines, syndicated copies.

    .venv/bin/python bench/scale/generate.py FOLDER --size 10000            # feeds + pages + OPML
    .venv/bin/python bench/scale/generate.py FOLDER --size 1000000 --jsonl  # one JSONL file instead

The corpus is a stream of articles in publication order, deterministic for a seed:

* **outlets** (20 to 400, by size) with their own house style: feed flavour (RSS 2.0 or Atom),
  sections, reporters, a tagline;
* **storylines** that unfold over days to weeks: each has topic words, invented people, places
  and organisations, and *phases* whose words appear as the story develops; a few are big,
  most are small (a Pareto-shaped size);
* **syndicated copies**: about 8% of originals are republished word for word by other outlets
  (a wire story) and about 6% again as light rewrites (a new headline, some sentences dropped or
  reworded), hours later;
* dates spread over 30 days to a year (at least 300 articles a day), bylines from each outlet's
  reporters.

``write_site`` writes it as a web site: weekly RSS/Atom feeds per outlet (entries with a one-line
summary, so the reader must fetch the page), HTML article pages with realistic boilerplate (nav,
breadcrumbs, related lists, newsletter box, prev/next, cookie notice, footer), ``feeds.opml``
listing every feed, and ``manifest.jsonl`` (the gold: storyline and original of each article).
Pages hold ``__BASE__`` where their absolute URL starts; :class:`SiteServer` (a threaded
``http.server`` on 127.0.0.1) fills in its own address as it serves them. ``write_jsonl`` writes
the pre-extracted records ``newsdesk add FILE.jsonl`` reads, for sizes where serving would dominate.

The vocabulary and sentence maker are bench/web/generate.py's (one home for the invented words).
"""

from __future__ import annotations

import argparse
import heapq
import html
import json
import random
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.web.generate import COMMON, SYLLABLES, make_vocabulary, sentence  # noqa: E402

BASE = "__BASE__"
START = datetime(2025, 1, 6, tzinfo=UTC)
SECTIONS = ["World", "Politics", "Business", "Cities", "Science", "Health", "Climate", "Culture", "Opinion",
            "Sport", "Technology", "Education"]
OUTLET_FORMS = ["{w} Ledger", "The {w} Courier", "{w} Daily", "{w} Observer", "Morning {w}", "{w} Tribune",
                "The {w} Post", "{w} Herald", "{w} Review", "Radio {w}", "{w} Wire", "{w} Gazette"]
PLACE_FORMS = ["Port {w}", "{w}ville", "{w} Bay", "North {w}", "{w}stad", "Lake {w}"]
ORG_FORMS = ["{w} Water Board", "{w} Transit Authority", "Ministry of {w}", "{w} Workers Union", "{w} Group",
             "{w} University", "{w} Health Trust", "{w} Energy"]
EXACT_COPY_RATE = 0.08
REWRITE_RATE = 0.06


@dataclass(frozen=True)
class Outlet:
    slug: str
    name: str
    feed_format: str  # "rss" or "atom"
    sections: tuple[str, ...]
    reporters: tuple[str, ...]
    tagline: str


@dataclass(frozen=True)
class Storyline:
    id: int
    topic: tuple[str, ...]
    names: tuple[str, ...]
    phases: tuple[tuple[str, ...], ...]
    start: datetime
    days: int


@dataclass(frozen=True)
class ArticleSpec:
    """One article of the stream; its words are re-made from ``body_seed`` when needed."""

    id: int
    outlet: Outlet
    storyline: Storyline
    published: datetime
    byline: str
    kind: str  # "original", "exact" (word-for-word copy) or "rewrite" (light rewrite)
    original: int | None
    body_seed: int
    phase: int
    rewrite_seed: int = 0

    @property
    def slug(self) -> str:
        return f"{self.storyline.topic[0]}-{self.storyline.topic[1]}-{self.id}"

    @property
    def path(self) -> str:
        day = self.published
        return f"/{self.outlet.slug}/{day:%Y/%m/%d}/{self.slug}.html"

    @property
    def feed_path(self) -> str:
        year, week, _ = self.published.isocalendar()
        return f"/{self.outlet.slug}/feeds/{year}-w{week:02d}.xml"


@dataclass(frozen=True)
class ArticleText:
    title: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


class Corpus:
    """The world a corpus is drawn from: vocabulary, outlets; ``articles()`` streams the articles."""

    def __init__(self, size: int, seed: int = 11) -> None:
        self.size, self.seed = size, seed
        rng = random.Random(seed)
        self.vocabulary = make_vocabulary(rng, 4000)
        self.per_day = max(300, size // 365)
        self.outlets = self._outlets(rng, min(400, max(20, size // 250)))

    def _outlets(self, rng: random.Random, count: int) -> list[Outlet]:
        outlets: list[Outlet] = []
        used: set[str] = set()
        while len(outlets) < count:
            word = rng.choice(self.vocabulary).capitalize()
            name = rng.choice(OUTLET_FORMS).format(w=word)
            slug = name.lower().replace("the ", "").replace(" ", "-")
            if slug in used:
                continue
            used.add(slug)
            reporters = tuple(_person(rng) for _ in range(rng.randint(4, 14)))
            outlets.append(Outlet(slug, name, rng.choice(["rss", "atom"]), tuple(rng.sample(SECTIONS, 7)),
                                  reporters, f"Independent news from {word} since {rng.randint(1890, 2015)}"))
        return outlets

    def _storyline(self, rng: random.Random, number: int, start: datetime) -> tuple[Storyline, int]:
        topic = tuple(rng.sample(self.vocabulary, 6))
        names = (_person(rng), _person(rng), rng.choice(PLACE_FORMS).format(w=_name_word(rng)),
                 rng.choice(ORG_FORMS).format(w=_name_word(rng)))
        days = rng.choice([2, 4, 7, 10, 14, 21, 28, 42])
        phases = tuple(tuple(rng.sample(self.vocabulary, 4)) for _ in range(max(1, days // 5)))
        size = min(300, int(rng.paretovariate(1.4) * 4))
        return Storyline(number, topic, names, phases, start, days), size

    def articles(self) -> Iterator[ArticleSpec]:
        """The corpus in publication order (exactly ``size`` articles)."""
        rng = random.Random(self.seed + 1)
        queue: list[tuple[datetime, int, tuple[Any, ...]]] = []
        counter = produced = storylines = 0
        day = 0
        while produced < self.size:
            day_start = START + timedelta(days=day)
            planned = 0
            while planned < self.per_day * (1 - EXACT_COPY_RATE - REWRITE_RATE):
                story, size = self._storyline(rng, storylines, day_start + timedelta(hours=rng.uniform(0, 20)))
                storylines += 1
                planned += size
                for _ in range(size):
                    offset = timedelta(days=story.days * rng.random() ** 1.6, minutes=rng.randint(0, 600))
                    counter += 1
                    heapq.heappush(queue, (story.start + offset, counter, ("original", story, None)))
            day_end = day_start + timedelta(days=1)
            while queue and queue[0][0] < day_end and produced < self.size:
                when, _, (kind, story, source) = heapq.heappop(queue)
                spec = self._article(rng, produced, when, kind, story, source)
                produced += 1
                yield spec
                if kind == "original":
                    counter = self._syndicate(rng, queue, spec, counter)
            day += 1

    def _article(self, rng: random.Random, number: int, when: datetime, kind: str, story: Storyline,
                 source: ArticleSpec | None) -> ArticleSpec:
        if source is None:
            outlet = rng.choice(self.outlets)
            phase = min(len(story.phases) - 1, int((when - story.start) / timedelta(days=5)))
            return ArticleSpec(number, outlet, story, when, rng.choice(outlet.reporters), "original", None,
                               rng.getrandbits(48), phase)
        outlet = rng.choice([o for o in rng.sample(self.outlets, 3) if o != source.outlet] or self.outlets)
        byline = source.byline if kind == "exact" else rng.choice(outlet.reporters)
        return ArticleSpec(number, outlet, story, when, byline, kind, source.id, source.body_seed, source.phase,
                           rng.getrandbits(48))

    @staticmethod
    def _syndicate(rng: random.Random, queue: list[tuple[datetime, int, tuple[Any, ...]]], spec: ArticleSpec,
                   counter: int) -> int:
        for kind, rate in (("exact", EXACT_COPY_RATE), ("rewrite", REWRITE_RATE)):
            if rng.random() < rate:
                counter += 1
                later = spec.published + timedelta(minutes=rng.randint(20, 480))
                heapq.heappush(queue, (later, counter, (kind, spec.storyline, spec)))
        return counter

    def text(self, spec: ArticleSpec) -> ArticleText:
        """Headline and paragraphs; copies share their original's, rewrites change some of them."""
        story = spec.storyline
        rng = random.Random(spec.body_seed)
        words = [*story.topic, *story.phases[spec.phase]]
        paragraphs = []
        for _ in range(rng.randint(4, 8)):
            sentences = []
            for _ in range(rng.randint(2, 4)):
                line = sentence(rng, words, self.vocabulary)
                if rng.random() < 0.45:
                    name = rng.choice(story.names)
                    line = f"{line[:-1]}, {rng.choice(['said', 'according to', 'wrote'])} {name}."
                sentences.append(line)
            paragraphs.append(" ".join(sentences))
        lead = rng.choice(story.names)
        title = f"{lead}: {' '.join(w.capitalize() for w in story.topic[:2])} {sentence(rng, words, COMMON)[:60]}"
        title = title.rstrip(". ")
        if spec.kind == "rewrite":
            edit = random.Random(spec.rewrite_seed)
            kept = [p for p in paragraphs if edit.random() > 0.15] or paragraphs[:1]
            paragraphs = [_reword(edit, p, words) if edit.random() < 0.3 else p for p in kept]
            title = f"{' '.join(w.capitalize() for w in story.topic[:3])}: {lead} {edit.choice(COMMON)} " \
                    f"{edit.choice(story.phases[spec.phase])}"
        return ArticleText(title, tuple(paragraphs))


def _name_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _person(rng: random.Random) -> str:
    return f"{_name_word(rng)} {_name_word(rng)}"


def _reword(rng: random.Random, paragraph: str, words: list[str]) -> str:
    tokens = paragraph.split(" ")
    for _ in range(max(1, len(tokens) // 12)):
        tokens[rng.randrange(len(tokens))] = rng.choice(words)
    return " ".join(tokens)


# ------------------------------------------------------------------------------------------------
# the corpus as a web site


def page_html(spec: ArticleSpec, text: ArticleText, related: list[tuple[str, str]],
              neighbours: tuple[tuple[str, str] | None, tuple[str, str] | None]) -> str:
    outlet, esc = spec.outlet, html.escape
    url = BASE + spec.path
    section = outlet.sections[spec.storyline.id % len(outlet.sections)]
    nav = "".join(f'<li><a href="/{outlet.slug}/{s.lower()}/">{s}</a></li>' for s in outlet.sections)
    body = "\n".join(f"<p>{esc(p)}</p>" for p in text.paragraphs)
    if len(text.paragraphs) > 3:  # a mid-article promo box, as news sites do
        body = body.replace("</p>\n", '</p>\n<aside class="promo"><a href="/subscribe">Subscribe for unlimited '
                                      "access</a></aside>\n", 1)
    related_html = "".join(f'<li><a href="{esc(path)}">{esc(title)}</a></li>' for path, title in related)
    prev, nxt = neighbours
    pager = "".join(f'<a rel="{rel}" href="{esc(n[0])}">{label}: {esc(n[1])}</a>'
                    for rel, label, n in (("prev", "Previous", prev), ("next", "Next", nxt)) if n)
    credit = '<p class="credit">This story first appeared on a partner site.</p>' if spec.kind == "exact" else ""
    iso = spec.published.isoformat()
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{esc(text.title)} | {esc(outlet.name)}</title>
<link rel="canonical" href="{url}">
<meta name="author" content="{esc(spec.byline)}">
<meta property="og:title" content="{esc(text.title)}">
<meta property="og:site_name" content="{esc(outlet.name)}">
<meta property="article:published_time" content="{iso}">
<link rel="alternate" type="application/{outlet.feed_format}+xml" href="{BASE}{spec.feed_path}">
</head><body>
<header class="masthead"><a class="logo" href="/{outlet.slug}/">{esc(outlet.name)}</a>
<p class="tagline">{esc(outlet.tagline)}</p>
<nav><ul>{nav}<li><a href="/{outlet.slug}/search">Search</a></li><li><a href="/login">Sign in</a></li></ul></nav>
</header>
<div class="cookie-banner">We use cookies to improve your experience. <button>Accept all</button></div>
<main>
<nav class="breadcrumb"><a href="/{outlet.slug}/">Home</a> › <a href="/{outlet.slug}/{section.lower()}/">{section}</a></nav>
<article>
<h1>{esc(text.title)}</h1>
<p class="byline">By <span class="author">{esc(spec.byline)}</span> ·
<time datetime="{iso}">{spec.published:%d %B %Y, %H:%M}</time></p>
{credit}
{body}
<p class="tags">Topics: {" · ".join(esc(w) for w in spec.storyline.topic[:3])}</p>
</article>
<nav class="pager">{pager}</nav>
<section class="newsletter"><h2>Get the morning briefing</h2><p>The day's essential stories from
{esc(outlet.name)}, in your inbox before breakfast.</p><form><input type="email" placeholder="Your email">
<button>Sign up</button></form></section>
<section class="related"><h2>More from {esc(outlet.name)}</h2><ul>{related_html}</ul></section>
<section class="most-read"><h2>Most read</h2><ol>{related_html}</ol></section>
</main>
<footer><p>© {spec.published.year} {esc(outlet.name)}. All rights reserved.</p><ul><li><a href="/about">About us</a></li>
<li><a href="/privacy">Privacy</a></li><li><a href="/terms">Terms</a></li><li><a href="/contact">Contact</a></li></ul>
</footer></body></html>
"""


def feed_xml(outlet: Outlet, path: str, entries: list[tuple[ArticleSpec, ArticleText]]) -> str:
    esc = html.escape
    if outlet.feed_format == "atom":
        items = "".join(
            f"<entry><title>{esc(t.title)}</title><link rel=\"alternate\" href=\"{BASE}{s.path}\"/>"
            f"<id>{BASE}{s.path}</id><updated>{s.published.isoformat()}</updated>"
            f"<author><name>{esc(s.byline)}</name></author><summary>{esc(t.paragraphs[0][:160])}</summary></entry>\n"
            for s, t in entries)
        updated = max(s.published for s, _ in entries).isoformat()
        return (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
                f"<title>{esc(outlet.name)}</title><link rel=\"alternate\" href=\"{BASE}/{outlet.slug}/\"/>"
                f"<link rel=\"self\" href=\"{BASE}{path}\"/><id>{BASE}{path}</id><updated>{updated}</updated>\n"
                f"{items}</feed>\n")
    items = "".join(
        f"<item><title>{esc(t.title)}</title><link>{BASE}{s.path}</link><guid>{BASE}{s.path}</guid>"
        f"<pubDate>{format_datetime(s.published)}</pubDate><author>{esc(s.byline)}</author>"
        f"<description>{esc(t.paragraphs[0][:160])}</description></item>\n"
        for s, t in entries)
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{esc(outlet.name)}</title>'
            f"<link>{BASE}/{outlet.slug}/</link><description>{esc(outlet.tagline)}</description>\n"
            f"{items}</channel></rss>\n")


def manifest_row(spec: ArticleSpec) -> dict[str, Any]:
    return {"id": spec.id, "path": spec.path, "outlet": spec.outlet.name, "storyline": spec.storyline.id,
            "kind": spec.kind, "original": spec.original, "published": spec.published.isoformat()}


def write_site(corpus: Corpus, specs: Iterable[ArticleSpec], folder: Path) -> int:
    """Write pages, weekly feeds, ``feeds.opml`` and ``manifest.jsonl`` under ``folder``; returns the count."""
    folder.mkdir(parents=True, exist_ok=True)
    by_outlet: dict[str, list[tuple[ArticleSpec, ArticleText]]] = {}
    count = 0
    with (folder / "manifest.jsonl").open("w", encoding="utf-8") as manifest:
        for spec in specs:
            by_outlet.setdefault(spec.outlet.slug, []).append((spec, corpus.text(spec)))
            manifest.write(json.dumps(manifest_row(spec)) + "\n")
            count += 1
    feeds: list[tuple[Outlet, str]] = []
    for entries in by_outlet.values():
        for index, (spec, text) in enumerate(entries):
            related = [(s.path, t.title) for s, t in entries[max(0, index - 6):index]][-5:]
            prev = (entries[index - 1][0].path, entries[index - 1][1].title) if index else None
            nxt = (entries[index + 1][0].path, entries[index + 1][1].title) if index + 1 < len(entries) else None
            target = folder / spec.path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page_html(spec, text, related, (prev, nxt)), encoding="utf-8")
        weeks: dict[str, list[tuple[ArticleSpec, ArticleText]]] = {}
        for spec, text in entries:
            weeks.setdefault(spec.feed_path, []).append((spec, text))
        for path, week in weeks.items():
            target = folder / path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(feed_xml(week[0][0].outlet, path, week[::-1]), encoding="utf-8")
            feeds.append((week[0][0].outlet, path))
    outlines = "".join(f'<outline type="rss" text="{html.escape(o.name)}" xmlUrl="{BASE}{p}"/>\n' for o, p in feeds)
    (folder / "feeds.opml").write_text(f'<?xml version="1.0"?>\n<opml version="2.0"><head><title>scale bench'
                                       f"</title></head><body>\n{outlines}</body></opml>\n", encoding="utf-8")
    return count


def write_jsonl(corpus: Corpus, specs: Iterable[ArticleSpec], path: Path, base: str) -> int:
    """Pre-extracted records (``newsdesk add FILE.jsonl``); URLs start with ``base``."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for spec in specs:
            text = corpus.text(spec)
            out.write(json.dumps({"url": base + spec.path, "title": text.title, "text": text.text,
                                  "published": spec.published.isoformat(), "source": spec.outlet.name,
                                  "author": spec.byline}) + "\n")
            count += 1
    return count


def feed_urls(folder: Path, base: str) -> list[str]:
    """Every feed URL of a written site, as served from ``base``."""
    return sorted(base + "/" + str(p.relative_to(folder)) for p in folder.glob("*/feeds/*.xml"))


def page_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*/*/*/*/*.html"))


# ------------------------------------------------------------------------------------------------
# serving it over loopback


class _QuietServer(ThreadingHTTPServer):
    """A reader hanging up mid-request (a timed-out fetch) is normal here: no traceback."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class SiteServer:
    """A threaded ``http.server`` on 127.0.0.1 serving a written site, ``__BASE__`` filled in.

    ``with SiteServer(folder) as server: server.base`` → ``http://127.0.0.1:PORT``. Unknown paths
    (robots.txt included) answer 404; ``requests`` counts what was served.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        self.requests = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                target = (server.folder / self.path.split("?")[0].lstrip("/")).resolve()
                if server.folder not in target.parents or not target.is_file():
                    self._answer(404, "text/plain", b"not found")
                    return
                body = target.read_bytes().replace(BASE.encode(), server.base.encode())
                kind = {".xml": "application/xml", ".opml": "text/x-opml"}.get(target.suffix, "text/html")
                with server._lock:
                    server.requests += 1
                self._answer(200, f"{kind}; charset=utf-8", body)

            def _answer(self, status: int, kind: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> SiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--jsonl", action="store_true", help="write FOLDER/corpus.jsonl instead of a site")
    parser.add_argument("--base", default="https://scale.example", help="URL prefix of the JSONL records")
    options = parser.parse_args()
    corpus = Corpus(options.size, options.seed)
    if options.jsonl:
        options.folder.mkdir(parents=True, exist_ok=True)
        count = write_jsonl(corpus, corpus.articles(), options.folder / "corpus.jsonl", options.base)
    else:
        count = write_site(corpus, corpus.articles(), options.folder)
    print(f"wrote {count} articles from {len(corpus.outlets)} outlets to {options.folder}")


if __name__ == "__main__":
    main()

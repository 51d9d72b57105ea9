"""A small invented corpus for the web tests (no tests here; helpers imported by the web tests).

Three fictional outlets cover two storylines in the invented city of Westmoor, plus one
unrelated article, one exact copy and one near copy, so every page has something to show:
stories with several outlets, duplicates folded under originals, previous/next links,
related articles and search hits. Articles go in through the store's own write
methods and the real analysis pipeline.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from conftest import backend_database_url

from newsdesk.config import Settings, load_settings
from newsdesk.serve.app import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient
from newsdesk.models import ExtractedArticle
from newsdesk.store import Store

BASE = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

BRIDGE = [
    "The Westmoor harbour bridge will close to all traffic for six weeks from Monday while engineers replace "
    "corroded cables, the city transport office said.",
    "Transport director Mirela Okonkwo said the closure could not wait until summer because inspectors found "
    "two cable anchors in worse condition than expected.",
    "Ferry operator Lantern Line will add four extra crossings an hour during the closure and free bus "
    "shuttles will run between the two harbour districts.",
    "Shop owners on Quay Street warned that the six-week closure of the harbour bridge would cut their trade "
    "during the busy spring market season.",
    "The repair contract, worth 41 million crowns, went to the engineering firm Aldgate Structures after a "
    "tender that drew three bids.",
    "Councillor Tomasz Brandt asked why the harbour bridge cables had not been inspected for nine years and "
    "called for an independent review.",
    "Engineers will work at night under floodlights so that the harbour bridge can reopen before the "
    "midsummer festival in Westmoor.",
    "Cyclists will be allowed to push their bikes across a narrow walkway on the harbour bridge on weekends "
    "during the closure.",
]
WATER = [
    "Westmoor Water asked the regional regulator to approve a nine per cent rise in household water bills "
    "from July to pay for new reservoir pipes.",
    "The regulator, the Office for Water Pricing, said it would publish a draft decision on the Westmoor "
    "Water price review in May after hearing from customers.",
    "Consumer group Fair Tap said the proposed water bill rise would hit pensioners hardest and asked for a "
    "social tariff for low-income homes.",
    "Westmoor Water chief executive Ingrid Salo said leaks from old reservoir pipes waste a fifth of the "
    "water the utility treats every day.",
    "The price review covers the next five years and includes plans to replace 300 kilometres of reservoir "
    "pipes under the eastern districts.",
    "Opposition councillors called the water bill increase excessive while the utility paid its shareholders "
    "a record dividend last year.",
]
GARDEN = [
    "The Westmoor botanical garden opened a new glasshouse for alpine plants on Saturday after three years of "
    "building work.",
    "Curator Paulina Edwards said the alpine glasshouse keeps a cool, dry climate with fans and misting "
    "nozzles controlled by a weather station on the roof.",
    "Visitors can see more than four hundred alpine species, including saxifrages and gentians collected "
    "from mountain ranges on three continents.",
]


@dataclass
class Piece:
    """One invented article."""

    slug: str
    outlet: str
    domain: str
    author: str
    title: str
    sentences: list[str]
    hours: int

    @property
    def url(self) -> str:
        return f"https://{self.domain}/news/{self.slug}"

    @property
    def published(self) -> datetime:
        return BASE + timedelta(hours=self.hours)


def _rotate(pool: list[str], start: int, count: int) -> list[str]:
    return [pool[(start + i) % len(pool)] for i in range(count)]


PIECES = [
    Piece("bridge-closure", "Northern Ledger", "ledger.example", "Anna Vries",
          "Harbour bridge to close for six weeks of cable repairs", _rotate(BRIDGE, 0, 8), 0),
    Piece("bridge-shops", "Harbour Times", "harbourtimes.example", "Ben Castillo",
          "Quay Street traders fear harbour bridge closure", _rotate(BRIDGE, 3, 7), 20),
    Piece("bridge-review", "Civic Wire", "civicwire.example", "Chidi Park",
          "Councillor demands review of harbour bridge inspections", _rotate(BRIDGE, 5, 7), 30),
    Piece("water-rise", "Harbour Times", "harbourtimes.example", "Ben Castillo",
          "Westmoor Water seeks nine per cent bill rise", _rotate(WATER, 0, 6), 26),
    Piece("water-regulator", "Northern Ledger", "ledger.example", "Dana Holm",
          "Regulator to rule on Westmoor Water price review in May", _rotate(WATER, 1, 6), 50),
    Piece("alpine-glasshouse", "Northern Ledger", "ledger.example", "Anna Vries",
          "Botanical garden opens alpine glasshouse", GARDEN * 2, 40),
]
#: (slug, outlet, domain, copied piece, changed sentence or None for an exact copy)
COPIES = [
    ("bridge-closure-wire", "Civic Wire", "civicwire.example", "bridge-closure", None),
    ("bridge-closure-syndicated", "Harbour Times", "harbourtimes.example", "bridge-closure",
     "Reporting by the Northern Ledger news desk, republished with permission."),
]


def _extracted(piece: Piece, extra_sentence: str | None = None) -> ExtractedArticle:
    paragraphs = [" ".join(piece.sentences[i:i + 2]) for i in range(0, len(piece.sentences), 2)]
    if extra_sentence:
        paragraphs.append(extra_sentence)
    text = "\n\n".join(paragraphs)
    return ExtractedArticle(url=piece.url, title=piece.title, author=piece.author, published=piece.published,
                            outlet=piece.outlet, language="en", canonical_url=piece.url, text=text,
                            excerpt=text[:200])


def save(store: Store, extracted: ExtractedArticle, domain: str) -> int:
    """Store one article through the store's own write method; returns its id."""
    digest = hashlib.sha256(extracted.text.encode("utf-8")).hexdigest()
    with store.transaction() as conn:
        return store.save_article(conn, extracted, canonical_url=extracted.canonical_url or extracted.url,
                                  content_hash=digest, domain=domain).id


def fill_store(store: Store, settings: Settings, *, analyze: bool = True) -> dict[str, int]:
    """Store the corpus (copies linked to their originals) and analyse it; ids by slug."""
    ids: dict[str, int] = {}
    by_slug = {p.slug: p for p in PIECES}
    for piece in PIECES:
        ids[piece.slug] = save(store, _extracted(piece), piece.domain)
    for slug, outlet, domain, source, extra in COPIES:
        original = by_slug[source]
        copy = Piece(slug, outlet, domain, original.author, original.title, original.sentences, original.hours + 5)
        ids[slug] = save(store, _extracted(copy, extra), domain)
        with store.transaction() as conn:
            store.link_duplicate(conn, ids[slug], ids[source], "near" if extra else "exact",
                                 0.9 if extra else 1.0)
    if analyze:
        analyze_all(store, settings)
    return ids


def analyze_all(store: Store, settings: Settings) -> None:
    """Run the real per-article analysis (entities, key phrases, story) on everything pending."""
    from newsdesk.analyze.pipeline import analyze_article

    for article_id in store.unanalyzed_article_ids(limit=1000):
        analyze_article(store, article_id, settings)


@dataclass
class Corpus:
    """A filled store with the settings and app used to serve it."""

    settings: Settings
    store: Store
    ids: dict[str, int]


def make_corpus(tmp: Path, *, hostile: bool = False, database_url: str | None = None, **overrides: Any) -> Corpus:
    """Settings in ``tmp`` and a filled store (on the test backend unless ``database_url`` is given)."""
    settings = load_settings(data_dir=tmp, environ={}, allow_private_addresses=True, min_host_delay=0.0,
                             host_delay_jitter=0.0, timeout=5.0, **overrides)
    store = Store(database_url or backend_database_url(tmp, "web"))
    ids = fill_store(store, settings)
    if hostile:
        ids.update(fill_hostile(store))
        analyze_all(store, settings)
    return Corpus(settings, store, ids)


def client_for(corpus: Corpus, **overrides: Any) -> TestClient:
    """An in-process client; https so the Secure cookies travel like in a real browser."""
    settings = corpus.settings.replace(**overrides) if overrides else corpus.settings
    return TestClient(create_app(settings, corpus.store), base_url="https://testserver")


# --- hostile content -------------------------------------------------------------------------------

#: XSS vectors: script tags, event handlers, javascript: URLs, SVG, CSS expressions, broken markup.
#: Each one, if it ran, would set ``window.__xss`` or open a dialog.
VECTORS = [
    "<script>window.__xss='script'</script>",
    "<img src=x onerror=\"window.__xss='img'\">",
    "<svg onload=\"window.__xss='svg'\"><script>window.__xss='svg-script'</script></svg>",
    "\"><script>alert('attr-break')</script>",
    "'><img src=x onerror=alert('single-quote')>",
    "<a href=\"javascript:window.__xss='link'\">click</a>",
    "<div style=\"background:url(javascript:window.__xss='css');width:expression(window.__xss='expr')\">x</div>",
    "<iframe src=\"javascript:window.__xss='iframe'\"></iframe>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss='mxss'>",
    "</title><script>window.__xss='title-break'</script>",
    "<scr<script>ipt>window.__xss='nested'</script>",
    "<details open ontoggle=window.__xss='details'>",
    "<object data=\"javascript:window.__xss='object'\"></object>",
    "<body onload=window.__xss='body'>",
    "<!--<script>window.__xss='comment'</script>-->",
    "<style>@import 'javascript:window.__xss=1';</style>",
]
HOSTILE = " ".join(VECTORS)
#: A cell a spreadsheet would run (CSV injection), for the export tests.
SPREADSHEET_FORMULA = "=HYPERLINK(\"http://evil.example/\",\"open\") "


def fill_hostile(store: Store) -> dict[str, int]:
    """An article and a feed with a vector in every field; returns their ids."""
    text = "\n\n".join(f"Paragraph {i} of a hostile article. {v} It goes on with words." for i, v in
                       enumerate(VECTORS))
    extracted = ExtractedArticle(
        url="javascript:window.__xss='url'", title="Hostile " + HOSTILE, author="Mallory " + VECTORS[1],
        published=BASE, outlet="Evil " + VECTORS[0], language="en\"><script>window.__xss='lang'</script>",
        canonical_url="https://evil.example/a?q=\"><script>window.__xss='canon'</script>", text=text,
        excerpt="Excerpt " + HOSTILE)
    article_id = save(store, extracted, "evil.example")
    twin = ExtractedArticle(
        url="https://evil.example/b?<script>window.__xss='url2'</script>", title="Twin " + VECTORS[2],
        author=SPREADSHEET_FORMULA + VECTORS[3], published=BASE + timedelta(hours=3), outlet="Other " + VECTORS[5], language="en",
        canonical_url="https://evil.example/b", text=text + "\n\nOne more line about a hostile twin.",
        excerpt=VECTORS[4])
    twin_id = save(store, twin, "evil.example")
    with store.transaction() as conn:
        store.link_duplicate(conn, twin_id, article_id, "near", 0.95)
    feed, _new = store.add_feed("https://evil.example/feed.xml?\"><script>window.__xss='feedurl'</script>",
                                title="Feed " + HOSTILE, site_url="javascript:window.__xss='site'")
    store.record_feed_failure(feed.id, "error " + HOSTILE)
    return {"article": article_id, "twin": twin_id, "feed": feed.id}

"""The bundled demo corpus is well-formed: manifest, pages, syndication, feeds, OPML, sitemap, PDF."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import httpx
import lxml.html
import pytest
from pypdf import PdfReader

from newsdesk.demo import (
    BRIEFS_DIR,
    DEMO_DIR,
    FEEDS_DIR,
    OPML_FILE,
    SITE_DIR,
    SITE_EXTRAS_DIR,
    demo_targets,
    load_manifest,
    load_outlets,
    load_storylines,
    local_file_for_url,
)
from newsdesk.demo.generate import generate
from newsdesk.demo.mirror import DemoMirror, demo_transport
from newsdesk.errors import NotFoundError

TESTDATA = Path(__file__).resolve().parent / "testdata"
MANIFEST = load_manifest()
HTML = [a for a in MANIFEST if a["format"] == "html"]
BY_URL = {a["url"]: a for a in MANIFEST}
OUTLETS = {o["domain"]: o for o in load_outlets()}


def parse_time(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def page(entry: dict[str, Any]) -> Any:
    return lxml.html.fromstring((DEMO_DIR / entry["file"]).read_bytes())


def gold_body(entry: dict[str, Any]) -> list[str]:
    """Body paragraphs of an HTML article's gold text (the first block is the title)."""
    return (DEMO_DIR / entry["gold_text"]).read_text(encoding="utf-8").strip().split("\n\n")[1:]


def shingles(text: str, size: int = 5) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}


# --- manifest -------------------------------------------------------------------------------------

def test_counts_outlets_and_storylines() -> None:
    assert len(HTML) >= 48
    assert len({a["outlet"] for a in HTML}) >= 6
    assert len(OUTLETS) >= 6 and {a["outlet"] for a in MANIFEST} <= set(OUTLETS)
    kinds = {o["kind"] for o in OUTLETS.values()}
    assert {"wire service", "think tank", "state media", "national daily", "regional paper", "aggregator"} <= kinds
    storylines = {s["id"] for s in load_storylines()}
    assert len(storylines) >= 8
    by_story: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in MANIFEST:
        assert entry["storyline"] in storylines
        by_story[entry["storyline"]].append(entry)
    for story in storylines:
        members = by_story[story]
        assert 3 <= len(members) <= 9, story
        assert len({m["outlet"] for m in members}) >= 2, story
        days = {m["published"][:10] for m in members}
        assert len(days) >= 3, f"{story} should unfold over several dates"


def test_every_entry_exists_with_unique_canonical_url_and_parseable_date() -> None:
    urls = [a["url"] for a in MANIFEST]
    assert len(urls) == len(set(urls))
    ids = [a["id"] for a in MANIFEST]
    assert len(ids) == len(set(ids))
    for entry in MANIFEST:
        assert (DEMO_DIR / entry["file"]).is_file(), entry["file"]
        assert (DEMO_DIR / entry["gold_text"]).is_file(), entry["gold_text"]
        published = parse_time(entry["published"])
        assert datetime(2026, 9, 1, tzinfo=UTC) <= published < datetime(2026, 12, 1, tzinfo=UTC)
        assert urlsplit(entry["url"]).hostname == entry["outlet"]
        assert entry["outlet"].endswith(".example")


def test_html_files_mirror_their_canonical_paths() -> None:
    for entry in HTML:
        parts = urlsplit(entry["url"])
        assert entry["file"] == f"site/{parts.hostname}{parts.path}.html"
        assert local_file_for_url(entry["url"]) == DEMO_DIR / entry["file"]
    on_disk = {p.relative_to(DEMO_DIR).as_posix() for p in SITE_DIR.rglob("*.html")}
    assert on_disk == {a["file"] for a in HTML}, "site/ holds articles only, each in the manifest"


def test_bodies_are_300_to_900_words_and_authors_mostly_present() -> None:
    for entry in HTML:
        words = sum(len(p.split()) for p in gold_body(entry))
        assert 300 <= words <= 900, (entry["id"], words)
        assert len(gold_body(entry)) >= 4, entry["id"]
    with_author = [a for a in HTML if a["author"]]
    assert len(HTML) // 2 < len(with_author) < len(HTML), "most pages have an author, some do not"


def test_key_entities_appear_across_their_storyline() -> None:
    for story in load_storylines():
        members = [" ".join(gold_body(a)) for a in HTML if a["storyline"] == story["id"]]
        assert len(story["key_entities"]) >= 4, story["id"]
        for name in story["key_entities"]:
            assert sum(name in text for text in members) >= 2, (story["id"], name)


def test_storylines_share_entities() -> None:
    """Clustering must not be trivial: some people appear in more than one storyline."""
    stories_of: dict[str, set[str]] = defaultdict(set)
    for entry in HTML:
        text = " ".join(gold_body(entry))
        for name in ("Dario Pell", "Rafael Osk", "Lena Marsh", "Ilse Varga", "Concord-1", "Port Sallow"):
            if name in text:
                stories_of[name].add(entry["storyline"])
    assert all(len(stories_of[name]) >= 2 for name in ("Dario Pell", "Rafael Osk", "Lena Marsh", "Ilse Varga"))
    assert len(stories_of["Port Sallow"]) >= 4


# --- pages ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("entry", HTML, ids=[a["id"] for a in HTML])
def test_page_head_matches_manifest(entry: dict[str, Any]) -> None:
    doc = page(entry)
    outlet = OUTLETS[entry["outlet"]]

    def meta(attr: str, name: str) -> list[str]:
        return [str(v) for v in doc.xpath(f'//head/meta[@{attr}="{name}"]/@content')]

    assert doc.get("lang") == "en"
    assert entry["title"] in doc.findtext(".//head/title")
    assert doc.xpath('//head/link[@rel="canonical"]/@href') == [entry["url"]]
    assert meta("property", "og:site_name") == [outlet["name"]] == [entry["outlet_name"]]
    assert meta("property", "og:title") == [entry["title"]]
    assert meta("property", "article:published_time") == [entry["published"]]
    assert meta("name", "description") == [entry["description"]]
    assert meta("name", "author") == ([entry["author"]] if entry["author"] else [])
    assert doc.xpath('//head/link[@rel="alternate"]/@href') == [outlet["feed"]]


@pytest.mark.parametrize("entry", HTML, ids=[a["id"] for a in HTML])
def test_page_carries_gold_body_and_boilerplate(entry: dict[str, Any]) -> None:
    doc = page(entry)
    text = " ".join(doc.text_content().split())
    for paragraph in gold_body(entry):
        assert paragraph in text, (entry["id"], paragraph[:60])
    lowered = text.lower()
    assert "cookie" in lowered
    assert "newsletter" in lowered or "inbox" in lowered
    assert "share" in lowered
    assert "previous" in lowered or "next" in lowered
    # previous/next links and related lists carry other articles' titles and excerpts
    others = [a for a in HTML if a["outlet"] == entry["outlet"] and a["id"] != entry["id"]]
    assert sum(other["title"] in text for other in others) >= 3, entry["id"]
    excerpts = [node for node in doc.iter("p", "span") if (node.text or "").endswith("\u2026")]
    assert len(excerpts) >= 2, f"{entry['id']}: related list without truncated excerpts"
    if entry["outlet"] == "newsloop.example":
        assert "No time to read? Get a summary" in text


def test_outlets_use_different_markup() -> None:
    body_containers = {
        "meridianwire.example": '//article[@class="mw-story"]//div[@class="mw-body"]/p',
        "harbor-institute.example": '//section[@class="brief-content"]/div[@class="prose"]/p',
        "statecaster.example": '//div[@id="content"]/div[@class="txt"]/p',
        "the-ledger.example": '//article[@class="story"]/div[@itemprop="articleBody"]/p',
        "sallow-gazette.example": '//section[@class="story"]/div[@class="story-text"]/p',
        "newsloop.example": '//div[@class="nl-post"]/div[@class="nl-content"]/p',
    }
    for entry in HTML:
        doc = page(entry)
        for outlet, xpath in body_containers.items():
            assert bool(doc.xpath(xpath)) is (outlet == entry["outlet"]), (entry["id"], outlet)


def test_every_absolute_link_stays_on_invented_hosts() -> None:
    for path in [*SITE_DIR.rglob("*.html"), *SITE_EXTRAS_DIR.rglob("*.html")]:
        for url in re.findall(r'(?:href|src)="(https?://[^"]+)"', path.read_text(encoding="utf-8")):
            assert (urlsplit(url).hostname or "").endswith(".example"), (path, url)


# --- syndication ----------------------------------------------------------------------------------

def test_syndicated_copies_point_at_earlier_originals() -> None:
    copies = [a for a in HTML if a["duplicate_of"]]
    assert sum(a["duplicate_kind"] == "near" for a in copies) >= 4
    assert sum(a["duplicate_kind"] == "exact" for a in copies) >= 1
    for copy in copies:
        original = BY_URL[copy["duplicate_of"]]
        assert original["outlet"] == "meridianwire.example" and not original["duplicate_of"]
        assert copy["outlet"] != original["outlet"]
        assert parse_time(copy["published"]) > parse_time(original["published"])
        assert copy["storyline"] == original["storyline"]
        mine, theirs = gold_body(copy), gold_body(original)
        if copy["duplicate_kind"] == "exact":
            assert mine == theirs
        else:
            assert mine != theirs and copy["title"] != original["title"]
            a, b = shingles(" ".join(mine)), shingles(" ".join(theirs))
            assert len(a & b) / len(a | b) > 0.7, copy["id"]


def test_originals_are_not_near_duplicates_of_each_other() -> None:
    """Only the recorded copies are duplicates: distinct articles share few 5-word shingles."""
    originals = [a for a in HTML if not a["duplicate_of"]]
    sets = {a["id"]: shingles(" ".join(gold_body(a))) for a in originals}
    ids = sorted(sets)
    for i, first in enumerate(ids):
        for second in ids[i + 1:]:
            overlap = len(sets[first] & sets[second]) / len(sets[first] | sets[second])
            assert overlap < 0.2, (first, second, overlap)


# --- feeds, OPML, sitemap -------------------------------------------------------------------------

def feed_path(domain: str) -> Path:
    return FEEDS_DIR / domain / urlsplit(OUTLETS[domain]["feed"]).path.lstrip("/")


@pytest.mark.parametrize("domain", ["meridianwire.example", "harbor-institute.example", "the-ledger.example",
                                    "sallow-gazette.example", "newsloop.example"])
def test_rss_and_atom_feeds_list_the_outlets_articles(domain: str) -> None:
    parsed = feedparser.parse(feed_path(domain).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == ("atom10" if OUTLETS[domain]["feed_type"] == "atom" else "rss20")
    own = {a["url"]: a for a in MANIFEST if a["outlet"] == domain}
    assert {e.link for e in parsed.entries} == set(own)
    for item in parsed.entries:
        entry = own[item.link]
        assert item.title == entry["title"]
        assert item.summary == entry["description"]
        assert datetime(*item.published_parsed[:6]).replace(tzinfo=UTC) == parse_time(entry["published"])
        if entry["author"]:
            assert item.author == entry["author"]


def test_json_feed_lists_statecaster_articles() -> None:
    feed = json.loads(feed_path("statecaster.example").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == OUTLETS["statecaster.example"]["feed"]
    own = {a["url"]: a for a in HTML if a["outlet"] == "statecaster.example"}
    assert {i["url"] for i in feed["items"]} == set(own)
    for item in feed["items"]:
        entry = own[item["url"]]
        assert (item["title"], item["summary"], item["date_published"]) == (
            entry["title"], entry["description"], entry["published"])
        assert [a["name"] for a in item.get("authors", [])] == ([entry["author"]] if entry["author"] else [])


def test_opml_lists_every_outlet_feed() -> None:
    root = ET.parse(OPML_FILE).getroot()
    assert root.tag == "opml" and root.get("version") == "2.0"
    feeds = {o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")}
    assert feeds == {o["feed"] for o in OUTLETS.values()}
    assert "https://meridianwire.example/feed.xml" in feeds
    for url in feeds:
        assert local_file_for_url(str(url)).is_file()


def test_news_sitemap_lists_the_ledger() -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "n": "http://www.google.com/schemas/sitemap-news/0.9"}
    root = ET.parse(FEEDS_DIR / "the-ledger.example" / "sitemap.xml").getroot()
    urls = root.findall("s:url", ns)
    own = {a["url"]: a for a in HTML if a["outlet"] == "the-ledger.example"}
    assert {u.findtext("s:loc", namespaces=ns) for u in urls} == set(own)
    for url in urls:
        entry = own[str(url.findtext("s:loc", namespaces=ns))]
        assert url.findtext("n:news/n:title", namespaces=ns) == entry["title"]
        assert url.findtext("n:news/n:publication_date", namespaces=ns) == entry["published"]


def test_extras_are_not_articles_and_link_their_feeds() -> None:
    extras = sorted(SITE_EXTRAS_DIR.rglob("*.html"))
    assert len(extras) >= 2
    for path in extras:
        doc = lxml.html.fromstring(path.read_bytes())
        canonical = doc.xpath('//link[@rel="canonical"]/@href')[0]
        assert canonical not in BY_URL
        assert doc.xpath('//meta[@property="og:type"]/@content') == ["website"]
        assert doc.xpath('//link[@rel="alternate"]/@href')[0] in {o["feed"] for o in OUTLETS.values()}
        assert len(doc.xpath('//li/a[@href]')) >= 5
    assert local_file_for_url("https://meridianwire.example/") == extras[0]


# --- PDF and package API --------------------------------------------------------------------------

def test_pdf_brief_has_metadata_and_text_on_every_page() -> None:
    entry = next(a for a in MANIFEST if a["format"] == "pdf")
    reader = PdfReader(DEMO_DIR / entry["file"])
    assert len(reader.pages) >= 3
    meta = reader.metadata
    assert meta is not None and meta.title == entry["title"] and meta.author == entry["author"]
    assert meta.creation_date is not None and meta.creation_date.year == 2026
    texts = [p.extract_text() for p in reader.pages]
    for number, text in enumerate(texts, start=1):
        assert "The Harbor Institute  |  Policy Brief" in text
        assert f"Page {number} of {len(texts)}" in text
        assert len(text.split()) > 150
    flat = " ".join(" ".join(texts).split())
    assert "Hollin reservoir in Kestria has turned a long-standing technical disagreement" in flat
    assert "they would give the negotiators what they currently lack: a common set of facts." in flat


def test_demo_targets_and_url_mapping() -> None:
    targets = demo_targets()
    assert targets[0] == SITE_DIR and targets[1:] == sorted(BRIEFS_DIR.glob("*.pdf")) and len(targets) == 2
    assert local_file_for_url("https://meridianwire.example/feed.xml") == FEEDS_DIR / "meridianwire.example" / "feed.xml"
    with pytest.raises(NotFoundError):
        local_file_for_url("https://meridianwire.example/no/such/page")


def test_committed_corpus_matches_the_generator(tmp_path: Path) -> None:
    """Regenerating from texts/ reproduces every committed file byte for byte."""
    generate(tmp_path)
    produced = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    assert len(produced) > 100
    for rel in produced:
        assert (DEMO_DIR / rel).read_bytes() == (tmp_path / rel).read_bytes(), f"{rel} is stale: regenerate"
    for folder in ("site", "site-extras", "feeds", "gold"):
        committed = {p.relative_to(DEMO_DIR) for p in (DEMO_DIR / folder).rglob("*") if p.is_file()}
        assert committed <= produced, f"stray files in {folder}/: {sorted(committed - produced)[:3]}"


# --- loopback mirror ------------------------------------------------------------------------------

def test_mirror_serves_pages_feeds_and_pdf_over_loopback_http() -> None:
    article = HTML[0]
    with DemoMirror() as mirror, httpx.Client(timeout=5) as client:
        page_response = client.get(mirror.url_for(article["url"]))
        assert page_response.status_code == 200 and page_response.headers["content-type"].startswith("text/html")
        assert page_response.content == (DEMO_DIR / article["file"]).read_bytes()
        by_host = client.get(f"{mirror.base_url}/feed.xml", headers={"Host": "meridianwire.example"})
        feed = feedparser.parse(by_host.content)
        assert len(feed.entries) == sum(a["outlet"] == "meridianwire.example" for a in MANIFEST)
        again = client.get(f"{mirror.base_url}/feed.xml", headers={
            "Host": "meridianwire.example", "If-None-Match": by_host.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
        pdf = next(a for a in MANIFEST if a["format"] == "pdf")
        assert client.get(mirror.url_for(pdf["url"])).headers["content-type"] == "application/pdf"
        assert client.get(mirror.url_for("https://the-ledger.example/nope")).status_code == 404
        assert client.get(mirror.url_for("https://the-ledger.example/robots.txt")).text.startswith("User-agent")


def test_transport_answers_canonical_urls_in_process() -> None:
    with httpx.Client(transport=demo_transport()) as client:
        for entry in HTML[:5]:
            response = client.get(entry["url"])
            assert response.status_code == 200 and entry["title"] in response.text
        home = client.get("https://meridianwire.example/")
        assert "Latest from the wire" in home.text
        assert client.get("https://unknown.example/x").status_code == 404


# --- hostile test data ----------------------------------------------------------------------------

def test_hostile_fixtures_carry_their_vectors() -> None:
    article = (TESTDATA / "hostile" / "xss-article.html").read_text(encoding="utf-8")
    for vector in ("<script>", "onerror=", "onload=", "javascript:", "<svg", "expression(", "<iframe",
                   "</title><script>"):
        assert vector in article, vector
    feed = feedparser.parse((TESTDATA / "hostile" / "xss-feed.xml").read_bytes())
    assert feed.version == "rss20" and len(feed.entries) >= 3
    raw = (TESTDATA / "hostile" / "xss-feed.xml").read_text(encoding="utf-8")
    assert raw.count("__xss") >= 8

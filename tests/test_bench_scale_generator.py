"""The scale benchmark's corpus generator keeps producing a readable site: feeds parse, pages are
served over loopback and extract, syndicated copies exist, and the same seed gives the same corpus."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scale.generate import Corpus, SiteServer, feed_urls, page_files, write_site  # noqa: E402
from newsdesk.collect.feeds import parse_feed  # noqa: E402
from newsdesk.extract import extract_document  # noqa: E402
from newsdesk.models import Document  # noqa: E402


def _manifest(folder: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]


def test_site_of_fifty_articles_has_feeds_pages_and_copies(tmp_path: Path) -> None:
    corpus = Corpus(600, seed=3)
    specs = list(corpus.articles())[:50]
    assert write_site(corpus, specs, tmp_path) == 50
    rows = _manifest(tmp_path)
    kinds = Counter(str(r["kind"]) for r in rows)
    assert kinds["original"] and kinds["exact"] + kinds["rewrite"] > 0, kinds
    by_id = {r["id"]: r for r in rows}
    for row in rows:
        if row["kind"] != "original":
            original = by_id[row["original"]]
            assert original["storyline"] == row["storyline"] and original["outlet"] != row["outlet"]
            assert str(original["published"]) < str(row["published"])
    assert [r["published"] for r in rows] == sorted(str(r["published"]) for r in rows)
    assert len(page_files(tmp_path)) == 50

    with SiteServer(tmp_path) as server:
        feeds = feed_urls(tmp_path, server.base)
        entries = []
        for url in feeds:
            answer = httpx.get(url)
            parsed = parse_feed(answer.content, url)
            entries += [e.url for e in parsed.entries]
        assert sorted(entries) == sorted(server.base + str(r["path"]) for r in rows)
        page = httpx.get(entries[0])
        assert page.status_code == 200 and b"__BASE__" not in page.content
        extracted = extract_document(Document(url=entries[0], content=page.content,
                                              content_type="text/html; charset=utf-8"))
        assert "newsletter" not in extracted.text.lower() and len(extracted.text.split()) > 60
        assert httpx.get(server.base + "/robots.txt").status_code == 404


def test_exact_copy_has_the_original_text_and_a_rewrite_differs(tmp_path: Path) -> None:
    corpus = Corpus(3000, seed=5)
    specs = list(corpus.articles())[:400]
    by_id = {s.id: s for s in specs}
    exact = next(s for s in specs if s.kind == "exact")
    rewrite = next(s for s in specs if s.kind == "rewrite")
    assert corpus.text(exact).text == corpus.text(by_id[exact.original]).text  # type: ignore[index]
    original = corpus.text(by_id[rewrite.original])  # type: ignore[index]
    assert corpus.text(rewrite).text != original.text
    shared = set(corpus.text(rewrite).paragraphs) & set(original.paragraphs)
    assert shared, "a light rewrite keeps most of its original"


def test_same_seed_same_corpus() -> None:
    first = [(s.outlet.slug, s.published, s.kind) for s in list(Corpus(500, seed=9).articles())[:80]]
    again = [(s.outlet.slug, s.published, s.kind) for s in list(Corpus(500, seed=9).articles())[:80]]
    assert first == again

"""Regenerate the demo corpus: HTML pages, gold texts, feeds, OPML, sitemap, extras, PDF and manifest.

Run ``python -m newsdesk.demo.generate`` (or ``python newsdesk/demo/generate.py``) from the checkout;
the output is deterministic, so a test can regenerate into a temporary folder and compare.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from newsdesk.demo import build_pdf, discovery
from newsdesk.demo.corpus import STORYLINES, ArticleSpec, load_articles
from newsdesk.demo.outlets import OUTLETS
from newsdesk.demo.templates import PageContext, Teaser, excerpt, render_page

DEMO_DIR = Path(__file__).resolve().parent
#: folders the generator owns entirely; they are emptied before each run so no stale file survives
GENERATED_DIRS = ("site", "site-extras", "feeds", "gold")


def site_path(url_path: str) -> Path:
    """``/news/2026/09/07/slug`` -> ``news/2026/09/07/slug.html`` (the file mirrors the URL path)."""
    return Path(url_path.strip("/") + ".html")


def teaser(article: ArticleSpec) -> Teaser:
    return Teaser(article.title, article.url, excerpt(article.plain_paragraphs[0]),
                  article.published.strftime("%-d %b %Y"))


def _same_outlet(article: ArticleSpec, articles: list[ArticleSpec]) -> list[ArticleSpec]:
    return [a for a in articles if a.outlet == article.outlet]


def related_for(article: ArticleSpec, articles: list[ArticleSpec], count: int = 3) -> list[Teaser]:
    """Other pieces from the same outlet: same storyline first, then the nearest in time."""
    others = [a for a in _same_outlet(article, articles) if a.id != article.id]
    others.sort(key=lambda a: (a.storyline != article.storyline,
                               abs((a.published - article.published).total_seconds()), a.id))
    return [teaser(a) for a in others[:count]]


def page_context(article: ArticleSpec, articles: list[ArticleSpec]) -> PageContext:
    own = _same_outlet(article, articles)
    index = own.index(article)
    by_id = {a.id: a for a in articles}
    ctx = PageContext(article=article, related=related_for(article, articles))
    ctx.previous = teaser(own[index - 1]) if index > 0 else None
    ctx.next = teaser(own[index + 1]) if index + 1 < len(own) else None
    others = [a for a in own if a.id != article.id]
    earlier = [a for a in others if a.published < article.published and a.storyline != article.storyline]
    ctx.promo = teaser(earlier[-1]) if earlier else (teaser(others[0]) if others else None)
    ctx.most_read = [teaser(a) for a in sorted(
        others, key=lambda a: (abs((a.published - article.published).total_seconds()), a.id))[:5]]
    if article.copy_of:
        ctx.source_name = OUTLETS[by_id[article.copy_of].outlet].name
    return ctx


def manifest_entry(article: ArticleSpec, by_id: dict[str, ArticleSpec]) -> dict[str, Any]:
    outlet = OUTLETS[article.outlet]
    original = by_id.get(article.copy_of)
    return {
        "id": article.id,
        "file": str(Path("site") / article.outlet / site_path(article.path)),
        "gold_text": f"gold/{article.id}.txt",
        "format": "html",
        "url": article.url,
        "outlet": article.outlet,
        "outlet_name": outlet.name,
        "outlet_kind": outlet.kind,
        "title": article.title,
        "description": article.description,
        "author": article.author or None,
        "published": article.published.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "storyline": article.storyline,
        "duplicate_of": original.url if original else None,
        "duplicate_kind": article.copy_mode or None,
        "words": article.word_count,
    }


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def write_pages(out: Path, articles: list[ArticleSpec]) -> None:
    for article in articles:
        write(out / "site" / article.outlet / site_path(article.path), render_page(page_context(article, articles)))
        write(out / "gold" / f"{article.id}.txt", f"{article.title}\n\n{article.text}\n")


def build_manifest(articles: list[ArticleSpec]) -> dict[str, Any]:
    by_id = {a.id: a for a in articles}
    entries = [manifest_entry(a, by_id) for a in articles]
    entries.append(build_pdf.manifest_entry())
    return {
        "about": "Gold truth for the newsdesk demo corpus; every outlet, person and event is invented.",
        "outlets": [{"domain": o.domain, "name": o.name, "kind": o.kind, "feed": o.feed_url,
                     "feed_type": o.feed_type} for o in OUTLETS.values()],
        "storylines": [{"id": s.id, "label": s.label, "summary": s.summary,
                        "key_entities": list(s.key_entities)} for s in STORYLINES],
        "articles": entries,
    }


def generate(out: Path = DEMO_DIR) -> dict[str, Any]:
    """Write the whole corpus under ``out`` and return the manifest."""
    articles = load_articles()
    for folder in GENERATED_DIRS:
        shutil.rmtree(out / folder, ignore_errors=True)
    write_pages(out, articles)
    discovery.write_all(out, articles)
    build_pdf.build(out / "briefs" / build_pdf.PDF_NAME)
    manifest = build_manifest(articles)
    write(out / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return manifest


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else DEMO_DIR
    manifest = generate(out)
    print(f"wrote {len(manifest['articles'])} documents under {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

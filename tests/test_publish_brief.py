"""Briefings of a story, a search and ids: every citation number resolves to a source, copies are
folded under their original, the PDF opens with pypdf and holds the title and every source, the
Word file opens with python-docx, and hostile article fields never become markup in the HTML."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_web_corpus import Corpus, make_corpus

from newsdesk.publish.brief import Briefing, build_briefing, render_briefing
from newsdesk.publish.brief_text import md_escape
from newsdesk.publish.selection import Selection

pytestmark = pytest.mark.backend


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    built = make_corpus(Path(tmp_path_factory.mktemp("brief")), hostile=True)
    yield built
    built.store.close()


@pytest.fixture(scope="module")
def story_briefing(corpus: Corpus) -> Briefing:
    story_id = corpus.store.get_article(corpus.ids["bridge-closure"]).story_id
    assert story_id is not None
    return build_briefing(corpus.store, corpus.settings, Selection.of_story(story_id))


def _cited_numbers(b: Briefing) -> list[int]:
    numbers = [s.number for s in b.summary if s.number is not None]
    numbers += [r.number for r in b.timeline]
    numbers += [n for f in b.framing for n in f.numbers]
    return numbers


def test_every_citation_number_resolves_to_a_source(story_briefing: Briefing) -> None:
    b = story_briefing
    assert [s.number for s in b.sources] == list(range(1, len(b.sources) + 1))
    assert b.summary and all(s.number is not None for s in b.summary)
    assert set(_cited_numbers(b)) <= {s.number for s in b.sources}
    assert {r.number for r in b.timeline} == {s.number for s in b.sources}  # each source on the timeline
    assert len(b.framing) == 3 and b.entities


def test_copies_are_folded_under_their_original(corpus: Corpus, story_briefing: Briefing) -> None:
    bridge = next(s for s in story_briefing.sources if s.article_id == corpus.ids["bridge-closure"])
    assert sorted(c["outlet"] for c in bridge.also_run_by) == ["Civic Wire", "Harbour Times"]
    article_ids = {s.article_id for s in story_briefing.sources}
    assert corpus.ids["bridge-closure-wire"] not in article_ids
    md = render_briefing(story_briefing, "md").decode()
    assert "also run by Civic Wire (2026-03-02), Harbour Times (2026-03-02)" in md


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs
        for name, value in attrs:
            if name == "href" and value is not None:
                self.hrefs.append(value)
            if name == "id" and value:
                self.ids.add(value)


def test_html_is_standalone_and_its_citation_links_land(story_briefing: Briefing) -> None:
    page = render_briefing(story_briefing, "html").decode()
    parsed = _Links()
    parsed.feed(page)
    assert "script" not in parsed.tags and "link" not in parsed.tags and "img" not in parsed.tags
    assert "@page" in page and "<style>" in page  # inlined print styles
    anchors = [h[1:] for h in parsed.hrefs if h.startswith("#")]
    assert anchors and set(anchors) <= parsed.ids
    assert all(h.startswith(("#", "https://")) for h in parsed.hrefs)


def test_pdf_opens_and_holds_the_title_and_every_source(story_briefing: Briefing) -> None:
    from pypdf import PdfReader

    for paper in ("a4", "letter"):
        reader = PdfReader(io.BytesIO(render_briefing(story_briefing, "pdf", paper=paper)))
        text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
        assert " ".join(story_briefing.title.split()) in text
        for source in story_briefing.sources:
            assert source.title in text
            assert source.url in text.replace(" ", "")  # a long URL may wrap
            assert f"[{source.number}]" in text
        width = float(reader.pages[0].mediabox.width)
        assert round(width) == (595 if paper == "a4" else 612)


def test_docx_opens_with_python_docx(story_briefing: Briefing) -> None:
    from docx import Document

    document = Document(io.BytesIO(render_briefing(story_briefing, "docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert story_briefing.title in text
    assert all(s.title in text for s in story_briefing.sources)
    assert document.part.rels and any("hyperlink" in r.reltype for r in document.part.rels.values())


def test_hostile_fields_never_become_markup(corpus: Corpus) -> None:
    b = build_briefing(corpus.store, corpus.settings, Selection.of_articles([corpus.ids["article"], corpus.ids["twin"]]))
    assert len(b.sources) == 1 and b.sources[0].also_run_by  # the twin is a copy
    page = render_briefing(b, "html").decode()
    parsed = _Links()
    parsed.feed(page)
    assert set(parsed.tags) <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "ul", "ol", "li",
                                "b", "a", "br", "span"}
    assert not [name for name, _ in parsed.attrs if name.startswith("on")]
    assert all(h.startswith(("#", "https://")) for h in parsed.hrefs)
    assert "javascript:" not in " ".join(parsed.hrefs)
    assert "&lt;script&gt;" in page
    md = render_briefing(b, "md").decode()
    assert "<script" not in md and "<img" not in md
    from pypdf import PdfReader

    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_briefing(b, "pdf"))).pages)
    assert "<script>" in " ".join(pdf_text.split()).replace(" ", "")  # shown as text, as written
    render_briefing(b, "docx")  # control characters and markup do not break the document


def test_search_briefing_cites_its_hits(corpus: Corpus) -> None:
    b = build_briefing(corpus.store, corpus.settings, Selection.of_search("water bill"))
    titles = {s.title for s in b.sources}
    assert "Westmoor Water seeks nine per cent bill rise" in titles
    assert set(_cited_numbers(b)) <= {s.number for s in b.sources}
    assert b.title == "Search: water bill"


def test_markdown_escaping_keeps_text_plain() -> None:
    assert md_escape("# not a heading") == r"\# not a heading"
    assert md_escape("[x](javascript:alert(1)) <b>") == r"\[x\](javascript:alert(1)) &lt;b&gt;"
    assert md_escape("1. not a list") == r"1\. not a list"
    assert not re.search(r"(?<!\\)[*_`]", md_escape("*bold* _it_ `code`"))

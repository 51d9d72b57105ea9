"""Citation export read back by maintained parsers (bibtexparser, rispy, citeproc-py), never by
newsdesk's own code: one entry per original, copies folded, names split, entry types from what the
store knows, and hostile fields that stay text (no LaTeX breakage, no markup)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import bibtexparser
import pytest
import rispy
from bibtexparser import middlewares
from test_web_corpus import Corpus, make_corpus

from newsdesk.models import ExtractedArticle
from newsdesk.publish.cite import bibtex, citation_records, csl_json, latex_escape, ris
from newsdesk.publish.names import Name, split_byline
from newsdesk.publish.reference import format_references
from newsdesk.publish.selection import Selection, resolve
from newsdesk.store import Store

pytestmark = pytest.mark.backend


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    built = make_corpus(Path(tmp_path_factory.mktemp("cite")), hostile=True)
    yield built
    built.store.close()


def _records(store: Store, selection: Selection) -> list:
    return citation_records(store, resolve(store, selection))


def _parse_bibtex(text: str) -> bibtexparser.Library:
    library = bibtexparser.parse_string(text, append_middleware=[
        middlewares.LatexDecodingMiddleware(), middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()])
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return library


def test_a_story_cites_each_original_once_with_its_copies_folded(corpus: Corpus) -> None:
    store, ids = corpus.store, corpus.ids
    story_id = store.get_article(ids["bridge-closure"]).story_id
    assert story_id is not None
    records = _records(store, Selection.of_story(story_id))
    originals = [a for a in store.get_story_articles(story_id) if a.duplicate_of is None]
    assert sorted(r.article_id for r in records) == sorted(a.id for a in originals)
    folded = next(r for r in records if r.article_id == ids["bridge-closure"])
    assert folded.also_run_by and all(o in folded.note for o in ("Civic Wire", "Harbour Times"))
    library = _parse_bibtex(bibtex(records))
    assert len(library.entries) == len(originals)
    assert len({e.key for e in library.entries}) == len(originals)


def test_bibtex_reads_back_with_split_names_dates_and_urldate(corpus: Corpus) -> None:
    article = corpus.store.get_article(corpus.ids["bridge-closure"])
    library = _parse_bibtex(bibtex(_records(corpus.store, Selection.of_articles([article.id]))))
    entry = library.entries[0]
    fields = {f.key: f.value for f in entry.fields}
    assert entry.entry_type == "article" and fields["entrysubtype"] == "newspaper"
    assert fields["journaltitle"] == "Northern Ledger" and fields["title"] == article.title
    (author,) = fields["author"]
    assert (author.first, author.last) == (["Anna"], ["Vries"])
    assert fields["date"] == article.published.date().isoformat()  # type: ignore[union-attr]
    assert fields["urldate"] == article.first_seen.date().isoformat()  # type: ignore[union-attr]
    assert fields["url"] == article.public_url and fields["langid"] == "english"


def test_ris_reads_back_with_rispy(corpus: Corpus) -> None:
    store, ids = corpus.store, corpus.ids
    chosen = [ids["bridge-closure"], ids["water-rise"], ids["bridge-closure-wire"]]  # a copy: cited as its original
    entries = rispy.loads(ris(_records(store, Selection.of_articles(chosen))))
    assert len(entries) == 2
    by_title = {e["title"]: e for e in entries}
    water = by_title["Westmoor Water seeks nine per cent bill rise"]
    assert water["type_of_reference"] == "NEWS" and water["authors"] == ["Castillo, Ben"]
    assert water["secondary_title"] == "Harbour Times" and water["urls"] == ["https://harbourtimes.example/news/water-rise"]
    assert water["date"] == "2026/03/03" and water["language"] == "en" and water["access_date"]
    bridge = by_title["Harbour bridge to close for six weeks of cable repairs"]
    assert "Also run by" in bridge["notes"][0]


def test_csl_json_renders_in_standard_styles(corpus: Corpus) -> None:
    records = _records(corpus.store, Selection.of_articles([corpus.ids["water-rise"]]))
    items = json.loads(csl_json(records))
    assert items[0]["type"] == "article-newspaper"
    assert items[0]["author"] == [{"family": "Castillo", "given": "Ben"}]
    apa = format_references(records, "apa")[0]
    assert apa.text.startswith("Castillo, B. (2026, March 3). Westmoor Water seeks nine per cent bill rise.")
    assert "Harbour Times" in apa.text and "https://harbourtimes.example/news/water-rise" in apa.text
    chicago = format_references(records, "chicago-author-date")[0]
    assert chicago.text.startswith("Castillo, B. 2026.") and "<i>Harbour Times</i>" in chicago.html


_LATEX_ESCAPES = re.compile(r"\\text(?:backslash|asciicircum|asciitilde)\{\}|\\[{}$&%#_]")


def test_hostile_fields_never_break_latex_or_become_markup(corpus: Corpus) -> None:
    store = corpus.store
    records = _records(store, Selection.of_articles([corpus.ids["article"]]))
    text = bibtex(records)
    for line in text.splitlines()[1:-1]:
        name, _, value = line.strip().partition(" = ")
        inner = _LATEX_ESCAPES.sub("", value.rstrip(","))
        assert inner.count("{") == inner.count("}"), line  # braces are structure only: balanced
        if name != "url":
            assert not re.search(r"[\\$&%#_^~]", inner), line  # every TeX special escaped
    library = _parse_bibtex(text)
    fields = {f.key: f.value for f in library.entries[0].fields}
    original = store.get_article(corpus.ids["article"])
    assert fields["title"] == " ".join(original.title.split())  # decoded back: nothing lost, nothing added
    for reference in format_references(records, "apa"):
        assert "<script" not in reference.html and "<img" not in reference.html and "&lt;script&gt;" in reference.html
    ris_entry = rispy.loads(ris(records))[0]
    assert ris_entry["title"] == " ".join(original.title.split())


def test_latex_escape_covers_every_special_character() -> None:
    raw = r"50% of #1 & $2 _under_ ^caret~ {brace} back\slash <tag>"
    escaped = latex_escape(raw)
    assert not re.search(r"[#$%&_^~{}\\]", _LATEX_ESCAPES.sub("", escaped))
    library = _parse_bibtex(f"@online{{k,\n  title = {{{escaped}}}\n}}\n")
    # pylatexenc reads \textasciicircum{} as U+02C6 (what TeX prints), the rest as written
    assert library.entries[0].fields_dict["title"].value == raw.replace("^", "\u02c6")


def _save(store: Store, url: str, **fields: object) -> int:
    extracted = ExtractedArticle(url=url, canonical_url=url, language="en", **fields)  # type: ignore[arg-type]
    digest = hashlib.sha256((url + str(fields)).encode()).hexdigest()
    with store.transaction() as conn:
        return store.save_article(conn, extracted, canonical_url=url, content_hash=digest).id


def test_entry_types_follow_what_the_store_knows(store: Store) -> None:
    when = datetime(2026, 10, 2, 9, tzinfo=UTC)
    pdf = _save(store, "https://institute.example/brief.pdf", title="Sharing the river", author="Priya Nandakumar",
                outlet="Riverside Institute", published=when, kind="pdf", text="A brief.")
    page = _save(store, "https://institute.example/briefs/five", title="Five questions", author="Priya Nandakumar",
                 outlet="Riverside Institute", published=when, text="An issue brief.")
    news = _save(store, "https://paper.example/a", title="Dam talks stall", author="Leo Brand", outlet="The Paper",
                 published=when, text="News.")
    undated = _save(store, "https://paper.example/about", title="About us", outlet="The Paper", text="About.")
    records = {r.article_id: r for r in _records(store, Selection.of_articles([pdf, page, news, undated]))}
    assert [records[i].kind for i in (pdf, page, news, undated)] == ["report", "report", "news", "webpage"]
    library = _parse_bibtex(bibtex(list(records.values())))
    types = {e.fields_dict["title"].value: e.entry_type for e in library.entries}
    assert types == {"Sharing the river": "report", "Five questions": "report", "Dam talks stall": "article",
                     "About us": "online"}
    report = next(e for e in library.entries if e.entry_type == "report")
    assert report.fields_dict["institution"].value == "Riverside Institute"
    csl = {i["title"]: i for i in json.loads(csl_json(list(records.values())))}
    assert csl["Sharing the river"]["type"] == "report" and csl["Sharing the river"]["publisher"] == "Riverside Institute"
    assert csl["About us"]["type"] == "webpage"
    ris_types = {e["title"]: e["type_of_reference"] for e in rispy.loads(ris(list(records.values())))}
    assert ris_types == {"Sharing the river": "RPRT", "Five questions": "RPRT", "Dam talks stall": "NEWS",
                         "About us": "ELEC"}


@pytest.mark.parametrize(("byline", "names"), [
    ("Jonas Hale", [Name("Hale", "Jonas")]),
    ("Hale, Jonas", [Name("Hale", "Jonas")]),
    ("Mara van der Berg and Jonas Hale", [Name("van der Berg", "Mara"), Name("Hale", "Jonas")]),
    ("Ana Ruiz, Li Wei & Tom Bell", [Name("Ruiz", "Ana"), Name("Wei", "Li"), Name("Bell", "Tom")]),
    ("By Martin Luther King Jr.", [Name("King", "Martin Luther, Jr.")]),
    ("Meridian Wire staff", [Name(literal="Meridian Wire staff")]),
    ("Madonna", [Name("Madonna")]),
    ("", []),
])
def test_bylines_split_into_family_and_given(byline: str, names: list[Name]) -> None:
    assert split_byline(byline) == names


def test_unknown_ids_and_styles_are_refused(corpus: Corpus) -> None:
    from newsdesk.errors import InvalidArgumentError, NotFoundError

    with pytest.raises(NotFoundError):
        resolve(corpus.store, Selection.of_articles([corpus.ids["water-rise"], 2_000_000]))
    records = _records(corpus.store, Selection.of_articles([corpus.ids["water-rise"]]))
    for style in ("no-such-style", "../../etc/passwd"):
        with pytest.raises(InvalidArgumentError):
            format_references(records, style)

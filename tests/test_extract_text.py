"""Plain text, pre-extracted records, language detection and sniffing in extract_document."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import shared_path

from newsdesk.errors import NotAnArticleError
from newsdesk.extract import RECORD_TYPE, extract_document
from newsdesk.extract.language import detect_language
from newsdesk.extract.sniff import sniff_kind
from newsdesk.models import Document

TESTDATA = Path(__file__).parent / "testdata" / "extract"


def _text_doc(content: bytes, url: str = "file:///notes/brief.txt", **hints: object) -> Document:
    return Document(url=url, content=content, content_type="text/plain", hints=dict(hints))


def test_plain_text_page_gives_title_author_and_body() -> None:
    article = extract_document(_text_doc((TESTDATA / "council-brief.txt").read_bytes()))
    assert article.kind == "text"
    assert article.title == "New Cycle Lanes Approved for the River District"
    assert article.author == "Tomas Brandt"
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("The city council approved")
    assert paragraphs[2].startswith("Previous statements by the council")
    for fragment in ("No time to read", "Get a summary", "Share this article", "Related articles",
                     "Bus route 12", "Previous Article", "Harbour lighthouse shines", "School holidays"):
        assert fragment not in article.text
    assert article.language == "en"


@pytest.mark.parametrize("name", ["think-tank-brief-page.txt", "aggregator-article-page.txt"])
def test_shared_samples_come_out_as_title_author_and_body(name: str) -> None:
    raw = shared_path("samples", name).read_bytes()
    lines = [" ".join(line.split()) for line in raw.decode("utf-8").splitlines() if line.strip()]
    article = extract_document(_text_doc(raw, url=f"file:///samples/{name}"))
    assert article.title == lines[0]
    paragraphs = article.text.split("\n\n")
    assert all(len(p.split()) > 30 for p in paragraphs)  # body paragraphs only, no list or widget lines
    assert set(paragraphs) <= set(lines)
    if name.startswith("think-tank"):
        assert article.author == lines[1]
        assert paragraphs == [lines[2]]
    else:
        assert article.author == ""
        assert len(paragraphs) == len([line for line in lines if len(line.split()) > 30])


def test_hard_wrapped_text_is_unwrapped() -> None:
    raw = (b"Harbour Notes\n\n"
           b"The ferry company said on Monday that the evening crossing will run\n"
           b"again from May, after a winter in which only two boats a day left\n"
           b"the harbour for the islands.\n\n"
           b"Island residents had collected signatures for months to bring the\n"
           b"late boat back, and welcomed the decision.\n")
    article = extract_document(_text_doc(raw))
    assert article.title == "Harbour Notes"
    assert article.text.split("\n\n")[0].endswith("only two boats a day left the harbour for the islands.")


def test_text_hints_fill_gaps() -> None:
    article = extract_document(_text_doc(b"Just one paragraph of invented text about a quiet village fete.",
                                         title="Village Fete", outlet="Parish News",
                                         published="2026-05-01T10:00:00+02:00"))
    assert article.title == "Village Fete"
    assert article.outlet == "Parish News"
    assert article.published == datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def test_record_uses_hints_with_cleanup_and_language() -> None:
    hints = {
        "title": "Bürgerhaus wird saniert",
        "text": "Bürgerhaus wird saniert\n\nDer Gemeinderat hat am Dienstag beschlossen, das alte Bürgerhaus "
                "im kommenden Jahr zu sanieren.\nAdvertisement\nDie Arbeiten sollen im Frühjahr beginnen und "
                "etwa zwei Jahre dauern.\nShare this article",
        "published": "2026-02-10T09:15:00Z",
        "outlet": "Tal-Anzeiger",
        "author": "Jonas Weber",
    }
    doc = Document(url="https://tal-anzeiger.example/b/1", content=b"", content_type=RECORD_TYPE, hints=hints)
    article = extract_document(doc)
    assert article.kind == "record"
    assert (article.title, article.author, article.outlet) == ("Bürgerhaus wird saniert", "Jonas Weber",
                                                               "Tal-Anzeiger")
    assert article.published == datetime(2026, 2, 10, 9, 15, tzinfo=UTC)
    assert article.language == "de"
    assert "Advertisement" not in article.text and "Share" not in article.text
    assert article.text.startswith("Der Gemeinderat")
    assert article.canonical_url == "https://tal-anzeiger.example/b/1"


def test_record_without_text_is_not_an_article() -> None:
    with pytest.raises(NotAnArticleError):
        extract_document(Document(url="x:1", content=b"", content_type=RECORD_TYPE, hints={"title": "T"}))


@pytest.mark.parametrize(("text", "code"), [
    ("The committee will publish its final report on the harbour redevelopment next month.", "en"),
    ("Le conseil municipal a voté mardi soir le budget de la nouvelle médiathèque du quartier.", "fr"),
    ("Der Stadtrat hat am Dienstagabend den Haushalt für die neue Bibliothek beschlossen.", "de"),
    ("El ayuntamiento aprobó el martes el presupuesto para la nueva biblioteca del barrio.", "es"),
    ("ok", ""),
    ("", ""),
    ("12345 67890 !!!", ""),
])
def test_detect_language(text: str, code: str) -> None:
    assert detect_language(text) == code


@pytest.mark.parametrize(("content", "content_type", "kind"), [
    (b"<!DOCTYPE html><html><body><p>x</p></body></html>", "", "html"),
    (b"<html><body>x</body></html>", "application/octet-stream", "html"),
    (b"plain words", "", "text"),
    (b"%PDF-1.4 ...", "application/octet-stream", "pdf"),
    (b"GIF89a....", "text/html", "binary"),
    (b"some bytes", "image/png", "binary"),
    (b"<rss></rss>", "application/xml", "html"),
])
def test_sniff_kind(content: bytes, content_type: str, kind: str) -> None:
    assert sniff_kind(Document(url="u", content=content, content_type=content_type)) == kind


def test_markdown_heading_becomes_the_title() -> None:
    raw = (b"# Library Opens Late\n\nThe town library will open until ten in the evening from next month, "
           b"the council said.\n\nMore staff have been hired.")
    article = extract_document(_text_doc(raw, url="file:///notes/library.md"))
    assert article.title == "Library Opens Late"
    assert article.text.startswith("The town library")

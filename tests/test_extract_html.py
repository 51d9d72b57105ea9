"""HTML pages → ExtractedArticle: main text, metadata, hints, charsets and non-articles."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.errors import NotAnArticleError
from newsdesk.extract import extract_document, main_text
from newsdesk.extract.encoding import decode_bytes
from newsdesk.extract.metadata import make_excerpt, outlet_from_domain, parse_datetime
from newsdesk.models import Document

TESTDATA = Path(__file__).parent / "testdata" / "extract"
URL = "https://gazette.example/news/2026/03/lighthouse-relit?utm_source=feed"

PARAGRAPHS = [
    "The café on the corner of the market square reopened on Friday after a winter of repairs, and the "
    "owner said the new façade had cost more than the whole kitchen.",
    "Regulars queued from early morning for the crème brûlée that made the place famous, while a naïve "
    "tourist asked whether the queue was for the museum next door.",
    "The town council paid a small grant of 2 000 € towards the work, because the building is listed "
    "as part of the old quarter and its façade had to be restored in the original style.",
]


def _page(head: str = "", paragraphs: list[str] = PARAGRAPHS) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head>{head}<title>Café reopens</title></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>Café reopens</h1>{body}"
            f"</article><footer>© Invented Daily</footer></body></html>")


def _doc(content: bytes, content_type: str = "text/html", url: str = URL, **hints: object) -> Document:
    return Document(url=url, content=content, content_type=content_type, hints=dict(hints))


def _lighthouse() -> bytes:
    return (TESTDATA / "lighthouse.html").read_bytes()


def test_article_fields_from_a_full_page() -> None:
    article = extract_document(_doc(_lighthouse()))
    assert article.kind == "html" and article.status == "ok"
    assert article.title == "Volunteers Relight the Old Harbour Lighthouse"
    assert article.author == "Maren Holt"
    assert article.published == datetime(2026, 3, 14, 17, 30, tzinfo=UTC)
    assert article.outlet == "The Harbour Gazette"
    assert article.language == "en"
    assert article.url == URL
    assert article.canonical_url == "https://gazette.example/news/2026/03/lighthouse-relit"


def test_main_text_is_the_body_only_in_paragraphs() -> None:
    text = extract_document(_doc(_lighthouse())).text
    paragraphs = text.split("\n\n")
    assert paragraphs[0].startswith("For the first time in more than forty years")
    assert paragraphs[-1].startswith("Previous attempts to save the tower")
    assert len(paragraphs) == 6
    for fragment in ("Advertisement", "Related articles", "Ferry timetable", "What a wonderful evening",
                     "We use cookies", "All rights reserved", "Tweet", "Volunteers Relight"):
        assert fragment not in text


def test_excerpt_ends_at_a_sentence_boundary() -> None:
    article = extract_document(_doc(_lighthouse()))
    assert article.text.startswith(article.excerpt)
    assert article.excerpt.endswith(".") and 100 <= len(article.excerpt) <= 400


def test_hints_fill_what_the_page_does_not_say_and_never_override_it() -> None:
    bare = _page().encode()
    article = extract_document(_doc(bare, title="Feed title", author="Ada Feed", outlet="Feed Outlet",
                                    published="Tue, 03 Mar 2026 08:00:00 +0100"))
    assert article.author == "Ada Feed"
    assert article.outlet == "Feed Outlet"
    assert article.published == datetime(2026, 3, 3, 7, 0, tzinfo=UTC)
    assert article.title == "Café reopens"  # the page's own <title> wins
    full = extract_document(_doc(_lighthouse(), author="Someone Else", outlet="Feed Outlet",
                                 published="2020-01-01T00:00:00Z"))
    assert (full.author, full.outlet) == ("Maren Holt", "The Harbour Gazette")
    assert full.published is not None and full.published.year == 2026


def test_outlet_falls_back_to_a_readable_domain_name() -> None:
    article = extract_document(_doc(_page().encode(), url="https://www.daily-planet.co.uk/a/1"))
    assert article.outlet == "Daily Planet"
    assert outlet_from_domain("https://news.example.com/x") == "Example"
    assert outlet_from_domain("http://riverside-herald.org/") == "Riverside Herald"


def test_title_loses_the_outlet_suffix() -> None:
    head = '<meta property="og:site_name" content="Invented Daily">'
    page = _page(head).replace("<title>Café reopens</title>", "<title>Café reopens | Invented Daily</title>")
    assert extract_document(_doc(page.encode())).title == "Café reopens"


def test_canonical_from_og_url_and_fallback_to_url() -> None:
    head = '<meta property="og:url" content="https://gazette.example/cafe">'
    assert extract_document(_doc(_page(head).encode())).canonical_url == "https://gazette.example/cafe"
    assert extract_document(_doc(_page().encode())).canonical_url == URL


@pytest.mark.parametrize(("encoding", "content_type", "meta"), [
    ("cp1252", "text/html; charset=utf-8", '<meta charset="utf-8">'),        # latin bytes declared UTF-8
    ("cp1252", "text/html", ""),                                             # latin bytes, no declaration
    ("iso-8859-1", "text/html; charset=UTF-8", ""),
    ("utf-8", "text/html; charset=iso-8859-1", '<meta charset="iso-8859-1">'),  # UTF-8 declared latin
    ("utf-8", "text/html; charset=windows-1252", ""),
    ("utf-8", "text/html", ""),
    ("cp1252", "text/html", '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'),
])
def test_wrong_or_missing_charset_still_gives_correct_text(encoding: str, content_type: str, meta: str) -> None:
    paragraphs = PARAGRAPHS if encoding != "iso-8859-1" else [p.replace("€", "EUR") for p in PARAGRAPHS]
    raw = _page(meta, paragraphs).encode(encoding)
    text = extract_document(_doc(raw, content_type)).text
    for word in ("café", "façade", "crème brûlée", "naïve"):
        assert word in text
    if encoding != "iso-8859-1":
        assert "2 000 €" in text


def test_header_charset_is_used_for_other_scripts() -> None:
    text = "Городской совет утвердил новый бюджет на следующий год после долгого обсуждения."
    raw = f"<html><head><title>Совет</title></head><body><p>{text}</p></body></html>".encode("cp1251")
    assert decode_bytes(raw, "text/html; charset=windows-1251").count("Городской совет") == 1
    assert "Городской совет" in decode_bytes(raw, "text/html")  # detection without any declaration


def test_bom_wins_over_a_wrong_header() -> None:
    raw = "\ufeff<p>naïve café</p>".encode("utf-8")
    assert decode_bytes(raw, "text/html; charset=iso-8859-1") == "<p>naïve café</p>"
    assert decode_bytes("<p>naïve</p>".encode("utf-16"), "") == "<p>naïve</p>"


@pytest.mark.parametrize("content", [
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)),
    b"PK\x03\x04" + b"\x14\x00" * 20,
    b"<html>\x00\x01\x02\x00binary\x00" * 10,
])
def test_binary_served_as_html_is_not_an_article(content: bytes) -> None:
    with pytest.raises(NotAnArticleError, match="binary"):
        extract_document(_doc(content, "text/html; charset=utf-8"))


@pytest.mark.parametrize("content", [b"", b"   \n\t ", b"<html><head></head><body></body></html>",
                                     b"<html><body><nav><a href='/'>Home</a></nav></body></html>"])
def test_empty_pages_are_not_articles(content: bytes) -> None:
    with pytest.raises(NotAnArticleError) as info:
        extract_document(_doc(content))
    assert info.value.source == URL


def test_html_sent_as_text_plain_is_read_as_html() -> None:
    article = extract_document(_doc(_lighthouse(), "text/plain"))
    assert article.kind == "html" and article.author == "Maren Holt"


def test_main_text_accepts_str_and_bytes() -> None:
    text = main_text(_lighthouse().decode("utf-8"))
    assert text.startswith("For the first time") and "Related articles" not in text
    assert main_text(_lighthouse(), url=URL) == text
    with pytest.raises(NotAnArticleError):
        main_text("<html><body></body></html>")


def test_parse_datetime_gives_aware_utc() -> None:
    assert parse_datetime("2026-03-14T18:30:00+01:00") == datetime(2026, 3, 14, 17, 30, tzinfo=UTC)
    assert parse_datetime("2026-03-14") == datetime(2026, 3, 14, tzinfo=UTC)
    assert parse_datetime("Sat, 14 Mar 2026 18:30:00 GMT") == datetime(2026, 3, 14, 18, 30, tzinfo=UTC)
    assert parse_datetime("not a date at all") is None
    assert parse_datetime(None) is None


def test_excerpt_rules() -> None:
    sentence = "This invented sentence is about forty-five characters. "
    text = sentence * 10
    excerpt = make_excerpt(text)
    assert excerpt.endswith(".") and len(excerpt) <= 300
    assert make_excerpt("Short text.") == "Short text."
    assert make_excerpt("", "A meta description.") == "A meta description."
    assert make_excerpt("word " * 200).endswith("…")


TOPICS = ["moorings", "ferry lanes", "fish market", "old crane", "breakwater", "pilot boats", "lighthouse",
          "harbour office", "storm gates", "quay lights", "slipway", "boat sheds", "fuel dock", "customs house"]


def _point(i: int) -> str:
    topic = TOPICS[i]
    return (f"Point {i + 1} of the plan concerns the {topic}. The harbour council said the work on the {topic} "
            f"would start after the winter storms, once the engineers had checked the foundations and the budget "
            f"for the {topic} had been approved by the regional board, which meets again in the spring to decide "
            f"how the remaining money should be shared between the town and the port authority.")


def _section(start: int, count: int) -> str:
    paragraphs = "".join(f"<p>{_point(start + k)}</p>" for k in range(count))
    return ('<div class="grid grid-items-2"><div class="grid--item body article__body">' + paragraphs + "</div>"
            '<div class="grid--item aside"><div class="ad ad--rail"><div class="ad__slot"></div></div></div></div>'
            '<div class="row full-bleed-ad"><div class="ad"><span class="ad-label">Advertisement</span></div></div>')


def test_an_article_split_into_sections_is_kept_whole() -> None:
    # trafilatura alone stops after the first section of this layout; the paragraph-share check
    # sends the page to readability-lxml, which keeps all three
    html = ("<html><head><title>Quay rules</title></head><body><header><nav><a href='/'>Home</a></nav></header>"
            "<main><article><h1>Quay rules</h1><div class='article__chunks'>" + _section(0, 4) + _section(4, 5)
            + _section(9, 5) + "</div></article></main><footer><p>About the Harbour Times.</p></footer></body></html>")
    text = extract_document(_doc(html.encode())).text
    paragraphs = text.split("\n\n")
    assert [p.split(" of the plan")[0] for p in paragraphs] == [f"Point {i + 1}" for i in range(14)]
    assert "Advertisement" not in text and "About the Harbour Times" not in text


def test_outlet_prefix_and_suffix_leave_the_title() -> None:
    from newsdesk.extract.metadata import strip_outlet_suffix

    assert strip_outlet_suffix("Harbour Times | Ferry fares rise", "Harbour Times") == "Ferry fares rise"
    assert strip_outlet_suffix("Ferry fares rise - Harbour Times", "Harbour Times") == "Ferry fares rise"
    assert strip_outlet_suffix("Harbour Times", "Harbour Times") == "Harbour Times"
    assert strip_outlet_suffix("Times are changing | Harbour", "Harbour Times") == "Times are changing | Harbour"

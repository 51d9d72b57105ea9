"""Whole boilerplate blocks leave the text: sign-up boxes (by the page's e-mail field or by what a
box says), "how to cite" blocks, author boxes, bylines (which become the author) and wire credits.
The demo corpus is checked page by page against its gold texts; the other pages are invented here
in wordings the rules were not written from."""

from __future__ import annotations

from typing import Any

import pytest

from newsdesk.demo import DEMO_DIR, load_manifest, local_file_for_url
from newsdesk.extract import extract_document, main_text
from newsdesk.extract.cleanup import clean_article, clean_text
from newsdesk.models import Document

HTML_ENTRIES = [a for a in load_manifest() if a["format"] == "html"]
HARBOR = [a for a in HTML_ENTRIES if a["outlet"] == "harbor-institute.example"]

BODY = [
    "The ferry operator said on Tuesday that it would add two crossings a day from March, after a winter in "
    "which queues at the northern terminal regularly stretched past the old customs house.",
    "Passenger numbers rose by a fifth last year, according to the operator's annual report, which also "
    "showed that most of the growth came from commuters rather than from tourists in the summer months.",
    "The harbour board must still approve the new timetable, but its chair said she expected no objections "
    "because the extra sailings would use berths that stand empty for most of the afternoon.",
]


def _page(body_html: str, head: str = "") -> bytes:
    return (f"<!DOCTYPE html><html><head><title>Ferry adds crossings</title>{head}</head><body>"
            f"<nav><a href='/'>Home</a></nav><article><h1>Ferry adds crossings</h1>{body_html}</article>"
            f"<footer><p>© Invented Harbour News</p></footer></body></html>").encode()


def _article(content: bytes) -> Any:
    return extract_document(Document(url="https://harbour-news.example/ferry", content=content,
                                     content_type="text/html"))


def _gold(entry: dict[str, Any]) -> list[str]:
    return (DEMO_DIR / entry["gold_text"]).read_text(encoding="utf-8").strip().split("\n\n")[1:]


def _demo(entry: dict[str, Any]) -> Any:
    path = local_file_for_url(entry["url"])
    return extract_document(Document(url=entry["url"], content=path.read_bytes(), content_type="text/html"))


@pytest.mark.parametrize("entry", HARBOR, ids=[a["id"] for a in HARBOR])
def test_harbor_briefs_end_with_their_last_paragraph_not_the_newsletter_box(entry: dict[str, Any]) -> None:
    page = local_file_for_url(entry["url"]).read_text(encoding="utf-8")
    assert "unsubscribe" in page and "How to cite" in page  # the boxes really are on the page
    article = _demo(entry)
    paragraphs = article.text.split("\n\n")
    assert paragraphs[-1] == _gold(entry)[-1]
    lowered = article.text.lower()
    assert "inbox" not in lowered and "unsubscribe" not in lowered and "how to cite" not in lowered
    assert article.author == entry["author"]


@pytest.mark.parametrize("entry", HTML_ENTRIES, ids=[a["id"] for a in HTML_ENTRIES])
def test_no_demo_article_keeps_a_signup_box(entry: dict[str, Any]) -> None:
    text = _demo(entry).text
    gold = _gold(entry)
    assert text.split("\n\n")[-1] == gold[-1], entry["id"]
    for paragraph in text.split("\n\n"):
        assert paragraph in gold or len(paragraph.split()) > 12, (entry["id"], paragraph)


def test_a_signup_box_is_found_by_its_email_field_whatever_it_says() -> None:
    body = "".join(f"<p>{p}</p>" for p in BODY)
    box = ("<div class='promo'><h3>Stay in the loop</h3><p>Fresh analysis from our harbour desk, twice a month.</p>"
           "<form><input type='text' name='subscriber_email'><button>Count me in</button></form></div>")
    article = _article(_page(body + box))
    assert article.text.split("\n\n") == BODY


def test_a_page_wrapped_whole_in_a_form_keeps_its_body() -> None:
    body = "".join(f"<p>{p}</p>" for p in BODY)
    html = _page(f"<form id='aspnetForm'>{body}<p>Your e-mail</p><input type='email'></form>")
    assert _article(html).text.split("\n\n")[:3] == BODY


@pytest.mark.parametrize("box", [
    ["Morning Brief", "The five stories you need, in your inbox before breakfast.", "Sign up"],
    ["Thanks for signing up!", "Check your inbox to confirm your subscription."],
    ["Join 40,000 readers: subscribe to the Ledger Letter. No spam, ever."],
])
def test_signup_boxes_in_plain_text_are_found_by_their_cues(box: list[str]) -> None:
    text = "\n\n".join([BODY[0], *box, BODY[1]])
    assert clean_text(text).split("\n\n") == [BODY[0], BODY[1]]


@pytest.mark.parametrize("sentence", [
    "The newsletter, which the council sends to every household, will now also arrive in residents' inboxes "
    "as a file, the council said on Monday after a vote that followed months of complaints about lost post.",
    "Subscribers complained about spam.",
    "She signed up for the ferry company's loyalty scheme in 2019.",
])
def test_sentences_about_newsletters_stay(sentence: str) -> None:
    text = "\n\n".join([BODY[0], sentence, BODY[1]])
    assert clean_text(text) == text


def test_how_to_cite_and_author_boxes_go() -> None:
    text = "\n\n".join([
        *BODY,
        "About the author",
        "Mara Velk is a senior fellow in maritime policy. She previously worked at the port authority.",
        "Cite this article",
        "Velk, M. (2026). Ferry adds crossings. Invented Harbour News, 3 March.",
        "Suggested citation: Velk, Mara. Ferry adds crossings. 2026.",
    ])
    assert clean_text(text).split("\n\n") == BODY


def test_a_byline_becomes_the_author_and_leaves_the_text() -> None:
    body = "<p>By Mara Velk and Ode Lint</p>" + "".join(f"<p>{p}</p>" for p in BODY)
    article = _article(_page(body))
    assert article.author == "Mara Velk and Ode Lint"
    assert article.text.split("\n\n") == BODY
    cleaned = clean_article("\n\n".join(["By Ode Lint, Staff Writer", *BODY]))
    assert cleaned.byline == "Ode Lint" and cleaned.text.split("\n\n") == BODY


def test_the_metadata_author_wins_and_their_closing_note_goes() -> None:
    head = '<meta name="author" content="Mara Velk">'
    note = "Mara Velk is the harbour correspondent of the Invented Harbour News."
    article = _article(_page("".join(f"<p>{p}</p>" for p in [*BODY, note]), head))
    assert article.author == "Mara Velk"
    assert article.text.split("\n\n") == BODY


def test_a_sentence_starting_with_by_stays_and_wire_credits_go() -> None:
    opening = "By Wednesday afternoon the queue of lorries at the northern terminal stretched for miles."
    text = "\n\n".join([opening, *BODY, "Reporting by Ode Lint; Editing by Mara Velk"])
    cleaned = clean_article(text)
    assert cleaned.byline == ""
    assert cleaned.text.split("\n\n") == [opening, *BODY]


def test_main_text_of_a_demo_brief_has_no_box() -> None:
    entry = HARBOR[0]
    text = main_text(local_file_for_url(entry["url"]).read_bytes(), entry["url"])
    assert "unsubscribe" not in text.lower()

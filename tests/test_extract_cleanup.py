"""clean_text drops widget fragments and keeps article sentences; the two real sample pages come out as
title, author and body only."""

from __future__ import annotations

import re

import pytest
from conftest import shared_path

from newsdesk.extract.cleanup import clean_text, is_widget_line


def _paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


def _sample(name: str) -> str:
    return shared_path("samples", name).read_text(encoding="utf-8")


def _source_lines(raw: str) -> list[str]:
    return [" ".join(line.split()) for line in raw.splitlines() if line.strip()]


def test_think_tank_sample_is_title_author_and_abstract_only() -> None:
    raw = _sample("think-tank-brief-page.txt")
    lines = _source_lines(raw)
    cleaned = _paragraphs(clean_text(raw))
    # title, author, abstract: the first three lines of the page, nothing of the related list
    assert cleaned == lines[:3]
    assert "Related Publications" in lines  # the list really was on the page
    assert not any(p.endswith("[…]") for p in cleaned)


def test_aggregator_sample_is_title_and_body_only() -> None:
    raw = _sample("aggregator-article-page.txt")
    lines = _source_lines(raw)
    cleaned = _paragraphs(clean_text(raw))
    widget = {"No time to read?", "Get a summary", "Previous Article", "Next Article"}
    assert widget <= set(lines)
    assert not widget & set(cleaned)
    assert cleaned[0] == lines[0]  # the title
    nav_titles = [lines[i + 1] for i, line in enumerate(lines) if line in ("Previous Article", "Next Article")]
    assert len(nav_titles) == 2 and not set(nav_titles) & set(cleaned)
    # every long paragraph of the page is kept, in order, including the one opening with "Previous"
    body = [line for line in lines if len(line.split()) > 30]
    assert cleaned[1:] == body
    assert any(p.startswith("Previous ") for p in cleaned)


def test_widgets_go_and_sentences_stay() -> None:
    text = "\n".join([
        "Harbour Fees Rise",
        "No time to read? Get a summary",
        "Port users will pay more from June, the harbour board decided on Monday.",
        "Advertisement",
        "Share this article",
        "Subscribe to our newsletter",
        "We use cookies to give you the best experience on our website. Accept them to continue.",
        "Read more: Ferry operators warn of delays",
        "The board said the extra money will pay for dredging the inner basin.",
        "Next Article",
        "Storm damages seafront railings",
    ])
    assert _paragraphs(clean_text(text)) == [
        "Harbour Fees Rise",
        "Port users will pay more from June, the harbour board decided on Monday.",
        "The board said the extra money will pay for dredging the inner basin.",
    ]


@pytest.mark.parametrize("sentence", [
    "Previous statements by the mayor had suggested the plan would be dropped.",
    "Next week the committee will meet again to discuss the budget.",
    "Read more carefully, the report shows that spending rose by four percent.",
    "Related publications from the institute were cited by both sides in the debate.",
    "Comments from residents were overwhelmingly positive, the council said.",
    "Advertisement revenue fell sharply at regional newspapers last year.",
    "Share prices rose after the announcement.",
])
def test_real_sentences_that_start_like_widgets_survive(sentence: str) -> None:
    assert clean_text(f"Title Line\n\n{sentence}") == f"Title Line\n\n{sentence}"


def test_related_list_stops_at_the_next_real_paragraph() -> None:
    body = ("The second half of the article continues here with a long explanation of what the new rules "
            "mean for small fishing boats and for the ferry companies that use the harbour every day.")
    text = "\n".join([
        "First paragraph of the story about the harbour and its new rules for boats.",
        "Related Publications",
        "-",
        "Fishing quotas explained",
        "An overview of how quotas are set and who decides on them every year in the region and […]",
        body,
    ])
    assert _paragraphs(clean_text(text)) == [
        "First paragraph of the story about the harbour and its new rules for boats.", body,
    ]


def test_comment_section_at_the_end_is_dropped() -> None:
    article = "\n\n".join(f"Paragraph {n} of an invented story about a town library that reopened." for n in range(6))
    text = article + "\n\n3 Comments\n\nGreat news for the town!\n\nI agree, well done."
    assert clean_text(text) == article


def test_output_is_paragraphs_separated_by_one_blank_line() -> None:
    assert clean_text("One.\r\n\r\n\r\n\r\nTwo.\nThree.  ") == "One.\n\nTwo.\n\nThree."
    assert clean_text("") == ""
    assert not re.search(r"\n{3,}", clean_text("a\n\n\n\nb"))


@pytest.mark.parametrize("line", ["ADVERTISEMENT", "- Share", "Facebook Twitter Email", "Get a summary",
                                  "Too long? Get a summary", "Order Reprints", "Listen to this article"])
def test_widget_lines(line: str) -> None:
    assert is_widget_line(line)


def test_short_closing_lines_do_not_swallow_the_rest() -> None:
    text = "\n".join([
        "Opening paragraph of an invented column about the town's new tram line and its timetable.",
        "More in the report.",
        "The tram will run every ten minutes.",
        "What do you think?",
        "Readers can write to the editor.",
    ])
    assert clean_text(text) == text.replace("\n", "\n\n")


def test_section_label_and_unheaded_teaser_list_are_dropped() -> None:
    body = ("The regional water board approved a new drought plan on Friday after months of consultation "
            "with farmers, municipalities and environmental groups across the delta.")
    text = "\n\n".join([
        "Policy Brief",
        body,
        "- Rates on hold as port strike drags on The central bank kept its benchmark rate unchanged on…",
        "- Minister defends export rules Trade Minister said on Tuesday that the new licensing rules were…",
    ])
    assert clean_text(text) == body


def test_a_single_truncated_last_line_and_kicker_words_in_prose_stay() -> None:
    text = "Analysis of the vote took weeks.\n\nThe count resumed on Monday and will end…"
    assert clean_text(text) == text

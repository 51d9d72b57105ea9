"""The rule-based sentence splitter on invented English and non-English text."""

from __future__ import annotations

import pytest

from newsdesk.analyze.sentences import sentence_spans, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Okafor met Dr. Lind at noon. They argued about the levy.",
         ["Mr. Okafor met Dr. Lind at noon.", "They argued about the levy."]),
        ("The U.S. Treasury sold bonds. Prices fell.", ["The U.S. Treasury sold bonds.", "Prices fell."]),
        ("The plant moved to the U.S. The workers stayed behind.",
         ["The plant moved to the U.S.", "The workers stayed behind."]),
        ("The vote is set for Jan. 14 in the hall. Nobody expects a surprise.",
         ["The vote is set for Jan. 14 in the hall.", "Nobody expects a surprise."]),
        ("Turnout rose 3.5 percent to 61.2 percent. Officials were pleased.",
         ["Turnout rose 3.5 percent to 61.2 percent.", "Officials were pleased."]),
        ("Harriet K. Mbeki chairs the board. She was re-elected.",
         ["Harriet K. Mbeki chairs the board.", "She was re-elected."]),
        ('"We will not move," she said. "Not this year." The crowd cheered.',
         ['"We will not move," she said.', '"Not this year."', "The crowd cheered."]),
        ('"Is that the plan?" asked the chair. Nobody answered.',
         ['"Is that the plan?" asked the chair.', "Nobody answered."]),
        ("It went on... and on. Then it stopped... Everyone left.",
         ["It went on... and on.", "Then it stopped...", "Everyone left."]),
        ("Costs rose, e.g. for fuel and rent. The firm, Dalby Ltd., said so.",
         ["Costs rose, e.g. for fuel and rent.", "The firm, Dalby Ltd., said so."]),
        ("See tinyharbor.example for details. Version 2.4.1 ships today.",
         ["See tinyharbor.example for details.", "Version 2.4.1 ships today."]),
        ("He left at 9 a.m. on Tuesday. The office was empty.",
         ["He left at 9 a.m. on Tuesday.", "The office was empty."]),
    ],
)
def test_english_rules(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_paragraph_breaks_always_split() -> None:
    text = "Harbour levy approved\n\nThe council voted late on Monday\n\nA second paragraph follows."
    assert split_sentences(text) == [
        "Harbour levy approved", "The council voted late on Monday", "A second paragraph follows.",
    ]


def test_single_line_break_keeps_wrapped_lines_together() -> None:
    text = "The ferry service will resume\nnext week, the operator said.\nTickets go on sale today."
    assert split_sentences(text) == [
        "The ferry service will resume\nnext week, the operator said.", "Tickets go on sale today.",
    ]


def test_closing_quote_stays_with_its_sentence() -> None:
    assert split_sentences("\u201cWe will return.\u201d The boats left. 'Soon.' Nobody believed it.") == [
        "\u201cWe will return.\u201d", "The boats left.", "'Soon.'", "Nobody believed it.",
    ]


def test_lower_case_after_a_full_stop_is_no_boundary_in_any_form() -> None:
    """No special mode for lower-cased, space-tokenised text (one benchmark's file format)."""
    assert split_sentences("costs rose approx. five percent . officials said so") == [
        "costs rose approx. five percent . officials said so",
    ]


def test_scripts_without_case_split_at_every_full_stop() -> None:
    assert split_sentences("\u0642\u0627\u0644 \u0627\u0644\u0648\u0632\u064a\u0631. "
                           "\u062b\u0645 \u063a\u0627\u062f\u0631.") == [
        "\u0642\u0627\u0644 \u0627\u0644\u0648\u0632\u064a\u0631.", "\u062b\u0645 \u063a\u0627\u062f\u0631.",
    ]


def test_other_languages() -> None:
    assert split_sentences("La mairie a voté le budget. Les travaux commencent en mai!") == [
        "La mairie a voté le budget.", "Les travaux commencent en mai!",
    ]
    assert split_sentences("市议会通过了预算。工程将在五月开始！居民满意吗？") == [
        "市议会通过了预算。", "工程将在五月开始！", "居民满意吗？",
    ]


def test_spans_point_into_the_text() -> None:
    text = "  First one here.  Second one there?\n\nThird!  "
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == ["First one here.", "Second one there?", "Third!"]
    assert all(0 <= a < b <= len(text) for a, b in spans)


@pytest.mark.parametrize("text", ["", "   ", "\n\n\n"])
def test_empty_text_has_no_sentences(text: str) -> None:
    assert split_sentences(text) == []
    assert sentence_spans(text) == []


def test_text_without_terminator_is_one_sentence() -> None:
    assert split_sentences("a headline with no full stop") == ["a headline with no full stop"]


def test_many_sentences_split_in_linear_time() -> None:
    text = " ".join(f"Sentence number {i} reports a fact." for i in range(20_000))
    assert len(split_sentences(text)) == 20_000


def test_fuzz_spans_are_ordered_trimmed_and_cover_every_word() -> None:
    import random

    rng = random.Random(20261125)
    alphabet = ["Mr.", "U.S.", "a", "B.", "3.5", ".", "...", "\u2026", "!", "?", '"', "'", "``", "''", "(", ")",
                "\n", "\n\n", " ", "  ", "word", "Word", "\u3002", "e.g.", "x.y", "\u201c", "\u201d", "\t"]
    for _ in range(500):
        text = "".join(rng.choice(alphabet) + rng.choice(["", " "]) for _ in range(rng.randint(0, 60)))
        spans = sentence_spans(text)
        previous_end = 0
        for start, end in spans:
            assert previous_end <= start < end <= len(text)
            assert not text[start].isspace() and not text[end - 1].isspace()
            previous_end = end
        covered = "".join(text[a:b] for a, b in spans)
        assert "".join(text.split()) == "".join(covered.split())  # nothing but whitespace is lost

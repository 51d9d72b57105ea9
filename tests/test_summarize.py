"""Extractive summaries of one text and of several articles (pure functions, invented text)."""

from __future__ import annotations

from datetime import UTC, datetime

from newsdesk.analyze.summarize import summarize_articles, summarize_text
from newsdesk.models import Article, Summary, SummarySentence

HARBOUR = """The Port Aldwin council approved a new harbour levy on Monday, charging cruise ships four euros per passenger.
The vote passed by nine votes to four after a three-hour debate.
Councillor Mira Santos, who proposed the levy, said the money would pay for dredging the silted north channel.
Opponents warned that cruise lines could skip the port in favour of cheaper stops along the coast.
The harbour master said dredging had been postponed twice because of a lack of funds.
Local shopkeepers were divided, with some fearing fewer visitors and others welcoming cleaner water.
A similar levy in the neighbouring town of Grevik raised two million euros in its first year.
The levy takes effect in April and will be reviewed after eighteen months.
Cruise operators have thirty days to lodge objections with the regional authority.
The meeting ended with a minute of silence for a fisherman lost at sea last week."""


def test_three_sentences_in_document_order() -> None:
    summary = summarize_text(HARBOUR, title="Port Aldwin approves harbour levy on cruise ships")
    assert len(summary.sentences) == 3
    positions = [s.position for s in summary.sentences]
    assert positions == sorted(positions)
    assert summary.sentences[0].position == 0  # the lead carries the news
    assert summary.text == " ".join(s.text for s in summary.sentences)
    assert all(s.text in HARBOUR for s in summary.sentences)


def test_sentence_count_is_respected() -> None:
    assert len(summarize_text(HARBOUR, sentences=1).sentences) == 1
    assert len(summarize_text(HARBOUR, sentences=5).sentences) == 5
    assert len(summarize_text(HARBOUR, sentences=50).sentences) == 10


def test_word_budget() -> None:
    summary = summarize_text(HARBOUR, words=40)
    assert 0 < sum(len(s.text.split()) for s in summary.sentences) <= 40
    tiny = summarize_text(HARBOUR, words=5)
    assert len(tiny.sentences) == 1
    assert len(tiny.text.replace(" \u2026", "").split()) == 5


def test_empty_text_gives_empty_summary() -> None:
    for text in ("", "   \n\n "):
        summary = summarize_text(text)
        assert summary.sentences == []
        assert summary.text == ""


def test_one_sentence() -> None:
    summary = summarize_text("The bridge reopened on Friday after repairs.")
    assert [s.text for s in summary.sentences] == ["The bridge reopened on Friday after repairs."]


def test_punctuation_only_text() -> None:
    summary = summarize_text("... !!! ??? 12 34")
    assert len(summary.sentences) <= 1


def test_repeated_sentences_are_not_chosen_twice() -> None:
    text = ("The dam burst at dawn and flooded the valley. " * 4
            + "Rescue teams reached the village by noon. Schools will stay closed this week.")
    texts = [s.text for s in summarize_text(text).sentences]
    assert len(texts) == len(set(texts))
    assert "Rescue teams reached the village by noon." in texts


def test_long_text_finishes_and_prefers_the_lead() -> None:
    topics = ["budget", "bridge", "school", "ferry", "library", "tram", "harbour", "market"]
    body = " ".join(f"Report {i} mentions the {topics[i % 8]} and the {topics[(i * 3) % 8]} again." for i in
                    range(100_000))
    summary = summarize_text("The city unveiled its budget for the harbour, the tram and the library. " + body)
    assert len(summary.sentences) == 3
    # the opening, not the 100,000 look-alike reports after it (which out-score the lead on centrality)
    assert all(s.position < 10 for s in summary.sentences)


def test_other_languages_work_without_stemming() -> None:
    french = ("Le conseil municipal de Port Aldwin a adopté lundi une taxe portuaire sur les croisières. "
              "Le vote a été acquis par neuf voix contre quatre. "
              "Les commerçants sont partagés sur la mesure. "
              "La taxe entrera en vigueur en avril.")
    summary = summarize_text(french, sentences=2)
    assert len(summary.sentences) == 2
    assert summary.sentences[0].text.startswith("Le conseil municipal")
    chinese = "市议会周一通过了港口税。投票结果为九票对四票。商户对此看法不一。该税将于四月生效。"
    assert len(summarize_text(chinese, sentences=2).sentences) == 2


def test_json_round_trip() -> None:
    summary = summarize_text(HARBOUR, article_id=12)
    data = summary.to_json()
    assert data["method"] == summary.method
    assert data["sentences"][0]["article_id"] == 12
    assert Summary.from_json(data) == summary


def _article(id_: int, outlet: str, day: int, title: str, text: str, **extra: object) -> Article:
    return Article(id=id_, url=f"https://{outlet}.example/{id_}", canonical_url=f"https://{outlet}.example/{id_}",
                   title=title, text=text, outlet=outlet, published=datetime(2026, 3, day, 9, tzinfo=UTC),
                   content_hash=f"h{id_}", **extra)  # type: ignore[arg-type]


STORY = [
    _article(1, "coastpost", 2, "Harbour levy approved",
             "Port Aldwin councillors approved a harbour levy on cruise passengers on Monday. "
             "The levy of four euros per passenger will fund dredging of the north channel. "
             "Councillor Mira Santos proposed the measure after two postponed dredging seasons. "
             "The meeting also discussed parking fees near the market."),
    _article(2, "dailyvane", 3, "Cruise lines weigh Port Aldwin levy",
             "Cruise lines are weighing whether to keep calling at Port Aldwin after the new levy. "
             "A harbour levy on cruise passengers was approved by Port Aldwin councillors on Monday. "
             "One operator said it would lodge an objection with the regional authority within thirty days. "
             "Grevik, a nearby town, raised two million euros with a similar levy."),
    _article(3, "tidewire", 4, "Shopkeepers split on levy",
             "Shopkeepers in Port Aldwin are split over the harbour levy approved this week. "
             "Some fear fewer visitors will come ashore, while others expect cleaner water. "
             "The levy takes effect in April and will be reviewed after eighteen months."),
]


def test_story_summary_is_a_dated_list_one_development_per_article() -> None:
    summary = summarize_articles(STORY, sentences=4)
    # three articles, so three lines: a short list, never a second sentence of one article as padding
    assert [s.article_id for s in summary.sentences] == [1, 2, 3]  # published order
    for sentence in summary.sentences:
        article = next(a for a in STORY if a.id == sentence.article_id)
        assert sentence.text in article.text
        assert (sentence.outlet, sentence.url, sentence.published) == (article.outlet, article.public_url,
                                                                       article.published)
    row = summary.to_json()["sentences"][0]
    assert row["outlet"] == "coastpost" and row["published"] == "2026-03-02T09:00:00+00:00"
    assert row["url"] == "https://coastpost.example/1"
    assert Summary.from_json(summary.to_json()) == summary


def test_story_summary_stops_at_the_requested_length() -> None:
    assert len(summarize_articles(STORY, sentences=2).sentences) == 2


def test_story_summary_does_not_repeat_a_fact() -> None:
    texts = [s.text for s in summarize_articles(STORY, sentences=5).sentences]
    approvals = [t for t in texts if "approved" in t and "Monday" in t]
    assert len(approvals) == 1


def test_near_duplicate_articles_count_once() -> None:
    copy = _article(4, "syndicate", 2, STORY[0].title, STORY[0].text + " Reporting by staff.")
    exact = _article(5, "mirror", 5, STORY[0].title, STORY[0].text, duplicate_of=1, duplicate_kind="exact")
    with_copies = summarize_articles([*STORY, copy, exact], sentences=5)
    ids = {s.article_id for s in with_copies.sentences}
    assert not ids & {4, 5}
    assert [s.text for s in with_copies.sentences] == [s.text for s in summarize_articles(STORY, sentences=5).sentences]


def test_story_order_follows_published_date_not_input_order() -> None:
    summary = summarize_articles(list(reversed(STORY)), sentences=4)
    days = [next(a for a in STORY if a.id == s.article_id).published for s in summary.sentences]
    assert days == sorted(days)  # type: ignore[type-var]


def test_story_of_no_articles() -> None:
    assert summarize_articles([]).sentences == []
    blank = _article(9, "coastpost", 2, "Empty", "")
    assert summarize_articles([blank]).sentences == []


def test_summary_sentence_is_a_value() -> None:
    assert SummarySentence("A.", 3, 0) == SummarySentence("A.", 3, 0)


def test_large_story_stays_bounded() -> None:
    many = [_article(100 + i, f"outlet{i % 40}", 1 + i % 28, f"Levy report {i}",
                     # distinct words, not only numbers: English summaries ignore bare numbers
                     " ".join(f"Item {i}-{j} says the levy costs {j} euros in ward w{i}x{j}." for j in range(30)))
            for i in range(400)]
    summary = summarize_articles(many, sentences=5)
    assert len(summary.sentences) == 5
    assert len({s.text for s in summary.sentences}) == 5


def test_headings_and_the_title_itself_are_not_summary_sentences() -> None:
    text = ("Policy Brief\n\nHarbour levy: what Port Aldwin should do next\n\n" + HARBOUR
            + "\n\nThree options\n\nThe council can keep, raise or scrap the levy.")
    summary = summarize_text(text, title="Harbour levy: what Port Aldwin should do next")
    texts = [s.text for s in summary.sentences]
    assert "Policy Brief" not in texts
    assert "Harbour levy: what Port Aldwin should do next" not in texts
    assert texts[0].startswith("The Port Aldwin council approved")


def test_word_budget_does_not_pad_with_fragments() -> None:
    text = HARBOUR + "\n\nSee also.\n\nMore soon.\n\nEnd."
    summary = summarize_text(text, words=35)
    assert all(len(s.text.split()) >= 4 for s in summary.sentences)


def test_text_that_is_only_its_title_still_gives_a_sentence() -> None:
    summary = summarize_text("Bridge reopens", title="Bridge reopens")
    assert [s.text for s in summary.sentences] == ["Bridge reopens"]


def test_text_without_words_gives_empty_summary() -> None:
    assert summarize_text("... !!! ???").sentences == []


def test_stop_words_are_english_function_words_only() -> None:
    """No outlet's name among the stop words (a benchmark's source once was): only sklearn's list,
    contraction fragments and "said"."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from newsdesk.analyze.summarize import _STOP

    extra = _STOP - ENGLISH_STOP_WORDS
    assert extra.issubset({"s", "t", "ll", "ve", "re", "d", "m", "said"}), extra

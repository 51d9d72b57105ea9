"""What a reader sees in summaries and framing: no datelines, no bylines, no outlet naming itself.

On the invented demo corpus (newsdesk/demo) and on constructed text.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from newsdesk.analyze.datelines import is_boilerplate, is_credit_line, strip_dateline
from newsdesk.analyze.framing import compare_outlets, lead_sentence
from newsdesk.analyze.summarize import summarize_articles, summarize_text
from newsdesk.demo.corpus import ArticleSpec, load_articles
from newsdesk.demo.outlets import OUTLETS
from newsdesk.models import Article, FramingInput

#: what a dateline looks like wherever it is left in: capitals, a date or agency, a dash
LEFT_DATELINE = re.compile(r"^[A-Z][A-Z .'-]{2,}(?:,[^-]{0,40})?(?:\([^)]*\))?\s+[-\u2013\u2014]\s")


def _storylines() -> dict[str, list[ArticleSpec]]:
    stories: dict[str, list[ArticleSpec]] = defaultdict(list)
    for spec in load_articles():
        if not spec.copy_of:
            stories[spec.storyline].append(spec)
    return dict(stories)


def _article(number: int, spec: ArticleSpec) -> Article:
    return Article(id=number, url=spec.url, canonical_url=spec.url, title=spec.title, text=spec.text,
                   outlet=OUTLETS[spec.outlet].name, published=spec.published, language="en",
                   content_hash=spec.id)


@pytest.mark.parametrize(("sentence", "news"), [
    ("ORVANE, Nov 9 (Meridian Wire) - The council voted.", "The council voted."),
    ("VARN PLATEAU, Kestria, Nov 12 (Meridian Wire) - Concord-1 reached orbit.", "Concord-1 reached orbit."),
    ("CASTELLAN (Meridian Wire) - Rates rose.", "Rates rose."),
    ("WASHINGTON \u2014 The Senate voted.", "The Senate voted."),
    ("ST. LOUIS, Jan. 3, 2026 -- Police said so.", "Police said so."),
    ("US - China talks resumed.", "US - China talks resumed."),  # a hyphen alone is no dateline
    ("NATO said on Monday it would stay.", "NATO said on Monday it would stay."),
    ("The vote - a close one - passed.", "The vote - a close one - passed."),
])
def test_strip_dateline(sentence: str, news: str) -> None:
    assert strip_dateline(sentence) == news


@pytest.mark.parametrize(("sentence", "credit"), [
    ("By Priya Nandakumar and Jonas Hale.", True),
    ("By Anna Lee, Felix Amsel and Jo van Dijk.", True),
    ("Published 8 October 2026.", True),
    ("Updated: 2026-11-09 10:30 UTC", True),
    ("By Wednesday afternoon the line of lorries on the Estuary Road stretched for miles.", False),
    ("By Monday.", False),
    ("Published results show 3 gains.", False),
])
def test_credit_lines(sentence: str, credit: bool) -> None:
    assert is_credit_line(sentence) is credit


def test_demo_story_summaries_keep_no_dateline() -> None:
    datelined = 0
    for specs in _storylines().values():
        articles = [_article(n, spec) for n, spec in enumerate(specs, start=1)]
        datelined += sum(bool(LEFT_DATELINE.match(a.text)) for a in articles)
        summary = summarize_articles(articles, sentences=5)
        assert summary.sentences
        left = [s.text for s in summary.sentences if LEFT_DATELINE.match(s.text)]
        assert left == []
    assert datelined >= 5  # the corpus does carry wire datelines: the check is not vacuous


def test_a_datelined_lead_is_quoted_without_its_dateline() -> None:
    text = ("ORVANE, Sept 3 (Meridian Wire) - Kestria has begun filling the reservoir behind its Hollin Dam, "
            "the ministry said on Thursday. Veridia protested at once. Talks are set for next week in Castellan.")
    summary = summarize_text(text, sentences=1, language="en")
    assert summary.sentences[0].text.startswith("Kestria has begun filling")
    assert summary.sentences[0].position == 0


def test_a_byline_is_never_a_summary_sentence_or_a_lead() -> None:
    text = ("By Priya Nandakumar and Jonas Hale.\n\n"
            "The fastest route to a water agreement on the Tavel runs through an agreement on data. "
            "A shared gauge record would let negotiators argue about allocation instead of measurement. "
            "The regime could be in place within six months.")
    for sentences in (1, 3):
        chosen = [s.text for s in summarize_text(text, sentences=sentences, language="en").sentences]
        assert chosen and not any("Nandakumar" in s for s in chosen)
    assert lead_sentence("Sharing the Tavel", text).startswith("The fastest route")
    assert summarize_text("By Priya Nandakumar and Jonas Hale.", language="en").sentences == []


def test_demo_framing_phrases_never_name_their_own_outlet() -> None:
    checked = 0
    for specs in _storylines().values():
        inputs = [FramingInput(n, OUTLETS[s.outlet].name, s.title, s.text) for n, s in enumerate(specs)]
        for framing in compare_outlets(inputs):
            own = {w.lower().removesuffix("'s") for w in re.findall(r"[\w'-]+", framing.outlet)} - {"the"}
            for phrase in framing.phrases:
                words = {w.removesuffix("'s") for w in phrase.split()}
                assert not words & own, (framing.outlet, phrase)
            checked += len(framing.phrases)
    assert checked > 20


def test_an_outlet_naming_itself_is_no_framing() -> None:
    framing = compare_outlets([
        FramingInput(1, "Meridian Wire", "Dam fills", "Meridian Wire reported the dam filling. The wire "
                     "service said water levels rose sharply."),
        FramingInput(2, "The Ledger", "Dam fills", "The Ledger's analysis shows the dam filling. Ledger "
                     "readers worry about farms downstream."),
    ])
    phrases = {f.outlet: f.phrases for f in framing}
    assert phrases["Meridian Wire"] and not any({"meridian", "wire"} & set(p.split())
                                                for p in phrases["Meridian Wire"])
    assert phrases["The Ledger"] and not any("ledger" in p for p in phrases["The Ledger"])


@pytest.mark.parametrize(("sentence", "boilerplate"), [
    ("(Reporting by Tomas Revel; editing by the Meridian Wire desk) \u00a9 2026 Meridian Wire.", True),
    ("Sign up to First Edition, our morning newsletter.", True),
    ("Read more: how the levy works.", True),
    ("Here is what we know so far, pulled together from the regulator and pharmacists.", True),
    ("This article was updated on Friday with the minister's comments.", True),
    ("All rights reserved.", True),
    ("The union said it would sign up new members before the vote.", False),
    ("Subscribers to the water scheme will pay four crowns more.", False),
    ("Police said the report was compiled by two officers.", False),
])
def test_boilerplate(sentence: str, boilerplate: bool) -> None:
    assert is_boilerplate(sentence) is boilerplate


def test_boilerplate_is_never_a_summary_sentence_or_a_lead() -> None:
    text = ("Here is what we know so far, pulled together from the regulator, pharmacists and patients.\n\n"
            "Calloway is recalling 38 batches of Veltrazan after tests found an impurity. "
            "About 210,000 patients take the tablets. Pharmacies will swap packs free of charge.\n\n"
            "Sign up to First Edition, our morning newsletter, for more stories like this.\n\n"
            "(Reporting by Greta Lund; editing by the desk) \u00a9 2026 Meridian Wire.")
    chosen = [s.text for s in summarize_text(text, sentences=4, language="en").sentences]
    assert chosen and not any(is_boilerplate(s) for s in chosen)
    assert lead_sentence("Recall", text).startswith("Calloway is recalling")


def test_demo_story_summaries_are_dated_lists_one_line_per_article() -> None:
    for specs in _storylines().values():
        articles = [_article(n, spec) for n, spec in enumerate(specs, start=1)]
        by_id = {a.id: a for a in articles}
        lines = summarize_articles(articles, sentences=5).sentences
        assert 1 <= len(lines) <= min(5, len(articles))
        assert len({s.article_id for s in lines}) == len(lines)
        for line in lines:
            article = by_id[line.article_id]  # type: ignore[index]
            assert (line.outlet, line.published) == (article.outlet, article.published)
            assert not is_credit_line(line.text) and not is_boilerplate(line.text)
        dates = [s.published for s in lines]
        assert dates == sorted(dates)  # type: ignore[type-var]


def test_demo_framing_phrases_share_no_wording_with_another_outlet() -> None:
    from newsdesk.analyze.framing import phrases as phrases_of

    checked = 0
    for specs in _storylines().values():
        inputs = [FramingInput(n, OUTLETS[s.outlet].name, s.title, s.text) for n, s in enumerate(specs)]
        for framing in compare_outlets(inputs):
            others = set().union(*(phrases_of(f"{i.title}\n{i.text}") for i in inputs if i.outlet != framing.outlet))
            for phrase in framing.phrases:
                words = phrase.split()
                pieces = {phrase} | {" ".join(words[i:i + 2]) for i in range(len(words) - 1)}
                assert not pieces & others, (framing.outlet, phrase)
            checked += len(framing.phrases)
    assert checked > 20


def test_an_outlet_spelling_its_name_another_way_is_no_framing() -> None:
    framing = compare_outlets([
        FramingInput(1, "NewsLoop", "Dam fills", "News Loop readers asked about the dam. Newsloop's explainer "
                     "covers reservoir levels and downstream farms."),
        FramingInput(2, "The Ledger", "Dam fills", "Officials confirmed the dam filling. Water levels rose."),
    ])
    loop = next(f for f in framing if f.outlet == "NewsLoop").phrases
    assert loop and not any("loop" in p or "newsloop" in p for p in loop)
    boiler = compare_outlets([
        FramingInput(1, "Meridian Wire", "Dam", "The dam filled. Sign up to The Morning Wire newsletter today."),
        FramingInput(2, "The Ledger", "Dam", "Officials confirmed the dam filling."),
    ])
    assert not any("newsletter" in p or "sign" in p for p in boiler[0].phrases)


def test_framing_phrases_neither_cut_a_name_nor_name_another_outlet() -> None:
    framing = compare_outlets([
        FramingInput(1, "Meridian Wire", "Strike ends", "General Secretary Marta Ilves brokered the late deal. "
                     "The Harbor Institute pointed to automation costs."),
        FramingInput(2, "The Harbor Institute", "Strike ends", "Dockworkers returned to the quay on Wednesday."),
    ])
    wire = framing[0].phrases
    assert "brokered" in " ".join(wire)
    assert not any(p in wire for p in ("secretary marta", "general secretary marta", "marta"))
    assert not any("harbor" in p or "institute" in p for p in wire)

"""Key phrases: YAKE scores turned to higher-is-better, per article and per story, on both databases."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from newsdesk.analyze.keyphrases import (
    article_keyphrases,
    extract_keyphrases,
    index_keyphrases,
    story_keyphrases,
)
from newsdesk.errors import NotFoundError
from newsdesk.models import ExtractedArticle
from newsdesk.store import Store


def add_article(store: Store, slug: str, text: str, *, day: int = 1, title: str = "") -> int:
    article = ExtractedArticle(url=f"https://meridianwire.example/{slug}", title=title, text=text,
                               outlet="Meridian Wire", language="en",
                               published=datetime(2026, 10, day, 9, 0, tzinfo=UTC))
    with store.transaction() as conn:
        stored = store.save_article(conn, article, canonical_url=article.url,
                                    content_hash=hashlib.sha256(text.encode()).hexdigest())
    return stored.id


def add_story(store: Store, title: str, article_ids: list[int]) -> int:
    with store.transaction() as conn:
        story_id = store.create_story(conn, title=title, size=len(article_ids), centroid=b"",
                                      first_seen=None, last_seen=None)
        for article_id in article_ids:
            store.set_article_story(conn, article_id, story_id)
    return story_id

DAM = ("The Tallow Bay dam project was halted on Monday after engineers found cracks in the spillway. "
       "The regional water board said the dam project would stay halted until the spillway was repaired. "
       "Farmers downstream asked the water board for compensation, and the spillway cracks were photographed "
       "by inspectors. The dam project had already run two years late.")
FERRY = ("Ferry crossings between Valmora and the outer islands were cancelled as the winter storm arrived. "
         "The ferry operator said crossings would resume once the storm passed. Island schools closed early, "
         "and the winter storm brought down power lines.")


def test_scores_are_higher_is_better_with_the_best_at_one() -> None:
    phrases = extract_keyphrases(DAM, n=8, language="en")
    assert 0 < len(phrases) <= 8
    scores = [score for _phrase, score in phrases]
    assert scores[0] == 1.0
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 1 for s in scores)
    lowered = [p.lower() for p, _s in phrases]
    assert "dam" in lowered[0]
    assert any("dam project" in p for p in lowered)
    assert not any(p.endswith("monday") or p.startswith("monday") for p in lowered)


def test_no_single_word_inside_a_better_phrase_and_no_duplicates() -> None:
    phrases = [p.lower() for p, _s in extract_keyphrases(DAM, n=20, language="en")]
    assert len(phrases) == len(set(phrases))
    for i, phrase in enumerate(phrases):
        if " " not in phrase:
            assert not any(phrase in better.split() for better in phrases[:i])


@pytest.mark.parametrize("text", ["", "   ", "12 34 56", "the of and"])
def test_texts_without_phrases(text: str) -> None:
    assert extract_keyphrases(text) == []


def test_n_limits_and_zero_gives_nothing() -> None:
    assert len(extract_keyphrases(DAM, n=3, language="en")) == 3
    assert extract_keyphrases(DAM, n=0) == []


def test_other_languages_and_a_guessed_language() -> None:
    german = ("Der Staudamm am Tallow-See wurde am Montag gesperrt, nachdem Ingenieure Risse in der "
              "Hochwasserentlastung gefunden hatten. Der Wasserverband sagte, der Staudamm bleibe gesperrt.")
    phrases = [p.lower() for p, _s in extract_keyphrases(german, language="de")]
    assert any("staudamm" in p for p in phrases)
    assert extract_keyphrases(DAM) == extract_keyphrases(DAM, language="en")  # guessed English
    assert extract_keyphrases(german, language="xx")  # unknown code: YAKE's language-neutral list


def test_long_text_is_cut_not_refused() -> None:
    long_text = (DAM + "\n") * 3000  # about 1 MB
    phrases = extract_keyphrases(long_text, language="en")
    assert phrases and phrases[0][1] == 1.0


def test_index_is_idempotent_and_article_keyphrases_reads_back(any_store: Store) -> None:
    article_id = add_article(any_store, "dam", DAM, title="Dam project halted over spillway cracks")
    index_keyphrases(any_store, article_id)
    first = article_keyphrases(any_store, article_id)
    index_keyphrases(any_store, article_id)
    assert article_keyphrases(any_store, article_id) == first
    assert first[0][1] == 1.0 and len(first) == 10
    assert [s for _p, s in first] == sorted((s for _p, s in first), reverse=True)
    with pytest.raises(NotFoundError):
        article_keyphrases(any_store, 999_999)
    with pytest.raises(NotFoundError):
        index_keyphrases(any_store, 999_999)


def test_story_keyphrases_favour_phrases_shared_by_its_articles(any_store: Store) -> None:
    a = add_article(any_store, "dam-1", DAM, day=1)
    b = add_article(any_store, "dam-2", "Inspectors returned to the dam project on Tuesday. The dam project "
                    "owners said repairs to the spillway would cost more than planned.", day=2)
    c = add_article(any_store, "ferry", FERRY, day=2)
    for article_id in (a, b, c):
        index_keyphrases(any_store, article_id)
    story = add_story(any_store, "Dam halted", [a, b])
    phrases = story_keyphrases(any_store, story, n=5)
    assert len(phrases) == 5
    assert phrases[0][0].lower() == "dam project"
    assert phrases[0][1] <= 1.0
    assert not any("ferry" in p.lower() for p, _s in story_keyphrases(any_store, story, n=50))
    with pytest.raises(NotFoundError):
        story_keyphrases(any_store, 999_999)

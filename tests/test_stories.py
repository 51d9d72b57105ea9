"""The incremental story clusterer, pure: grouping, time window, merges, bounded candidate search."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from test_stories_corpus import BRIDGE, DAM, STRIKE

from newsdesk.analyze import stories
from newsdesk.analyze.stories import MemoryIndex, StreamClusterer
from newsdesk.errors import AnalysisError


def _day(n: int) -> datetime:
    return datetime(2026, 10, 1, 9, tzinfo=UTC) + timedelta(days=n)


def _interleaved() -> list[tuple[str, str, str, str, int]]:
    """(doc id, outlet, title, text, day) of the three invented events, mixed in time."""
    docs = []
    for name, event, first in (("bridge", BRIDGE, 0), ("dam", DAM, 1), ("strike", STRIKE, 1)):
        for n, (outlet, title, text) in enumerate(event):
            docs.append((f"{name}-{n}", outlet, title, text, first + n))
    return sorted(docs, key=lambda d: (d[4], d[0]))


def test_articles_of_one_event_share_a_story_and_events_stay_apart() -> None:
    clusterer = StreamClusterer(threshold=0.25, window_days=14)
    for doc_id, outlet, title, text, day in _interleaved():
        clusterer.add(doc_id, title, text, _day(day), outlet)
    by_event: dict[str, set[int]] = {}
    for doc_id in clusterer.assignments:
        by_event.setdefault(doc_id.split("-")[0], set()).add(clusterer.story_of(doc_id))
    assert all(len(ids) == 1 for ids in by_event.values()), by_event
    assert len({next(iter(ids)) for ids in by_event.values()}) == 3


def test_story_ids_are_stable_as_stories_grow() -> None:
    clusterer = StreamClusterer(threshold=0.25)
    first = clusterer.add("a", BRIDGE[0][1], BRIDGE[0][2], _day(0))
    other = clusterer.add("b", STRIKE[0][1], STRIKE[0][2], _day(0))
    assert clusterer.add("c", BRIDGE[1][1], BRIDGE[1][2], _day(1)) == first
    assert clusterer.add("d", BRIDGE[2][1], BRIDGE[2][2], _day(2)) == first
    assert other != first and clusterer.story_of("a") == first


def test_a_story_outside_the_time_window_is_not_joined() -> None:
    clusterer = StreamClusterer(threshold=0.25, window_days=7)
    first = clusterer.add("a", BRIDGE[0][1], BRIDGE[0][2], _day(0))
    assert clusterer.add("b", BRIDGE[1][1], BRIDGE[1][2], _day(30)) != first
    assert clusterer.add("c", BRIDGE[2][1], BRIDGE[2][2], _day(3)) == first


def test_undated_documents_ignore_the_window() -> None:
    clusterer = StreamClusterer(threshold=0.25, window_days=1)
    first = clusterer.add("a", BRIDGE[0][1], BRIDGE[0][2], _day(0))
    assert clusterer.add("b", BRIDGE[1][1], BRIDGE[1][2], None) == first


def test_entities_given_count_toward_similarity() -> None:
    text_a = "Officials met on Tuesday to discuss the plan for the coming season."
    text_b = "Officials gathered again to review the plan after the first meeting."
    without = StreamClusterer(threshold=0.35, merge_threshold=None)
    without.add("a", None, text_a, _day(0))
    separate = without.add("b", None, text_b, _day(0)) != without.story_of("a")
    names = ["Lake Forum", "Ilsa Brandt", "Orlin Council"]
    with_names = StreamClusterer(threshold=0.35, merge_threshold=None)
    with_names.add("a", None, text_a, _day(0), entities=names)
    assert separate
    assert with_names.add("b", None, text_b, _day(0), entities=names) == with_names.story_of("a")


def test_converging_stories_merge_and_old_ids_point_to_the_survivor() -> None:
    clusterer = StreamClusterer(threshold=0.3, merge_threshold=0.3)
    left = clusterer.add("l", "Harbour crane strike", "harbour crane operators strike pay dockers", _day(0))
    right = clusterer.add("r", "Dockers walkout", "dockers walkout terminal cargo ships idle", _day(0))
    assert left != right
    for n in range(4):
        clusterer.add(f"both-{n}", "Harbour crane dockers walkout",
                      "harbour crane operators strike pay dockers walkout terminal cargo ships idle", _day(1))
    assert clusterer.story_of("l") == clusterer.story_of("r")
    survivor = clusterer.story_of("l")
    assert clusterer.index.resolve(left) == survivor and clusterer.index.resolve(right) == survivor


def test_a_document_without_words_gets_a_story_of_its_own() -> None:
    clusterer = StreamClusterer()
    empty = clusterer.add("empty", None, "", _day(0))
    also_empty = clusterer.add("blank", "", "   ", _day(0))
    assert empty != also_empty
    assert clusterer.add("a", BRIDGE[0][1], BRIDGE[0][2], _day(0)) not in {empty, also_empty}


def test_bad_threshold_is_refused() -> None:
    with pytest.raises(AnalysisError):
        StreamClusterer(threshold=0)


def test_candidate_search_reads_bounded_postings_not_all_stories() -> None:
    """Thousands of stories sharing one common term: the candidate list stays bounded."""
    rng = random.Random(3)
    index = MemoryIndex()
    clusterer = StreamClusterer(threshold=0.5, index=index, merge_threshold=None)
    for n in range(3000):
        words = " ".join(f"w{rng.randrange(50_000)}" for _ in range(12))
        clusterer.add(n, "common", f"common {words}", _day(n // 200))
    assert len(index.stories) > 2000
    found = index.candidates(["common"], _day(15), timedelta(days=14), stories.MAX_CANDIDATES)
    assert 0 < len(found) <= stories.MAX_CANDIDATES
    assert len(index.postings["common"]) > stories.MAX_POSTINGS


def test_state_round_trips_through_bytes() -> None:
    state = stories.StoryState(7, {"bridge": 2.5, "cable": 1.0}, {"ilsa brandt": 2.0}, 3, _day(0), _day(2))
    back = stories.StoryState.from_bytes(7, state.to_bytes(), size=3, first_seen=_day(0), last_seen=_day(2))
    assert back == state


def _strict_then_merged(docs: list[tuple[str, str, str, str, int]]) -> dict[str, int]:
    """A stream that joins nothing (threshold 0.99), then the merge pass; story per document."""
    clusterer = StreamClusterer(threshold=0.99, window_days=14, merge_threshold=None)
    for doc_id, outlet, title, text, day in docs:
        clusterer.add(doc_id, title, text, _day(day), outlet)
    assert len({clusterer.story_of(d[0]) for d in docs}) == len(docs)  # the stream split everything
    grown = clusterer.merge_pass()
    assert grown
    return {d[0]: clusterer.story_of(d[0]) for d in docs}


def _partition(stories_of: dict[str, int]) -> set[frozenset[str]]:
    groups: dict[int, set[str]] = {}
    for doc_id, story in stories_of.items():
        groups.setdefault(story, set()).add(doc_id)
    return {frozenset(g) for g in groups.values()}


def test_the_merge_pass_joins_what_the_stream_split_whatever_the_order() -> None:
    docs = _interleaved()
    gold = {frozenset(d[0] for d in docs if d[0].startswith(name)) for name in ("bridge", "dam", "strike")}
    for seed in range(4):
        shuffled = list(docs)
        random.Random(seed).shuffle(shuffled)
        assert _partition(_strict_then_merged(shuffled)) == gold, seed


def test_the_merge_pass_keeps_apart_stories_further_apart_than_the_window() -> None:
    clusterer = StreamClusterer(threshold=0.99, window_days=14, merge_threshold=None)
    for n, (outlet, title, text) in enumerate(BRIDGE):
        clusterer.add(f"early-{n}", title, text, _day(n), outlet)
        clusterer.add(f"late-{n}", title, text + " Again.", _day(90 + n), outlet)
    clusterer.merge_pass()
    early = {clusterer.story_of(f"early-{n}") for n in range(len(BRIDGE))}
    late = {clusterer.story_of(f"late-{n}") for n in range(len(BRIDGE))}
    assert len(early) == 1 and len(late) == 1 and early != late


def test_a_second_merge_pass_over_the_same_stories_changes_nothing() -> None:
    clusterer = StreamClusterer(threshold=0.99, window_days=14, merge_threshold=None)
    for doc_id, outlet, title, text, day in _interleaved():
        clusterer.add(doc_id, title, text, _day(day), outlet)
    clusterer.merge_pass()
    before = {d: clusterer.story_of(d) for d in clusterer.assignments}
    assert clusterer.merge_pass() == []
    assert {d: clusterer.story_of(d) for d in clusterer.assignments} == before

"""Entity indexing and queries on SQLite and PostgreSQL: idempotence, corpus-wide merging, details."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from newsdesk.analyze.entities import (
    article_entities,
    entity_detail,
    index_entities,
    list_entities,
    story_entities,
)
from newsdesk.config import Settings
from newsdesk.errors import InvalidArgumentError, NotFoundError
from newsdesk.models import ExtractedArticle
from newsdesk.store import Store
from newsdesk.store.entities import EntityGroup
from newsdesk.store.schema import article_entities as article_entities_table
from newsdesk.store.schema import entities as entities_table


def add_article(store: Store, slug: str, text: str, *, day: int = 1, outlet: str = "Meridian Wire",
                title: str = "", language: str = "en") -> int:
    """Store an invented article through the article store, as ingestion does."""
    article = ExtractedArticle(url=f"https://meridianwire.example/{slug}", title=title or slug, text=text,
                               outlet=outlet, language=language,
                               published=datetime(2026, 10, day, 9, 0, tzinfo=UTC))
    with store.transaction() as conn:
        stored = store.save_article(conn, article, canonical_url=article.url, content_hash=hashlib.sha256(text.encode()).hexdigest(),
                                    domain="meridianwire.example")
    return stored.id


def add_story(store: Store, title: str, article_ids: list[int]) -> int:
    with store.transaction() as conn:
        story_id = store.create_story(conn, title=title, size=len(article_ids), centroid=b"",
                                      first_seen=datetime(2026, 10, 1, tzinfo=UTC),
                                      last_seen=datetime(2026, 10, 9, tzinfo=UTC))
        for article_id in article_ids:
            store.set_article_story(conn, article_id, story_id)
    return story_id


def _index(store: Store, settings: Settings, *ids: int) -> None:
    for article_id in ids:
        index_entities(store, article_id, settings)


LAUNCH = ("Roscosmos, the Russian space agency, said on Monday that the launch from Baikonur was delayed. "
          "North Korean leader Kim Jong Un watched a separate test. Kim praised the engineers.")
REPORT = ("The Harbor Institute for Policy (HIP) published a study of port fees on Tuesday. "
          "HIP said fees in Lisbon had doubled since 2024.")


def test_indexing_is_idempotent(any_store: Store, settings: Settings) -> None:
    article_id = add_article(any_store, "launch", LAUNCH)
    _index(any_store, settings, article_id)
    first = [(e.name, e.type, e.mentions) for e in article_entities(any_store, article_id)]
    _index(any_store, settings, article_id)
    assert [(e.name, e.type, e.mentions) for e in article_entities(any_store, article_id)] == first
    assert ("Roscosmos", "org", 2) in first
    assert ("Kim Jong Un", "person", 2) in first
    with any_store.read() as conn:
        assert conn.execute(select(entities_table.c.name).where(entities_table.c.name == "Kim")).first() is None
        positions = conn.execute(select(article_entities_table.c.positions)).scalars().all()
    assert all(isinstance(json.loads(p), list) for p in positions)


def test_reindex_after_a_text_change_drops_entities_no_longer_mentioned(any_store: Store, settings: Settings
                                                                       ) -> None:
    article_id = add_article(any_store, "memo", "Dr. Mara Velk met the Tallow Bay Port Authority in Lisbon.")
    _index(any_store, settings, article_id)
    assert "Mara Velk" in any_store.article_entity_names(article_id)
    add_article(any_store, "memo", "The Tallow Bay Port Authority met in Lisbon.")  # same URL: updated
    _index(any_store, settings, article_id)
    assert "Mara Velk" not in any_store.article_entity_names(article_id)
    with pytest.raises(NotFoundError):
        entity_detail(any_store, "Mara Velk")


def test_surname_only_article_joins_the_one_full_name_in_the_corpus(any_store: Store, settings: Settings
                                                                   ) -> None:
    first = add_article(any_store, "launch", LAUNCH, day=1)
    later = add_article(any_store, "visit", "Kim visited a fertiliser plant, state media said.", day=2)
    _index(any_store, settings, first, later)
    assert any_store.article_entity_names(later) == ["Kim Jong Un"]
    detail = entity_detail(any_store, "kim jong un")
    assert detail.entity.article_count == 2
    assert "Kim" in detail.entity.aliases


def test_ambiguous_surname_stays_its_own_entity(any_store: Store, settings: Settings) -> None:
    first = add_article(any_store, "launch", LAUNCH, day=1)
    sister = add_article(any_store, "sister",
                         "Kim Yo Jong issued a statement on Friday. Kim warned of consequences.", day=2)
    vague = add_article(any_store, "vague", "Kim visited a fertiliser plant, state media said.", day=3)
    _index(any_store, settings, first, sister, vague)
    assert any_store.article_entity_names(sister) == ["Kim Yo Jong"]
    assert any_store.article_entity_names(vague) == ["Kim"]


def test_acronym_learnt_in_one_article_resolves_in_another(any_store: Store, settings: Settings) -> None:
    report = add_article(any_store, "report", REPORT, day=1)
    reply = add_article(any_store, "reply", "Port operators rejected the HIP figures on Wednesday.", day=2)
    _index(any_store, settings, report, reply)
    assert any_store.article_entity_names(reply) == ["Harbor Institute for Policy"]
    detail = entity_detail(any_store, "hip")
    assert detail.entity.name == "Harbor Institute for Policy"
    assert detail.entity.article_count == 2


def test_list_entities_counts_articles_and_stories(any_store: Store, settings: Settings) -> None:
    a = add_article(any_store, "a", REPORT, day=1)
    b = add_article(any_store, "b", "The Harbor Institute for Policy met officials in Lisbon.", day=5)
    c = add_article(any_store, "c", LAUNCH, day=9)
    _index(any_store, settings, a, b, c)
    add_story(any_store, "Port fees", [a])
    add_story(any_store, "Port fees, again", [b])
    rows = list_entities(any_store)
    top = rows[0]
    assert (top.name, top.type, top.article_count, top.story_count) in {
        ("Harbor Institute for Policy", "org", 2, 2), ("Lisbon", "place", 2, 2)}
    assert [r.to_json()["name"] for r in rows] == [r.name for r in rows]
    places = list_entities(any_store, type="place")
    assert {r.type for r in places} == {"place"}
    assert "Lisbon" in {r.name for r in places}
    recent = list_entities(any_store, since=datetime(2026, 10, 8, tzinfo=UTC))
    assert "Roscosmos" in {r.name for r in recent}
    assert "Harbor Institute for Policy" not in {r.name for r in recent}
    assert len(list_entities(any_store, limit=1)) == 1
    assert list_entities(any_store, limit=1, offset=1)[0].id == rows[1].id
    with pytest.raises(InvalidArgumentError):
        list_entities(any_store, type="planet")


def test_entity_detail(any_store: Store, settings: Settings) -> None:
    a = add_article(any_store, "a", REPORT, day=1, outlet="Meridian Wire")
    b = add_article(any_store, "b", "The Harbor Institute for Policy met officials in Lisbon.", day=5,
                    outlet="Coastline Courier")
    c = add_article(any_store, "c", "Lisbon reported a mild autumn.", day=5)
    _index(any_store, settings, a, b, c)
    story = add_story(any_store, "Port fees", [a, b])
    detail = entity_detail(any_store, "Harbor Institute for Policy")
    assert [x.id for x in detail.articles] == [b, a]  # newest first
    assert [x.outlet for x in detail.articles] == ["Coastline Courier", "Meridian Wire"]
    assert detail.articles[1].mentions == 3
    assert [(s.id, s.article_count) for s in detail.stories] == [(story, 2)]
    assert detail.coverage_by_day == [(date(2026, 10, 1), 1), (date(2026, 10, 5), 1)]
    assert [(e.name, n) for e, n in detail.cooccurring] == [("Lisbon", 2)]
    assert entity_detail(any_store, detail.entity.id).entity == detail.entity
    assert entity_detail(any_store, str(detail.entity.id)).entity.name == "Harbor Institute for Policy"
    data = detail.to_json()
    assert data["coverage_by_day"][0] == {"date": "2026-10-01", "count": 1}
    assert data["cooccurring"][0]["entity"]["name"] == "Lisbon"
    json.dumps(data)
    with pytest.raises(NotFoundError):
        entity_detail(any_store, "Nobody Atall")


def test_a_generic_descriptor_is_no_alias_and_links_nothing_across_articles(any_store: Store,
                                                                             settings: Settings) -> None:
    _index(any_store, settings, add_article(any_store, "launch", LAUNCH))
    assert entity_detail(any_store, "Roscosmos").entity.type == "org"  # the descriptor still types it
    with pytest.raises(NotFoundError):
        entity_detail(any_store, "russian space agency")
    first = add_article(any_store, "a", "The Harbor Institute, a research organisation, said port fees rose.")
    second = add_article(any_store, "b", "The Kestrel Forum, a research organisation, said port fees fell.", day=2)
    _index(any_store, settings, first, second)
    harbor, kestrel = entity_detail(any_store, "Harbor Institute"), entity_detail(any_store, "Kestrel Forum")
    assert harbor.entity.id != kestrel.entity.id
    assert "research organisation" not in harbor.entity.aliases + kestrel.entity.aliases
    with pytest.raises(NotFoundError):
        entity_detail(any_store, "research organisation")


def test_story_and_article_entities(any_store: Store, settings: Settings) -> None:
    a = add_article(any_store, "a", REPORT, day=1)
    b = add_article(any_store, "b", "The Harbor Institute for Policy met officials in Lisbon.", day=2)
    c = add_article(any_store, "c", LAUNCH, day=3)
    _index(any_store, settings, a, b, c)
    story = add_story(any_store, "Port fees", [a, b])
    in_story = story_entities(any_store, story)
    assert [e.name for e in in_story][:2] == ["Harbor Institute for Policy", "Lisbon"]
    assert in_story[0].mentions == 4
    assert "Roscosmos" not in {e.name for e in in_story}
    assert len(story_entities(any_store, story, limit=1)) == 1
    assert [e.name for e in article_entities(any_store, a)] == ["Harbor Institute for Policy", "Lisbon"]
    assert article_entities(any_store, a)[0].article_count == 2
    empty = add_article(any_store, "empty", "nothing to see here, it rained.", day=4)
    _index(any_store, settings, empty)
    assert article_entities(any_store, empty) == []
    assert any_store.article_entity_names(empty) == []
    with pytest.raises(NotFoundError):
        article_entities(any_store, 999_999)
    with pytest.raises(NotFoundError):
        story_entities(any_store, 999_999)


def test_rules_only_setting_and_non_english_articles(any_store: Store, settings: Settings) -> None:
    rules = dataclasses.replace(settings, spacy_model="rules")
    a = add_article(any_store, "a", REPORT)
    _index(any_store, rules, a)
    assert "Harbor Institute for Policy" in any_store.article_entity_names(a)
    german = add_article(any_store, "de", "Die Regierung in Berlin hat am Montag beschlossen, dass Dr. Ilse "
                         "Carrow das Ministerium für Finanzen leitet.", language="de")
    _index(any_store, settings, german)
    assert {"Berlin", "Ilse Carrow"} <= set(any_store.article_entity_names(german))


def test_index_unknown_article(any_store: Store, settings: Settings) -> None:
    with pytest.raises(NotFoundError):
        index_entities(any_store, 424242, settings)


def test_types_ner_confuses_resolve_to_one_entity_but_person_and_place_stay_apart(any_store: Store) -> None:
    first = add_article(any_store, "first", "Veridia and Jordan.")
    second = add_article(any_store, "second", "Veridia and Jordan again.", day=2)
    any_store.replace_article_entities(first, [EntityGroup("Veridia", "org", positions=[(0, 7)]),
                                               EntityGroup("Jordan", "person", positions=[(12, 18)])])
    any_store.replace_article_entities(second, [EntityGroup("Veridia", "place", positions=[(0, 7)]),
                                                EntityGroup("Jordan", "place", positions=[(12, 18)])])
    assert entity_detail(any_store, "Veridia").entity.article_count == 2
    jordans = [e for e in list_entities(any_store) if e.name == "Jordan"]
    assert sorted(e.type for e in jordans) == ["person", "place"]


def test_an_entity_takes_the_type_most_articles_give_it(any_store: Store) -> None:
    ids = [add_article(any_store, f"v{day}", f"Veridia report {day}.", day=day) for day in (1, 2, 3)]
    any_store.replace_article_entities(ids[0], [EntityGroup("Veridia", "org", positions=[(0, 7)])])
    assert entity_detail(any_store, "Veridia").entity.type == "org"
    any_store.replace_article_entities(ids[1], [EntityGroup("Veridia", "place", positions=[(0, 7)])])
    assert entity_detail(any_store, "Veridia").entity.type == "org"  # a tie keeps the first type
    any_store.replace_article_entities(ids[2], [EntityGroup("Veridia", "place", positions=[(0, 7)])])
    detail = entity_detail(any_store, "Veridia")
    assert detail.entity.type == "place" and detail.entity.article_count == 3
    assert [e.type for e in list_entities(any_store) if e.name == "Veridia"] == ["place"]

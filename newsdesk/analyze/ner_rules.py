"""Rule-based named entities and alias links, for when spaCy is absent or the text is not English.

Two jobs, both pure functions on text:

* :func:`extract_rule_entities` finds capitalised sequences and types them by cheap cues: an
  honorific or title before a name makes a person ("Dr. Mara Velk"), an organisation keyword
  (Agency, Ministry, Bank, Institute, Inc, Corp, …) or an acronym makes an org, and a place is a
  name on a short list of real countries and capitals, or one introduced by "in X" / "X-based".
  Two or three plain capitalised words with no other cue are taken for a person's name; a lone
  capitalised word with no cue is dropped (it is most often the first word of a sentence).
* :func:`find_alias_links` finds where a text itself says two names are one entity: appositives
  ("Roscosmos, the Russian space agency," / "the Russian space agency Roscosmos") and acronyms in
  brackets ("Harbor Institute for Policy (HIP)"). Both spaCy and rule-based extraction use them.

The word lists are also used to correct spaCy's labels (see :mod:`newsdesk.analyze.entities`).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any


def _words(text: str, sep: str | None = None) -> frozenset[str]:
    return frozenset(word.strip() for word in text.split(sep) if word.strip())


#: titles and honorifics that announce a person's name (compared without a trailing dot)
HONORIFICS = _words("""
Mr Mrs Ms Miss Mx Dr Prof Professor Sir Dame Lady Lord Rev Reverend Fr Father Sister Rabbi Imam
President Vice-President Premier Chancellor Minister Secretary Senator Sen Rep Representative
Congressman Congresswoman Governor Gov Mayor Ambassador Judge Justice General Gen Colonel Col
Captain Capt Lieutenant Lt Sergeant Sgt Admiral Adm Commander Cmdr Officer Detective Inspector
King Queen Prince Princess Pope Sheikh Emir Sultan CEO Chairman Chairwoman Chief Director Spokesman
Spokeswoman Coach Dean Deputy Councillor Councilman Councilwoman Commissioner Prosecutor Attorney
""")

#: words that make a capitalised sequence an organisation
ORG_KEYWORDS = _words("""
Agency Ministry Bank Institute Institution Inc Corp Corporation Ltd Limited LLC PLC GmbH AG SA Co
Company Companies Group Holdings Partners Association Foundation Fund Trust Society Council
Commission Committee Department Office Authority Service Services Bureau Board Court Tribunal
Parliament Assembly Congress Senate Party Union Federation League Alliance Coalition Organisation
Organization University College School Academy Hospital Clinic Center Centre Laboratory Laboratories
Labs Museum Church Army Navy Police Forces Guard Club Network Media News Times Post Herald Journal
Gazette Press Airlines Airways Railways Motors Systems Technologies Industries Pharmaceuticals
Energy Reserve Exchange Secretariat Directorate Inspectorate Cabinet Government Administration
Institut Ministerium Ministère Ministerio Banco Banque Universität Université Universidad
Semiconductor Semiconductors Electronics Steel Petroleum Shipping Logistics Capital Investments
Insurance Telecom Communications Foods Chemicals Mining Resources Software Robotics Aerospace
Automotive Pharma Biotech Studios Entertainment Terminals
""")

#: words that make a capitalised sequence a place ("Hollin Dam", "Tallow Bay", "Port Street")
PLACE_KEYWORDS = _words("""
Dam River Lake Bay Island Islands Mountain Mountains Valley Street Road Avenue Square Bridge Airport
Harbour Harbor Park County Province Region District Sea Ocean Coast Gulf Strait Canal Peninsula
""")

#: lowercase nouns that make the one-word name before them a place ("the Tavel river", "the Calder hills")
GEO_NOUNS = _words("""
river rivers lake basin delta valley reservoir estuary plateau mountains hills coast bay sea island
islands peninsula gorge canal strait
""")

#: a short list of real countries, capitals and large cities (no gazetteer: just enough for cues)
PLACES = _words(sep=",", text="""
Afghanistan, Albania, Algeria, Argentina, Armenia, Australia, Austria, Azerbaijan, Bangladesh,
Belarus, Belgium, Bolivia, Bosnia, Brazil, Bulgaria, Cambodia, Cameroon, Canada, Chile, China,
Colombia, Croatia, Cuba, Cyprus, Czechia, Denmark, Ecuador, Egypt, Estonia, Ethiopia, Finland,
France, Georgia, Germany, Ghana, Greece, Guatemala, Haiti, Hungary, Iceland, India, Indonesia, Iran,
Iraq, Ireland, Israel, Italy, Jamaica, Japan, Jordan, Kazakhstan, Kenya, Kosovo, Kuwait, Latvia,
Lebanon, Libya, Lithuania, Luxembourg, Malaysia, Mali, Mexico, Moldova, Mongolia, Morocco,
Mozambique, Myanmar, Nepal, Netherlands, New Zealand, Nicaragua, Niger, Nigeria, North Korea,
Norway, Pakistan, Palestine, Panama, Paraguay, Peru, Philippines, Poland, Portugal, Qatar, Romania,
Russia, Rwanda, Saudi Arabia, Senegal, Serbia, Singapore, Slovakia, Slovenia, Somalia, South Africa,
South Korea, Spain, Sri Lanka, Sudan, Sweden, Switzerland, Syria, Taiwan, Tanzania, Thailand,
Tunisia, Turkey, Uganda, Ukraine, United Arab Emirates, United Kingdom, United States, Uruguay,
Uzbekistan, Venezuela, Vietnam, Yemen, Zambia, Zimbabwe, Britain, England, Scotland, Wales, Europe,
Africa, Asia, America, US, USA, U.S., UK, U.K., Amsterdam, Ankara, Athens, Baghdad, Bangkok,
Beijing, Beirut, Berlin, Bogota, Brussels, Bucharest, Budapest, Buenos Aires, Cairo, Canberra,
Copenhagen, Damascus, Dublin, Geneva, Havana, Helsinki, Islamabad, Istanbul, Jakarta, Jerusalem,
Kabul, Kyiv, Kiev, Lima, Lisbon, London, Los Angeles, Madrid, Manila, Mexico City, Minsk, Moscow,
Mumbai, Nairobi, New Delhi, New York, Oslo, Ottawa, Paris, Prague, Pyongyang, Rome, Seoul,
Shanghai, Stockholm, Sydney, Taipei, Tehran, Tokyo, Toronto, Vienna, Warsaw, Washington, Wellington,
West Bank, Gaza Strip
""")

#: capitalised words that are not names on their own (sentence starters, days, months, pronouns)
COMMON_WORDS = _words("""
The A An And But Or Nor So Yet For If In On At By To From Of With Without As Into After Before
Since Until While When Where Why How What Which Who Whom Whose This That These Those There Here It
Its He She They We You I His Her Their Our Your My Me Him Them Us Not No Yes All Any Some Many Most
More Less Each Every Both Few Other Such Then Than Also Only Just Even Still However Meanwhile
Although Though Because According Despite During Under Over About Against Between Among Through
Last Next First Second Third One Two Three Four Five Six Seven Eight Nine Ten Monday Tuesday
Wednesday Thursday Friday Saturday Sunday January February March April May June July August
September October November December Today Yesterday Tomorrow Mr Mrs Ms Dr Read More Photo Image
Video Share Comment Comments Advertisement Copyright Updated Published Posted Der Die Das Ein Eine
Und Les Une Et
""")

#: lowercase words allowed inside a capitalised name ("Bank of England", "Harbor Institute for Policy")
CONNECTORS = _words("of for the and de del della di du la le van von der den al bin da dos y")

#: the head noun of a descriptor decides the type it gives its name
ORG_HEADS = _words("""
agency ministry company firm bank group institute institution organisation organization party
university council commission committee department regulator broadcaster newspaper carrier airline
operator maker manufacturer producer giant startup start-up charity authority body watchdog court
union federation alliance association foundation fund network insurer lender retailer club
think-tank tank office service laboratory lab
""")
PERSON_HEADS = _words("""
president minister leader chief spokesman spokeswoman spokesperson director secretary chancellor
premier governor mayor ambassador senator lawmaker judge head founder chairman chairwoman executive
actor actress singer star player coach economist analyst researcher scientist professor author
editor journalist envoy diplomat commander general official officer prosecutor lawyer
""")
PLACE_HEADS = _words("capital city town village province region state country port island")

_WORD = re.compile(r"[^\W_](?:[\w'’&\-]|\.(?=\w))*\.?")
_SENTENCE_END = re.compile(r"[.!?:;\"“”()\[\]]|\n")
_ACRONYM = re.compile(r"^[A-Z][A-Za-z]?(?:[A-Z&][a-z]?){1,7}$")


@dataclass(frozen=True)
class EntityMention:
    """One mention of a named entity: canonical-ish surface ``name``, type, offsets in the text."""

    name: str
    type: str  # person | org | place
    start: int
    end: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class AliasLink:
    """The text says ``alias`` is another name of ``name`` (``kind`` acronym or descriptor)."""

    name: str
    alias: str
    kind: str  # acronym | descriptor
    type: str | None  # what the link says the entity is, if anything
    name_start: int
    name_end: int
    alias_start: int
    alias_end: int


@dataclass
class _Token:
    text: str
    start: int
    end: int
    sentence_start: bool

    @property
    def bare(self) -> str:
        return self.text.rstrip(".")

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    previous_end = 0
    for match in _WORD.finditer(text):
        gap = text[previous_end:match.start()]
        starts = not tokens or bool(_SENTENCE_END.search(gap)) or tokens[-1].text.endswith(".") and \
            tokens[-1].bare not in HONORIFICS
        tokens.append(_Token(match.group(), match.start(), match.end(), starts))
        previous_end = match.end()
    return tokens


def is_acronym(word: str) -> bool:
    """"NASA", "HIP", "DoD": 2–8 letters, mostly capitals."""
    bare = word.replace(".", "")
    return len(bare) >= 2 and bool(_ACRONYM.match(bare)) and sum(c.isupper() for c in bare) >= 2


def is_org_name(name: str) -> bool:
    words = name.replace(",", " ").split()
    return any(w.rstrip(".") in ORG_KEYWORDS for w in words)


def is_place_name(name: str) -> bool:
    return name in PLACES or name.removeprefix("the ") in PLACES


def _joined(text: str, left: _Token, right: _Token) -> bool:
    """Only spaces (or an honorific's dot) between two tokens of one name."""
    gap = text[left.end:right.start]
    return gap in (" ", "\u00a0") or (gap == "" and left.text.endswith("."))


def _may_extend(run: list[_Token]) -> bool:
    """"Bank of England" and "Gulf of Mexico" go on past "of"; "Tomas Brandt of Acme Corp" and
    "Critics of HIP" (a sentence's first word) stop."""
    return (len(run) == 1 and not run[0].sentence_start) or any(t.bare in ORG_KEYWORDS for t in run)


def _sequences(text: str, tokens: list[_Token]) -> list[list[_Token]]:
    """Runs of capitalised words, allowing connectors between two capitalised words."""
    runs: list[list[_Token]] = []
    i = 0
    while i < len(tokens):
        if not tokens[i].capitalised:
            i += 1
            continue
        run = [tokens[i]]
        j = i + 1
        while j < len(tokens) and _joined(text, run[-1], tokens[j]):
            tok = tokens[j]
            if run[-1].text.endswith(("-based", "'s", "’s")) or tok.text.endswith("-based"):
                break
            if tok.capitalised and not tok.sentence_start:
                run.append(tok)
            elif tok.text in CONNECTORS and j + 1 < len(tokens) and tokens[j + 1].capitalised \
                    and _joined(text, tok, tokens[j + 1]) and _may_extend(run):
                run.extend([tok, tokens[j + 1]])
                j += 1
            else:
                break
            j += 1
        runs.append(run)
        i = j
    return runs


def _split_title(run: list[_Token]) -> tuple[list[_Token], list[_Token]] | None:
    """"Bank of Veridia Governor Adrian Solberg" → ("Bank of Veridia …", "Adrian Solberg"): the words
    before the last title inside a run, and those after it when they look like a name (capitalised,
    no organisation word: not "Minister of Finance")."""
    titles = [i for i, tok in enumerate(run[:-1]) if tok.bare in HONORIFICS]
    if not titles:
        return None
    rest = run[titles[-1] + 1:]
    if any(t.bare in ORG_KEYWORDS or t.text in CONNECTORS for t in rest):
        return None
    before = run[:titles[-1]]
    while before and before[-1].bare in HONORIFICS:
        before = before[:-1]
    return before, rest


def _runs(text: str, tokens: list[_Token]) -> list[tuple[list[_Token], str | None]]:
    """Capitalised runs with a type hint, each split at a title inside it (its own run before, a
    person's name after)."""
    runs: list[tuple[list[_Token], str | None]] = []
    for run in _sequences(text, tokens):
        parts = _split_title(run)
        runs.extend([(parts[0], None), (parts[1], "person")] if parts else [(run, None)])
    return [(run, hint) for run, hint in runs if run]


def _trim(run: list[_Token]) -> tuple[list[_Token], str | None]:
    """Drop leading sentence starters and titles; a title says the rest is a person."""
    hint = None
    while run and (run[0].bare in HONORIFICS or run[0].bare in COMMON_WORDS):
        if run[0].bare in HONORIFICS and len(run) > 1 and run[0].bare not in ("Chief", "Director", "Deputy"):
            hint = "person"
        run = run[1:]
    while run and run[-1].text in CONNECTORS:
        run = run[:-1]
    return run, hint


def _type_of(text: str, run: list[_Token], name: str, hint: str | None) -> str | None:
    words = [t.bare for t in run]
    before = text[max(0, run[0].start - 6):run[0].start].lower()
    after = text[run[-1].end:run[-1].end + 7].lower()
    if is_org_name(name):
        return "org"
    if hint:
        return hint
    if is_place_name(name) or after.startswith("-based") or (len(words) > 1 and words[-1] in PLACE_KEYWORDS):
        return "place"
    if len(run) == 1 and is_acronym(name):
        return "org"
    if any(w in COMMON_WORDS for w in words) or not all(w[:1].isupper() for w in words):
        return "org" if any(w in ("of", "for") for w in words) else None
    if re.search(r"\b(in|near)\s$", before):
        return "place"
    if 2 <= len(run) <= 3 and all(w.replace("-", "").replace("'", "").isalpha() for w in words):
        return "person"
    return None


def extract_rule_entities(text: str) -> list[EntityMention]:
    """Named entities found by capitalisation and cues alone (any language written in capitals)."""
    tokens = _tokens(text)
    found: list[EntityMention] = []
    singles: list[tuple[_Token, str | None]] = []
    for raw, title_hint in _runs(text, tokens):
        run, hint = _trim(raw)
        hint = hint or title_hint
        if not run:
            continue
        if len(run) == 1 and run[0].text.endswith("-based"):
            place = run[0].text.removesuffix("-based")
            found.append(EntityMention(place, "place", run[0].start, run[0].start + len(place)))
            continue
        name = text[run[0].start:run[-1].end]
        name = name.removesuffix("'s").removesuffix("’s")
        name = name if is_acronym(run[-1].text) else name.rstrip(".")
        kind = _type_of(text, run, name, hint)
        if kind is None:
            if len(run) == 1:
                singles.append((run[0], hint))
            continue
        found.append(EntityMention(name, kind, run[0].start, run[0].start + len(name)))
    return found + _surname_mentions(found, singles)


def _surname_mentions(found: list[EntityMention], singles: list[tuple[_Token, str | None]]) -> list[EntityMention]:
    """A lone word that is the first or last word of a person named in the same text is that person;
    the first word of an organisation's name ("Brightline" of "Brightline Semiconductor") that org."""
    parts = {part: "person" for m in found if m.type == "person" and " " in m.name
             for part in (m.name.split()[0], m.name.split()[-1])}
    parts.update({m.name.split()[0]: "org" for m in found if m.type == "org" and " " in m.name})
    return [EntityMention(tok.bare, parts[tok.bare], tok.start, tok.start + len(tok.bare))
            for tok, _hint in singles if tok.bare in parts and tok.bare not in COMMON_WORDS]


# --- alias links ---------------------------------------------------------------------------

_NAME = r"(?P<name>[A-Z][\w'’&\-.]*(?:\s(?:(?:of|for|the|and|de|la)\s)?[A-Z][\w'’&\-.]*){0,6})"
_DESCRIPTOR = r"(?P<desc>(?:[\w'’\-]+\s){0,5}?(?P<head>[a-z][\w\-]+)(?:\sof\s[A-Z][\w\-]*(?:\s[A-Z][\w\-]*)*)?)"
_APPOSITIVE_AFTER = re.compile(_NAME + r",\s(?:the|a|an|its|their)\s" + _DESCRIPTOR + r"(?=[,.;)]|\s(?:said|says|has|have|had|is|was|will|would)\b)")
_APPOSITIVE_BEFORE = re.compile(r"\b(?:the|The)\s" + _DESCRIPTOR + r",?\s" + _NAME + r"\b")
_BRACKETED = re.compile(r"\(\s*(?P<inner>[^()\n]{2,80}?)\s*\)")


def _head_type(head: str) -> str | None:
    head = head.lower()
    for kind, heads in (("org", ORG_HEADS), ("person", PERSON_HEADS), ("place", PLACE_HEADS)):
        if head in heads:
            return kind
    return None


def _clean_name(name: str, start: int) -> tuple[str, int] | None:
    """Strip a leading sentence word / honorific and a trailing dot; None when nothing is left."""
    if ". " in name:
        cut = name.rindex(". ") + 2
        name, start = name[cut:], start + cut
    words = name.split(" ")
    while words and (words[0].rstrip(".") in COMMON_WORDS or words[0].rstrip(".") in HONORIFICS):
        start += len(words[0]) + 1
        words = words[1:]
    cleaned = " ".join(words).rstrip(".")
    return (cleaned, start) if cleaned and cleaned[0].isupper() else None


_PREPOSITIONS = frozenset({"at", "of", "from", "in", "with", "for", "on", "to", "near", "by"})


def _descriptor_head(desc: str) -> str:
    """The noun a descriptor is about: the word before its first preposition ("partner at a law
    firm" → "partner", "capital of Kestria" → "capital"), else its last word."""
    words = desc.split()
    for i, word in enumerate(words[1:], start=1):
        if word in _PREPOSITIONS:
            return words[i - 1]
    return words[-1]


def _sentence_adverb(text: str, name: str, start: int) -> bool:
    """"Finally, the fund …": a one-word "-ly" opener of a sentence is no name."""
    before = text[:start].rstrip()
    return " " not in name and name.endswith("ly") and not is_place_name(name) \
        and (not before or before[-1] in ".!?:;\n")


def _descriptor_links(text: str) -> list[AliasLink]:
    links: list[AliasLink] = []
    for pattern in (_APPOSITIVE_AFTER, _APPOSITIVE_BEFORE):
        for match in pattern.finditer(text):
            desc = match.group("desc")
            kind = _head_type(_descriptor_head(desc))
            cleaned = _clean_name(match.group("name"), match.start("name"))
            if kind is None or cleaned is None or len(desc.split()) < 2 or re.search(r"['’]s\b", desc):
                continue
            name, name_start = cleaned
            if (is_place_name(name) and kind != "place") or _sentence_adverb(text, name, name_start):
                continue
            links.append(AliasLink(name, desc, "descriptor", kind, name_start, name_start + len(name),
                                   match.start("desc"), match.end("desc")))
    return links


def _initials(words: list[str]) -> tuple[str, str]:
    significant = "".join(w[0] for w in words if w[:1].isupper()).upper()
    every = "".join(w[0] for w in words).upper()
    return significant, every


def _expansion_before(text: str, end: int, acronym: str) -> tuple[str, int] | None:
    """The capitalised words just before ``end`` whose initials spell ``acronym``."""
    window = text[max(0, end - 200):end]
    words = list(re.finditer(r"[\w'’&\-]+", window))
    letters = acronym.replace(".", "").replace("&", "").upper()
    for size in range(len(letters), min(len(words), 2 * len(letters) + 2) + 1):
        chosen = words[-size:]
        if not chosen[0].group()[:1].isupper() or chosen[0].group() in COMMON_WORDS:
            continue
        if window[chosen[0].start():].count("\n") or any(c in window[chosen[0].start():] for c in ",.;:"):
            break
        names = [w.group() for w in chosen]
        if letters in _initials(names):
            start = max(0, end - 200) + chosen[0].start()
            return text[start:end].rstrip(), start
    return None


def _acronym_links(text: str) -> list[AliasLink]:
    links: list[AliasLink] = []
    for match in _BRACKETED.finditer(text):
        inner = match.group("inner")
        if is_acronym(inner):
            found = _expansion_before(text, match.start(), inner)
            if found:
                name, start = found
                links.append(AliasLink(name, inner, "acronym", "org" if is_org_name(name) else None,
                                       start, start + len(name), match.start("inner"), match.end("inner")))
        else:
            words = text[max(0, match.start() - 12):match.start()].split()
            if words and is_acronym(words[-1]) and words[-1] not in COMMON_WORDS \
                    and words[-1].replace(".", "").upper() in _initials(inner.split()):
                acro_start = match.start() - 1 - len(words[-1])
                links.append(AliasLink(inner, words[-1], "acronym", "org" if is_org_name(inner) else None,
                                       match.start("inner"), match.end("inner"), acro_start,
                                       acro_start + len(words[-1])))
    return links


def find_alias_links(text: str) -> list[AliasLink]:
    """Names the text itself equates: acronyms in brackets and appositive descriptors."""
    return _acronym_links(text) + _descriptor_links(text)

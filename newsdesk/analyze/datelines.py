"""What a news text holds without being news: datelines, credit lines and boilerplate.

* A **dateline** leads the first sentence of a wire story: the place in capitals, optionally a
  region, a date and the agency in brackets, then a dash -- ``ORVANE, Nov 9 (Meridian Wire) -``,
  ``VARN PLATEAU, Kestria, Nov 12 (Meridian Wire) -``, ``WASHINGTON —``. :func:`strip_dateline`
  removes it and keeps the sentence.
* A **credit line** is a sentence that only names the authors or the publication date --
  ``By Priya Nandakumar and Jonas Hale.``, ``Published 8 October 2026.``. :func:`is_credit_line`
  says so; such a sentence is never a summary sentence or a lead.

  :func:`byline_names` gives the names of a byline (``By A and B`` → ``A and B``), so extraction
  (``extract/cleanup.py``) can move it from the text to the author field.
* :func:`find_dateline` says where a dateline's place and agency are, so entity extraction types
  the place in capitals (``CASTELLAN``) as a place and the agency as an organisation.
* **Boilerplate** is a sentence about the page or the reporting rather than the news --
  ``(Reporting by A; editing by B)``, ``Sign up to our newsletter.``, ``Read more: ...``,
  ``Here is what we know so far.``, ``All rights reserved.`` -- :func:`is_boilerplate` says so.

Summaries (``summarize.py``) and framing (``framing.py``) use all three, so a reader never sees
a dateline, a byline or boilerplate where the news should be. This module is the one home of these helpers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_WEEKDAY = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?"
_DATE = (rf"(?:{_WEEKDAY},?\s+)?(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH})(?:,?\s+\d{{4}})?"
         rf"|{_WEEKDAY}")
#: a word of the place: capitals (two letters at least), with dots, hyphens or apostrophes inside
_PLACE_WORD = r"[A-Z][A-Z.'\u2019\-]*[A-Z.]"
_REGION = rf"(?!{_MONTH}\s+\d)(?!{_WEEKDAY}\b)[A-Z][\w.'\u2019\-]*(?:\s+[A-Z][\w.'\u2019\-]*){{0,2}}"
_DASH = r"(?:--|[-\u2013\u2014])"
_DATELINE = re.compile(
    rf"""^\s*(?P<place>{_PLACE_WORD}(?:\s+{_PLACE_WORD}){{0,3}})
         (?:,\s*(?P<region>{_REGION}))?
         (?:,?\s*(?P<date>{_DATE}))?
         (?:\s*(?P<agency>\([^()\n]{{1,60}}\)))?
         \s*(?P<dash>{_DASH})\s+(?=\S)""",
    re.VERBOSE,
)
_NAME_JOINERS = frozenset({"and", "&", "de", "del", "der", "van", "von", "da", "di", "du", "la", "le", "bin", "al"})
_STAMP = re.compile(rf"^\s*(?:Published|Updated|Posted|Last updated)(?::|\s+on)?\s+(?:{_DATE}|\d{{4}}-\d\d-\d\d)"
                    r"[\d\s,:apmAPMUTC]{0,20}\.?\s*$")


def strip_dateline(sentence: str) -> str:
    """``sentence`` without a leading dateline; unchanged when it has none.

    A plain hyphen counts only after a date or an agency (``US - China talks`` keeps its ``US``);
    an en or em dash after a place in capitals is enough (``WASHINGTON — The Senate ...``).
    """
    match = _DATELINE.match(sentence)
    if match is None:
        return sentence
    if match.group("dash") == "-" and not (match.group("date") or match.group("agency")):
        return sentence
    rest = sentence[match.end():]
    return rest if any(ch.isalpha() for ch in rest) else sentence


@dataclass(frozen=True)
class Dateline:
    """Where a dateline's place (in capitals, as written) and its agency (in brackets, if any) are."""

    place: str
    place_start: int
    place_end: int
    agency: str = ""
    agency_start: int = 0
    agency_end: int = 0


def find_dateline(sentence: str) -> Dateline | None:
    """The dateline opening ``sentence`` (``CASTELLAN (Meridian Wire) -``), or None.

    Only a dateline :func:`strip_dateline` would remove counts (``US - China talks`` has none).
    """
    match = _DATELINE.match(sentence)
    if match is None or strip_dateline(sentence) == sentence:
        return None
    found = Dateline(match.group("place"), match.start("place"), match.end("place"))
    agency = match.group("agency")
    if agency and agency[1:-1].strip():
        inner = agency[1:-1].strip()
        start = match.start("agency") + agency.index(inner)
        found = Dateline(found.place, found.place_start, found.place_end, inner, start, start + len(inner))
    return found


#: "By" in the languages whose bylines newsdesk reads (English, German, French, Spanish, Dutch, Italian)
BYLINE_PREFIX = re.compile(r"^(?:by|von|par|por|door|di|da)\s+", re.IGNORECASE)
_ROLE_TAIL = re.compile(r"\s*(?:,|\||·|–|—|-)\s*(?:(?:senior|chief|staff|special|political|foreign|"
                        r"economics?|science|business)\s+)*(?:writer|reporter|correspondent|editor|fellow|"
                        r"contributor|columnist)s?\s*$", re.IGNORECASE)


def byline_names(line: str) -> str:
    """The names in a byline (``By Priya Nandakumar and Jonas Hale`` → ``Priya Nandakumar and Jonas Hale``),
    or "" when ``line`` is not one. A role after the names (``, Staff Writer``) is left out; a sentence
    that only starts with "By" (``By Wednesday afternoon the line of lorries ...``) is no byline."""
    flat = " ".join(line.split()).rstrip(".")
    match = BYLINE_PREFIX.match(flat)
    if match is None:
        return ""
    names = _ROLE_TAIL.sub("", flat[match.end():]).strip(" ,|·")
    words = names.replace(",", " , ").split()
    if not 2 <= len(words) <= 15 or len(names) > 120:
        return ""
    counted = 0
    for word in words:
        if word == "," or word.lower() in _NAME_JOINERS:
            continue
        if not (word[0].isupper() and any(ch.isalpha() for ch in word)) or any(ch.isdigit() for ch in word):
            return ""
        counted += 1
    return names if counted >= 2 else ""


def is_credit_line(sentence: str) -> bool:
    """Whether ``sentence`` only credits authors (``By A and B.``) or stamps a date (``Updated 9 Nov``)."""
    if _STAMP.match(sentence):
        return True
    return sentence.strip().startswith("By ") and bool(byline_names(sentence))


_BOILERPLATE = re.compile(
    r"""^\W*(?:
        (?:reporting|writing|editing|additional\ reporting|compiled)\ by\b     # wire credits
      | (?:sign\ up|subscribe|register|log\ ?in)\b                           # calls to action
      | (?:read|see|watch|listen)\ (?:more|also|next)\b | related\ *:
      | (?:follow|like)\ us\b | share\ this\b | click\ here\b | advertisement\b
      | (?:here\ is|here's|here\u2019s|this\ is)\ (?:what|everything|all)\ (?:we|you)\ (?:know|need)
      | what\ we\ know\b
      | (?:this|the)\ (?:article|story|report|page)\ (?:was|has\ been|is)\ (?:updated|amended|corrected|
            first\ published|produced|based|compiled)
      | (?:correction|clarification|update)\ *:
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_ANYWHERE = re.compile(r"all rights reserved|\u00a9|\(c\)\s*\d{4}|contributed to this report|"
                       r"our (?:morning |daily |weekly )?newsletter", re.IGNORECASE)


def is_boilerplate(sentence: str) -> bool:
    """Whether ``sentence`` is about the page or the reporting, not the news (see the module doc)."""
    return bool(_BOILERPLATE.match(sentence) or _ANYWHERE.search(sentence))

"""Bylines as citation names: ``"Jonas Hale and Mara van der Berg"`` → family/given pairs, an
organisation byline (``"Meridian Wire staff"``) as one literal name."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: words that make a byline an organisation, not a person
_CORPORATE = {"staff", "desk", "reporters", "reporter", "correspondent", "correspondents", "editors",
              "editorial", "board", "team", "newsroom", "agency", "agencies", "wire", "wires", "bureau",
              "service", "services", "institute", "office", "press", "news", "media"}
#: lower-case particles that belong to the family name (``van der Berg``, ``de la Cruz``)
_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "du", "la", "le", "ter",
              "ten", "bin", "ibn", "al", "el"}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_SEPARATORS = re.compile(r"\s*(?:;|\band\b|&|\bund\b|\bet\b|\by\b)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Name:
    """A person (``family``, ``given``) or an organisation (``literal``)."""

    family: str = ""
    given: str = ""
    literal: str = ""

    def to_csl(self) -> dict[str, str]:
        if self.literal:
            return {"literal": self.literal}
        return {"family": self.family, **({"given": self.given} if self.given else {})}

    @property
    def sort_key(self) -> str:
        return self.literal or self.family


def _person(text: str) -> Name:
    words = text.split()
    if any(w.lower().strip(".,") in _CORPORATE for w in words) or len(words) > 5:
        return Name(literal=text)
    if len(words) == 1:
        return Name(family=words[0])
    suffix = ""
    if words[-1].lower() in _SUFFIXES and len(words) > 2:
        suffix = words.pop()
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in _PARTICLES:
        start -= 1
    family = " ".join(words[start:])
    given = " ".join(words[:start]) + (f", {suffix}" if suffix else "")
    return Name(family=family, given=given)


def _parts(byline: str) -> list[str]:
    """The names in a byline: split on ``and``/``&``/``;``, and on commas between full names."""
    pieces = [p.strip(" ,") for p in _SEPARATORS.split(byline) if p and p.strip(" ,")]
    names: list[str] = []
    for piece in pieces:
        commas = [c.strip() for c in piece.split(",") if c.strip()]
        if len(commas) == 2 and len(commas[0].split()) == 1 and commas[1].lower() not in _SUFFIXES:
            names.append(f"{commas[1]} {commas[0]}")  # "Hale, Jonas"
        else:
            names.extend(commas)
    return names


def split_byline(byline: str) -> list[Name]:
    """The authors of a byline; ``[]`` for an empty one."""
    byline = " ".join(byline.split())
    byline = re.sub(r"^by\s+", "", byline, flags=re.IGNORECASE)
    if not byline:
        return []
    if any(w.lower().strip(".,") in _CORPORATE for w in byline.split()) and not _SEPARATORS.search(byline):
        return [Name(literal=byline)]
    return [_person(part) for part in _parts(byline)]

"""A rule-based sentence splitter: no model, no NLTK data.

It handles what news text throws at it: abbreviations (``Mr.``, ``Dr.``, ``U.S.``, ``Jan.``),
initials (``George W. Bush``), decimals and versions (``3.5``), closing quotes and brackets after
the full stop, and ellipses. A terminator ends a sentence when what follows opens one: a capital,
a digit, an opening quote or bracket, or a letter of a script without case (Arabic, Hebrew,
Devanagari...); a lower-case word after it means an abbreviation or a said-clause. Blank lines
(paragraph breaks) always end a sentence; a single line break ends one unless the line plainly
continues (lower-case on both sides of it).

:func:`sentence_spans` gives ``(start, end)`` character offsets into the input, so callers can map
sentences back to the text; :func:`split_sentences` gives the sentence strings.
"""

from __future__ import annotations

import re

__all__ = ["sentence_spans", "split_sentences"]

def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: Titles and other abbreviations that are (almost) never the end of a sentence.
_NEVER_FINAL = _wordset(
    """mr mrs ms mssrs messrs dr prof sr jr st gen lt col maj capt cpt sgt cmdr adm gov sen rep
    reps sens pres rev hon fr mt ft pt no nos vol vols fig figs ch sec art para pp p e.g i.e cf vs
    v approx dept est al jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu
    thur thurs fri sat sun ave blvd rd hwy univ assn bros ca op ed eds"""
)
#: Abbreviations that may end a sentence: a boundary when a typical sentence opener follows.
_MAYBE_FINAL = _wordset(
    """etc inc ltd co corp llc plc u.s u.k u.n e.u a.m p.m d.c l.a n.y u.s.a ph.d b.a m.a
    cal calif mass penn wash fla ariz colo conn ill ind kan ky md mich minn miss mo neb nev okla ore
    tenn tex va wis wyo"""
)
_OPENERS = _wordset(
    """the a an he she it they we i you his her its their our this that these those there here
    but and so yet or if when while after before as in on at for from by with without to of
    however meanwhile still then now also some many most one two three no not what who why how
    mr mrs ms dr officials police"""
)

_TERMINATOR = re.compile(r"[.!?\u2026\u3002\uff01\uff1f]+")
_CLOSERS = ("\u201d", "\u2019", ")", "]", "}", "\u00bb")
_AMBIGUOUS_QUOTES = ('"', "'")
_OPEN_QUOTE = re.compile(r"\u201c|\u00ab|(?:(?<=\s)|^)[\"'](?=\S)")
_CLOSE_QUOTE = re.compile(r"\u201d|\u00bb|(?<=\S)[\"'](?=\s|$|[.,;:!?])")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_CJK_STOPS = "\u3002\uff01\uff1f"


def _word_before(text: str, end: int) -> str:
    """The token that ends at ``end`` (the text before a terminator), lower-cased."""
    start = end
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "(\"'`\u201c[":
        start -= 1
    return text[start:end].lower()


def _next_word(text: str, pos: int) -> str:
    match = re.match(r"\s*[\"'\u201c\u2018(\[]*\s*(\S+)", text[pos:pos + 80])
    return match.group(1) if match else ""


def _skip_closers(text: str, pos: int, sentence_start: int) -> int:
    """Move ``pos`` past closing quotes/brackets that belong to the sentence just ended."""
    while True:
        rest = text[pos:pos + 3].lstrip(" ")
        gap = len(text[pos:pos + 3]) - len(rest)
        if gap > 1:
            return pos
        closer = next((c for c in _CLOSERS if rest.startswith(c)), None)
        if closer is None and rest[:1] in _AMBIGUOUS_QUOTES:
            opened = len(_OPEN_QUOTE.findall(text, sentence_start, pos))
            closed = len(_CLOSE_QUOTE.findall(text, sentence_start, pos))
            closer = rest[0] if opened > closed else None
        if closer is None:
            return pos
        pos += gap + len(closer)


def _is_boundary(text: str, term_start: int, term: str, after: int) -> bool:
    """Decide whether the terminator ``term`` at ``term_start`` ends a sentence."""
    if term[-1] in _CJK_STOPS:
        return True
    if after < len(text) and not text[after].isspace():
        return False  # "3.5", "U.S.-led", "example.com", "?!x"
    nxt = _next_word(text, after)
    if not nxt:
        return True
    first = nxt[0]
    word = _word_before(text, term_start)
    if term == ".":
        if word in _NEVER_FINAL or (word.rstrip(".") in _NEVER_FINAL):
            return bool(word == "no" and not first.isdigit() and first.isupper())
        if re.fullmatch(r"[^\W\d_]", word, re.UNICODE) and word.isalpha():
            return False  # an initial: "George W. Bush"
        if word in _MAYBE_FINAL or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):
            return nxt.lower().strip("\"'") in _OPENERS and first.isupper()
    if term in ("...", "\u2026") or len(term) > 2 and set(term) == {"."}:
        return _opens_sentence(first) and not first.isdigit()
    # lower-case after "!" or "?" is a said-clause ("'Why?' she asked"); after "." an abbreviation
    return _opens_sentence(first) or first in "'\u2018[\u00ab-\u2014*\u2022"


def _opens_sentence(first: str) -> bool:
    """A capital, a digit, an opening quote or bracket, or a letter that has no case at all."""
    caseless = first.isalpha() and first.lower() == first.upper()
    return first.isupper() or first.isdigit() or caseless or first in "\"\u201c("


def _split_paragraph(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    sentence_start = start
    for match in _TERMINATOR.finditer(text, start, end):
        term_end = _skip_closers(text, match.end(), sentence_start)
        if term_end > end:
            term_end = end
        if _is_boundary(text, match.start(), match.group(), term_end):
            spans.append((sentence_start, term_end))
            sentence_start = term_end
    spans.append((sentence_start, end))
    return spans


def _line_breaks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a paragraph at single line breaks unless the line plainly continues."""
    pieces: list[tuple[int, int]] = []
    piece_start = start
    for match in re.finditer(r"\n", text[start:end]):
        pos = start + match.start()
        before = text[piece_start:pos].rstrip()
        after = text[pos + 1:end].lstrip()
        if before and after and before[-1].isalpha() and before[-1].islower() and after[0].islower():
            continue
        if before and after and before[-1] in ",;:-(\u2013" and after[0] not in "-*\u2022":
            continue
        pieces.append((piece_start, pos))
        piece_start = pos + 1
    pieces.append((piece_start, end))
    return pieces


def _trim(text: str, span: tuple[int, int]) -> tuple[int, int] | None:
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of each sentence in ``text``, whitespace trimmed, in order."""
    if not text or not text.strip():
        return []
    spans: list[tuple[int, int]] = []
    para_start = 0
    bounds = [(m.start(), m.end()) for m in _PARAGRAPH_BREAK.finditer(text)] + [(len(text), len(text))]
    for para_end, next_start in bounds:
        for line_start, line_end in _line_breaks(text, para_start, para_end):
            for span in _split_paragraph(text, line_start, line_end):
                trimmed = _trim(text, span)
                if trimmed is not None:
                    spans.append(trimmed)
        para_start = next_start
    return _merge_orphans(text, spans)


def _merge_orphans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Glue pieces with no letter or digit (a stray quote, a lone ellipsis) onto the sentence before."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        piece = text[start:end]
        if merged and not any(ch.isalnum() for ch in piece) and "\n" not in text[merged[-1][1]:start]:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` (paragraph breaks always split), whitespace trimmed."""
    return [text[start:end] for start, end in sentence_spans(text)]

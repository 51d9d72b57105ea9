"""Drop boilerplate blocks from extracted or plain text, keep the article.

Extractors and "save as text" leave page furniture behind: summary widgets ("No time to read?
Get a summary"), "Related Publications" / "Read more" lists, "Previous Article" / "Next Article"
links with the linked titles, share/subscribe/cookie lines, comment sections and "Advertisement"
labels. Only whole lines or whole blocks of a recognisable boilerplate kind are removed, so a
sentence such as "Previous statements by the agency hinted…" survives. The kinds of block:

* **newsletter boxes** — on HTML pages, the lines of the small container around an e-mail field
  (``boxes``, found in the markup by ``html.signup_box_lines``); in any text, a run of short lines
  that together give two or more different sign-up cues (newsletter, inbox, subscribe, sign up,
  unsubscribe, "no spam", e-mail address …), with a short heading right above them, such as "Get our research in your inbox / Monthly briefing
  … No spam, unsubscribe anytime." — found by the kind of thing a box says, not one site's wording;
* **"how to cite" blocks** — a "How to cite" / "Cite this article" / "Suggested citation" heading
  and the citation under it;
* **author boxes** — an "About the author(s)" heading and the short bio paragraphs under it, or a
  last short paragraph that introduces the byline's author ("Jonas Hale is a fellow at …");
* **bylines** — a "By A and B" line near the top goes, and its names are given back as the author
  (:func:`clean_article`); wire credit lines ("Reporting by …; Editing by …") go.

The result is paragraphs separated by one blank line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsdesk.analyze.datelines import byline_names

# One line that is nothing but a widget label.
_WIDGET_LINES = [
    r"no time to read\??(\s*get (a|the) summary)?",
    r"(too long\?|short on time\?|in a hurry\?)(\s*get (a|the) summary)?",
    r"get (a|the|an ai) summary",
    r"(summari[sz]e|summary of) this (article|story|page)",
    r"listen to (this|the) (article|story)( \d+ min(ute)?s?)?",
    r"advertisement|advert|sponsored( content)?|ad|ads by \w+",
    r"(story|article) continues below( this)? (advertisement|ad)",
    r"continue reading( below| the main story)?",
    r"skip (to|ad)( main)?( content)?",
    r"share( this)?( article| story| post| page)?( on| via)?( (facebook|twitter|x|linkedin|whatsapp|e-?mail))?",
    r"(share|tweet|pin|post|e-?mail|print|copy link|whatsapp|facebook|twitter|linkedin|reddit|telegram|x)"
    r"([\s,|·•/]+(share|tweet|pin|post|e-?mail|print|copy link|whatsapp|facebook|twitter|linkedin|reddit|"
    r"telegram|x))*",
    r"(order reprints?|print article|print this (article|page)|reprints? (and|&) permissions)",
    r"subscribe( now| today| here)?",
    r"(subscribe|sign up) (to|for) (our|the) [\w\s'’-]*newsletters?[.!]?",
    r"(become|already) a (subscriber|member)\??(\s*(log|sign) in)?[.!]?",
    r"follow us on [\w\s,&]+[.!]?",
    r"(accept|reject|manage)( all)? cookies|cookie (settings|policy|preferences)",
    r"comments are closed\.?",
    r"(tags|filed under|topics)\s*:.{0,200}",
    r"(like|liked|enjoy|enjoyed|love) this (story|article|post)\?.{0,80}",
    r"(copyright|\(c\)|©).{0,200}|.{0,160}\ball rights reserved\b.{0,80}",
    r"this copy is for your personal,? non-commercial use only\b.*",
    r"\[\w+[^\]]*\].{0,200}\[/\w+\]",
]
_WIDGET = re.compile(r"^(?:" + "|".join(_WIDGET_LINES) + r")$", re.IGNORECASE)

# Cookie banners run long, so they are matched by their opening instead.
_COOKIE = re.compile(r"^(we|this (web)?site|our (web)?site) uses? cookies\b.{0,400}$", re.IGNORECASE)

# "Read more: <title>" style single-line teasers, and "Also on example.com <title>".
_TEASER = re.compile(r"^((read (more|next|also)|see also|also read|related)\s*[:»›>|–—-]|also on [\w-]+\.[\w.]+)"
                     r"\s*\S.{0,200}$", re.IGNORECASE)

# Wire credit lines: "Reporting by A; Editing by B", "Additional reporting by C".
_WIRE_CREDIT = re.compile(r"^(\(?(additional )?(reporting|writing|editing|compiled|graphics) by\b).{0,300}$",
                          re.IGNORECASE)

# Photo credits: a short line carrying a copyright sign.
_CREDIT = re.compile(r"^(?=.{0,160}$).*©.*$")

# A heading that starts a list of other pages: the heading and the list go.
_LIST_HEADINGS = re.compile(
    r"^(related( publications| articles| stories| posts| content| coverage| reading| news| links)?|"
    r"read (more|next|also)|more (from|on|in|about) [\w\s'’&-]{1,60}(\.[a-z]{2,6})?|more stories|more news|"
    r"you (may|might) also (like|be interested in)|recommended( for you| stories| reading)?|"
    r"most (popular|read|viewed)|trending( now)?|popular (posts|stories)|latest (news|stories|posts)|"
    r"further reading|see also|tags|topics|filed under|don['’]t miss|more like this)\s*(?:[:»›]|\.\.\.|…)?$",
    re.IGNORECASE,
)

# Previous/next navigation: the label and the linked title after it go.
_NAV = re.compile(r"^([«‹<←]\s*)?(previous|next|prev|older|newer)( (article|post|story|entry|item))?"
                  r"(\s*[»›>→])?\s*(:\s*\S.{0,200})?$", re.IGNORECASE)

# A heading that starts the comment section: everything after it goes.
_COMMENTS = re.compile(
    r"^(\d+\s+)?(comments?|responses?|replies)(\s*\(\d+\))?$|"
    r"^(leave a (reply|comment)|post a comment|add a comment|join the (conversation|discussion)|"
    r"show comments|view comments|reader comments|tell us what you think\W*)\s*:?$",
    re.IGNORECASE,
)

_BULLET = re.compile(r"^[-–—•*·▪►]\s*")
_TRUNCATED = re.compile(r"(\[\s*(…|\.\.\.)\s*\]|…|\.\.\.)\s*$")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]?$")
_STATEMENT_END = re.compile(r"[.!][\"'”’)]?$")


def _key(line: str) -> str:
    """The line as compared with the patterns: no bullet, single spaces."""
    return " ".join(_BULLET.sub("", line.strip()).split())


def is_widget_line(line: str) -> bool:
    """True for a single line that is page furniture on its own."""
    key = _key(line)
    if not key:
        return False
    return any(pattern.match(key) for pattern in (_WIDGET, _COOKIE, _TEASER, _CREDIT, _WIRE_CREDIT))


def _looks_like_title(line: str) -> bool:
    """A linked title: short and not a finished sentence."""
    key = _key(line)
    return 0 < len(key) <= 160 and len(key.split()) <= 25 and not key.endswith(".")


def _looks_like_body(line: str) -> bool:
    """A real paragraph: long enough and ends like a sentence, not truncated."""
    key = _key(line)
    return len(key.split()) >= 25 and bool(_SENTENCE_END.search(key)) and not _TRUNCATED.search(key)


def _is_prose(line: str) -> bool:
    """A finished statement of eight words or more, not cut off: article text, not a list entry (a
    question is left to the title test: teaser titles often ask one)."""
    key = _key(line)
    return len(key.split()) >= 8 and bool(_STATEMENT_END.search(key)) and not _TRUNCATED.search(key)


def _is_list_item(line: str) -> bool:
    key = _key(line)
    if not key:
        return True
    stripped = line.strip()
    if _BULLET.match(stripped) is None and _is_prose(line):
        return False
    return (_BULLET.match(stripped) is not None or _TRUNCATED.search(key) is not None
            or _looks_like_title(line) or not _looks_like_body(line))


def _skip_list(lines: list[str], start: int) -> int:
    """Index of the first line after the list that begins at ``start``."""
    i = start
    while i < len(lines) and _is_list_item(lines[i]):
        i += 1
    return i


def _skip_nav_title(lines: list[str], start: int) -> int:
    """Skip blank lines and one linked title after a previous/next label."""
    i = start
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines) and _looks_like_title(lines[i]) and not _NAV.match(_key(lines[i])):
        return i + 1
    return start


def _drop_fragments(lines: list[str]) -> list[str]:
    kept: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        key = _key(line)
        if not key:
            kept.append("")
            i += 1
        elif _COMMENTS.match(key) and _is_closing_section(lines, i):
            break
        elif _LIST_HEADINGS.match(key):
            i = _skip_list(lines, i + 1)
        elif _NAV.match(key):
            i = i + 1 if ":" in key else _skip_nav_title(lines, i + 1)
        elif is_widget_line(line):
            i += 1
        else:
            kept.append(line.strip())
            i += 1
    return kept


_KICKER = re.compile(
    r"^(policy brief|issue brief|research brief|brief|analysis|opinion|commentary|comment|explainer|editorial|"
    r"feature|interview|exclusive|breaking( news)?|live|news|report|q ?& ?a)$", re.IGNORECASE)


def _drop_kicker(lines: list[str]) -> list[str]:
    """A section label above the headline ("Policy Brief", "Analysis") is not part of the text."""
    for i, line in enumerate(lines):
        if line.strip():
            return lines[:i] + lines[i + 1:] if _KICKER.match(_key(line)) else lines
    return lines


def _drop_trailing_teasers(lines: list[str]) -> list[str]:
    """Two or more teaser items at the very end (a linked title with a cut-off excerpt) go,
    even when no "Related" heading announces them."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    start = end
    while start and (not lines[start - 1].strip() or _TRUNCATED.search(_key(lines[start - 1]))):
        start -= 1
    teasers = [line for line in lines[start:end] if line.strip()]
    return lines[:start] if len(teasers) >= 2 else lines


def _is_closing_section(lines: list[str], index: int) -> bool:
    """A comment heading only ends the article when it is in the last part of the text."""
    return index >= len(lines) // 3


def _paragraphs(lines: list[str]) -> str:
    """Non-empty lines become paragraphs separated by one blank line."""
    return "\n\n".join(line for line in lines if line)


# --- boilerplate blocks ------------------------------------------------------------------

#: what a sign-up box says; a box gives two different cues (one alone is a sentence about a newsletter)
_SIGNUP_CUES = {
    "newsletter": r"\bnewsletters?\b",
    "inbox": r"\b(inbox(es)?|letterbox|mailbox)\b",
    "subscribe": r"\bsubscri(be[ds]?|bing|ptions?|bers?)\b",
    "unsubscribe": r"\bunsubscrib",
    "sign up": r"\b(sign(ed|ing)?[ -]?up|signup|opt[ -]?in)\b",
    "spam": r"\b((no|never|zero|without) spam|spam[- ]free)\b",
    "e-mail": r"\b(e-?mail (address|updates|alerts|list)|mailing list)\b",
    "briefing": r"\b(daily|weekly|monthly) (briefing|digest|round-?up|update)s?\b",
}
_SIGNUP = {kind: re.compile(pattern, re.IGNORECASE) for kind, pattern in _SIGNUP_CUES.items()}
#: a line of a sign-up box is short; a box is a few lines
BOX_LINE_WORDS, BOX_LINES = 25, 8

_CITE_HEADING = re.compile(r"^(how to cite( this)?( \w+)?|cite this( \w+)?|citation|suggested citation|"
                           r"recommended citation|to cite this( \w+)?)\s*:?$", re.IGNORECASE)
_CITE_LINE = re.compile(r"^(suggested citation|recommended citation|cite (this|as)( \w+)?|how to cite( this)?"
                        r"( \w+)?)\s*:\s*\S.{0,400}$", re.IGNORECASE)
_AUTHOR_HEADING = re.compile(r"^(about (the )?(authors?|writers?|contributors?)|(the )?authors?( bio(graphy)?|"
                             r" information)?)\s*:?$", re.IGNORECASE)
#: a citation or bio paragraph under its heading is short; at most this many follow one heading
BLOCK_PARAGRAPH_WORDS, BLOCK_PARAGRAPHS = 120, 3
#: a byline counts only among the first lines of the text
BYLINE_LINES = 4


def _signup_cues(line: str) -> set[str]:
    key = _key(line)
    if len(key.split()) > BOX_LINE_WORDS:
        return set()
    return {kind for kind, pattern in _SIGNUP.items() if pattern.search(key)}


def _is_box_heading(line: str) -> bool:
    """"Morning Brief" above a box: a few words, not a sentence."""
    key = _key(line)
    return 0 < len(key.split()) <= 5 and not _SENTENCE_END.search(key) and not key.endswith((",", ";", ":"))


def _drop_signup_boxes(lines: list[str]) -> list[str]:
    """Runs of short lines with two or more different sign-up cues go, from the first cue line to the
    last (a line without a cue may sit between two that have one)."""
    content = [i for i, line in enumerate(lines) if line.strip()]
    cues = {i: _signup_cues(lines[i]) for i in content}
    drop: set[int] = set()
    pos = 0
    while pos < len(content):
        if not cues[content[pos]]:
            pos += 1
            continue
        end, found, gap = pos, set(cues[content[pos]]), 0
        nxt = pos + 1
        while nxt < len(content) and nxt - pos < BOX_LINES and len(_key(lines[content[nxt]]).split()) <= BOX_LINE_WORDS:
            if cues[content[nxt]]:
                end, gap = nxt, 0
                found |= cues[content[nxt]]
            else:
                gap += 1
                if gap > 1:
                    break
            nxt += 1
        if len(found) >= 2:
            drop.update(content[pos:end + 1])
            if pos and _is_box_heading(lines[content[pos - 1]]):
                drop.add(content[pos - 1])
        pos = end + 1
    return [line for i, line in enumerate(lines) if i not in drop]


def _drop_headed_blocks(lines: list[str]) -> list[str]:
    """A "How to cite" or "About the author" heading and the short paragraphs under it go; so does a
    one-line "Suggested citation: …"."""
    kept: list[str] = []
    i = 0
    while i < len(lines):
        key = _key(lines[i])
        if key and (_CITE_HEADING.match(key) or _AUTHOR_HEADING.match(key)):
            i += 1
            taken = 0
            while i < len(lines) and taken < BLOCK_PARAGRAPHS:
                below = _key(lines[i])
                if below and (len(below.split()) > BLOCK_PARAGRAPH_WORDS or _CITE_HEADING.match(below)
                              or _AUTHOR_HEADING.match(below) or (taken and _looks_like_title(below))):
                    break
                taken += bool(below)
                i += 1
            continue
        if not (key and _CITE_LINE.match(key)):
            kept.append(lines[i])
        i += 1
    return kept


def _take_byline(lines: list[str]) -> tuple[list[str], str]:
    """A "By A and B" line among the first lines goes; its names are the author."""
    seen = 0
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if names := byline_names(_key(line)):
            return lines[:i] + lines[i + 1:], names
        seen += 1
        if seen >= BYLINE_LINES:
            break
    return lines, ""


def _drop_author_note(lines: list[str], author: str) -> list[str]:
    """A last short paragraph introducing the author ("Jonas Hale is a senior fellow …") goes."""
    names = [n.strip() for n in re.split(r",|\band\b|&", author) if len(n.split()) >= 2]
    content = [i for i, line in enumerate(lines) if line.strip()]
    if not names or len(content) < 3:
        return lines
    last = _key(lines[content[-1]])
    if len(last.split()) <= 60 and any(re.match(re.escape(n) + r",?\s+(is|was|are|were)\s", last) for n in names):
        return lines[:content[-1]]
    return lines


@dataclass(frozen=True)
class CleanedText:
    """The cleaned text and the byline's names taken out of it ("" when it had none)."""

    text: str
    byline: str = ""


def _lines(text: str) -> list[str]:
    normalised = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    return [line.rstrip() for line in normalised.split("\n")]


def clean_article(text: str, author: str = "", boxes: set[str] | None = None) -> CleanedText:
    """``text`` without boilerplate blocks, and the byline it carried.

    ``author`` (from the page's metadata) helps recognise a closing author note; ``boxes`` are
    lines the page's markup shows to be a sign-up box (``html.signup_box_lines``): they go.
    """
    if not text:
        return CleanedText("")
    lines = _lines(text)
    if boxes:
        lines = [line for line in lines if " ".join(line.split()) not in boxes]
    lines, byline = _take_byline(lines)
    lines = _drop_headed_blocks(_drop_signup_boxes(lines))
    lines = _drop_trailing_teasers(_drop_kicker(_drop_fragments(lines)))
    lines = _drop_author_note(lines, author or byline)
    return CleanedText(_paragraphs(lines), byline)


def clean_text(text: str) -> str:
    """``text`` without boilerplate blocks, as paragraphs separated by blank lines."""
    return clean_article(text).text

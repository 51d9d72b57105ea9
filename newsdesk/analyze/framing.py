"""Framing side by side: how each outlet opens a story and the phrases only it uses.

For every outlet covering a story: its *lead* (the first sentence of its earliest article) and
its *distinctive phrases* — word n-grams (1 to 3 content words) from the news sentences of that
outlet's articles (datelines cut, bylines and boilerplate such as "Sign up ..." or "(Reporting
by ...)" left out) that no other outlet of the story uses, not even in part (a three-word phrase
whose two-word piece another outlet uses is shared wording), and that hold no word of the outlet's
own name in any spelling ("News Loop", "newsloop's" for NewsLoop), ranked by how many of its
articles use them, two-word phrases first. With a single outlet there is nothing to contrast, so
the phrase list stays empty.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from newsdesk.analyze import vectors
from newsdesk.analyze.datelines import is_boilerplate, is_credit_line, strip_dateline
from newsdesk.analyze.sentences import split_sentences
from newsdesk.models import FramingInput, OutletFraming

MAX_PHRASES = 6
MAX_N = 3
_WORD_SPLIT = re.compile(r"[\w'\-]+|[^\w\s]|\n", re.UNICODE)
#: preferred phrase lengths when counts tie: two words say most, then one, then three
_LENGTH_RANK = {2: 0, 1: 1, 3: 2}


def news_sentences(text: str) -> list[str]:
    """The text's sentences that carry news: datelines cut off, bylines and boilerplate left out."""
    return [strip_dateline(sentence).strip() for sentence in split_sentences(text or "")
            if not is_credit_line(sentence) and not is_boilerplate(sentence)]


def lead_sentence(title: str, text: str) -> str:
    """The first news sentence of the text (the headline when there is none)."""
    for sentence in news_sentences(text):
        if sum(ch.isalpha() for ch in sentence) >= 20:
            return sentence
    return (title or text or "").strip()


def phrases(text: str, max_n: int = MAX_N) -> set[str]:
    """Word n-grams of content words (no stop word, no punctuation or line break inside) that do
    not cut a name in two ("secretary marta" out of "General Secretary Marta Ilves")."""
    found: set[str] = set()
    for chunk, capital in _cased_chunks(text):
        for n in range(1, max_n + 1):
            for i in range(len(chunk) - n + 1):
                gram = chunk[i:i + n]
                if any(word in vectors.STOPWORDS for word in gram):
                    continue
                if n == 1 and (len(gram[0]) < 4 or gram[0].isdigit()):
                    continue
                if gram[-1].isdigit():  # "announced 25", "approximately 9": a number cut off
                    continue
                if (i > 0 and capital[i - 1] and capital[i]) or (i + n < len(chunk) and capital[i + n - 1]
                                                                  and capital[i + n]):
                    continue
                found.add(" ".join(gram))
    return found


def _cased_chunks(text: str) -> list[tuple[list[str], list[bool]]]:
    """Runs of words between punctuation marks, lower-cased, each word with whether it was capitalised."""
    runs: list[tuple[list[str], list[bool]]] = [([], [])]
    for token in _WORD_SPLIT.findall(text):
        word = vectors.fold(token)
        if token[0].isalnum() and token != "\n" and word:
            runs[-1][0].append(word)
            runs[-1][1].append(token[0].isupper())
        elif runs[-1][0]:
            runs.append(([], []))
    return [run for run in runs if run[0]]


def _chunks(text: str) -> list[list[str]]:
    """Runs of words between punctuation marks, lower-cased."""
    return [words for words, _ in _cased_chunks(text)]


def compare_outlets(articles: Sequence[FramingInput], *, max_phrases: int = MAX_PHRASES) -> list[OutletFraming]:
    """One :class:`OutletFraming` per outlet, in the order outlets first appear in ``articles``.

    ``articles`` should be originals in publication order (copies would repeat an outlet's
    wording under another outlet's name).
    """
    by_outlet: dict[str, list[FramingInput]] = {}
    for article in articles:
        by_outlet.setdefault(article.outlet or "(unknown outlet)", []).append(article)
    usage: dict[str, Counter[str]] = {}
    for outlet, items in by_outlet.items():
        counts: Counter[str] = Counter()
        for item in items:
            counts.update(phrases("\n".join([item.title, *news_sentences(item.text)])))
        usage[outlet] = counts
    result = []
    for outlet, items in by_outlet.items():
        others: set[str] = set()
        for other, counts in usage.items():
            if other != outlet:
                others.update(counts)
        mine = Counter({p: n for p, n in usage[outlet].items()
                        if not any(_names_outlet(p, name) for name in by_outlet)})
        distinctive = _distinctive(mine, others, max_phrases) if others else []
        first = items[0]
        result.append(OutletFraming(outlet, [i.article_id for i in items],
                                    lead_sentence(first.title, first.text), distinctive))
    return result


def _names_outlet(phrase: str, outlet: str) -> bool:
    """Whether the phrase holds a word of the outlet's own name ("meridian", "wire" for Meridian
    Wire; "ledger's" for The Ledger) or spells the name another way ("news loop" or "newsloop's"
    for NewsLoop): an outlet naming itself says nothing about its framing."""
    own, compact = _outlet_words(outlet)
    words = [word.removesuffix("'s").removesuffix("\u2019s") for word in phrase.split()]
    return any(word in own for word in words) or bool(compact) and compact in "".join(words)


@lru_cache(maxsize=1024)
def _outlet_words(outlet: str) -> tuple[frozenset[str], str]:
    """The words of an outlet's name and the name run together (computed once per outlet: a large
    story checks tens of thousands of phrases against the same few names)."""
    own = frozenset(word for run in _chunks(_split_camel(outlet)) for word in run if word not in vectors.STOPWORDS)
    return own, "".join(sorted(own, key=_split_camel(outlet).lower().find))


def _split_camel(name: str) -> str:
    """``NewsLoop`` -> ``News Loop``, so each part of a run-together name counts as a word of it."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)


def _shares_wording(phrase: str, others: set[str]) -> bool:
    """Whether another outlet uses the phrase or a two-word piece of it."""
    words = phrase.split()
    return phrase in others or any(" ".join(words[i:i + 2]) in others for i in range(len(words) - 1))


def _distinctive(mine: Counter[str], others: set[str], limit: int) -> list[str]:
    """The outlet's own phrases: most used first, then those without figures, then those made of
    the words the outlet repeats most (so a single article's phrases are not ranked alphabetically)."""
    def rank(phrase: str) -> tuple[int, bool, int, int, str]:
        words = phrase.split()
        return (-mine[phrase], any(w.isdigit() for w in words), -sum(mine.get(w, 0) for w in words),
                _LENGTH_RANK.get(len(words), 3), phrase)

    candidates = sorted((p for p in mine if not _shares_wording(p, others)), key=rank)
    chosen: list[str] = []
    for phrase in candidates:
        if any(_overlaps(phrase, kept) for kept in chosen):
            continue
        chosen.append(phrase)
        if len(chosen) == limit:
            break
    return chosen


def _overlaps(a: str, b: str) -> bool:
    """Whether one phrase is a run of words inside the other."""
    return f" {a} " in f" {b} " or f" {b} " in f" {a} "

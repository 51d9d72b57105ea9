"""Key phrases of an article or a story, by YAKE (unsupervised, one document at a time).

Scores: YAKE gives *lower* scores to *better* phrases, unbounded and spread over orders of
magnitude. newsdesk turns them around so that **higher is better** everywhere in its API, CLI and
web pages: a phrase's score is ``1 / (1 + ln(yake_score / best_yake_score))``, so the best phrase
of a text scores 1.0, one YAKE rates 4 times worse about 0.42, 100 times worse about 0.18.

A story's score for a phrase is its mean score over the story's (original) articles, counting 0
where an article lacks it, times the square root of the share of articles that have it: a phrase
every article ranks first scores 1.0, and phrases the articles share beat one article's best.

Only the first :data:`MAX_CHARS` characters of a text are read (news puts the substance first;
YAKE's cost grows with length). Dropped: duplicates (any case), bare numbers, single words that
a better phrase contains ("dam" under "dam project"), and phrases that begin or end with a
weekday or month name (YAKE's "halted on Monday").
"""

from __future__ import annotations

import math
import re
from collections import defaultdict

from newsdesk.analyze.language import analysis_language
from newsdesk.errors import AnalysisError
from newsdesk.store import Store

#: characters of a text YAKE reads
MAX_CHARS = 30_000
#: longest phrase, in words
MAX_WORDS = 3
_EPSILON = 1e-12
_CALENDAR = frozenset([
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
    "today", "yesterday", "tomorrow",
])
#: ISO 639-1 codes YAKE spells differently
_YAKE_CODES = {"cs": "cz"}


def _yake_language(text: str, language: str | None) -> str:
    # YAKE without a stop-word list keeps "was", "the" in phrases: English (harmless elsewhere) when unsure
    code = analysis_language(text, language) or "en"
    return _YAKE_CODES.get(code, code)


def _unwanted(phrase: str, better: list[str]) -> bool:
    words = phrase.lower().split()
    if not re.search(r"[^\W\d_]", phrase) or words[0] in _CALENDAR or words[-1] in _CALENDAR:
        return True
    return len(words) == 1 and any(words[0] in b.lower().split() for b in better)


def _normalised(score: float, best: float) -> float:
    return round(1.0 / (1.0 + math.log((score + _EPSILON) / (best + _EPSILON))), 6)


def extract_keyphrases(text: str, *, n: int = 10, language: str | None = None) -> list[tuple[str, float]]:
    """The ``n`` best key phrases of ``text`` with scores in (0, 1], best (1.0) first.

    ``language`` is an ISO 639-1 code (guessed when missing); YAKE uses its stop words.
    """
    if n <= 0 or not text or not text.strip():
        return []
    import yake

    sample = text[:MAX_CHARS]
    try:
        extractor = yake.KeywordExtractor(lan=_yake_language(sample, language), n=MAX_WORDS, dedup_lim=0.8,
                                          top=n * 3)
        raw = extractor.extract_keywords(sample)
    except (ValueError, ZeroDivisionError, KeyError) as exc:  # YAKE's failures on odd input
        raise AnalysisError(f"key phrase extraction failed: {exc}") from exc
    chosen: list[tuple[str, float]] = []
    seen: set[str] = set()
    for phrase, score in sorted(raw, key=lambda item: float(item[1])):
        phrase = " ".join(phrase.split())
        if not phrase or phrase.lower() in seen or _unwanted(phrase, [p for p, _ in chosen]):
            continue
        seen.add(phrase.lower())
        chosen.append((phrase, float(score)))
        if len(chosen) == n:
            break
    if not chosen:
        return []
    best = chosen[0][1]
    return [(phrase, _normalised(score, best)) for phrase, score in chosen]


def index_keyphrases(store: Store, article_id: int, *, n: int = 10) -> None:
    """Extract the article's key phrases and replace its rows (idempotent)."""
    article = store.get_article(article_id)
    text = "\n\n".join(part for part in (article.title, article.text) if part)
    phrases = extract_keyphrases(text, n=n, language=article.language or None)
    store.replace_article_keyphrases(article_id, phrases)


def article_keyphrases(store: Store, article_id: int) -> list[tuple[str, float]]:
    """The stored key phrases of an article, best first (``NotFoundError`` for an unknown id)."""
    return store.article_keyphrase_rows(article_id)


def story_keyphrases(store: Store, story_id: int, *, n: int = 10) -> list[tuple[str, float]]:
    """A story's key phrases (see the module docstring for the score); phrases compare in any case.
    ``NotFoundError`` for an unknown id; a merged story answers for the story it was merged into."""
    size, rows = store.story_keyphrase_rows(store.resolve_story_id(story_id))
    totals: dict[str, float] = defaultdict(float)
    articles: dict[str, set[int]] = defaultdict(set)
    spelling: dict[str, str] = {}
    for article_id, phrase, score in sorted(rows):
        key = phrase.lower()
        spelling.setdefault(key, phrase)
        totals[key] += score
        articles[key].add(article_id)
    size = max(size, 1)
    scores = {k: totals[k] / size * math.sqrt(len(articles[k]) / size) for k in totals}
    ranked = sorted(scores, key=lambda k: (-scores[k], -len(articles[k]), k))
    return [(spelling[k], round(scores[k], 6)) for k in ranked[:n]]


__all__ = ["article_keyphrases", "extract_keyphrases", "index_keyphrases", "story_keyphrases"]

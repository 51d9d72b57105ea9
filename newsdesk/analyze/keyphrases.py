"""Key phrases of an article or a story, by YAKE (unsupervised, one document at a time).

Scores: YAKE gives *lower* scores to *better* phrases, unbounded. newsdesk turns them around so
that **higher is better** everywhere in its API, CLI and web pages: a phrase's score is
``best_yake_score / its_yake_score``, so the best phrase of a text scores 1.0 and the others fall
in (0, 1]. A story's phrases are those of its articles, each phrase's scores summed over the
articles and divided by the story's number of articles (a phrase every article ranks first
scores 1.0).

Only the first :data:`MAX_CHARS` characters of a text are read (news puts the substance first;
YAKE's cost grows with length). Phrases contained in a better one ("space agency" under
"Russian space agency") and bare numbers are dropped.
"""

from __future__ import annotations

import re
from collections import defaultdict

from newsdesk.errors import AnalysisError
from newsdesk.store import Store

#: characters of a text YAKE reads
MAX_CHARS = 30_000
#: longest phrase, in words
MAX_WORDS = 3
_EPSILON = 1e-12
#: ISO 639-1 codes YAKE spells differently
_YAKE_CODES = {"cs": "cz"}


def _language(text: str, language: str | None) -> str:
    if language:
        code = language.lower().split("-")[0].split("_")[0]
    else:
        import py3langid

        code = str(py3langid.classify(text[:2000])[0])
    return _YAKE_CODES.get(code, code)


def _contained(phrase: str, better: list[str]) -> bool:
    words = f" {phrase.lower()} "
    return any(words in f" {b.lower()} " for b in better)


def extract_keyphrases(text: str, *, n: int = 10, language: str | None = None) -> list[tuple[str, float]]:
    """The ``n`` best key phrases of ``text`` with scores in (0, 1], best (1.0) first.

    ``language`` is an ISO 639-1 code (guessed when missing); YAKE uses its stop words.
    """
    if n <= 0 or not text or not text.strip():
        return []
    import yake

    sample = text[:MAX_CHARS]
    try:
        extractor = yake.KeywordExtractor(lan=_language(sample, language), n=MAX_WORDS, dedup_lim=0.8,
                                          top=n * 3)
        raw = extractor.extract_keywords(sample)
    except (ValueError, ZeroDivisionError, KeyError) as exc:  # YAKE's failures on odd input
        raise AnalysisError(f"key phrase extraction failed: {exc}") from exc
    chosen: list[tuple[str, float]] = []
    seen: set[str] = set()
    for phrase, score in sorted(raw, key=lambda item: float(item[1])):
        phrase = " ".join(phrase.split())
        if phrase.lower() in seen or not re.search(r"[^\W\d_]", phrase) or _contained(phrase, [p for p, _ in chosen]):
            continue
        seen.add(phrase.lower())
        chosen.append((phrase, float(score)))
        if len(chosen) == n:
            break
    if not chosen:
        return []
    best = chosen[0][1]
    return [(phrase, round((best + _EPSILON) / (score + _EPSILON), 6)) for phrase, score in chosen]


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
    """A story's key phrases: its articles' phrases, scores summed per phrase (any case) over the
    story's size; ties go to the phrase found in more articles. ``NotFoundError`` for an unknown id."""
    size, rows = store.story_keyphrase_rows(store.resolve_story_id(story_id))
    totals: dict[str, float] = defaultdict(float)
    articles: dict[str, set[int]] = defaultdict(set)
    spelling: dict[str, str] = {}
    for article_id, phrase, score in sorted(rows):
        key = phrase.lower()
        spelling.setdefault(key, phrase)
        totals[key] += score
        articles[key].add(article_id)
    ranked = sorted(totals, key=lambda k: (-totals[k], -len(articles[k]), k))
    return [(spelling[k], round(totals[k] / max(size, 1), 6)) for k in ranked[:n]]


__all__ = ["article_keyphrases", "extract_keyphrases", "index_keyphrases", "story_keyphrases"]

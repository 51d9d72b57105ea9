"""The language an analysis step works in: the one extraction decided, stored on the article.

Extraction decides an article's language once (:func:`newsdesk.extract.language.detect_language`)
and the store keeps it as ``Article.language``. Analysis modules (summaries, entities, key
phrases) read that value through :func:`analysis_language` and never guess again on their own;
only text that never went through extraction -- a JSONL record without a ``language``, a plain
string handed to a library function -- is identified here, by the same detector extraction uses.
"""

from __future__ import annotations


def base_code(code: str) -> str:
    """The ISO 639-1 part of a language tag: ``"en-GB"``, ``"EN_us"`` and ``"en"`` all give ``"en"``."""
    return code.strip().lower().replace("_", "-").split("-")[0]


def analysis_language(text: str, stored: str | None = None) -> str:
    """``stored`` (the language extraction decided) as a base code; detected from ``text`` only when
    nothing was stored. ``""`` means unknown (too little text, or the detector was unsure)."""
    if stored and stored.strip():
        return base_code(stored)
    from newsdesk.extract.language import detect_language  # only now: extract/ loads trafilatura

    return detect_language(text)

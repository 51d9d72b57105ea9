"""Language of a text as an ISO 639-1 code, with py3langid; "" when too short or unsure."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

MIN_LETTERS = 20
MIN_CONFIDENCE = 0.80
MAX_CHARS = 600


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text`` (e.g. ``"en"``), or ``""`` when it is too short or the guess is unsure."""
    sample = (text or "")[:MAX_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return ""
    code, confidence = _identifier().classify(sample)
    return str(code) if float(confidence) >= MIN_CONFIDENCE else ""

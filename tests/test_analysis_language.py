"""One home for an article's language: extraction decides it, analysis reads what the store kept."""

from __future__ import annotations

import ast
import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.analyze import entities, keyphrases, summarize
from newsdesk.analyze.language import analysis_language, base_code
from newsdesk.config import Settings
from newsdesk.extract import language as extract_language
from newsdesk.models import ExtractedArticle
from newsdesk.store import Store

ANALYZE = Path(__file__).resolve().parents[1] / "newsdesk" / "analyze"
ENGLISH = ("The Tallow Bay dam project was halted on Monday after engineers found cracks in the spillway. "
           "The regional water board said the dam project would stay halted until the spillway was repaired. "
           "Farmers downstream asked the water board for compensation, and inspectors photographed the cracks.")


@pytest.fixture
def detections(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every call of the language detector, which answers "en" for anything."""
    calls: list[str] = []

    def fake_detect(text: str) -> str:
        calls.append(text)
        return "en"

    monkeypatch.setattr(extract_language, "detect_language", fake_detect)
    return calls


def _save(store: Store, language: str) -> int:
    article = ExtractedArticle(url="https://meridianwire.example/dam", title="Dam project halted", text=ENGLISH,
                               outlet="Meridian Wire", language=language,
                               published=datetime(2026, 10, 1, 9, 0, tzinfo=UTC))
    with store.transaction() as conn:
        stored = store.save_article(conn, article, canonical_url=article.url,
                                    content_hash=hashlib.sha256(ENGLISH.encode()).hexdigest())
    return stored.id


def test_base_code_of_a_tag() -> None:
    assert [base_code(c) for c in ("en-GB", "EN_us", "de", " fr ")] == ["en", "en", "de", "fr"]


def test_store_level_analysis_reads_the_stored_language(store: Store, settings: Settings,
                                                        detections: list[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    english_flags: list[bool] = []
    real_analyzer = summarize._analyzer

    def recording_analyzer(english: bool) -> object:
        english_flags.append(english)
        return real_analyzer(english)

    monkeypatch.setattr(summarize, "_analyzer", recording_analyzer)
    article_id = _save(store, "de")  # the text is English, but extraction said German: that is what counts
    keyphrases.index_keyphrases(store, article_id)
    summarize.summarize_article(store, article_id, settings)
    assert detections == []
    assert english_flags == [False]
    assert keyphrases._yake_language(ENGLISH, store.get_article(article_id).language) == "de"
    assert entities.is_english(ENGLISH, store.get_article(article_id).language) is False


def test_library_functions_with_a_language_never_detect(detections: list[str]) -> None:
    assert summarize.summarize_text(ENGLISH, language="en").sentences
    assert keyphrases.extract_keyphrases(ENGLISH, language="en-GB")
    assert entities.extract_entities(ENGLISH, language="fr")  # not English: the rule-based extractor
    assert detections == []


def test_without_a_stored_language_the_one_shared_detector_decides(detections: list[str]) -> None:
    assert analysis_language(ENGLISH, "") == "en"
    summarize.summarize_text(ENGLISH)
    keyphrases.extract_keyphrases(ENGLISH)
    assert entities.is_english(ENGLISH)
    assert len(detections) == 4


def test_no_analysis_module_identifies_languages_on_its_own() -> None:
    """Only analyze/language.py reaches the detector; nothing in analyze/ imports py3langid."""
    offenders = []
    for path in sorted(ANALYZE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                detector = name.split(".")[0] == "py3langid" or name == "newsdesk.extract.language"
                if detector and path.name != "language.py":
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []

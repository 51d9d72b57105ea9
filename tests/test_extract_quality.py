"""Quality gate (like trafilatura's eval gate): newsdesk's extractor on a fixed 30-page slice of the shared
ScrapingHub set must keep the F1 pinned in testdata/extract/quality_baseline.json, and stay above bare
trafilatura on the same pages. Re-pin with ``.venv/bin/python bench/extraction/run.py --write-baseline``."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from conftest import shared_path

from newsdesk.extract import extract_document
from newsdesk.models import Document

BASELINE = Path(__file__).parent / "testdata" / "extract" / "quality_baseline.json"


def _evaluator() -> ModuleType:
    path = shared_path("bench", "extraction", "evaluate.py")
    spec = importlib.util.spec_from_file_location("shared_extraction_evaluate", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gate() -> tuple[ModuleType, list[Any], dict[str, Any]]:
    ev = _evaluator()
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    by_id = {page.id: page for page in ev.load_pages(baseline["dataset"])}
    pages = [by_id[page_id] for page_id in baseline["pages"]]
    return ev, pages, baseline


def _newsdesk(page: Any) -> str | None:
    try:
        doc = Document(url=page.url or "", content=page.html_bytes(), content_type="text/html")
        return extract_document(doc).text
    except Exception:  # scored as "no output", as the shared scorer does
        return None


@pytest.mark.slow
def test_f1_does_not_fall_below_the_pinned_baseline(gate: tuple[ModuleType, list[Any], dict[str, Any]]) -> None:
    ev, pages, baseline = gate
    assert len(pages) == 30
    scores = ev.score_shingles(pages, {p.id: _newsdesk(p) for p in pages}, n_bootstrap=0)
    pinned = baseline["newsdesk"]["f1"]
    assert scores["f1"] >= pinned - baseline["tolerance"], (
        f"F1 {scores['f1']:.4f} fell below the pinned {pinned:.4f} (P {scores['precision']:.4f}, "
        f"R {scores['recall']:.4f})")


@pytest.mark.slow
def test_newsdesk_beats_bare_trafilatura_on_the_slice(gate: tuple[ModuleType, list[Any], dict[str, Any]]) -> None:
    import trafilatura

    ev, pages, _ = gate
    ours = ev.score_shingles(pages, {p.id: _newsdesk(p) for p in pages}, n_bootstrap=0)
    bare = ev.score_shingles(pages, {p.id: trafilatura.extract(p.html_text(), url=p.url) for p in pages},
                             n_bootstrap=0)
    assert ours["f1"] > bare["f1"]

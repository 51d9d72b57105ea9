"""The bundled demo corpus: six invented outlets, eight storylines, Sept-Nov 2026.

Layout (see ``docs/demo-corpus.md``)::

    site/<host>/<url path>.html   article pages; the file mirrors the canonical URL path plus ``.html``
    site-extras/<host>/...        non-article pages (a homepage, a section page)
    feeds/<host>/<feed path>      RSS, Atom and JSON feeds at their URL paths; the Ledger's sitemap.xml
    feeds.opml                    the six feeds
    briefs/*.pdf                  the Harbor Institute's PDF brief (built by build_pdf.py)
    gold/<id>.txt                 title and body text of each HTML article, for extraction tests
    manifest.json                 gold truth: outlets, storylines and one row per document

Everything here is invented; ``python -m newsdesk.demo.generate`` rebuilds it from ``texts/``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsdesk.errors import NotFoundError

DEMO_DIR: Path = Path(__file__).resolve().parent
SITE_DIR: Path = DEMO_DIR / "site"
SITE_EXTRAS_DIR: Path = DEMO_DIR / "site-extras"
FEEDS_DIR: Path = DEMO_DIR / "feeds"
BRIEFS_DIR: Path = DEMO_DIR / "briefs"
OPML_FILE: Path = DEMO_DIR / "feeds.opml"
MANIFEST_FILE: Path = DEMO_DIR / "manifest.json"


def _read_manifest() -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(MANIFEST_FILE.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise NotFoundError(f"demo manifest missing: {MANIFEST_FILE}", source=str(MANIFEST_FILE)) from exc
    return data


def load_manifest() -> list[dict[str, Any]]:
    """One dict per document (48+ HTML articles and the PDF brief): ``id``, ``file`` (relative to
    ``DEMO_DIR``), ``url``, ``outlet``, ``title``, ``author``, ``published``, ``storyline``,
    ``duplicate_of`` (canonical URL of the original for syndicated copies), ``duplicate_kind``
    (``near``/``exact``), ``format`` (``html``/``pdf``), ``gold_text``, ``words``."""
    articles: list[dict[str, Any]] = _read_manifest()["articles"]
    return articles


def load_storylines() -> list[dict[str, Any]]:
    """The storylines: ``id``, ``label``, ``summary``."""
    storylines: list[dict[str, Any]] = _read_manifest()["storylines"]
    return storylines


def load_outlets() -> list[dict[str, Any]]:
    """The outlets: ``domain``, ``name``, ``kind``, ``feed`` (URL), ``feed_type``."""
    outlets: list[dict[str, Any]] = _read_manifest()["outlets"]
    return outlets


def demo_targets() -> list[Path]:
    """What ``newsdesk demo`` ingests: the article folder and the PDF brief."""
    return [SITE_DIR, *sorted(BRIEFS_DIR.glob("*.pdf"))]


def local_file_for_url(url: str) -> Path:
    """The file that serves ``url`` on a loopback mirror of the demo hosts.

    Articles map to ``site/<host>/<path>.html``, feeds and sitemaps to ``feeds/<host>/<path>``,
    ``/`` and other pages to ``site-extras/<host>/<path>[.html|/index.html]``, the PDF to ``briefs/``.
    """
    parts = urlsplit(url)
    host, path = parts.hostname or "", parts.path.strip("/")
    candidates = [
        SITE_DIR / host / f"{path}.html", FEEDS_DIR / host / path, SITE_EXTRAS_DIR / host / f"{path}.html",
        SITE_EXTRAS_DIR / host / path / "index.html", BRIEFS_DIR / Path(path).name,
    ]
    for candidate in candidates:
        if path and candidate.is_file() or not path and candidate.name == "index.html" and candidate.is_file():
            return candidate
    raise NotFoundError(f"no demo file for {url}", source=url)

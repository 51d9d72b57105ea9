"""``Document`` → ``ExtractedArticle``: main text and metadata out of HTML, PDF, text and records.

Entry points others call:

- :func:`extract_document` — dispatch on the sniffed kind, fill gaps from ``doc.hints``;
- :func:`main_text` — the cleaned main text of one HTML page (the benchmark's ``--callable``);
- :func:`newsdesk.extract.cleanup.clean_text`, :func:`newsdesk.extract.language.detect_language`;
- :func:`status_message` — why an article has no text (a PDF without text layer), for the CLI.
"""

from __future__ import annotations

from newsdesk.errors import NotAnArticleError
from newsdesk.extract.cleanup import clean_text
from newsdesk.extract.html import extract_html, main_text
from newsdesk.extract.language import detect_language
from newsdesk.extract.metadata import apply_hints, outlet_from_domain
from newsdesk.extract.pdf import NO_TEXT_LAYER, extract_pdf, status_message
from newsdesk.extract.sniff import RECORD_TYPE, sniff_kind
from newsdesk.extract.text import extract_record, extract_text
from newsdesk.models import Document, ExtractedArticle
from newsdesk.urls import web_url

__all__ = [
    "NO_TEXT_LAYER",
    "RECORD_TYPE",
    "clean_text",
    "detect_language",
    "extract_document",
    "main_text",
    "sniff_kind",
    "status_message",
]

_EXTRACTORS = {"html": extract_html, "pdf": extract_pdf, "text": extract_text, "record": extract_record}


def extract_document(doc: Document) -> ExtractedArticle:
    """The article in ``doc``.

    Raises :class:`NotAnArticleError` (binary content, empty page, no main text),
    :class:`EncryptedPDFError` or :class:`PDFError`. A PDF without a text layer is not an error:
    it comes back with ``status="no_text_layer"`` and empty text (see :func:`status_message`).
    """
    kind = sniff_kind(doc)
    if kind == "binary":
        shown = doc.media_type or "unknown type"
        raise NotAnArticleError(f"binary content ({shown}), not an article", source=doc.url)
    if not doc.content.strip() and kind != "record":
        raise NotAnArticleError("empty document", source=doc.url)
    article = apply_hints(_EXTRACTORS[kind](doc), doc.hints)
    if not article.outlet:
        article.outlet = outlet_from_domain(web_url(article.canonical_url) or web_url(article.url))
    if not article.canonical_url:  # a local file without a web address has none: never file://
        article.canonical_url = web_url(article.url)
    return article

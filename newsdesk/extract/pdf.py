"""PDF → article with pypdf.

Text comes page by page (pages joined with blank lines); words hyphenated at line ends are mended;
lines repeated at the top or bottom of most pages (running headers, footers, page numbers) are
dropped; lines are joined into paragraphs. Title, author and date come from the document
information, else the title is the first line of the first page (or the file name).

A PDF whose pages hold no text (a scan) still gives an article: ``status="no_text_layer"`` and
empty text, so it can be stored and found; :func:`status_message` words it for people.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote

from newsdesk.dates import parse_datetime
from newsdesk.errors import EncryptedPDFError, NoTextLayerError, PDFError
from newsdesk.extract.language import detect_language
from newsdesk.extract.metadata import make_excerpt, outlet_from_domain
from newsdesk.extract.text import looks_like_name
from newsdesk.models import Document, ExtractedArticle
from newsdesk.urls import path_of, web_url

NO_TEXT_LAYER = "no_text_layer"
_EDGE_LINES = 2
_PAGE_NUMBER = re.compile(r"^(page\s*)?[-–—]?\s*\d{1,4}\s*[-–—]?(\s*(of|/)\s*\d{1,4})?$", re.IGNORECASE)
_HYPHEN_BREAK = re.compile(r"(\w)-\n(?=[a-zà-ÿ])")
_SENTENCE_END = re.compile(r"[.!?:;][\"'”’)]?$")
_BYLINE_LINE = re.compile(r"^(?:written )?by:?\s+(?P<names>[^.;|]{3,120}?)\s*(?:[.;|]\s*(?:(?:published|updated|posted)\b.*)?)?$",
                          re.IGNORECASE)
_JUNK_TITLES = re.compile(r"^(untitled|microsoft (word|powerpoint) - .*|document\d*|.*\.(docx?|pdf|tex|indd))$",
                          re.IGNORECASE)


def status_message(article: ExtractedArticle) -> str:
    """A sentence for people about why an article has no text; "" when it is fine."""
    if article.status == NO_TEXT_LAYER:
        return str(NoTextLayerError(
            "the PDF has no text layer (scanned pages?); stored without text — run OCR to get its text",
            source=article.url,
        ))
    return ""


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs every repair it makes as a warning; the outcome is reported through our errors."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _failures() -> tuple[type[BaseException], ...]:
    """What pypdf raises on broken or hostile PDFs besides its own errors (it is not consistent).

    NotImplementedError: a filter or feature pypdf does not support.
    """
    from pypdf.errors import DependencyError, PyPdfError

    return (PyPdfError, DependencyError, NotImplementedError, ValueError, KeyError, TypeError, AttributeError,
            IndexError,
            OSError, OverflowError, ZeroDivisionError, RecursionError, AssertionError, UnicodeError)


def _failure_message(exc: BaseException) -> str:
    from pypdf.errors import LimitReachedError

    if isinstance(exc, LimitReachedError):
        return f"goes past one of pypdf's safety limits (a decompression bomb or an absurd length): {exc}"
    if isinstance(exc, NotImplementedError):
        return f"uses a feature pypdf cannot read: {exc}"
    return f"{exc or type(exc).__name__}"


def _reader(doc: Document) -> Any:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(doc.content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise EncryptedPDFError("the PDF needs a password", source=doc.url)
        if len(reader.pages) == 0:
            raise PDFError("the PDF has no pages", source=doc.url)
    except NotImplementedError as exc:  # unsupported encryption algorithm
        raise EncryptedPDFError(f"cannot decrypt: {exc}", source=doc.url) from exc
    except _failures() as exc:
        raise PDFError(f"unreadable PDF: {_failure_message(exc)}", source=doc.url) from exc
    return reader


def _page_texts(reader: Any, source: str) -> list[str]:
    texts = []
    try:
        for page in reader.pages:
            texts.append(page.extract_text() or "")
    except _failures() as exc:
        raise PDFError(f"cannot read page text: {_failure_message(exc)}", source=source) from exc
    return texts


def _shape(line: str) -> str:
    """A line with digits masked, so "Page 3" and "Page 4" count as the same running line."""
    return re.sub(r"\d+", "#", " ".join(line.split())).casefold()


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Shapes of lines at the top or bottom of at least 60 % of pages (needs 3+ pages, or 2 of 2)."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        edges = {_shape(line) for line in lines[:_EDGE_LINES] + lines[-_EDGE_LINES:]}
        counts.update(edges)
    needed = max(2, int(0.6 * len(pages) + 0.999))
    return {shape for shape, count in counts.items() if count >= needed and shape}


def _paragraphs(lines: list[str]) -> list[str]:
    """Join a page's lines into paragraphs: a short line ending a sentence closes a paragraph."""
    width = max((len(line) for line in lines), default=0)
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        current.append(line)
        if _SENTENCE_END.search(line) and len(line) < 0.8 * width:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def clean_pages(page_texts: list[str]) -> list[list[str]]:
    """Lines of each page without running headers/footers and page numbers, hyphenation mended."""
    pages = [[line.strip() for line in _HYPHEN_BREAK.sub(r"\1", text).splitlines() if line.strip()]
             for text in page_texts]
    running = _running_lines(pages)
    cleaned = []
    for lines in pages:
        body = [line for line in lines if _shape(line) not in running and not _PAGE_NUMBER.match(line)]
        if body:
            cleaned.append(body)
    return cleaned


def _info(reader: Any) -> tuple[str, str, Any]:
    try:
        info = reader.metadata
    except Exception:  # broken info dictionaries are common; the text still counts
        return "", "", None
    if info is None:
        return "", "", None
    title = " ".join(str(info.title or "").split())
    author = " ".join(str(info.author or "").split())
    try:
        created = info.creation_date
    except Exception:  # unparseable date string
        created = None
    return ("" if _JUNK_TITLES.match(title) else title), author, created


def _is_title_line(lines: list[str]) -> bool:
    """Whether a page's first line reads as a heading rather than the start of a wrapped paragraph."""
    first = lines[0]
    if len(first) > 150 or first.endswith(("-", ",", ";")):
        return False
    if len(lines) == 1:
        return True
    width = max(len(line) for line in lines)
    return len(first) < 0.75 * width or lines[1][:1].isupper() or lines[1][:1].isdigit()


def _file_title(url: str) -> str:
    name = PurePosixPath(unquote(path_of(url))).stem
    return " ".join(re.split(r"[-_]+", name)).strip()


def extract_pdf(doc: Document) -> ExtractedArticle:
    """An article from a PDF; ``status="no_text_layer"`` (empty text) for a scan."""
    with _quiet_pypdf():
        reader = _reader(doc)
        title, author, created = _info(reader)
        pages = clean_pages(_page_texts(reader, doc.url))
    article = ExtractedArticle(url=doc.url, author=author, published=parse_datetime(created),
                               canonical_url=web_url(doc.url) or _base_url(reader), kind="pdf")
    article.outlet = _publisher(reader) or outlet_from_domain(article.canonical_url)
    if not pages:
        article.title = title or _file_title(doc.url)
        article.status = NO_TEXT_LAYER
        return article
    first_line = pages[0][0]
    article.title = title or (first_line if _is_title_line(pages[0]) else _file_title(doc.url))
    if " ".join(first_line.split()).casefold() == article.title.casefold():
        pages[0] = pages[0][1:]
    byline_author = _leading_byline(pages[0])
    if byline_author:
        pages[0] = pages[0][1:]
        article.author = article.author or byline_author
    text = "\n\n".join("\n\n".join(_paragraphs(lines)) for lines in pages if lines) or first_line
    article.text = text
    article.excerpt = make_excerpt(text)
    article.language = detect_language(text)
    return article


def _leading_byline(lines: list[str]) -> str:
    """The names in a first line such as "By Jane Roe and Sam Poe. Published 8 October 2026.", or ""."""
    if not lines:
        return ""
    match = _BYLINE_LINE.match(" ".join(lines[0].split()))
    return looks_like_name(match.group("names")) if match else ""


def _publisher(reader: Any) -> str:
    """Who published the PDF: XMP ``dc:publisher``, else an Info ``/Publisher`` or ``/Company`` entry."""
    try:
        xmp = reader.xmp_metadata
        names = [str(n) for n in (xmp.dc_publisher or [])] if xmp is not None else []
        info = reader.metadata or {}
        names += [str(info.get(key) or "") for key in ("/Publisher", "/Company")]
    except _failures():
        return ""
    return next((" ".join(n.split()) for n in names if n.strip()), "")


def _base_url(reader: Any) -> str:
    """The web address the PDF gives itself: the catalog's ``/URI /Base`` (PDF 1.7, 12.6.4.8)."""
    try:
        uri = reader.trailer["/Root"].get("/URI")
        base = uri.get_object().get("/Base") if uri is not None else None
    except _failures():
        return ""
    return web_url(str(base)) if base else ""

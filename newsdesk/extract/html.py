"""HTML page → main text and article fields.

trafilatura is the core, run once in fast mode with ``favor_precision`` and without comments, on the
tree parsed once here. Cheap checks decide whether a second opinion is needed, so most pages cost
one trafilatura pass:

- the fast pass kept almost nothing, or far more than the page's paragraph text → trafilatura's
  full precise pass (and its default focus if that is still short);
- the text is much shorter than the paragraph text visible on the page (articles split into
  several sections, which trafilatura then cuts short) → readability-lxml, whose text is taken
  when it is clearly longer without blowing past the page's paragraphs.

The result goes through :func:`newsdesk.extract.cleanup.clean_text`, and a first paragraph that
repeats the headline is dropped. Thresholds were tuned on ``../shared/bench/extraction``
(``bench/extraction/run.py``).
"""

from __future__ import annotations

from lxml.html import HtmlElement

from newsdesk.errors import NotAnArticleError
from newsdesk.extract.cleanup import clean_text
from newsdesk.extract.encoding import decode_bytes
from newsdesk.extract.language import detect_language
from newsdesk.extract.metadata import (
    clean_author,
    make_excerpt,
    outlet_from_domain,
    page_metadata,
    strip_outlet_suffix,
)
from newsdesk.models import Document, ExtractedArticle

#: below this many characters the fast pass is retried in full (then with default focus)
MIN_PRECISE_CHARS = 400
#: above this multiple of the page's paragraph text the fast pass is retried in full
LONG_SHARE = 2.0
#: readability is consulted when the text is shorter than this share of the page's paragraph text
PARAGRAPH_SHARE = 0.6
#: paragraph elements shorter than this are menus, captions and bylines, not body text
PARAGRAPH_MIN_CHARS = 80
#: fewer words than this is a menu or an error page, not an article
MIN_WORDS = 8
_BLOCK_TAGS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "blockquote", "pre"}


def parse_html(html: str, source: str) -> HtmlElement:
    """A parsed tree, or :class:`NotAnArticleError` for an empty or unparseable page."""
    from trafilatura.utils import load_html

    if not html.strip():
        raise NotAnArticleError("empty page", source=source)
    tree = load_html(html)
    if tree is None:
        raise NotAnArticleError("not parseable as HTML", source=source)
    return tree


def paragraph_chars(tree: HtmlElement) -> int:
    """Characters in paragraph-sized ``<p>`` elements: how much body text the page shows."""
    total = 0
    for element in tree.iter("p"):
        length = len(element.text_content().strip())
        if length >= PARAGRAPH_MIN_CHARS:
            total += length
    return total


def _trafilatura(source: HtmlElement | str, url: str | None, *, precise: bool, fast: bool = False) -> str:
    import trafilatura

    text = trafilatura.extract(source, url=url, favor_precision=precise, include_comments=False,
                               include_tables=True, deduplicate=False, fast=fast)
    return text or ""


def _fragment_text(fragment: str) -> str:
    """Visible text of an HTML fragment with one line per block element."""
    import lxml.html

    if not fragment.strip():
        return ""
    tree = lxml.html.fromstring(fragment)
    for bad in tree.xpath("//script|//style"):
        bad.drop_tree()
    for element in tree.iter():
        if element.tag in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
    return "\n".join(line.strip() for line in tree.text_content().splitlines() if line.strip())


def _readability(html: str) -> str:
    from readability import Document as ReadabilityDocument

    try:
        return _fragment_text(ReadabilityDocument(html).summary(html_partial=True))
    except Exception:  # readability raises bare exceptions on odd pages; trafilatura's text stands
        return ""


def _second_pass(text: str, html: str, url: str | None, page_chars: int) -> str:
    """trafilatura's full (not fast) precise pass when the fast one kept too little or too much."""
    too_short = len(text) < MIN_PRECISE_CHARS
    too_long = page_chars > 0 and len(text) > LONG_SHARE * page_chars
    if not (too_short or too_long):
        return text
    full = _trafilatura(html, url, precise=True)
    if (too_short and len(full) > len(text)) or (too_long and 0 < len(full) < len(text)):
        text = full
    if len(text) < MIN_PRECISE_CHARS:
        default = _trafilatura(html, url, precise=False)
        if len(default) > len(text):
            text = default
    return text


def extract_main_text(html: str, url: str | None = None, tree: HtmlElement | None = None) -> str:
    """The raw main text (one paragraph per line) before fragment cleanup."""
    tree = tree if tree is not None else parse_html(html, url or "<html>")
    page_chars = paragraph_chars(tree)
    text = _second_pass(_trafilatura(tree, url, precise=True, fast=True), html, url, page_chars)
    if page_chars and len(text) < PARAGRAPH_SHARE * page_chars:
        second = _readability(html)
        if 1.3 * len(text) < len(second) < 1.5 * page_chars:
            text = second
    return text


def page_titles(tree: HtmlElement) -> set[str]:
    """The headline as the page states it (``og:title``, ``<title>``, first ``<h1>``), normalised."""
    found = tree.xpath('string(.//meta[@property="og:title"]/@content)'), tree.findtext(".//title") or ""
    h1 = tree.find(".//h1")
    texts = [*found, h1.text_content() if h1 is not None else ""]
    return {" ".join(str(t).split()).casefold() for t in texts if str(t).strip()}


def _finish_text(raw: str, titles: set[str], source: str) -> str:
    """Cleaned text without a repeated headline; :class:`NotAnArticleError` when too little is left."""
    text = clean_text(raw)
    first, sep, rest = text.partition("\n\n")
    if sep and " ".join(first.split()).casefold() in titles:
        text = rest
    if len(text.split()) < MIN_WORDS:
        raise NotAnArticleError("no main text found", source=source)
    return text


def main_text(html: str | bytes, url: str | None = None) -> str:
    """Cleaned main text of an HTML page, paragraphs separated by blank lines.

    Raises :class:`NotAnArticleError` when the page has no main text.
    """
    source = url or "<html>"
    page = decode_bytes(html) if isinstance(html, bytes) else html
    tree = parse_html(page, source)
    titles = page_titles(tree)
    return _finish_text(extract_main_text(page, url, tree), titles, source)


def extract_html(doc: Document) -> ExtractedArticle:
    """An article from an HTML document (metadata from the page, gaps filled later from hints)."""
    html = decode_bytes(doc.content, doc.content_type)
    tree = parse_html(html, doc.url)
    meta = page_metadata(tree, doc.url)
    titles = page_titles(tree) | {meta.title.casefold()}
    text = _finish_text(extract_main_text(html, doc.url, tree), titles, doc.url)
    hints_outlet = str(doc.hints.get("outlet") or "")
    outlet = meta.site_name or hints_outlet or meta.other_site_name or outlet_from_domain(doc.url)
    return ExtractedArticle(
        url=doc.url,
        title=strip_outlet_suffix(meta.title, outlet),
        author=clean_author(meta.author),
        published=meta.published,
        outlet=outlet,
        language=detect_language(text),
        canonical_url=meta.canonical_url,
        text=text,
        excerpt=make_excerpt(text, meta.description),
        kind="html",
    )

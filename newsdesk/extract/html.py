"""HTML page → main text and article fields.

trafilatura is the core, run once with its default settings (the same call as bare
``trafilatura.extract``) except that comments are left out. Its text then only loses whole blocks
of recognisable boilerplate kinds (:func:`newsdesk.extract.cleanup.clean_article`: widgets,
related lists, newsletter boxes, "how to cite" blocks, author boxes, bylines) and a first paragraph
that repeats the headline. The page's own structure marks one kind: a sign-up box is the small
container around an e-mail field (:func:`signup_box_lines`), whatever its wording. Nothing trafilatura kept is replaced, so the text cannot drift far from
its core on pages no rule was written for; ``bench/extraction/run.py`` checks that on a held-out
half of the ScrapingHub set, by language group where a data set has languages.

One layout trafilatura cuts short: an article split into several sibling sections (it keeps the
first). When its text is well under the paragraph text the page shows, readability-lxml is asked,
and its text is taken only if it keeps every paragraph trafilatura found and is clearly longer
without going past the page's paragraphs — it adds the missing sections, it never swaps text.

A byline taken out of the text becomes the author when the page's metadata names none.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from newsdesk.errors import NotAnArticleError
from newsdesk.extract.cleanup import CleanedText, clean_article
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

#: fewer words than this is a menu or an error page, not an article
MIN_WORDS = 8
#: readability is consulted when the text is shorter than this share of the page's paragraph text
PARAGRAPH_SHARE = 0.6
#: paragraph elements shorter than this are menus, captions and bylines, not body text
PARAGRAPH_MIN_CHARS = 80
#: readability's text must be this much longer than trafilatura's, and under this multiple of the
#: page's paragraph text
LONGER, PAGE_CAP = 1.3, 1.5
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


def _keeps_every_paragraph(text: str, wider: str) -> bool:
    """Whether every paragraph of ``text`` is also in ``wider`` (whitespace aside)."""
    flat = " ".join(wider.split())
    return all(" ".join(line.split()) in flat for line in text.splitlines() if line.strip())


def _missing_sections(text: str, html: str, tree: HtmlElement) -> str:
    """readability's text when it adds the sections trafilatura left out, else ``text``."""
    page_chars = paragraph_chars(tree)
    if not page_chars or len(text) >= PARAGRAPH_SHARE * page_chars:
        return text
    wider = _readability(html)
    if LONGER * len(text) < len(wider) < PAGE_CAP * page_chars and _keeps_every_paragraph(text, wider):
        return wider
    return text


_EMAIL_FIELD = ('.//input[@type="email" or contains(translate(@name, "EMAIL", "email"), "email") '
                'or contains(translate(@placeholder, "EMAIL", "email"), "mail")]')
_TEXT_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "label", "span", "strong", "b", "em", "div", "a")
#: a sign-up box is at most this many words: the largest container around an e-mail field that small
BOX_MAX_WORDS = 60


def _words_in(element: HtmlElement) -> int:
    return len(element.text_content().split())


def signup_box_lines(tree: HtmlElement) -> set[str]:
    """The text lines of the page's sign-up boxes: the largest container of at most
    ``BOX_MAX_WORDS`` words around an e-mail field ("Get our research in your inbox … [e-mail]
    [Subscribe]"). A page wrapped whole in a form is no box: the container stays small."""
    lines: set[str] = set()
    for field in tree.xpath(_EMAIL_FIELD):
        box = field
        while (parent := box.getparent()) is not None and _words_in(parent) <= BOX_MAX_WORDS:
            box = parent
        if box is field:
            continue
        for element in box.iter(*_TEXT_TAGS):
            line = " ".join(element.text_content().split())
            if line:
                lines.add(line)
    return lines


def extract_main_text(html: str, url: str | None = None, tree: HtmlElement | None = None) -> str:
    """The raw main text (one paragraph per line) before boilerplate cleanup: trafilatura's, with
    its default settings and without comments (plus sections it missed, see the module docstring)."""
    import trafilatura

    tree = tree if tree is not None else parse_html(html, url or "<html>")
    text = trafilatura.extract(tree, url=url, include_comments=False, include_tables=True, deduplicate=False)
    return _missing_sections(text or "", html, tree)


def page_titles(tree: HtmlElement) -> set[str]:
    """The headline as the page states it (``og:title``, ``<title>``, first ``<h1>``), normalised."""
    found = tree.xpath('string(.//meta[@property="og:title"]/@content)'), tree.findtext(".//title") or ""
    h1 = tree.find(".//h1")
    texts = [*found, h1.text_content() if h1 is not None else ""]
    return {" ".join(str(t).split()).casefold() for t in texts if str(t).strip()}


def _finish_text(raw: str, tree: HtmlElement, titles: set[str], source: str, author: str = "") -> CleanedText:
    """Cleaned text without a repeated headline; :class:`NotAnArticleError` when too little is left."""
    cleaned = clean_article(raw, author, boxes=signup_box_lines(tree))
    text = cleaned.text
    first, sep, rest = text.partition("\n\n")
    if sep and " ".join(first.split()).casefold() in titles:
        text = rest
    if len(text.split()) < MIN_WORDS:
        raise NotAnArticleError("no main text found", source=source)
    return CleanedText(text, cleaned.byline)


def main_text(html: str | bytes, url: str | None = None) -> str:
    """Cleaned main text of an HTML page, paragraphs separated by blank lines.

    Raises :class:`NotAnArticleError` when the page has no main text.
    """
    source = url or "<html>"
    page = decode_bytes(html) if isinstance(html, bytes) else html
    tree = parse_html(page, source)
    titles = page_titles(tree)
    return _finish_text(extract_main_text(page, url, tree), tree, titles, source).text


def extract_html(doc: Document) -> ExtractedArticle:
    """An article from an HTML document (metadata from the page, gaps filled later from hints)."""
    html = decode_bytes(doc.content, doc.content_type)
    tree = parse_html(html, doc.url)
    meta = page_metadata(tree, doc.url)
    titles = page_titles(tree) | {meta.title.casefold()}
    cleaned = _finish_text(extract_main_text(html, doc.url, tree), tree, titles, doc.url, clean_author(meta.author))
    text = cleaned.text
    hints_outlet = str(doc.hints.get("outlet") or "")
    outlet = meta.site_name or hints_outlet or meta.other_site_name or outlet_from_domain(doc.url)
    return ExtractedArticle(
        url=doc.url,
        title=strip_outlet_suffix(meta.title, outlet),
        author=clean_author(meta.author) or cleaned.byline,
        published=meta.published,
        outlet=outlet,
        language=detect_language(text),
        canonical_url=meta.canonical_url,
        text=text,
        excerpt=make_excerpt(text, meta.description),
        kind="html",
    )

"""Safe XML parsing for sitemaps, OPML and feeds: no entity expansion, no DTD loading, no network.

libxml2's limits hold because ``huge_tree`` stays off: elements nested deeper than 256 levels and
entity amplification (the "billion laughs") are parse errors, not hangs. Also:

* bounded gunzip, so a gzipped sitemap cannot expand past :data:`MAX_XML_BYTES`;
* :func:`well_formed_xml`, which hands feedparser only well-formed XML (recovered by lxml when the
  bytes are broken): feedparser's own fallback parser takes quadratic time on some broken input
  (an attribute quote left open), lxml's recovery is linear.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from html.entities import name2codepoint

from lxml import etree

from newsdesk.errors import FeedError
from newsdesk.sniff import is_gzip

#: the sitemap protocol's own limit for one uncompressed file
MAX_XML_BYTES = 50 * 1024 * 1024


def _parser(recover: bool) -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True, recover=recover)


#: entities XML itself defines; every other named entity needs a DTD
XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
NAMED_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
BARE_AMPERSAND = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});)")
#: a feed is cut after this many elements (about 2,000 entries): what feedparser reads stays bounded
MAX_ELEMENTS = 20_000


@dataclass(frozen=True)
class RecoveredXML:
    """Well-formed XML bytes (``b""`` when nothing could be recovered) and what was wrong, if anything."""

    content: bytes
    problem: str = ""


def _html_entity_to_number(match: re.Match[bytes]) -> bytes:
    name = match.group(1).decode("ascii")
    if name in XML_ENTITIES or name not in name2codepoint:
        return match.group(0)
    return b"&#%d;" % name2codepoint[name]


def escape_stray_ampersands(content: bytes) -> bytes:
    """HTML named entities as character references, and every other ``&`` that starts no reference escaped.

    libxml2's recovering parser loses the ``&amp;`` that follow an undefined entity, so nothing
    undefined may reach it.
    """
    return BARE_AMPERSAND.sub(b"&amp;", NAMED_ENTITY.sub(_html_entity_to_number, content))


def _strict_root(content: bytes) -> tuple[etree._Element | None, str]:
    try:
        root = etree.fromstring(content, parser=_parser(False))
    except etree.XMLSyntaxError as exc:
        return None, str(exc)
    if root is None:
        return None, "no XML root element"
    if root.getroottree().docinfo.internalDTD is not None:  # entity definitions: never expanded
        return None, "the document declares its own DTD"
    return root, ""


def _recovered_root(content: bytes) -> tuple[etree._Element | None, str]:
    try:
        root = etree.fromstring(content, parser=_parser(True))
    except etree.XMLSyntaxError as exc:
        return None, str(exc)
    if root is not None:
        for entity in list(root.iter(etree.Entity)):  # declared in a DTD that is not read
            _drop_keeping_tail(entity)
    return root, ""


def well_formed_xml(content: bytes, limit: int = MAX_ELEMENTS) -> RecoveredXML:
    """``content`` itself when it is well-formed XML of at most ``limit`` elements and no DTD; else a repair.

    The repair: stray ampersands and HTML entities escaped (:func:`escape_stray_ampersands`); if that
    is still not well-formed, lxml's recovering parser rebuilds the tree; a tree of more than
    ``limit`` elements is cut after the first ``limit``; the result is serialised again as UTF-8.
    """
    root, problem = _strict_root(content)
    repaired = root is None
    if root is None:
        escaped = escape_stray_ampersands(content)
        root, _ = _strict_root(escaped)
        if root is None:
            root, failure = _recovered_root(escaped)
            if root is None:
                return RecoveredXML(b"", failure or problem)
        else:
            problem = ""  # only entities needed escaping: the document is otherwise sound
    if _truncate(root, limit):
        problem = problem or f"cut after {limit:,} XML elements"
    elif not repaired:
        return RecoveredXML(content)
    return RecoveredXML(etree.tostring(root, encoding="utf-8", xml_declaration=True), problem)


def _truncate(root: etree._Element, limit: int) -> bool:
    """Remove every element after the first ``limit`` (document order); True if any was removed."""
    cut: etree._Element | None = None
    for index, element in enumerate(root.iter()):
        if index == limit:
            cut = element
            break
    if cut is None:
        return False
    parent = cut.getparent()
    if parent is not None:
        del parent[parent.index(cut):]
    node = parent
    while node is not None and node is not root:
        parent = node.getparent()
        if parent is not None:
            del parent[parent.index(node) + 1:]
        node = parent
    return True


def _drop_keeping_tail(node: etree._Element) -> None:
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail or ""
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(node)


def gunzip_limited(content: bytes, source: str, limit: int = MAX_XML_BYTES) -> bytes:
    """Decompress gzip ``content``; :class:`FeedError` if it is corrupt or expands past ``limit``."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(content, limit + 1)
    except zlib.error as exc:
        raise FeedError(f"corrupt gzip data: {exc}", source=source) from None
    if len(out) > limit:
        raise FeedError(f"gzip content expands past {limit:,} bytes", source=source)
    if not inflater.eof:
        raise FeedError("corrupt gzip data: truncated stream", source=source)
    return out


def parse_xml(content: bytes, source: str, *, recover: bool = False) -> etree._Element:
    """The root element of ``content``; :class:`FeedError` naming ``source`` when it is not XML."""
    if is_gzip(content):
        content = gunzip_limited(content, source)
    if not content.strip():
        raise FeedError("empty document", source=source)
    try:
        root = etree.fromstring(content, parser=_parser(recover))
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"not well-formed XML: {exc}", source=source) from None
    if root is None:
        raise FeedError("no XML root element", source=source)
    return root


def local_name(element: etree._Element) -> str:
    """Tag name without its namespace (``{ns}url`` → ``url``); '' for comments and the like."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def child_text(element: etree._Element, *path: str) -> str:
    """Text of the first descendant reached by local names ``path`` (namespace-agnostic), or ''."""
    current = [element]
    for name in path:
        current = [c for parent in current for c in parent if local_name(c) == name]
        if not current:
            return ""
    return (current[0].text or "").strip()

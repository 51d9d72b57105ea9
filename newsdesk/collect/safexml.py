"""Safe XML parsing for sitemaps and OPML: no entity expansion, no DTD loading, no network.

Also: bounded gunzip, so a gzipped sitemap cannot expand past :data:`MAX_XML_BYTES`.
"""

from __future__ import annotations

import zlib

from lxml import etree

from newsdesk.errors import FeedError

#: the sitemap protocol's own limit for one uncompressed file
MAX_XML_BYTES = 50 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"


def _parser(recover: bool) -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True, recover=recover)


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
    if content.startswith(GZIP_MAGIC):
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

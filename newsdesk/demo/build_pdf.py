"""Build the Harbor Institute's PDF brief from ``briefs/sharing-the-tavel.txt`` with hand-written PDF syntax.

No PDF library: Helvetica and Helvetica-Bold (standard 14 fonts, WinAnsiEncoding), ``Tj`` text operators,
a running header and footer on every page, an Info dictionary (Title, Author, CreationDate), XMP metadata
(the publisher), the catalog's ``/URI /Base`` (the brief's web address) and a correct cross-reference table. In the source text a line starting with ``# `` is a heading; paragraphs are
separated by blank lines. Run ``python newsdesk/demo/build_pdf.py [out.pdf]``.
"""

from __future__ import annotations

import re
import sys
import zlib
from pathlib import Path
from typing import Any

BRIEFS_DIR = Path(__file__).resolve().parent / "briefs"
SOURCE = BRIEFS_DIR / "sharing-the-tavel.txt"
PDF_NAME = "sharing-the-tavel.pdf"
TITLE = "Sharing the Tavel: a data-first framework for the Hollin Dam dispute"
AUTHOR = "Priya Nandakumar; Jonas Hale"
PUBLISHER = "The Harbor Institute"
PUBLISHED = "2026-10-08T09:00:00Z"
CREATION_DATE = "D:20261008090000Z"
URL = f"https://harbor-institute.example/briefs/{PDF_NAME}"
DESCRIPTION = ("Harbor Institute Policy Brief 2026/11 proposes a shared flow-data regime for the Tavel basin "
               "before any allocation treaty is negotiated.")
HEADER = "The Harbor Institute  |  Policy Brief 2026/11  |  Sharing the Tavel"
FOOTER = "harbor-institute.example/briefs  -  Page {page} of {pages}"

PAGE_W, PAGE_H = 595, 842
MARGIN_X, TOP, BOTTOM = 72, 770, 80
BODY_SIZE, BODY_LEADING = 10.5, 14.5
HEAD_SIZE, HEAD_LEADING = 13, 20
TEXT_WIDTH = PAGE_W - 2 * MARGIN_X

# Helvetica advance widths (per 1000 em) for ASCII 32..126, from the standard font metrics.
_WIDTHS = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
]

Line = tuple[str, str, float]  # (font resource, text, size)


def text_width(text: str, size: float, bold: bool = False) -> float:
    scale = 1.08 if bold else 1.0
    return sum(_WIDTHS[ord(c) - 32] if 32 <= ord(c) <= 126 else 556 for c in text) * size / 1000 * scale


def wrap(text: str, size: float, bold: bool = False) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and text_width(candidate, size, bold) > TEXT_WIDTH:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def pdf_string(text: str) -> str:
    """A PDF literal string in WinAnsiEncoding, with escapes and octal codes for non-ASCII bytes."""
    out = []
    for byte in text.encode("cp1252"):
        char = chr(byte)
        if char in "()\\":
            out.append("\\" + char)
        elif 32 <= byte <= 126:
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return "(" + "".join(out) + ")"


def read_blocks(source: Path) -> list[tuple[str, str]]:
    """(``heading`` | ``para``, text) blocks of the brief source."""
    blocks = []
    for chunk in re.split(r"\n\s*\n", source.read_text(encoding="utf-8").strip()):
        text = " ".join(chunk.split())
        blocks.append(("heading", text[2:]) if text.startswith("# ") else ("para", text))
    return blocks


def paginate(blocks: list[tuple[str, str]]) -> list[list[tuple[float, Line]]]:
    """Lay the blocks out as pages of (y, line) placements."""
    pages: list[list[tuple[float, Line]]] = [[]]
    y: float = TOP
    for kind, text in blocks:
        font, size, leading = ("F2", HEAD_SIZE, HEAD_LEADING) if kind == "heading" else ("F1", BODY_SIZE,
                                                                                          BODY_LEADING)
        lines = wrap(text, size, bold=kind == "heading")
        if kind == "heading" and y - leading * 3 < BOTTOM:  # keep a heading with its paragraph
            pages.append([])
            y = TOP
        for line in lines:
            if y < BOTTOM:
                pages.append([])
                y = TOP
            pages[-1].append((y, (font, line, size)))
            y -= leading
        y -= BODY_LEADING * 0.6
    return pages


def page_stream(placements: list[tuple[float, Line]], page: int, pages: int) -> bytes:
    ops = ["0.35 G 0.5 w", f"{MARGIN_X} 792 m {PAGE_W - MARGIN_X} 792 l S", f"{MARGIN_X} 56 m {PAGE_W - MARGIN_X} 56 l S",
           "BT /F1 8 Tf 0.35 g", f"1 0 0 1 {MARGIN_X} 800 Tm {pdf_string(HEADER)} Tj",
           f"1 0 0 1 {MARGIN_X} 44 Tm {pdf_string(FOOTER.format(page=page, pages=pages))} Tj", "0 g"]
    for y, (font, text, size) in placements:
        ops.append(f"/{font} {size} Tf 1 0 0 1 {MARGIN_X} {y:.1f} Tm {pdf_string(text)} Tj")
    ops.append("ET")
    return "\n".join(ops).encode("latin-1")


def _info_dict() -> str:
    return (f"<< /Title {pdf_string(TITLE)} /Author {pdf_string(AUTHOR)} /Subject {pdf_string(DESCRIPTION)} "
            f"/Creator (newsdesk demo build_pdf.py) /Producer (newsdesk hand-written PDF 1.4) "
            f"/CreationDate ({CREATION_DATE}) /ModDate ({CREATION_DATE}) >>")


def _xmp_packet() -> bytes:
    """XMP metadata: the publisher (``dc:publisher``), which the Info dictionary has no field for."""
    return (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<dc:publisher><rdf:Bag><rdf:li>{PUBLISHER}</rdf:li></rdf:Bag></dc:publisher>'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{TITLE}</rdf:li></rdf:Alt></dc:title>'
        '</rdf:Description></rdf:RDF></x:xmpmeta>\n<?xpacket end="r"?>'
    ).encode()


def assemble(streams: list[bytes]) -> bytes:
    """Objects: 1 catalog, 2 page tree, 3-4 fonts, 5 info, a (page, content) pair per page, then XMP.

    The catalog's ``/URI /Base`` is the brief's web address, so a copy read from disk still knows it.
    """
    count = len(streams)
    kids = " ".join(f"{6 + 2 * i} 0 R" for i in range(count))
    metadata = 6 + 2 * count
    objects: list[bytes] = [
        f"<< /Type /Catalog /Pages 2 0 R /Lang (en) /URI << /Base {pdf_string(URL)} >> "
        f"/Metadata {metadata} 0 R >>".encode("latin-1"),
        f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        _info_dict().encode("latin-1"),
    ]
    for i, stream in enumerate(streams):
        packed = zlib.compress(stream, 9)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] "
                       f"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {7 + 2 * i} 0 R >>".encode())
        objects.append(f"<< /Length {len(packed)} /Filter /FlateDecode >>\nstream\n".encode() + packed
                       + b"\nendstream")
    xmp = _xmp_packet()
    objects.append(f"<< /Type /Metadata /Subtype /XML /Length {len(xmp)} >>\nstream\n".encode() + xmp
                   + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 5 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


def build(out: Path, source: Path = SOURCE) -> Path:
    """Write the brief as a PDF to ``out`` and return the path."""
    blocks = [("heading", TITLE), ("para", f"By {AUTHOR.replace('; ', ' and ')}. Published 8 October 2026.")]
    pages = paginate(blocks + read_blocks(source))
    streams = [page_stream(p, n, len(pages)) for n, p in enumerate(pages, start=1)]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(assemble(streams))
    return out


def manifest_entry(source: Path = SOURCE) -> dict[str, Any]:
    """The brief's row in ``manifest.json``."""
    words = sum(len(text.split()) for _, text in read_blocks(source))
    return {
        "id": "hi-brief-tavel-pdf", "file": f"briefs/{PDF_NAME}", "gold_text": f"briefs/{SOURCE.name}",
        "format": "pdf", "url": URL, "outlet": "harbor-institute.example", "outlet_name": PUBLISHER,
        "outlet_kind": "think tank", "title": TITLE, "description": DESCRIPTION,
        "author": AUTHOR, "published": PUBLISHED, "storyline": "dam-dispute",
        "duplicate_of": None, "duplicate_kind": None, "words": words,
    }


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else BRIEFS_DIR / PDF_NAME
    print(build(target))

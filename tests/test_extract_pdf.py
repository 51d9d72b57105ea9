"""PDFs → ExtractedArticle: text per page, running headers/footers dropped, hyphenation mended, metadata,
scans without text layer, encrypted and broken files. The PDFs are built here, byte by byte."""

from __future__ import annotations

import io
import zlib
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader, PdfWriter

from newsdesk.config import Settings
from newsdesk.errors import EncryptedPDFError, PDFError
from newsdesk.extract import NO_TEXT_LAYER, extract_document, status_message
from newsdesk.models import Document
from newsdesk.store import Store

HEADER = "Riverside Council Minutes - Draft"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _text_stream(lines: list[str]) -> bytes:
    ops = ["BT", "/F1 11 Tf", "14 TL", "72 760 Td"]
    ops += [f"({_escape(line)}) Tj T*" for line in lines]
    ops.append("ET")
    return "\n".join(ops).encode("latin-1")


IMAGE_STREAM = b"q 200 0 0 200 100 400 cm /Im1 Do Q"


def build_pdf(pages: list[list[str]] | None = None, *, info: dict[str, str] | None = None,
              image_pages: int = 0) -> bytes:
    """A small valid PDF: text pages in Helvetica, or pages that only draw a grey image."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    pages_obj = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    image = add(b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8 /Length 4 >>\nstream\n\x10\x80\x80\xf0\nendstream")
    kids = []
    streams = [_text_stream(lines) for lines in pages or []] + [IMAGE_STREAM] * image_pages
    for stream in streams:
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                        b"/Resources << /Font << /F1 %d 0 R >> /XObject << /Im1 %d 0 R >> >> >>"
                        % (pages_obj, content, font, image)))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    objects[pages_obj - 1] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids)
                              + b"] /Count %d >>" % len(kids))
    info_obj = None
    if info:
        entries = "".join(f"/{key} ({_escape(value)}) " for key, value in info.items())
        info_obj = add(f"<< {entries}>>".encode("latin-1"))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objects) + 1, catalog)
    if info_obj:
        trailer += b" /Info %d 0 R" % info_obj
    out.write(b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _encrypt(pdf: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _doc(content: bytes, url: str = "file:///reports/riverside-minutes_2026.pdf") -> Document:
    return Document(url=url, content=content, content_type="application/pdf")


REPORT_PAGES = [
    [HEADER,
     "The council met on Tuesday evening to discuss the restor-",
     "ation of the riverside walk and the new lighting along the",
     "old towpath, which residents have asked for since 2019.",
     "Page 1 of 3"],
    [HEADER,
     "Members agreed that the first section of the walk will be",
     "repaved before the summer festival begins in the park.",
     "Page 2 of 3"],
    [HEADER,
     "The treasurer reported that the budget for the work is",
     "covered by a grant from the regional heritage fund.",
     "Page 3 of 3"],
]


def test_text_pdf_with_metadata() -> None:
    pdf = build_pdf(REPORT_PAGES, info={"Title": "Riverside Walk Restoration", "Author": "Lena Okafor",
                                        "CreationDate": "D:20260314183000+01'00'"})
    article = extract_document(_doc(pdf))
    assert article.kind == "pdf" and article.status == "ok"
    assert article.title == "Riverside Walk Restoration"
    assert article.author == "Lena Okafor"
    assert article.published == datetime(2026, 3, 14, 17, 30, tzinfo=UTC)
    assert article.language == "en"
    assert article.excerpt and article.text.startswith(article.excerpt[:40])


def test_pages_joined_headers_footers_dropped_hyphens_mended() -> None:
    text = extract_document(_doc(build_pdf(REPORT_PAGES))).text
    assert HEADER not in text
    assert "Page" not in text
    assert "restoration of the riverside walk" in text
    assert "restor-" not in text
    paragraphs = text.split("\n\n")
    assert paragraphs[-1] == ("The treasurer reported that the budget for the work is covered by a grant "
                              "from the regional heritage fund.")
    assert any(p.startswith("Members agreed that the first section") for p in paragraphs)


def test_title_from_the_first_line_when_metadata_has_none() -> None:
    pages = [["Annual Report of the Harbour Trust",
              "The trust welcomed more visitors than in any year before.",
              "Repairs to the north quay were finished in October."]]
    article = extract_document(_doc(build_pdf(pages, info={"Title": "Microsoft Word - report.docx"})))
    assert article.title == "Annual Report of the Harbour Trust"
    assert article.text.startswith("The trust welcomed")


def test_scanned_pdf_still_gives_an_article_record() -> None:
    article = extract_document(_doc(build_pdf(image_pages=2)))
    assert article.status == NO_TEXT_LAYER
    assert article.text == "" and article.kind == "pdf"
    assert article.title == "riverside minutes 2026"  # from the file name
    message = status_message(article)
    assert "no text layer" in message and "riverside-minutes_2026.pdf" in message
    titled = extract_document(_doc(build_pdf(image_pages=1, info={"Title": "Scanned Budget 2026"})))
    assert titled.title == "Scanned Budget 2026" and titled.status == NO_TEXT_LAYER


def test_status_message_is_empty_for_a_normal_article() -> None:
    assert status_message(extract_document(_doc(build_pdf(REPORT_PAGES)))) == ""


def test_encrypted_pdf_needs_a_password() -> None:
    with pytest.raises(EncryptedPDFError) as info:
        extract_document(_doc(_encrypt(build_pdf(REPORT_PAGES), "letmein")))
    assert info.value.source == "file:///reports/riverside-minutes_2026.pdf"


def test_pdf_encrypted_with_an_empty_user_password_opens() -> None:
    article = extract_document(_doc(_encrypt(build_pdf(REPORT_PAGES), "")))
    assert "riverside walk" in article.text


@pytest.mark.parametrize("content", [b"%PDF-1.4\nthis is not really a pdf at all", b"%PDF-1.7\n" + b"\x00" * 50])
def test_broken_pdf_is_a_pdf_error(content: bytes) -> None:
    with pytest.raises(PDFError):
        extract_document(_doc(content))


def test_pdf_sniffed_even_when_served_as_html() -> None:
    article = extract_document(Document(url="https://example.org/r.pdf", content=build_pdf(REPORT_PAGES),
                                        content_type="text/html"))
    assert article.kind == "pdf" and article.outlet == "Example"


def _pdf_with_stream(extra: bytes, data: bytes, *, declared: int | None = None) -> bytes:
    """A one-page PDF whose content stream is ``data``, with ``extra`` in its dictionary."""
    length = len(data) if declared is None else declared
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d %s >>\nstream\n" % (length, extra) + data + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


PAGE_TEXT = b"BT /F1 12 Tf 72 720 Td (The harbour board votes on the budget on Tuesday.) Tj ET"


def test_hostile_stream_builder_makes_a_readable_pdf() -> None:
    article = extract_document(_doc(_pdf_with_stream(b"", PAGE_TEXT)))
    assert "harbour board votes" in article.text


@pytest.mark.parametrize("extra, data, declared, words", [
    (b"/Filter /FlateDecode", zlib.compress(b" " * 200_000_000, 9), None, "safety limits"),
    (b"/Filter /NoSuchDecode", PAGE_TEXT, None, "cannot read"),
    (b"/Filter [/FlateDecode /Bogus]", zlib.compress(PAGE_TEXT), None, "cannot read"),
    (b"", PAGE_TEXT + b"A" * 5000, 20, "endstream"),
    (b"", PAGE_TEXT, 10**30, "safety limits"),
], ids=["flate-bomb", "unknown-filter", "unknown-filter-in-chain", "stream-longer-than-declared", "absurd-length"])
def test_hostile_pdf_streams_are_pdf_errors(extra: bytes, data: bytes, declared: int | None, words: str) -> None:
    content = _pdf_with_stream(extra, data, declared=declared)
    if words == "endstream":  # the stream runs on past its declared length with no end marker in sight
        content = content.replace(b"endstream", b"endstrea")
    with pytest.raises(PDFError, match=words) as info:
        extract_document(_doc(content))
    assert info.value.source == "file:///reports/riverside-minutes_2026.pdf"


# -- who published it, where it lives, who wrote it ---------------------------------------------
def _with_publisher_and_base(pdf: bytes, publisher: str, base: str) -> bytes:
    """``pdf`` with XMP ``dc:publisher`` and a catalog ``/URI /Base`` (written by pypdf)."""
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.xmp_metadata = None
    xmp = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
           b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
           b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:publisher><rdf:Bag><rdf:li>'
           + publisher.encode() + b"</rdf:li></rdf:Bag></dc:publisher></rdf:Description></rdf:RDF></x:xmpmeta>"
           b'<?xpacket end="r"?>')
    writer.xmp_metadata = xmp  # type: ignore[assignment]
    writer._root_object[NameObject("/URI")] = DictionaryObject({NameObject("/Base"): TextStringObject(base)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


BYLINE_PAGES = [["Sharing the River: a data-first plan",
                 "By Priya Example and Jonas Sample. Published 8 October 2026.",
                 "The council met on Tuesday evening to discuss the river and agreed to share its data.",
                 "Members said the readings would be published every day from the spring onwards."]]


def test_a_leading_byline_becomes_the_author_not_the_first_sentence() -> None:
    article = extract_document(_doc(build_pdf(BYLINE_PAGES)))
    assert article.title == "Sharing the River: a data-first plan"
    assert article.author == "Priya Example and Jonas Sample"
    assert not article.text.startswith("By ") and article.text.startswith("The council met")
    assert not article.excerpt.startswith("By ")


def test_a_byline_in_the_metadata_wins_and_the_line_still_goes() -> None:
    article = extract_document(_doc(build_pdf(BYLINE_PAGES, info={"Author": "P. Example; J. Sample"})))
    assert article.author == "P. Example; J. Sample" and article.text.startswith("The council met")


def test_a_sentence_starting_with_by_is_not_a_byline() -> None:
    pages = [["A plan for the river", "By the end of the year the council will publish every reading it holds.",
              "Members agreed on Tuesday."]]
    article = extract_document(_doc(build_pdf(pages)))
    assert article.author == "" and article.text.startswith("By the end of the year")


def test_publisher_and_web_address_come_from_the_pdf_itself() -> None:
    pdf = _with_publisher_and_base(build_pdf(BYLINE_PAGES), "The River Institute",
                                   "https://river-institute.example/briefs/plan.pdf")
    article = extract_document(_doc(pdf))
    assert article.outlet == "The River Institute"
    assert article.canonical_url == "https://river-institute.example/briefs/plan.pdf"
    assert article.url.startswith("file://")  # where it was read from; not its public address


def test_a_local_pdf_without_a_web_address_has_no_canonical_url() -> None:
    article = extract_document(_doc(build_pdf(BYLINE_PAGES)))
    assert article.canonical_url == "" and article.outlet == ""
    over_http = extract_document(_doc(build_pdf(BYLINE_PAGES), url="https://www.river-reports.org/plan.pdf"))
    assert over_http.canonical_url == "https://www.river-reports.org/plan.pdf"
    assert over_http.outlet == "River Reports"


def test_the_demo_brief_names_its_outlet_address_and_authors() -> None:
    from newsdesk.demo import BRIEFS_DIR, load_manifest

    entry = next(a for a in load_manifest() if a["format"] == "pdf")
    path = BRIEFS_DIR / entry["file"].split("/", 1)[1]
    article = extract_document(Document(url=path.as_uri(), content=path.read_bytes(), content_type="application/pdf"))
    assert article.outlet == entry["outlet_name"] == "The Harbor Institute"
    assert article.canonical_url == entry["url"]
    assert article.author == entry["author"]
    assert not article.text.startswith("By ") and "file://" not in article.canonical_url


def test_the_demo_brief_is_stored_under_its_web_address(store: Store, settings: Settings) -> None:
    from newsdesk.demo import BRIEFS_DIR
    from newsdesk.ingest import Ingestor

    with Ingestor(store, settings, analyze=False) as ingestor:
        outcomes = ingestor.add([str(p) for p in sorted(BRIEFS_DIR.glob("*.pdf"))])
    assert [o.action for o in outcomes] == ["added"]
    (article,) = store.list_articles()
    assert article.canonical_url == "https://harbor-institute.example/briefs/sharing-the-tavel.pdf"
    assert article.outlet == "The Harbor Institute" and article.author == "Priya Nandakumar; Jonas Hale"

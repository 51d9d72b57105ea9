"""Read the demo corpus sources: outlets, storylines and the article texts in ``texts/*.txt``.

Each text file holds the articles of one storyline. An article starts with a line ``@@ <id>``,
followed by ``key: value`` header lines, a line ``--`` and the body. Body paragraphs are separated
by blank lines; a paragraph starting with ``## `` is a subheading, one starting with ``> `` a
pull quote. Syndicated copies name their original with ``copy_of:`` and use the marker line
``{{ORIGINAL}}`` where the original's paragraphs go (minus those listed in ``drop:``, 1-based).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

TEXTS_DIR = Path(__file__).resolve().parent / "texts"
ORIGINAL_MARKER = "{{ORIGINAL}}"
_HEADER_KEYS = {
    "outlet", "path", "published", "author", "title", "description", "copy_of", "copy_mode", "drop", "tags",
}


@dataclass(frozen=True)
class Storyline:
    id: str
    label: str
    summary: str
    #: names every article of the storyline is about (gold for entity and clustering tests)
    key_entities: tuple[str, ...] = ()


@dataclass
class ArticleSpec:
    """One article as written in the sources, with syndicated bodies already resolved."""

    id: str
    storyline: str
    outlet: str
    path: str
    published: datetime
    title: str
    description: str
    author: str
    paragraphs: list[str]
    copy_of: str = ""
    copy_mode: str = ""
    tags: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"https://{self.outlet}{self.path}"

    @property
    def plain_paragraphs(self) -> list[str]:
        """Body paragraphs without the ``## `` / ``> `` markup."""
        return [p[3:] if p.startswith("## ") else p[2:] if p.startswith("> ") else p for p in self.paragraphs]

    @property
    def text(self) -> str:
        return "\n\n".join(self.plain_paragraphs)

    @property
    def word_count(self) -> int:
        return len(self.text.split())


STORYLINES: tuple[Storyline, ...] = (
    Storyline("port-strike", "Port Sallow dock strike",
              "Dockworkers at Port Sallow strike over automation and pay until a mediated deal in October.",
              ("Port Sallow", "Sallow Dockworkers' Union", "Marta Quell", "Tavel Container Terminals",
               "Ilse Varga", "Hester Lind", "East Quay")),
    Storyline("rate-decision", "Bank of Veridia interest rates",
              "The Bank of Veridia holds in September, raises its policy rate in October, and borrowers react.",
              ("Bank of Veridia", "Adrian Solberg", "Ines Carro", "Lena Marsh", "Monetary Policy Committee")),
    Storyline("satellite", "Concord-1 satellite cooperation",
              "The Veridian and Kestrian space agencies build and launch a joint river-monitoring satellite.",
              ("Concord-1", "Veridian Space Agency", "Kestrian Orbital Agency", "Amara Celik", "Pavel Ostrand",
               "Dario Pell", "Varn Plateau")),
    Storyline("dam-dispute", "Hollin Dam and the Tavel river",
              "Kestria fills the Hollin reservoir upstream; Veridia's delta farmers and diplomats push back.",
              ("Hollin Dam", "Tavel", "Anika Rust", "Dario Pell", "Benedikt Aro", "Tavel Basin Accord")),
    Storyline("data-law", "Veridia's Data Protection Bill",
              "A new data-protection law, its facial-recognition carve-out for police, and its passage.",
              ("Data Protection Bill", "Sofia Brandt", "Rafael Osk", "Henrik Olav", "Open Veridia", "Clause 41",
               "Ottilie Marr")),
    Storyline("wildfire", "Calder Hills wildfire season",
              "Fires around Lowick force evacuations and a debate over fire-service funding.",
              ("Calder Hills", "Lowick", "Brennock", "Tobias Wren", "Rafael Osk", "Clara Deane")),
    Storyline("drug-recall", "Veltrazan recall",
              "Calloway Pharmaceuticals recalls batches of a blood-pressure drug after contamination.",
              ("Veltrazan", "Calloway Pharmaceuticals", "Medicines Agency of Veridia", "Ruth Ambrose",
               "Noor Halvorsen", "Gideon Farrow")),
    Storyline("chip-export", "Chip-equipment export controls",
              "Veridia requires licences to export lithography parts; Kestria protests and Brightline warns.",
              ("Brightline Semiconductor", "Casimir Dray", "Jora Venn", "Mirela Stanek", "Nordhaven")),
    Storyline("sallow-recount", "Port Sallow mayoral recount",
              "A 212-vote mayoral race between a governing-party councillor and a striking crane driver goes "
              "to a recount.",
              ("Aled Moy", "Lina Halloran", "Port Sallow", "Ilse Varga", "Unity Party", "Civic Hall")),
)


def _parse_header(lines: list[str], source: str) -> dict[str, str]:
    header: dict[str, str] = {}
    for line in lines:
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or key not in _HEADER_KEYS:
            raise ValueError(f"{source}: bad header line {line!r}")
        header[key] = value.strip()
    return header


def _split_paragraphs(body: str) -> list[str]:
    return [" ".join(chunk.split()) for chunk in re.split(r"\n\s*\n", body.strip()) if chunk.strip()]


def _parse_block(block: str, storyline: str, source: str) -> tuple[dict[str, str], list[str]]:
    head, sep, body = block.partition("\n--\n")
    if not sep:
        raise ValueError(f"{source}: article without a '--' line: {block[:60]!r}")
    lines = [line for line in head.splitlines() if line.strip()]
    header = _parse_header(lines[1:], source)
    header["id"] = lines[0].removeprefix("@@").strip()
    header["storyline"] = storyline
    return header, _split_paragraphs(body)


def _parse_time(value: str, source: str) -> datetime:
    try:
        stamp = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError as exc:
        raise ValueError(f"{source}: published must look like 2026-09-07T05:42:00Z, got {value!r}") from exc
    return stamp.replace(tzinfo=UTC)


def read_raw(texts_dir: Path = TEXTS_DIR) -> list[tuple[dict[str, str], list[str]]]:
    """Every article block of every storyline file, in file order."""
    known = {s.id for s in STORYLINES}
    raw: list[tuple[dict[str, str], list[str]]] = []
    for path in sorted(texts_dir.glob("*.txt")):
        storyline = path.stem
        if storyline not in known:
            raise ValueError(f"{path}: no storyline called {storyline!r}")
        text = path.read_text(encoding="utf-8")
        for block in re.split(r"^(?=@@ )", text, flags=re.MULTILINE):
            if block.strip():
                raw.append(_parse_block(block, storyline, str(path)))
    return raw


def _resolve_body(header: dict[str, str], paragraphs: list[str], originals: dict[str, list[str]]) -> list[str]:
    original_id = header.get("copy_of", "")
    if not original_id:
        return paragraphs
    if original_id not in originals:
        raise ValueError(f"{header['id']}: copy_of names unknown or later article {original_id!r}")
    dropped = {int(n) for n in header.get("drop", "").split(",") if n.strip()}
    if any(not 1 <= n <= len(originals[original_id]) for n in dropped):
        raise ValueError(f"{header['id']}: drop {sorted(dropped)} outside the original's paragraphs")
    kept = [p for i, p in enumerate(originals[original_id], start=1) if i not in dropped]
    body: list[str] = []
    for paragraph in paragraphs:
        body.extend(kept if paragraph == ORIGINAL_MARKER else [paragraph])
    return body


def load_articles(texts_dir: Path = TEXTS_DIR) -> list[ArticleSpec]:
    """All articles, sorted by publication time, with syndicated bodies filled in."""
    originals: dict[str, list[str]] = {}
    specs: list[ArticleSpec] = []
    for header, paragraphs in read_raw(texts_dir):
        body = _resolve_body(header, paragraphs, originals)
        originals[header["id"]] = body
        specs.append(ArticleSpec(
            id=header["id"], storyline=header["storyline"], outlet=header["outlet"], path=header["path"],
            published=_parse_time(header["published"], header["id"]), title=header["title"],
            description=header["description"], author=header.get("author", ""), paragraphs=body,
            copy_of=header.get("copy_of", ""), copy_mode=header.get("copy_mode", "near" if "copy_of" in header
                                                                    else ""),
            tags=[t.strip() for t in header.get("tags", "").split(",") if t.strip()],
        ))
    return sorted(specs, key=lambda s: (s.published, s.id))

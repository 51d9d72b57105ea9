"""Arrival orders of a labelled document set, and the in-process stream run the bench scores.

Every order keeps dated documents in date order, since a news stream arrives roughly so; what
varies is where the undated ones come (the hard part of a fixed dataset: most of ECB+ is
undated): all first (by id), all last (by id), interleaved at positions drawn by seeded
shuffles, or everything by id.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "bench" / "clustering"
DATA = SHARED / "ecbplus-subtopics.jsonl"
SEEDS = (1, 2, 3)

Row = dict[str, Any]


def load_rows() -> dict[str, list[Row]]:
    """The labelled documents by split (``train``, ``dev``)."""
    rows = [json.loads(line) for line in DATA.open(encoding="utf-8") if line.strip()]
    return {name: [r for r in rows if r["split"] == name] for name in ("train", "dev")}


def id_key(doc_id: str) -> tuple[str, ...]:
    """Natural sort key of an id: digit runs compare as numbers ("2_10" after "2_9")."""
    parts, digits, letters = [], "", ""
    for ch in doc_id:
        if ch.isdigit():
            if letters:
                parts.append(letters)
                letters = ""
            digits += ch
        else:
            if digits:
                parts.append(digits.zfill(12))
                digits = ""
            letters += ch
    parts.extend(p for p in (digits.zfill(12) if digits else "", letters) if p)
    return tuple(parts)


def _dated(rows: list[Row]) -> list[Row]:
    return sorted((r for r in rows if r.get("date")), key=lambda r: (r["date"], id_key(r["id"])))


def _undated(rows: list[Row]) -> list[Row]:
    return sorted((r for r in rows if not r.get("date")), key=lambda r: id_key(r["id"]))


def shuffled(rows: list[Row], seed: int) -> list[Row]:
    """Dated rows in date order; undated rows at positions drawn by a seeded shuffle."""
    mixed = list(rows)
    random.Random(seed).shuffle(mixed)
    dated = iter(_dated(rows))
    return [next(dated) if r.get("date") else r for r in mixed]


def orders(rows: list[Row]) -> dict[str, list[Row]]:
    """Every arrival order the bench reports, by name."""
    found = {"date, undated first": _undated(rows) + _dated(rows),
             "date, undated last": _dated(rows) + _undated(rows)}
    for seed in SEEDS:
        found[f"date, undated shuffled (seed {seed})"] = shuffled(rows, seed)
    found["id order"] = sorted(rows, key=lambda r: id_key(r["id"]))
    return found


def published(row: Row) -> datetime | None:
    return datetime.fromisoformat(row["date"]).replace(tzinfo=UTC) if row.get("date") else None


def stream(rows: list[Row], make: Callable[[], Any], *, merge_pass: bool = True) -> dict[str, str]:
    """Feed ``rows`` in order to a fresh clusterer (then its merge pass); predicted story per id."""
    clusterer = make()
    for r in rows:
        clusterer.add(r["id"], r.get("title"), r["text"], published(r))
    if merge_pass:
        clusterer.merge_pass()
    return {r["id"]: str(clusterer.story_of(r["id"])) for r in rows}

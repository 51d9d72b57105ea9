"""The CoNLL-2003 entity benchmark reads the column format into texts with the right character spans
and scores exact span + type, leaving MISC out (an invented two-document file, not the corpus)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.entities.conll import Score, parse  # noqa: E402

SAMPLE = """-DOCSTART- -X- -X- O

TAVEL NNP B-NP B-LOC
FLOODS NNS I-NP O

CASTELLAN NNP B-NP B-LOC
1996-12-06 CD I-NP O

Lotte NNP B-NP B-PER
Quist NNP I-NP I-PER
( ( O O
Harbor NNP B-NP B-ORG
Institute NNP I-NP I-ORG
) ) O O
said VBD B-VP O
Veridian JJ B-NP B-MISC
farmers NNS I-NP O
were VBD B-VP O
n't RB O O
paid VBN B-VP O
. . O O

-DOCSTART- -X- -X- O

Ambrel NNP B-NP B-LOC
Bank NNP I-NP B-ORG
's POS O O
chief NN B-NP O
. . O O
"""


def test_documents_become_texts_with_gold_spans_on_their_words() -> None:
    first, second = parse(SAMPLE.splitlines())
    assert first.text == ("TAVEL FLOODS\nCASTELLAN 1996-12-06\n"
                          "Lotte Quist (Harbor Institute) said Veridian farmers weren't paid.")
    assert {(first.text[s:e], t) for s, e, t in first.gold} == {
        ("TAVEL", "place"), ("CASTELLAN", "place"), ("Lotte Quist", "person"), ("Harbor Institute", "org")}
    assert [first.text[s:e] for s, e in first.misc] == ["Veridian"]
    # B- after B- starts a new span even when the words touch
    assert second.text == "Ambrel Bank's chief."
    assert {(second.text[s:e], t) for s, e, t in second.gold} == {("Ambrel", "place"), ("Bank", "org")}


def test_score_is_exact_span_and_type_and_ignores_what_overlaps_misc() -> None:
    doc = parse(SAMPLE.splitlines())[0]
    spans = {doc.text[s:e]: (s, e) for s, e, _ in doc.gold}
    veridian = doc.misc[0]
    found = {(*spans["Lotte Quist"], "person"),           # right
             (*spans["Harbor Institute"], "place"),       # span right, type wrong
             (spans["TAVEL"][0], spans["TAVEL"][1] + 7, "place"),  # boundary wrong
             (veridian[0], veridian[1] + 8, "org")}       # overlaps MISC: not counted
    score = Score()
    score.add(doc, found)
    rows = {kind: prf for kind, prf, _, _ in score.rows()}
    assert score.predicted == {"person": 1, "place": 2}
    assert rows["person"] == (1.0, 1.0, 1.0)
    assert rows["place"][:2] == (0.0, 0.0)
    assert rows["org"][1] == 0.0
    assert rows["all three (micro)"][:2] == (1 / 3, 1 / 4)
    assert score.spans()[:2] == (2 / 3, 2 / 4)
    assert score.confusion == {("person", "person"): 1, ("org", "place"): 1}

"""URL normalisation, content hashes and MinHash near-duplicate estimates."""

from __future__ import annotations

import pytest

from newsdesk.analyze.dedupe import Fingerprint, content_hash, similarity
from newsdesk.collect.identity import normalize_url

WIRE = (
    "Dockworkers at the port of Velmora voted on Thursday to extend their strike into a third week, "
    "rejecting a revised wage offer from the harbour authority that union leaders called an insult to "
    "members who have worked without a contract since March. The walkout has idled forty container "
    "berths and left more than two hundred ships waiting at anchor off the coast, according to the "
    "authority's own figures. Shipping lines have begun diverting cargo to the smaller terminal at "
    "Ostrava Bay, where queues now stretch for several kilometres. The transport minister, Ilse Brandt, "
    "said the government would not intervene while talks continued, but warned that food importers were "
    "running short of refrigerated capacity and that emergency measures remained on the table."
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://News.Example:443/a?utm_source=x&utm_medium=y#top", "https://news.example/a"),
        ("http://news.example:80/a/?b=2&a=1", "http://news.example/a/?a=1&b=2"),
        ("https://news.example/a?fbclid=abc&id=7", "https://news.example/a?id=7"),
        ("https://news.example", "https://news.example/"),
        ("https://news.example:8443//x//y", "https://news.example:8443/x/y"),
    ],
)
def test_normalize_url(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


def test_content_hash_ignores_case_space_and_punctuation() -> None:
    assert content_hash("The port  strike, day 3!") == content_hash("the Port strike day 3")
    assert content_hash("The port strike") != content_hash("The airport strike")


def test_light_rewrite_is_near_duplicate_but_other_story_is_not() -> None:
    rewrite = WIRE.replace("on Thursday", "late on Thursday").replace("an insult to members", "an insult")
    rewrite = "Port strike drags on. " + rewrite
    other = ("The central bank held its benchmark rate at four per cent on Wednesday, saying inflation had "
             "eased faster than expected but that wage growth in the services sector remained a risk. ") * 3
    base = Fingerprint.of(WIRE, 0.8)
    assert similarity(base.signature, Fingerprint.of(rewrite, 0.8).signature) >= 0.8
    assert similarity(base.signature, Fingerprint.of(other, 0.8).signature) < 0.2


def test_near_duplicates_share_an_lsh_bucket() -> None:
    rewrite = WIRE.replace("two hundred", "200")
    a, b = Fingerprint.of(WIRE, 0.8), Fingerprint.of(rewrite, 0.8)
    assert set(a.buckets) & set(b.buckets)


@pytest.mark.parametrize("threshold", [0.5, 0.7, 0.85, 0.9, 0.95])
def test_lsh_banding_is_the_one_datasketch_would_choose(threshold: float) -> None:
    """newsdesk owns the banding of its stored buckets; it agrees with datasketch's public MinHashLSH."""
    from datasketch import MinHashLSH

    from newsdesk.analyze.dedupe import LSH_MARGIN, NUM_PERM, lsh_params

    bands, rows = lsh_params(threshold)
    reference = MinHashLSH(threshold=max(0.3, threshold - LSH_MARGIN), num_perm=NUM_PERM, weights=(0.5, 0.5))
    assert (bands, rows) == (reference.b, reference.r)
    assert bands * rows <= NUM_PERM


def test_signature_with_shared_permutations_equals_a_fresh_minhash() -> None:
    """Signatures reuse one set of permutations; the values are those of a MinHash made afresh,
    so fingerprints stored before the change still match new ones."""
    import numpy as np
    from datasketch import MinHash

    from newsdesk.analyze.dedupe import NUM_PERM, shingles, signature

    for text in (WIRE, WIRE.replace("Thursday", "Friday"), "short text"):
        fresh = MinHash(num_perm=NUM_PERM)
        fresh.update_batch(list(shingles(text)))
        assert np.array_equal(signature(text), fresh.hashvalues.astype(np.uint64))
    assert not np.array_equal(signature(WIRE), signature("short text"))

"""A process killed in the middle of ingestion loses and duplicates nothing on restart.

A real ``newsdesk add`` subprocess ingests a folder of generated pages and is SIGKILLed once
articles start to land; a second run completes the job. The result must equal a clean,
uninterrupted run: same canonical URLs, no duplicate rows, every article fingerprinted and
analysed, the same duplicate links.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.slow

WORDS = ["harbour", "council", "minister", "budget", "reservoir", "satellite", "launch", "agency", "vote", "court", "ruling", "strike", "wage", "inflation", "rate", "bank", "export", "licence", "chip", "wildfire", "evacuation", "recall", "vaccine", "dam", "river", "treaty", "election", "recount", "ballot", "province", "mayor", "ministry", "report", "analysts", "warned", "officials", "said", "on", "monday", "tuesday", "figures", "showed", "growth", "shipping", "cargo", "berth", "union", "talks", "offer", "deal"]


def _paragraph(rng: random.Random, sentences: int = 5) -> str:
    out = []
    for _ in range(sentences):
        words = [rng.choice(WORDS) for _ in range(rng.randint(12, 22))]
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


def _page(i: int, body: list[str]) -> str:
    paras = "\n".join(f"<p>{p}</p>" for p in body)
    return f"""<!doctype html><html lang="en"><head><title>Report {i}</title>
<meta property="og:site_name" content="Crashtest Daily">
<link rel="canonical" href="https://crashtest.example/report-{i}">
<meta property="article:published_time" content="2026-10-{1 + i % 28:02d}T08:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Report {i}</h1>{paras}</article><footer>© Crashtest Daily</footer></body></html>"""


def _make_corpus(folder: Path, count: int) -> None:
    rng = random.Random(7)
    folder.mkdir()
    bodies: list[list[str]] = []
    for i in range(count):
        # every tenth page republishes an earlier one
        body = bodies[i - 5] if i % 10 == 9 else [_paragraph(rng) for _ in range(4)]
        bodies.append(body)
        (folder / f"page-{i:04d}.html").write_text(_page(i, body), encoding="utf-8")


def _run(db: Path, folder: Path, *, kill_after: int | None = None) -> None:
    env = {**os.environ, "NEWSDESK_DATA_DIR": str(db.parent), "NEWSDESK_CONFIG": "/nonexistent"}
    cmd = [sys.executable, "-m", "newsdesk", "--db", str(db), "add", str(folder), "--json"]
    if kill_after is None:
        subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=600)
        return
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if _count(db, "SELECT count(*) FROM articles") >= kill_after:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed; raise the corpus size"
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def _count(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    try:
        engine = create_engine(f"sqlite:///{db}")
        with engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar() or 0)
    except Exception:
        return 0
    finally:
        engine.dispose()


def _snapshot(db: Path) -> dict[str, object]:
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        urls = sorted(conn.execute(text("SELECT canonical_url FROM articles")).scalars())
        links = sorted(conn.execute(text(
            "SELECT a.canonical_url, o.canonical_url FROM duplicate_links d "
            "JOIN articles a ON a.id = d.article_id JOIN articles o ON o.id = d.original_id")).all())
        unfingerprinted = conn.execute(text(
            "SELECT count(*) FROM articles WHERE id NOT IN (SELECT article_id FROM minhashes)")).scalar()
        unanalysed = conn.execute(text(
            "SELECT count(*) FROM articles WHERE analyzed_at IS NULL "
            "AND id NOT IN (SELECT article_id FROM duplicate_links)")).scalar()
        fts = conn.execute(text("SELECT count(*) FROM articles_fts")).scalar()
    engine.dispose()
    return {"urls": urls, "links": [tuple(x) for x in links], "unfingerprinted": unfingerprinted,
            "unanalysed": unanalysed, "fts_rows": fts}


def test_kill_mid_ingest_then_restart_equals_clean_run(tmp_path: Path) -> None:
    corpus = tmp_path / "pages"
    _make_corpus(corpus, 120)
    clean_db = tmp_path / "clean" / "news.db"
    clean_db.parent.mkdir()
    _run(clean_db, corpus)
    expected = _snapshot(clean_db)
    assert len(expected["urls"]) == 120  # type: ignore[arg-type]
    assert len(expected["links"]) == 12  # type: ignore[arg-type]

    crash_db = tmp_path / "crash" / "news.db"
    crash_db.parent.mkdir()
    _run(crash_db, corpus, kill_after=30)
    interrupted = _count(crash_db, "SELECT count(*) FROM articles")
    assert 0 < interrupted < 120
    _run(crash_db, corpus)  # restart
    assert _snapshot(crash_db) == expected
    _run(crash_db, corpus)  # and once more: nothing changes
    assert _snapshot(crash_db) == expected

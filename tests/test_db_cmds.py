"""`newsdesk db upgrade | copy | backup` on real SQLite files and a real PostgreSQL schema."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine

from newsdesk.config import load_settings
from newsdesk.demo import demo_targets
from newsdesk.ingest import Ingestor
from newsdesk.models import ExtractedArticle
from newsdesk.store import Store
from newsdesk.store.database import _alembic_config
from newsdesk.store.schema import metadata
from newsdesk.store.transfer import copy_database, head_revision

ROOT = Path(__file__).resolve().parent.parent


def newsdesk(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSDESK_DATA_DIR": str(data_dir)}
    env.pop("NEWSDESK_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "newsdesk", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=600)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite desk with the demo corpus loaded and analysed (every table has rows)."""
    folder = tmp_path_factory.mktemp("demo-desk")
    store = Store(f"sqlite:///{folder / 'demo.db'}")
    settings = load_settings(data_dir=folder, environ={})
    with Ingestor(store, settings, analyze=True) as ingestor:
        ingestor.add([str(p) for p in demo_targets()])
    store.add_feed("https://ledger.example/feed.xml", "The Ledger")
    store.close()
    return folder / "demo.db"


def table_counts(url: str) -> dict[str, int]:
    store = Store(url)
    try:
        with store.read() as conn:
            from sqlalchemy import func, select

            return {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
                    for t in metadata.sorted_tables}
    finally:
        store.close()


# --- upgrade ---------------------------------------------------------------------------------------
def test_upgrade_reports_from_and_to(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0005")
    engine.dispose()
    first = newsdesk("--db", str(db), "db", "upgrade", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert f"upgraded from revision 0005 to {head_revision()}" in first.stdout
    again = newsdesk("--db", str(db), "db", "upgrade", data_dir=tmp_path)
    assert again.returncode == 0 and f"already at revision {head_revision()}" in again.stdout


def test_upgrade_an_empty_postgresql_schema(pg_url: str, tmp_path: Path) -> None:
    result = newsdesk("--db", pg_url, "db", "upgrade", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"from revision (empty) to {head_revision()}" in result.stdout


# --- copy ------------------------------------------------------------------------------------------
def test_copy_sqlite_to_postgresql_and_back(demo_db: Path, pg_url: str, tmp_path: Path) -> None:
    source = f"sqlite:///{demo_db}"
    expected = table_counts(source)
    assert expected["articles"] > 40 and expected["duplicate_links"] and expected["stories"]
    assert expected["article_entities"] and expected["story_terms"]

    there = newsdesk("db", "copy", "--from", str(demo_db), "--to", pg_url, "--batch", "17", data_dir=tmp_path)
    assert there.returncode == 0, there.stderr
    assert "counts match" in there.stderr
    assert table_counts(pg_url) == expected

    back_file = tmp_path / "back.db"
    back = newsdesk("db", "copy", "--from", pg_url, "--to", str(back_file), "--json", data_dir=tmp_path)
    assert back.returncode == 0, back.stderr
    assert table_counts(f"sqlite:///{back_file}") == expected

    original, on_pg, returned = Store(source), Store(pg_url), Store(f"sqlite:///{back_file}")
    try:
        # full-text search works on each copy (FTS5 rebuilt; tsvector generated)
        for store in (original, on_pg, returned):
            assert store.count_search("Tavel") == original.count_search("Tavel") > 0
        assert [(s.id, s.title, s.size) for s in on_pg.list_stories(limit=500)] == \
               [(s.id, s.title, s.size) for s in original.list_stories(limit=500)]
        # ids continue after the copied ones on PostgreSQL (sequences moved past them)
        with on_pg.transaction() as conn:
            new = on_pg.save_article(conn, ExtractedArticle(url="https://new.example/a", title="New", text="x"),
                                     canonical_url="https://new.example/a", content_hash="new")
        assert new.action == "added" and new.id > max(a.id for a in original.list_articles(limit=10_000))
    finally:
        original.close()
        on_pg.close()
        returned.close()


class Interrupted(Exception):
    pass


def test_an_interrupted_copy_resumes_without_duplicates(demo_db: Path, pg_url: str) -> None:
    source = f"sqlite:///{demo_db}"
    batches = [0]

    def stop_midway(table: str, _rows: int) -> None:
        batches[0] += 1
        if table == "articles" and batches[0] > 12:
            raise Interrupted

    with pytest.raises(Interrupted):
        copy_database(source, pg_url, batch=5, on_batch=stop_midway)
    partial = table_counts(pg_url)
    expected = table_counts(source)
    assert 0 < partial["articles"] < expected["articles"]

    report = copy_database(source, pg_url, batch=5)
    assert report.complete
    assert table_counts(pg_url) == expected
    copied_now = {t.name: t.copied for t in report.tables}
    assert copied_now["articles"] == expected["articles"] - partial["articles"]  # the rest, only the rest


def test_copy_refuses_a_target_with_other_rows(demo_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "busy.db"
    store = Store(f"sqlite:///{target}")
    for n in range(3):
        store.add_feed(f"https://other{n}.example/feed.xml")
    store.close()
    result = newsdesk("db", "copy", "--from", str(demo_db), "--to", str(target), data_dir=tmp_path)
    assert result.returncode == 5
    assert "MISMATCH" in result.stdout and "Traceback" not in result.stderr


# --- backup ----------------------------------------------------------------------------------------
def test_backup_while_another_connection_writes(demo_db: Path, tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    shutil.copy(demo_db, live)
    store = Store(f"sqlite:///{live}")
    before = store.count_articles()
    stop = threading.Event()
    written = [0]

    def keep_writing() -> None:
        while not stop.is_set():
            url = f"https://writer.example/{written[0]}"
            with store.transaction() as conn:
                store.save_article(conn, ExtractedArticle(url=url, title=f"Live {written[0]}", text="words " * 50),
                                   canonical_url=url, content_hash=f"live{written[0]}")
            written[0] += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        result = newsdesk("--db", str(live), "db", "backup", str(tmp_path / "copy.db"), data_dir=tmp_path)
    finally:
        stop.set()
        writer.join()
    assert result.returncode == 0, result.stderr
    assert written[0] > 0
    with sqlite3.connect(tmp_path / "copy.db") as check:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    backup = Store(f"sqlite:///{tmp_path / 'copy.db'}")
    try:
        assert before <= backup.count_articles() <= before + written[0]
        assert backup.count_search("Tavel") > 0  # the full-text index came along
    finally:
        backup.close()
        store.close()
    # an existing file is never overwritten
    again = newsdesk("--db", str(live), "db", "backup", str(tmp_path / "copy.db"), data_dir=tmp_path)
    assert again.returncode == 2 and "exists already" in again.stderr


def test_backup_of_a_postgresql_desk_points_at_pg_dump(pg_url: str, tmp_path: Path) -> None:
    result = newsdesk("--db", pg_url, "db", "backup", str(tmp_path / "x.db"), data_dir=tmp_path)
    assert result.returncode == 2
    assert "pg_dump" in result.stderr and "Traceback" not in result.stderr

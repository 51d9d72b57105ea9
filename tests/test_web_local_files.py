"""A local file's path never reaches a reader: the web API and pages show web addresses only."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from newsdesk.config import Settings
from newsdesk.ingest import Ingestor
from newsdesk.serve.app import create_app
from newsdesk.store import Store

BODY = "<p>The harbour board met on Tuesday to discuss the new ferry timetable and its costs.</p>" * 12


def _page(title: str, canonical: str = "") -> str:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (f"<!doctype html><html lang='en'><head><title>{title}</title>{link}</head>"
            f"<body><article><h1>{title}</h1>{BODY}</article></body></html>")


def test_local_files_show_their_web_address_or_none(tmp_path: Path, store: Store, settings: Settings) -> None:
    folder = tmp_path / "private-notes"
    folder.mkdir()
    (folder / "with-canonical.html").write_text(_page("Ferry board meets", "https://harbour.example/ferry-board"))
    (folder / "no-web-address.html").write_text(_page("Quay lights replaced").replace("ferry timetable", "quay lights"))
    with Ingestor(store, settings, analyze=False) as ingestor:
        outcomes = ingestor.add([str(folder)])
    ids = sorted(o.article_id for o in outcomes if o.article_id)
    assert len(ids) == 2
    assert all(a.url.startswith("file://") or "private-notes" in a.url for a in (store.get_article(i) for i in ids))

    client = TestClient(create_app(settings, store, run_worker=False), base_url="https://testserver")
    shown = {}
    for article_id in ids:
        data = client.get(f"/api/articles/{article_id}").json()
        shown[data["article"]["title"]] = data["article"]
        page = client.get(f"/articles/{article_id}").text
        assert "file://" not in page and "private-notes" not in page
    assert shown["Ferry board meets"]["url"] == "https://harbour.example/ferry-board"
    assert shown["Quay lights replaced"]["url"] == "" and shown["Quay lights replaced"]["canonical_url"] == ""
    listing = client.get("/api/articles").text
    assert "file://" not in listing and "private-notes" not in listing

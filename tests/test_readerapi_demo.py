"""The demo corpus (pages and files added directly, no feed) as a feed-reader app sees it: every
original is an item of some stream subscription/list names, each copy folded into its original."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import backend_database_url
from fastapi.testclient import TestClient
from reader_desk import hashed

from newsdesk.config import load_settings
from newsdesk.demo import demo_targets
from newsdesk.follow.passwords import fever_key
from newsdesk.ingest import Ingestor
from newsdesk.serve.app import create_app
from newsdesk.serve.greader import parse_item_id
from newsdesk.store import Store

pytestmark = pytest.mark.backend


def test_a_reader_app_shows_the_whole_demo_desk(tmp_path: Path) -> None:
    store = Store(backend_database_url(tmp_path, "demo"))
    settings = load_settings(data_dir=tmp_path, environ={})
    with Ingestor(store, settings, analyze=False) as ingestor:
        ingestor.add([str(p) for p in demo_targets()])
    user = store.create_user("reader", hashed("reader login password"))
    store.set_api_password(user.id, hashed("reader api password"), fever_key("reader", "reader api password"))
    client = TestClient(create_app(settings, store, run_worker=False))
    login = client.post("/accounts/ClientLogin", data={"Email": "reader", "Passwd": "reader api password"})
    headers = {"Authorization": f"GoogleLogin auth={login.text.split('Auth=')[1].strip()}"}
    streams = {s["id"] for s in client.get("/reader/api/0/subscription/list", headers=headers).json()["subscriptions"]}
    items = client.get("/reader/api/0/stream/contents", params={"n": 1000}, headers=headers).json()["items"]
    originals = store.count_articles(include_duplicates=False)
    assert originals < store.count_articles()  # the demo has syndicated copies
    assert len(items) == originals
    assert {i["origin"]["streamId"] for i in items} <= streams
    ids = {parse_item_id(i["id"]) for i in items}
    assert all(store.get_article(i).duplicate_of is None for i in ids)
    store.close()

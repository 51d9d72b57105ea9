"""Hostile input to the feed-reader APIs (NUL and control characters, huge numbers, junk ids,
escaped nonsense in stream ids): always a 4xx or the protocol's refusal, never a server error —
on SQLite and PostgreSQL (which refuses NUL in text)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from reader_desk import ALICE_PASSWORD, make_desk

from newsdesk.config import Settings
from newsdesk.serve.app import create_app
from newsdesk.store import Store

JUNK = ["\x00", "a\x00b", "9" * 40, "-1", "%00", "feed/\x00", "user/-/label/\x00", "user/-/label/" + "x" * 5000,
        "tag:google.com,2005:reader/item/\x00", "../../etc/passwd"]
GREADER = [("GET", "stream/contents", ("s", "n", "c", "ot", "nt", "xt", "it", "r")),
           ("GET", "stream/items/ids", ("s", "n", "c", "ot")),
           ("POST", "stream/items/contents", ("i",)),
           ("POST", "edit-tag", ("i", "a", "r", "T")),
           ("POST", "mark-all-as-read", ("s", "ts")),
           ("POST", "subscription/edit", ("ac", "s", "t", "a", "r")),
           ("POST", "subscription/quickadd", ("quickadd",)),
           ("POST", "rename-tag", ("s", "dest")),
           ("POST", "disable-tag", ("s",))]


@pytest.fixture
def client(store: Store, settings: Settings) -> TestClient:
    make_desk(store)
    return TestClient(create_app(settings, store, run_worker=False), raise_server_exceptions=False)


def test_junk_never_breaks_the_reader_apis(client: TestClient) -> None:
    login = client.post("/accounts/ClientLogin", data={"Email": "alice", "Passwd": ALICE_PASSWORD,
                                                        "source": "app\x00\x07"})
    assert login.status_code == 200
    headers = {"Authorization": f"GoogleLogin auth={login.text.split('Auth=')[1].strip()}"}
    for junk in JUNK:
        # refused: a wrong login, or (after five of them from this address) the rate limit
        assert client.post("/accounts/ClientLogin", data={"Email": junk, "Passwd": junk}).status_code in (401, 429)
        escaped = quote(junk, safe="")
        assert client.get(f"/reader/api/0/stream/contents/{escaped}", headers=headers).status_code < 500, junk
        for method, path, names in GREADER:
            for name in names:
                valid = {"s": "feed/https://harbourgazette.example/feed.xml", "i": "1"} if name not in ("s", "i") else {}
                answer = client.request(method, f"/reader/api/0/{path}", headers=headers,
                                        **({"params": {**valid, name: junk}} if method == "GET" else
                                           {"data": {**valid, name: junk}}))
                assert answer.status_code < 500, (path, name, junk, answer.text)
        for query in ("items&since_id=", "items&max_id=", "items&with_ids=", "mark=item&as=read&id=",
                      "mark=feed&as=read&before=1&id=", "mark=group&as=read&id="):
            answer = client.post(f"/fever/?api&{query}{quote(junk, safe='')}", data={"api_key": junk})
            assert answer.status_code == 200 and answer.json()["auth"] == 0
    key = __import__("hashlib").md5(f"alice:{ALICE_PASSWORD}".encode()).hexdigest()
    for junk in JUNK:
        for field in ("since_id", "max_id", "with_ids", "id", "before", "mark", "as"):
            answer = client.post("/fever/?api&items", data={"api_key": key, "mark": "item", "as": "read", field: junk})
            assert answer.status_code == 200 and answer.json()["auth"] == 1, (field, junk)

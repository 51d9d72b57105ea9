"""The Fever API as its clients use it, on SQLite and PostgreSQL: the md5 key, groups, feeds,
favicons, items paged by id, the unread and saved id lists, marks — and one user never seeing
another's state."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from fastapi.testclient import TestClient
from reader_desk import ALICE_PASSWORD, BOB_PASSWORD, Desk, add_many, make_desk

from newsdesk.config import Settings
from newsdesk.serve.app import create_app
from newsdesk.store import Store
from newsdesk.store.subscriptions import OUTLET_ID_BASE

ALICE_KEY = hashlib.md5(f"alice:{ALICE_PASSWORD}".encode()).hexdigest()
BOB_KEY = hashlib.md5(f"bob:{BOB_PASSWORD}".encode()).hexdigest()


@pytest.fixture
def desk(store: Store) -> Desk:
    return make_desk(store)


@pytest.fixture
def client(desk: Desk, settings: Settings) -> TestClient:
    return TestClient(create_app(settings, desk.store, run_worker=False))


def fever(client: TestClient, query: str, key: str = ALICE_KEY, **form: Any) -> dict[str, Any]:
    answer = client.post(f"/fever/?api&{query}", data={"api_key": key, **form})
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


@pytest.mark.parametrize("key", ["", "0" * 32, hashlib.md5(b"alice:alice login password").hexdigest(), "nonsense"])
def test_a_wrong_key_answers_auth_zero(client: TestClient, key: str) -> None:
    body = fever(client, "items", key)
    assert body["auth"] == 0 and body["api_version"] == 3 and "items" not in body


def test_the_key_works_in_the_query_and_without_trailing_slash(client: TestClient) -> None:
    answer = client.get("/fever", params={"api": "", "api_key": ALICE_KEY})
    assert answer.status_code == 200 and answer.json()["auth"] == 1
    assert fever(client, "")["auth"] == 1 and fever(client, "")["last_refreshed_on_time"] > 0


def test_groups_feeds_and_favicons(client: TestClient, desk: Desk) -> None:
    desk.store.edit_subscription(desk.alice, f"feed:{desk.harbour_feed}", folder="Port news")
    body = fever(client, "groups&feeds&favicons")
    (group,) = body["groups"]
    assert group["title"] == "Port news"
    assert body["feeds_groups"] == [{"group_id": group["id"], "feed_ids": str(desk.harbour_feed)}]
    feeds = {f["title"]: f for f in body["feeds"]}
    assert set(feeds) == {"Harbour Gazette", "Orbital Review", "Town Archive"}
    assert feeds["Town Archive"]["id"] > OUTLET_ID_BASE
    favicon_ids = {f["id"] for f in body["favicons"]}
    assert all(f["favicon_id"] in favicon_ids for f in body["feeds"])
    assert fever(client, "groups", BOB_KEY)["groups"] == []  # folders are per user


def test_items_page_by_since_id_max_id_and_with_ids(client: TestClient, desk: Desk) -> None:
    bulk = add_many(desk.store, desk.orbit_feed, 120)
    first = fever(client, "items")
    assert first["total_items"] == 124 and len(first["items"]) == 50
    seen = []
    since = 0
    while True:
        page = fever(client, f"items&since_id={since}")["items"]
        if not page:
            break
        seen += [i["id"] for i in page]
        since = page[-1]["id"]
    originals = sorted([*bulk, *(v for k, v in desk.ids.items() if k != "launch-window-copy")])
    assert seen == originals  # ascending, the copy folded
    newest = fever(client, f"items&max_id={bulk[-1]}")["items"]
    assert [i["id"] for i in newest] == sorted(originals[:-1], reverse=True)[:50]
    wanted = f"{desk.ids['ferry-timetable']},{desk.ids['launch-window-copy']}"
    picked = fever(client, f"items&with_ids={wanted}")["items"]
    assert sorted(i["id"] for i in picked) == sorted([desk.ids["ferry-timetable"], desk.ids["launch-window"]])
    launch = next(i for i in picked if i["id"] == desk.ids["launch-window"])
    assert launch["feed_id"] == desk.orbit_feed and "Also reported by: Coast Courier" in launch["html"]
    assert launch["is_read"] == 0 and launch["created_on_time"] > 0 and launch["url"].startswith("https://")


def test_marks_items_saved_unsaved_feeds_and_groups(client: TestClient, desk: Desk) -> None:
    ids = desk.ids
    all_unread = {ids[k] for k in ("dredging-resumes", "ferry-timetable", "launch-window", "council-minutes")}
    assert set(map(int, fever(client, "unread_item_ids")["unread_item_ids"].split(","))) == all_unread
    fever(client, "", mark="item", **{"as": "read"}, id=str(ids["launch-window"]))
    state = desk.store.read_states(desk.alice, [ids["launch-window"], ids["launch-window-copy"]])
    assert state[ids["launch-window"]].read and state[ids["launch-window-copy"]].read
    fever(client, "", mark="item", **{"as": "saved"}, id=str(ids["ferry-timetable"]))
    assert fever(client, "saved_item_ids")["saved_item_ids"] == str(ids["ferry-timetable"])
    fever(client, "", mark="item", **{"as": "unsaved"}, id=str(ids["ferry-timetable"]))
    assert fever(client, "saved_item_ids")["saved_item_ids"] == ""
    fever(client, "", mark="item", **{"as": "unread"}, id=str(ids["launch-window"]))
    assert not desk.store.read_states(desk.alice, [ids["launch-window"]])[ids["launch-window"]].read
    # a feed up to a time before it was stored: nothing; then all of it
    fever(client, "", mark="feed", **{"as": "read"}, id=str(desk.harbour_feed), before="1000")
    assert len(fever(client, "unread_item_ids")["unread_item_ids"].split(",")) == 4
    fever(client, "", mark="feed", **{"as": "read"}, id=str(desk.harbour_feed), before="4000000000")
    unread = set(map(int, fever(client, "unread_item_ids")["unread_item_ids"].split(",")))
    assert unread == {ids["launch-window"], ids["council-minutes"]}
    # the outlet of documents added directly is a feed too
    fever(client, "", mark="feed", **{"as": "read"}, id=str(OUTLET_ID_BASE + _outlet_of(desk, "council-minutes")),
          before="4000000000")
    assert fever(client, "unread_item_ids")["unread_item_ids"] == str(ids["launch-window"])
    folder = desk.store.ensure_folder(desk.alice, "Space")
    desk.store.edit_subscription(desk.alice, f"feed:{desk.orbit_feed}", folder="Space")
    fever(client, "", mark="group", **{"as": "read"}, id=str(folder.id), before="4000000000")
    assert fever(client, "unread_item_ids")["unread_item_ids"] == ""
    # bob's state is his own
    assert len(fever(client, "unread_item_ids", BOB_KEY)["unread_item_ids"].split(",")) == 4
    assert fever(client, "saved_item_ids", BOB_KEY)["saved_item_ids"] == ""


def test_group_zero_marks_everything_read(client: TestClient, desk: Desk) -> None:
    fever(client, "", mark="group", **{"as": "read"}, id="0", before="4000000000")
    assert fever(client, "unread_item_ids")["unread_item_ids"] == ""


def test_unread_ids_are_read_in_batches_past_one(client: TestClient, desk: Desk) -> None:
    bulk = add_many(desk.store, desk.orbit_feed, 5_100)
    unread = fever(client, "unread_item_ids")["unread_item_ids"].split(",")
    assert len(unread) == len(set(unread)) == 5_104 and str(bulk[0]) in unread


def _outlet_of(desk: Desk, slug: str) -> int:
    source = desk.store.article_sources([desk.ids[slug]])[desk.ids[slug]]
    assert source.startswith("outlet:")
    return int(source.split(":")[1])

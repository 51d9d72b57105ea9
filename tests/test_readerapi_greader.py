"""The Google Reader API against its behaviour as clients use it (Miniflux's and FreshRSS's
dialect), on SQLite and PostgreSQL: login, every endpoint, every item id form, paging with
continuations over 1,000+ items, auth failures, and one user never seeing another's state."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from reader_desk import ALICE_PASSWORD, BOB_PASSWORD, HARBOUR_FEED, ORBIT_FEED, Desk, add_many, make_desk

from newsdesk.config import Settings
from newsdesk.errors import InvalidArgumentError
from newsdesk.serve.app import create_app
from newsdesk.serve.greader import ITEM_BASE, item_id, parse_item_id
from newsdesk.store import Store
from newsdesk.store.subscriptions import Stream

API = "/reader/api/0"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
KEPT = "user/-/state/com.google/kept-unread"


@pytest.fixture
def desk(store: Store) -> Desk:
    return make_desk(store)


@pytest.fixture
def client(desk: Desk, settings: Settings) -> TestClient:
    return TestClient(create_app(settings, desk.store, run_worker=False))


def login(client: TestClient, name: str = "alice", password: str = ALICE_PASSWORD) -> dict[str, str]:
    answer = client.post("/accounts/ClientLogin", data={"Email": name, "Passwd": password, "service": "reader"})
    assert answer.status_code == 200, answer.text
    auth = dict(line.split("=", 1) for line in answer.text.strip().splitlines())["Auth"]
    return {"Authorization": f"GoogleLogin auth={auth}"}


def edit_token(client: TestClient, headers: dict[str, str]) -> str:
    answer = client.get(f"{API}/token", headers=headers)
    assert answer.status_code == 200
    return answer.text


def contents(client: TestClient, headers: dict[str, str], stream: str = "user/-/state/com.google/reading-list",
             **params: Any) -> dict[str, Any]:
    answer = client.get(f"{API}/stream/contents/{quote(stream, safe='')}", params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def titles(body: dict[str, Any]) -> list[str]:
    return [item["title"] for item in body["items"]]


# -- login and auth ---------------------------------------------------------------------------------

def test_client_login_answers_sid_lsid_auth_as_plain_text(client: TestClient) -> None:
    answer = client.post("/accounts/ClientLogin", data={"Email": "alice", "Passwd": ALICE_PASSWORD})
    assert answer.headers["content-type"].startswith("text/plain")
    lines = dict(line.split("=", 1) for line in answer.text.strip().splitlines())
    assert set(lines) == {"SID", "LSID", "Auth"} and lines["Auth"]
    as_json = client.get("/accounts/ClientLogin", params={"Email": "bob", "Passwd": BOB_PASSWORD, "output": "json"})
    assert as_json.status_code == 200 and as_json.json()["Auth"]
    headers = {"Authorization": f"GoogleLogin auth={as_json.json()['Auth']}"}
    assert client.get(f"{API}/user-info", headers=headers).json()["userName"] == "bob"


def test_repeated_logins_keep_only_the_newest_tokens_of_an_app_alive(client: TestClient) -> None:
    from newsdesk.serve.greader import CLIENT_LOGIN_TOKENS_KEPT

    def login(source: str) -> str:
        answer = client.post("/accounts/ClientLogin",
                             data={"Email": "bob", "Passwd": BOB_PASSWORD, "source": source})
        assert answer.status_code == 200
        return dict(line.split("=", 1) for line in answer.text.strip().splitlines())["Auth"]

    other_app = login("OtherApp")
    tokens = [login("SyncEveryMinute") for _ in range(CLIENT_LOGIN_TOKENS_KEPT + 2)]

    def works(token: str) -> bool:
        answer = client.get(f"{API}/user-info", headers={"Authorization": f"GoogleLogin auth={token}"})
        assert answer.status_code in (200, 401)
        return answer.status_code == 200

    assert [works(t) for t in tokens] == [False, False] + [True] * CLIENT_LOGIN_TOKENS_KEPT
    assert works(other_app)  # another app's login is not touched


@pytest.mark.parametrize("name, password", [("alice", "wrong password"), ("alice", "alice login password"),
                                            ("nobody", ALICE_PASSWORD), ("", "")])
def test_a_wrong_login_is_refused(client: TestClient, name: str, password: str) -> None:
    answer = client.post("/accounts/ClientLogin", data={"Email": name, "Passwd": password})
    assert answer.status_code == 401 and "BadAuthentication" in answer.text


def test_client_login_failures_are_rate_limited_like_the_login_page(client: TestClient) -> None:
    for _ in range(5):
        assert client.post("/accounts/ClientLogin", data={"Email": "alice", "Passwd": "a wrong guess"}
                           ).status_code == 401
    limited = client.post("/accounts/ClientLogin", data={"Email": "alice", "Passwd": ALICE_PASSWORD})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert "TooManyLogins" in limited.text  # even the right password waits: guessing gains nothing


READ_PATHS = ["user-info", "tag/list", "subscription/list", "unread-count", "token",
              "stream/contents/user%2F-%2Fstate%2Fcom.google%2Freading-list", "stream/items/ids",
              "stream/items/contents"]


def test_reads_need_a_valid_auth_token(client: TestClient) -> None:
    for path in READ_PATHS:
        for header in (None, "GoogleLogin auth=nd_not-a-token", "Bearer x", "GoogleLogin auth="):
            headers = {"Authorization": header} if header else {}
            answer = client.get(f"{API}/{path}", headers=headers)
            assert answer.status_code == 401, (path, header)
    desk_token = client.app.state.store.create_token("desk")[1]  # a token of no user is no reader login
    assert client.get(f"{API}/user-info", headers={"Authorization": f"GoogleLogin auth={desk_token}"}
                      ).status_code == 401


def test_a_revoked_login_token_stops_working(client: TestClient, desk: Desk) -> None:
    headers = login(client)
    token = next(t for t in desk.store.list_tokens(user_id=desk.alice))
    desk.store.revoke_token(token.id)
    assert client.get(f"{API}/user-info", headers=headers).status_code == 401


def test_a_bad_edit_token_is_refused_with_the_bad_token_header(client: TestClient, desk: Desk) -> None:
    headers = login(client)
    item = item_id(desk.ids["ferry-timetable"])
    bad = client.post(f"{API}/edit-tag", data={"i": item, "a": READ, "T": "forged"}, headers=headers)
    assert bad.status_code == 401 and bad.headers["X-Reader-Google-Bad-Token"] == "true"
    assert not desk.store.read_states(desk.alice, [desk.ids["ferry-timetable"]])
    other_login = edit_token(client, login(client))  # another login's edit token is not this one's
    assert client.post(f"{API}/edit-tag", data={"i": item, "a": READ, "T": other_login},
                       headers=headers).status_code == 401
    good = client.post(f"{API}/edit-tag", data={"i": item, "a": READ, "T": edit_token(client, headers)},
                       headers=headers)
    assert good.status_code == 200 and good.text == "OK"
    assert desk.store.read_states(desk.alice, [desk.ids["ferry-timetable"]])[desk.ids["ferry-timetable"]].read
    assert client.get(f"{API}/edit-tag", params={"i": item, "a": READ}, headers=headers).status_code == 405


# -- the user, tags, subscriptions, counts -------------------------------------------------------------

def test_user_info_tag_list_and_subscriptions_show_the_whole_desk(client: TestClient, desk: Desk) -> None:
    headers = login(client)
    info = client.get(f"{API}/user-info", params={"output": "json"}, headers=headers).json()
    assert info["userName"] == "alice" and info["userId"] == str(desk.alice)
    subs = client.get(f"{API}/subscription/list", params={"output": "json"}, headers=headers).json()["subscriptions"]
    by_title = {s["title"]: s for s in subs}
    # feeds by their URL; documents added directly by their outlet; an outlet with only copies is not one
    assert set(by_title) == {"Harbour Gazette", "Orbital Review", "Town Archive"}
    assert by_title["Harbour Gazette"]["id"] == f"feed/{HARBOUR_FEED}"
    assert by_title["Town Archive"]["id"].startswith("feed/newsdesk:outlet/")
    tags = client.get(f"{API}/tag/list", headers=headers).json()["tags"]
    assert any(t["id"].endswith("/state/com.google/starred") for t in tags)
    # every article is in a stream subscription/list names
    stream_ids = {s["id"] for s in subs}
    for item in contents(client, headers, n=100)["items"]:
        assert item["origin"]["streamId"] in stream_ids


def test_unread_counts_fold_copies_and_follow_marks(client: TestClient, desk: Desk) -> None:
    headers = login(client)

    def counts() -> dict[str, int]:
        body = client.get(f"{API}/unread-count", params={"output": "json"}, headers=headers).json()
        return {c["id"].replace(f"user/{desk.alice}/", "user/-/"): c["count"] for c in body["unreadcounts"]}

    before = counts()
    assert before["user/-/state/com.google/reading-list"] == 4  # five articles, one a copy
    assert before[f"feed/{HARBOUR_FEED}"] == 2 and before[f"feed/{ORBIT_FEED}"] == 1
    client.post(f"{API}/edit-tag", data={"i": item_id(desk.ids["dredging-resumes"]), "a": READ}, headers=headers)
    after = counts()
    assert after[f"feed/{HARBOUR_FEED}"] == 1 and after["user/-/state/com.google/reading-list"] == 3


# -- items and their ids --------------------------------------------------------------------------------

def test_items_carry_the_fields_clients_read(client: TestClient, desk: Desk) -> None:
    headers = login(client)
    body = contents(client, headers, f"feed/{ORBIT_FEED}")
    (item,) = body["items"]
    assert item["id"] == f"tag:google.com,2005:reader/item/{ITEM_BASE + desk.ids['launch-window']:016x}"
    assert len(item["id"].rsplit("/", 1)[1]) == 16
    assert int(item["timestampUsec"]) // 1000 == int(item["crawlTimeMsec"]) > 0
    assert item["published"] > 0 and item["canonical"][0]["href"].startswith("https://")
    assert item["origin"]["streamId"] == f"feed/{ORBIT_FEED}"
    assert "user/-/state/com.google/reading-list" in item["categories"] and READ not in item["categories"]
    # the copy is folded: one item, whose summary names the copy's outlet
    assert "Also reported by: Coast Courier" in item["summary"]["content"]
    assert "Launch Window Copy" not in titles(contents(client, headers, n=50))


def test_article_text_is_escaped_html(client: TestClient, desk: Desk) -> None:
    headers = login(client)
    item = next(i for i in contents(client, headers, f"feed/{HARBOUR_FEED}")["items"]
                if i["title"] == "Dredging Resumes")
    html = item["summary"]["content"]
    assert "<p>Dredging resumes at the north harbour.</p>" in html
    assert "<b>" not in html and "&lt;b&gt;" in html


def test_every_item_id_form_names_the_same_item(client: TestClient, desk: Desk) -> None:
    headers = login(client)
    article = desk.ids["ferry-timetable"]
    number = ITEM_BASE + article
    ids = client.get(f"{API}/stream/items/ids", params={"s": f"feed/{HARBOUR_FEED}", "n": 10},
                     headers=headers).json()["itemRefs"]
    assert str(number) in [ref["id"] for ref in ids]
    forms = [item_id(article), f"{number:016x}", str(number), f"{number:x}", f"{number:016X}",
             f"tag:google.com,2005:reader/item/{number:x}"]
    for form in forms:
        assert parse_item_id(form) == article
        body = client.post(f"{API}/stream/items/contents", data={"i": form}, headers=headers).json()
        assert [i["id"] for i in body["items"]] == [item_id(article)], form
    for bad in ["", "xyz", "12", str(ITEM_BASE - 1), "f" * 17, "tag:google.com,2005:reader/item/zz",
                str(1 << 63)]:
        with pytest.raises(InvalidArgumentError):
            parse_item_id(bad)
    answer = client.post(f"{API}/stream/items/contents", data={"i": "not-an-id"}, headers=headers)
    assert answer.status_code == 400


def test_asking_for_a_copy_gives_its_original(client: TestClient, desk: Desk) -> None:
    headers = login(client)
    body = client.get(f"{API}/stream/items/contents", params={"i": item_id(desk.ids["launch-window-copy"])},
                      headers=headers).json()
    assert [i["id"] for i in body["items"]] == [item_id(desk.ids["launch-window"])]


# -- streams, filters, paging -------------------------------------------------------------------------

def test_continuations_page_over_a_thousand_items_without_gaps(client: TestClient, desk: Desk) -> None:
    bulk = add_many(desk.store, desk.orbit_feed, 1_100)
    headers = login(client)
    for order in ("", "o"):
        seen: list[str] = []
        continuation = None
        pages = 0
        while True:
            params = {"n": 400, "r": order, **({"c": continuation} if continuation else {})}
            body = contents(client, headers, f"feed/{ORBIT_FEED}", **params)
            seen += [i["id"] for i in body["items"]]
            pages += 1
            continuation = body.get("continuation")
            if not continuation:
                break
        expected = [item_id(i) for i in sorted([*bulk, desk.ids["launch-window"]], reverse=order != "o")]
        assert seen == expected and pages == 3
    refs: list[str] = []
    continuation = None
    while True:
        params: dict[str, Any] = {"s": f"feed/{ORBIT_FEED}", "n": 1000, **({"c": continuation} if continuation else {})}
        body = client.get(f"{API}/stream/items/ids", params=params, headers=headers).json()
        refs += [r["id"] for r in body["itemRefs"]]
        continuation = body.get("continuation")
        if not continuation:
            break
    assert len(refs) == len(set(refs)) == 1_101
    assert client.get(f"{API}/stream/contents", params={"c": "not-a-continuation"},
                      headers=headers).status_code == 400


def test_exclude_include_and_time_filters(client: TestClient, desk: Desk) -> None:
    headers = login(client)
    ferry = desk.ids["ferry-timetable"]
    client.post(f"{API}/edit-tag", data={"i": item_id(ferry), "a": [READ, STARRED]}, headers=headers)
    unread = titles(contents(client, headers, xt=READ))
    assert "Ferry Timetable" not in unread and len(unread) == 3
    assert titles(contents(client, headers, STARRED)) == ["Ferry Timetable"]
    assert titles(contents(client, headers, READ)) == ["Ferry Timetable"]
    assert titles(contents(client, headers, it=STARRED)) == ["Ferry Timetable"]
    stored = desk.store.get_article(ferry).first_seen
    assert stored is not None
    assert contents(client, headers, ot=int(stored.timestamp()) + 3600)["items"] == []
    assert len(contents(client, headers, nt=int(stored.timestamp()) + 3600)["items"]) == 4
    assert client.get(f"{API}/stream/contents", params={"ot": "yesterday"}, headers=headers).status_code == 400


def test_kept_unread_and_unread_marks(client: TestClient, desk: Desk) -> None:
    headers = login(client)
    ferry = desk.ids["ferry-timetable"]
    client.post(f"{API}/edit-tag", data={"i": item_id(ferry), "a": READ, "r": KEPT}, headers=headers)
    assert desk.store.read_states(desk.alice, [ferry])[ferry].read
    # newsboat's "mark unread": remove read, add kept-unread
    client.post(f"{API}/edit-tag", data={"i": item_id(ferry), "r": READ,
                                         "a": [KEPT, "user/-/state/com.google/tracking-kept-unread"]},
                headers=headers)
    state = desk.store.read_states(desk.alice, [ferry])[ferry]
    assert not state.read and state.kept
    assert titles(contents(client, headers, KEPT)) == ["Ferry Timetable"]


def test_marking_an_original_read_marks_its_copies(client: TestClient, desk: Desk) -> None:
    headers = login(client)
    client.post(f"{API}/edit-tag", data={"i": item_id(desk.ids["launch-window"]), "a": READ}, headers=headers)
    states = desk.store.read_states(desk.alice, [desk.ids["launch-window"], desk.ids["launch-window-copy"]])
    assert states[desk.ids["launch-window"]].read and states[desk.ids["launch-window-copy"]].read
    client.post(f"{API}/edit-tag", data={"i": item_id(desk.ids["launch-window"]), "r": READ}, headers=headers)
    states = desk.store.read_states(desk.alice, [desk.ids["launch-window"], desk.ids["launch-window-copy"]])
    assert not states[desk.ids["launch-window-copy"]].read


def test_mark_all_as_read_per_stream_and_up_to_a_time(client: TestClient, desk: Desk) -> None:
    headers = login(client)
    answer = client.post(f"{API}/mark-all-as-read", data={"s": f"feed/{ORBIT_FEED}"}, headers=headers)
    assert answer.text == "OK"
    assert titles(contents(client, headers, xt=READ)) == ["Council Minutes", "Ferry Timetable", "Dredging Resumes"]
    assert desk.store.read_states(desk.alice, [desk.ids["launch-window-copy"]])[desk.ids["launch-window-copy"]].read
    # ts before everything was stored: nothing more is marked
    client.post(f"{API}/mark-all-as-read", data={"s": "user/-/state/com.google/reading-list", "ts": "1000000"},
                headers=headers)
    assert len(contents(client, headers, xt=READ)["items"]) == 3
    client.post(f"{API}/mark-all-as-read", data={"s": "user/-/state/com.google/reading-list"}, headers=headers)
    assert contents(client, headers, xt=READ)["items"] == []
    assert desk.store.count_stream(desk.bob, Stream("all")) == 4  # bob's are untouched


# -- folders, labels, watchlists ----------------------------------------------------------------------

def test_folders_titles_rename_disable_and_unsubscribe(client: TestClient, desk: Desk) -> None:
    headers = login(client)
    edit = client.post(f"{API}/subscription/edit", data={"ac": "edit", "s": f"feed/{HARBOUR_FEED}",
                                                         "a": "user/-/label/Port news", "t": "The Gazette"},
                       headers=headers)
    assert edit.text == "OK"
    subs = {s["id"]: s for s in client.get(f"{API}/subscription/list", headers=headers).json()["subscriptions"]}
    assert subs[f"feed/{HARBOUR_FEED}"]["title"] == "The Gazette"
    assert subs[f"feed/{HARBOUR_FEED}"]["categories"] == [{"id": "user/-/label/Port news", "label": "Port news"}]
    assert any(t["id"].endswith("/label/Port news") and t["type"] == "folder"
               for t in client.get(f"{API}/tag/list", headers=headers).json()["tags"])
    folder = contents(client, headers, "user/-/label/Port news")
    assert sorted(titles(folder)) == ["Dredging Resumes", "Ferry Timetable"]
    assert all("user/-/label/Port news" in i["categories"] for i in folder["items"])
    assert client.post(f"{API}/rename-tag", data={"s": "user/-/label/Port news", "dest": "user/-/label/Harbour"},
                       headers=headers).text == "OK"
    assert len(contents(client, headers, "user/-/label/Harbour")["items"]) == 2
    # bob sees neither alice's folder nor her title
    bob = login(client, "bob", BOB_PASSWORD)
    assert client.get(f"{API}/stream/contents/user%2F-%2Flabel%2FHarbour", headers=bob).status_code == 404
    assert {s["title"] for s in client.get(f"{API}/subscription/list", headers=bob).json()["subscriptions"]} == {
        "Harbour Gazette", "Orbital Review", "Town Archive"}
    assert client.post(f"{API}/disable-tag", data={"s": "user/-/label/Harbour"}, headers=headers).text == "OK"
    subs = {s["id"]: s for s in client.get(f"{API}/subscription/list", headers=headers).json()["subscriptions"]}
    assert subs[f"feed/{HARBOUR_FEED}"]["categories"] == []
    client.post(f"{API}/subscription/edit", data={"ac": "unsubscribe", "s": f"feed/{HARBOUR_FEED}"}, headers=headers)
    assert f"feed/{HARBOUR_FEED}" not in {
        s["id"] for s in client.get(f"{API}/subscription/list", headers=headers).json()["subscriptions"]}
    assert "Ferry Timetable" not in titles(contents(client, headers))
    client.post(f"{API}/subscription/edit", data={"ac": "subscribe", "s": f"feed/{HARBOUR_FEED}"}, headers=headers)
    assert "Ferry Timetable" in titles(contents(client, headers))


def test_quickadd_adds_a_feed_for_an_admin_only(client: TestClient, desk: Desk) -> None:
    new_feed = "https://tidewatch.example/atom.xml"
    bob = login(client, "bob", BOB_PASSWORD)
    assert client.post(f"{API}/subscription/quickadd", data={"quickadd": new_feed}, headers=bob).status_code == 403
    alice = login(client)
    body = client.post(f"{API}/subscription/quickadd", data={"quickadd": new_feed}, headers=alice).json()
    assert body["numResults"] == 1 and body["streamId"] == f"feed/{new_feed}"
    assert desk.store.feed_source_by_url(new_feed) is not None
    assert client.post(f"{API}/subscription/quickadd", data={"quickadd": "javascript:alert(1)"},
                       headers=alice).status_code == 400


def test_watchlists_are_labels(client: TestClient, desk: Desk) -> None:
    desk.store.create_watchlist(desk.alice, "Survey satellite", "search", query="satellite")
    headers = login(client)
    tags = client.get(f"{API}/tag/list", headers=headers).json()["tags"]
    assert any(t["id"].endswith("/label/Survey satellite") for t in tags)
    body = contents(client, headers, "user/-/label/Survey satellite")
    assert titles(body) == ["Launch Window"]
    assert "user/-/label/Survey satellite" in body["items"][0]["categories"]
    counts = client.get(f"{API}/unread-count", headers=headers).json()["unreadcounts"]
    assert {"user/-/label/Survey satellite": 1}.items() <= {c["id"]: c["count"] for c in counts}.items()
    client.post(f"{API}/mark-all-as-read", data={"s": "user/-/label/Survey satellite"}, headers=headers)
    assert desk.store.read_states(desk.alice, [desk.ids["launch-window"]])[desk.ids["launch-window"]].read
    bob = login(client, "bob", BOB_PASSWORD)
    assert client.get(f"{API}/stream/contents/user%2F-%2Flabel%2FSurvey%20satellite", headers=bob).status_code == 404


def test_paths_with_and_without_trailing_slash_and_escaped_stream_ids(client: TestClient, desk: Desk) -> None:
    headers = login(client)
    for path in ("subscription/list", "subscription/list/", "tag/list/", "unread-count/", "user-info/"):
        assert client.get(f"{API}/{path}", headers=headers).status_code == 200, path
    escaped = client.get(f"{API}/stream/contents/{quote(f'feed/{ORBIT_FEED}', safe='')}", headers=headers)
    plain = client.get(f"{API}/stream/contents/feed/{ORBIT_FEED}", headers=headers)
    assert escaped.json()["items"] == plain.json()["items"] and len(plain.json()["items"]) == 1
    default = client.get(f"{API}/stream/contents/", headers=headers)
    assert len(default.json()["items"]) == 4
    assert client.get(f"{API}/stream/contents/feed%2Fhttps%3A%2F%2Fnowhere.example%2Frss",
                      headers=headers).status_code == 404
    assert client.get(f"{API}/stream/contents/user%2F-%2Fstate%2Fcom.google%2Fbogus",
                      headers=headers).status_code == 404


def test_read_only_mode_refuses_logins_and_writes(client: TestClient, desk: Desk, settings: Settings) -> None:
    headers = login(client)  # a login from before the desk went read-only
    read_only = TestClient(create_app(settings.replace(read_only=True), desk.store, run_worker=False))
    refused = read_only.post("/accounts/ClientLogin", data={"Email": "alice", "Passwd": ALICE_PASSWORD})
    assert refused.status_code == 403
    assert read_only.get(f"{API}/subscription/list", headers=headers).status_code == 200
    answer = read_only.post(f"{API}/edit-tag", data={"i": item_id(desk.ids["ferry-timetable"]), "a": READ},
                            headers=headers)
    assert answer.status_code == 403
    assert not desk.store.read_states(desk.alice, [desk.ids["ferry-timetable"]])


def test_atom_streams_for_older_clients(client: TestClient, desk: Desk) -> None:
    import xml.etree.ElementTree as ET

    headers = login(client)
    client.post(f"{API}/edit-tag", data={"i": item_id(desk.ids["ferry-timetable"]), "a": READ}, headers=headers)
    answer = client.get(f"/reader/atom/{quote(f'feed/{HARBOUR_FEED}', safe='')}", params={"n": 1}, headers=headers)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom", "gr": "http://www.google.com/schemas/reader/atom/"}
    feed = ET.fromstring(answer.content)
    (entry,) = feed.findall("a:entry", ns)
    labels = {c.get("label") for c in entry.findall("a:category", ns)}
    assert entry.findtext("a:id", namespaces=ns) == item_id(desk.ids["ferry-timetable"])
    assert "read" in labels and "fresh" not in labels
    continuation = feed.findtext("gr:continuation", namespaces=ns)
    assert continuation
    second = ET.fromstring(client.get(f"/reader/atom/feed/{HARBOUR_FEED}", params={"n": 1, "c": continuation},
                                      headers=headers).content)
    (older,) = second.findall("a:entry", ns)
    assert {c.get("label") for c in older.findall("a:category", ns)} >= {"fresh", "reading-list"}
    assert client.get(f"/reader/atom/feed/{HARBOUR_FEED}").status_code == 401


def test_the_reader_protocols_stay_out_of_the_json_api_schema(client: TestClient) -> None:
    """Their answers are the protocols' (plain text, Atom, Fever's JSON), not problem+json: the
    OpenAPI schema (and schemathesis over it) covers the JSON API only."""
    paths = client.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith(("/reader", "/accounts", "/fever", "/settings"))]

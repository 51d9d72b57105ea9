"""The /settings/apps page: the addresses to paste into an app (absolute, from base_url), and
the form setting a user's API password — which then logs in over both APIs, while the login
password does not."""

from __future__ import annotations

import hashlib
import re

from fastapi.testclient import TestClient
from reader_desk import Desk, make_desk

from newsdesk.config import Settings
from newsdesk.serve.app import create_app
from newsdesk.store import Store

BASE = "https://desk.example"


def _client(store: Store, settings: Settings) -> TestClient:
    return TestClient(create_app(settings.replace(base_url=BASE), store, run_worker=False), base_url=BASE)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_the_page_needs_a_login_and_shows_absolute_addresses(store: Store, settings: Settings) -> None:
    desk: Desk = make_desk(store)
    client = _client(store, settings)
    assert client.get("/settings/apps").status_code == 401
    secret = store.create_token("browser", user_id=desk.bob)[1]
    page = client.get("/settings/apps", headers={"Authorization": f"Bearer {secret}"})
    assert page.status_code == 200
    assert f"<code>{BASE}</code>" in page.text and f"{BASE}/fever/" in page.text and f"{BASE}/reader/api/0/" in page.text
    assert "bob" in page.text


def test_setting_the_api_password(store: Store, settings: Settings) -> None:
    desk = make_desk(store)
    client = _client(store, settings)
    headers = {"Authorization": f"Bearer {store.create_token('browser', user_id=desk.bob)[1]}"}
    token = _csrf(client.get("/settings/apps", headers=headers).text)
    forged = client.post("/settings/apps", data={"password": "new phone pass", "confirm": "new phone pass",
                                                 "csrf_token": "forged"}, headers=headers)
    assert forged.status_code == 403
    differing = client.post("/settings/apps", data={"password": "new phone pass", "confirm": "other phone pass",
                                                    "csrf_token": token}, headers=headers)
    assert differing.status_code == 400 and "differ" in differing.text
    short = client.post("/settings/apps", data={"password": "short", "confirm": "short", "csrf_token": token},
                        headers=headers)
    assert short.status_code == 400
    done = client.post("/settings/apps", data={"password": "new phone pass", "confirm": "new phone pass",
                                               "csrf_token": token}, headers=headers)
    assert done.status_code == 200 and "API password set" in done.text
    login = client.post("/accounts/ClientLogin", data={"Email": "bob", "Passwd": "new phone pass"})
    assert login.status_code == 200 and "Auth=" in login.text
    assert client.post("/accounts/ClientLogin", data={"Email": "bob", "Passwd": "bob api password"}).status_code == 401
    key = hashlib.md5(b"bob:new phone pass").hexdigest()
    assert client.post("/fever/?api", data={"api_key": key}).json()["auth"] == 1

"""A real client: newsboat against newsdesk served by uvicorn on loopback.

newsboat logs in (ClientLogin), lists the subscriptions, downloads every stream's items
(``newsboat -x reload``), and opening an article in its interface (driven through tmux) marks
it read in newsdesk (edit-tag with the edit token), which a second reload confirms.

Two of its Google Reader API modes: ``freshrss`` (JSON ``stream/contents``; newsboat 2.23 and
later) and ``feedhq`` (Atom ``/reader/atom/…``; Debian 12's newsboat 2.21 has only this one, so
there the FreshRSS mode is skipped, saying so). Needs the Debian packages ``newsboat`` and
``tmux`` (``make clients``).
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from conftest import unavailable
from reader_desk import ALICE_PASSWORD, Desk, make_desk

from newsdesk.config import Settings
from newsdesk.serve.app import create_app
from newsdesk.store import Store


def _require(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        unavailable(f"{program} is not installed (make clients)", required=os.environ.get("CI") == "true")
    assert path is not None
    return path


@pytest.fixture
def served(store: Store, settings: Settings) -> Iterator[tuple[str, Desk]]:
    """newsdesk on a free loopback port, in a thread, over the reader desk."""
    desk = make_desk(store)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings, store, run_worker=False), host="127.0.0.1",
                                           port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}", desk
    server.should_exit = True
    thread.join(timeout=10)


def _newsboat_files(tmp_path: Path, url: str, mode: str) -> tuple[Path, Path, Path, dict[str, str]]:
    config, cache, urls = tmp_path / "config", tmp_path / "cache.db", tmp_path / "urls"
    special = 'feedhq-show-special-feeds no\n' if mode == "feedhq" else ""
    config.write_text(f'urls-source "{mode}"\n{mode}-url "{url}"\n{mode}-login "alice"\n'
                      f'{mode}-password "{ALICE_PASSWORD}"\n{mode}-min-items 100\n{special}'
                      'show-read-feeds yes\nconfirm-exit no\n', encoding="utf-8")
    urls.write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
               XDG_DATA_HOME=str(tmp_path / "xdg-data"), TERM="xterm-256color", LANG="C.UTF-8")
    return config, cache, urls, env


def _cached_items(cache: Path) -> dict[str, tuple[str, int]]:
    """newsboat's cache: guid -> (title, unread)."""
    with sqlite3.connect(cache) as db:
        return {guid: (title, unread) for guid, title, unread in db.execute("SELECT guid, title, unread FROM rss_item")}


@pytest.mark.parametrize("mode", ["freshrss", "feedhq"])
def test_newsboat_syncs_items_and_marks_read(served: tuple[str, Desk], tmp_path: Path, mode: str) -> None:
    newsboat, tmux = _require("newsboat"), _require("tmux")
    url, desk = served
    config, cache, urls, env = _newsboat_files(tmp_path, url, mode)
    command = [newsboat, "-C", str(config), "-c", str(cache), "-u", str(urls)]
    reload = subprocess.run([*command, "-x", "reload"], env=env, capture_output=True, text=True, timeout=120)
    if reload.returncode != 0 and f"invalid configuration value `{mode}'" in reload.stdout + reload.stderr:
        pytest.skip(f"this newsboat ({_version(newsboat)}) has no {mode} mode")
    assert reload.returncode == 0, reload.stdout + reload.stderr
    items = _cached_items(cache)
    # every original, once, all unread; the copy is folded into its original
    assert sorted(title for title, _ in items.values()) == [
        "Council Minutes", "Dredging Resumes", "Ferry Timetable", "Launch Window"]
    assert all(unread == 1 for _, unread in items.values())
    assert all(guid.startswith("tag:google.com,2005:reader/item/") for guid in items)

    # open the first feed and its first article in newsboat's interface, and leave the article:
    # newsboat marks it read on the server then (edit-tag with the edit token from GET token)
    socket_name = f"newsdesk-test-{os.getpid()}"
    session = [tmux, "-L", socket_name]
    subprocess.run([*session, "new-session", "-d", "-s", "nb", "-x", "160", "-y", "40",
                    " ".join(f"'{part}'" for part in command)], env=env, check=True, timeout=30)
    try:
        _wait_for_screen(session, "Your feeds", env)
        for key in ("Enter", "Enter", "q"):
            subprocess.run([*session, "send-keys", "-t", "nb", key], env=env, check=True, timeout=10)
            time.sleep(1.5)
        read = _wait_for_read(desk, timeout=20)
        for key in ("q", "q"):
            subprocess.run([*session, "send-keys", "-t", "nb", key], env=env, check=False, timeout=10)
            time.sleep(1.0)
    finally:
        subprocess.run([*session, "kill-server"], env=env, check=False, timeout=10)
    assert len(read) == 1
    (read_id,) = read
    title = desk.store.get_article(read_id).title
    assert _cached_items(cache)[next(g for g, (t, _) in _cached_items(cache).items() if t == title)][1] == 0
    # a reload keeps it read: the server says so (the read category), not only the cache
    subprocess.run([*command, "-x", "reload"], env=env, capture_output=True, text=True, timeout=120, check=True)
    unread = {t for t, u in _cached_items(cache).values() if u == 1}
    assert title not in unread and len(unread) == 3


def _version(newsboat: str) -> str:
    return subprocess.run([newsboat, "-v"], capture_output=True, text=True, timeout=30).stdout.split(" - ")[0]


def _wait_for_screen(session: list[str], text: str, env: dict[str, str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = subprocess.run([*session, "capture-pane", "-p", "-t", "nb"], env=env, capture_output=True,
                                text=True, timeout=10).stdout
        if text in screen:
            return
        time.sleep(0.3)
    raise AssertionError(f"newsboat never showed {text!r}:\n{screen}")


def _wait_for_read(desk: Desk, timeout: float) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        read = desk.store.marked_article_ids(desk.alice, "read")
        originals = [i for i in read if i != desk.ids["launch-window-copy"]]
        if originals:
            return originals
        time.sleep(0.3)
    return []

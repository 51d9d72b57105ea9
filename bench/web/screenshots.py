"""Screenshots of the main pages in Debian's Chromium, for docs/screenshots/.

    .venv/bin/python bench/web/screenshots.py                   # loads the demo corpus into a temp dir
    .venv/bin/python bench/web/screenshots.py --data-dir DIR    # an existing newsdesk data dir

Serves the app with uvicorn on a loopback port, opens each page at desktop width (1280 px) and
the home and article pages at phone width (390 px) too, and writes PNGs.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn

from newsdesk.config import load_settings
from newsdesk.serve.app import create_app
from newsdesk.store import Store, open_store

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def load_demo(data_dir: Path) -> None:
    subprocess.run([sys.executable, "-m", "newsdesk", "--data-dir", str(data_dir), "demo"], check=True, cwd=ROOT)


def pick_pages(store: Store) -> dict[str, str]:
    """The pages worth showing: the biggest story, an article of it with related items, an entity."""
    from newsdesk.analyze import entities

    stories = sorted(store.list_stories(limit=200), key=lambda s: (-len(s.outlets), -s.size))
    story = stories[0]
    members = [a for a in store.get_story_articles(story.id) if a.duplicate_of is None]
    article = members[len(members) // 2]
    word = next((w for w in article.title.split() if len(w) > 5), article.title.split()[0])
    entity = entities.list_entities(store, limit=1)
    pages = {"home": "/", "story": f"/stories/{story.id}", "article": f"/articles/{article.id}",
             "article-summary": f"/articles/{article.id}?summary=1#summary",
             "search": f"/search?q={word.strip(',.:;')}", "sources": "/sources", "entities": "/entities"}
    if entity:
        pages["entity"] = f"/entities/{entity[0].id}"
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--port", type=int, default=8781)
    options = parser.parse_args()
    data_dir = options.data_dir
    if data_dir is None:
        data_dir = Path(tempfile.mkdtemp(prefix="newsdesk-shots-"))
        load_demo(data_dir)
    settings = load_settings(data_dir=data_dir)
    store = open_store(settings)
    server = uvicorn.Server(uvicorn.Config(create_app(settings, store), host="127.0.0.1", port=options.port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    OUT.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    pages = pick_pages(store)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for width, suffix, names in ((1280, "", list(pages)), (390, "-narrow", ["home", "story", "article"])):
            context = browser.new_context(viewport={"width": width, "height": 1000 if width > 600 else 844})
            tab = context.new_page()
            for name in names:
                tab.goto(f"http://127.0.0.1:{options.port}{pages[name]}")
                tab.wait_for_load_state("networkidle")
                target = OUT / f"{name}{suffix}.png"
                tab.screenshot(path=str(target), full_page=False)
                print(f"{target.relative_to(ROOT)}  ←  {pages[name]}")
            context.close()
        browser.close()
    server.should_exit = True
    thread.join(timeout=10)


if __name__ == "__main__":
    main()

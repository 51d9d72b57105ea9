"""Profile the page views in-process over a desk, and their CPU time per view.

    .venv/bin/python bench/web/profile.py DATA_DIR [--out profile.txt] [--database-url URL]

Calls the view functions the pages and the API use (home, 20 stories, 20 articles, the 20
most-mentioned entities, 5 common-word searches) directly, without HTTP: each once to warm up (stored page data computed, caches
filled), then prints the median CPU milliseconds per view (``time.process_time``, so other load on
the machine hardly counts) and writes a pyinstrument profile of three more rounds to ``--out``.
Point PYTHONPATH at an older checkout's tree to profile the code before a change on the same desk.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyinstrument import Profiler

from newsdesk.config import load_settings
from newsdesk.serve import views
from newsdesk.store import open_store

COMMON_WORDS = ["government", "council", "minister", "officials", "report"]


def view_calls(data_dir: Path, database_url: str | None = None) -> dict[str, list[Callable[[], Any]]]:
    settings = load_settings(data_dir=data_dir, database_url=database_url)
    store = open_store(settings)
    stories = [s.id for s in store.list_stories(limit=20, min_size=2)]
    articles = [a.id for a in store.list_articles(limit=20, include_duplicates=False)]
    from newsdesk.analyze.entities import list_entities

    entities = [e.id for e in list_entities(store, limit=20)]
    return {
        "home": [lambda: views.home_view(store, settings, views.Filters())] * 5,
        "story": [lambda s=s: views.story_view(store, settings, s) for s in stories],
        "article": [lambda a=a: views.article_view(store, settings, a) for a in articles],
        "entity": [lambda e=e: views.entity_view(store, str(e)) for e in entities],
        "search common": [lambda w=w: views.search_view(store, settings, w, views.Filters()) for w in COMMON_WORDS],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--out", type=Path, default=Path("profile.txt"))
    parser.add_argument("--database-url", default=None, help="the desk on this database (PostgreSQL)")
    options = parser.parse_args()
    calls = view_calls(options.data_dir, options.database_url)
    for name, fns in calls.items():
        for call in fns:
            call()
        spent = []
        for call in fns * 2:
            began = time.process_time()
            call()
            spent.append((time.process_time() - began) * 1000)
        print(f"{name:<14} median {statistics.median(spent):7.1f} ms CPU  max {max(spent):7.1f} ms  "
              f"({len(spent)} views)")
    profiler = Profiler(interval=0.001)
    profiler.start()
    for _ in range(3):
        for fns in calls.values():
            for call in fns:
                call()
    profiler.stop()
    options.out.write_text(profiler.output_text(unicode=False, color=False), encoding="utf-8")
    print(f"wrote {options.out}")


if __name__ == "__main__":
    main()

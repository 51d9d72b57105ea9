"""Sync time of a feed-reader app: 10,000 unread items through the Google Reader API, beside the
same articles through newsdesk's own JSON API, in the same run, over real HTTP on loopback.

    .venv/bin/python bench/readerapi/run.py                  # a 30,000-article desk (SQLite), ~10 min
    .venv/bin/python bench/readerapi/run.py --size 100000    # the 100k desk (prefill takes ~30 min here)

The desk is bench/scale/prefill.py's (the scale benchmark's synthetic corpus: outlets, storylines,
syndicated copies folded as duplicates), cached under ``--work``. ``newsdesk serve`` runs in its
own process; the client (httpx, one connection) logs in with ClientLogin and pages through
``stream/contents/user/-/state/com.google/reading-list?xt=…/read&n=1000`` with continuations
until it holds ``--items`` items; then it reads the newest ``--items`` originals through
``/api/articles?limit=500`` (the JSON API's largest page) with its cursors. Each is timed
``--repeat`` times; the median is reported, with bytes moved. Writes bench/readerapi/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from newsdesk.follow.passwords import fever_key, hash_password  # noqa: E402
from newsdesk.store import Store  # noqa: E402

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
PASSWORD = "bench api password"
READING_LIST = "user%2F-%2Fstate%2Fcom.google%2Freading-list"


def prefilled(size: int, work: Path) -> Path:
    path = work / f"desk-{size}.db"
    if not path.exists():
        part = Path(f"{path}.part")
        part.unlink(missing_ok=True)
        print(f"  pre-filling {path} with {size} articles (once; cached)", flush=True)
        subprocess.run([PYTHON, str(ROOT / "bench/scale/prefill.py"), f"sqlite:///{part}", "--stored", str(size)],
                       cwd=ROOT, check=True)
        part.rename(path)
    return path


def prepare(source: Path, work: Path) -> str:
    """A copy of the cached desk with a reader whose API password is set (nothing read yet)."""
    target = work / "run.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    url = f"sqlite:///{target}"
    store = Store(url)
    user = store.find_user("bench") or store.create_user("bench", hash_password("bench login password"))
    store.set_api_password(user.id, hash_password(PASSWORD), fever_key("bench", PASSWORD))
    store.close()
    return url


def serve(url: str, work: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    env.update(NEWSDESK_DATABASE_URL=url, NEWSDESK_CONFIG=os.devnull)
    process = subprocess.Popen([PYTHON, "-m", "newsdesk", "--data-dir", str(work / "data"), "serve", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/openapi.json", timeout=5).status_code < 500:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("newsdesk serve did not start")


def greader_sync(base: str, items: int, page: int) -> tuple[float, int, int, list[int]]:
    """(seconds, bytes, requests, article ids) of a Google Reader client syncing ``items`` unread items."""
    with httpx.Client(base_url=base, timeout=120) as client:
        began = time.perf_counter()
        login = client.post("/accounts/ClientLogin", data={"Email": "bench", "Passwd": PASSWORD})
        login.raise_for_status()
        auth = dict(line.split("=", 1) for line in login.text.strip().splitlines())["Auth"]
        headers = {"Authorization": f"GoogleLogin auth={auth}"}
        got: list[int] = []
        moved, requests, continuation = len(login.content), 1, None
        while len(got) < items:
            params: dict[str, Any] = {"n": min(page, items - len(got)), "xt": "user/-/state/com.google/read",
                                      "output": "json"}
            if continuation:
                params["c"] = continuation
            answer = client.get(f"/reader/api/0/stream/contents/{READING_LIST}", params=params, headers=headers)
            answer.raise_for_status()
            body = answer.json()
            moved, requests = moved + len(answer.content), requests + 1
            got += [int(i["id"].rsplit("/", 1)[1], 16) - (1 << 60) for i in body["items"]]
            continuation = body.get("continuation")
            if not continuation:
                break
        return time.perf_counter() - began, moved, requests, got


def json_api_sync(base: str, items: int, page: int) -> tuple[float, int, int, list[int]]:
    """The same number of originals, newest first, through ``/api/articles`` and its cursors."""
    with httpx.Client(base_url=base, timeout=120) as client:
        began = time.perf_counter()
        got: list[int] = []
        moved, requests, cursor = 0, 0, None
        while len(got) < items:
            params: dict[str, Any] = {"limit": min(page, items - len(got))}
            if cursor:
                params["cursor"] = cursor
            answer = client.get("/api/articles", params=params)
            answer.raise_for_status()
            body = answer.json()
            moved, requests = moved + len(answer.content), requests + 1
            got += [int(a["id"]) for a in body["articles"]]
            cursor = body.get("next_cursor")
            if not cursor:
                break
        return time.perf_counter() - began, moved, requests, got


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=30_000, help="articles on the desk")
    parser.add_argument("--items", type=int, default=10_000, help="unread items the client syncs")
    parser.add_argument("--page", type=int, default=1000, help="stream/contents page size (n)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "newsdesk-bench-readerapi")
    options = parser.parse_args()
    options.work.mkdir(parents=True, exist_ok=True)
    url = prepare(prefilled(options.size, options.work), options.work)
    store = Store(url)
    originals = store.count_articles(include_duplicates=False)
    total = store.count_articles()
    store.close()
    process, base = serve(url, options.work)
    try:
        greader_sync(base, 1000, options.page)  # warm-up: caches, first connections
        json_api_sync(base, 1000, 500)
        runs = {"greader": [greader_sync(base, options.items, options.page) for _ in range(options.repeat)],
                "json": [json_api_sync(base, options.items, 500) for _ in range(options.repeat)]}
    finally:
        process.terminate()
        process.wait(timeout=30)
    g_ids, j_ids = runs["greader"][0][3], runs["json"][0][3]
    report = results(options, total, originals, runs, overlap=len(set(g_ids) & set(j_ids)))
    (HERE / "RESULTS.md").write_text(report, encoding="utf-8")
    print(report)


def results(options: argparse.Namespace, total: int, originals: int, runs: dict[str, list[Any]], overlap: int) -> str:
    def median(name: str, index: int) -> float:
        return float(statistics.median(r[index] for r in runs[name]))

    g_time, j_time = median("greader", 0), median("json", 0)
    g_items, j_items = len(runs["greader"][0][3]), len(runs["json"][0][3])
    rows = [
        ("Google Reader `stream/contents` (reading-list, xt=read)", options.page, g_items, g_time,
         median("greader", 1), int(median("greader", 2))),
        ("JSON API `/api/articles` (cursor)", 500, j_items, j_time, median("json", 1), int(median("json", 2))),
    ]
    lines = [
        "# Feed-reader API sync (bench/readerapi)", "",
        f"Command: `.venv/bin/python bench/readerapi/run.py --size {options.size} --items {options.items} "
        f"--page {options.page} --repeat {options.repeat}`", "",
        f"Desk: {total:,} articles ({originals:,} originals, the rest syndicated copies folded into them), "
        "bench/scale/prefill.py's synthetic corpus, SQLite, `newsdesk serve` in its own process on loopback; "
        f"one httpx client, one connection; median of {options.repeat} runs after a warm-up. "
        "The 100k desk: `--size 100000`.", "",
        "| client path | page size | items | seconds | items/s | MB moved | requests |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, page, items, seconds, moved, requests in rows:
        lines.append(f"| {name} | {page} | {items:,} | {seconds:.2f} | {items / seconds:,.0f} | "
                     f"{moved / 1e6:.1f} | {requests} |")
    lines += [
        "", f"**Ratio (Google Reader / JSON API, seconds): {g_time / j_time:.2f}×** "
        f"({g_time / g_items * 1000:.2f} ms vs {j_time / j_items * 1000:.2f} ms per item).", "",
        f"Both read the newest originals ({overlap:,} of the ids in common). The Google Reader items carry "
        "each article's whole text as sanitised HTML, its read/starred marks, folder and watchlist labels and "
        "the outlets of its folded copies, and the ClientLogin (one argon2 verification) is inside the timing; "
        "the JSON API's cards carry a summary only, at most 500 a page.", "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()

"""Score the clusterer of an earlier commit over the same orders, in-process (for a before/after table).

Run: ``.venv/bin/python bench/clustering/before.py COMMIT`` — reads ``newsdesk/analyze/stories.py``
at ``COMMIT`` with ``git show`` and streams both splits through it in every order of ``orders.py``
(threshold 0.25, window 30 days, merge 0.5: that commit's bench settings; no merge pass existed).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import orders  # noqa: E402
from run import load_evaluate  # noqa: E402


def main(commit: str) -> None:
    source = subprocess.run(["git", "show", f"{commit}:newsdesk/analyze/stories.py"], cwd=orders.ROOT,
                            capture_output=True, text=True, check=True).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(source)
    spec = importlib.util.spec_from_file_location("stories_before", handle.name)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["stories_before"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    Path(handle.name).unlink()
    ev = load_evaluate()
    for name, rows in orders.load_rows().items():
        gold = {r["id"]: r["cluster"] for r in rows}
        for order, ordered in orders.orders(rows).items():
            pred = orders.stream(ordered, lambda: module.StreamClusterer(0.25, 30, merge_threshold=0.5),
                                 merge_pass=False)
            r = ev.scores(gold, pred)
            print(f"| {name} | {order} | {r['pairwise_p']:.3f} | {r['pairwise_r']:.3f} | {r['pairwise_f1']:.3f} | "
                  f"{r['pred_clusters']} / {r['gold_clusters']} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])

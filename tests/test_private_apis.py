"""Where newsdesk leans on a dependency's private API, pyproject.toml pins an upper bound.

Found by ``ast``: names beginning with ``_`` imported from a third-party module, or read as an
attribute of one (``datasketch.lsh._optimal_param``). Some uses no parser sees (an attribute a
subclass sets, helpers outside a library's documented API) are listed by hand in
:data:`KNOWN_PRIVATE_USES`. Each used distribution needs a ``<`` bound in its requirement, with
a comment in pyproject.toml naming the API.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "newsdesk"

#: distribution -> the private or undocumented API newsdesk uses
KNOWN_PRIVATE_USES = {
    "httpx": "collect/netguard.py sets HTTPTransport._pool to its own guarded httpcore pool",
    "trafilatura": "extract/: trafilatura.metadata.examine_meta/extract_meta_json/extract_title/"
                   "extract_sitename and trafilatura.utils.load_html (outside its documented API)",
}
#: top-level module -> distribution, for the modules above
DISTRIBUTION_OF = {"httpx": "httpx", "trafilatura": "trafilatura", "datasketch": "datasketch", "typer": "typer"}


def _private(dotted: str) -> bool:
    return any(part.startswith("_") and not part.startswith("__") for part in dotted.split("."))


def private_uses(tree: ast.AST) -> set[str]:
    """Top-level third-party modules whose private names ``tree`` imports or reads."""
    aliases: dict[str, str] = {}
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name.split(".")[0]] = alias.name.split(".")[0]
                if _private(alias.name):
                    found.add(alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            top = node.module.split(".")[0]
            if _private(node.module) or any(_private(alias.name) for alias in node.names):
                found.add(top)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in aliases:
                found.add(aliases[root.id])
    return {m for m in found if m != "newsdesk" and m not in sys.stdlib_module_names}


def requirements() -> dict[str, str]:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        listed = tomllib.load(fh)["project"]["dependencies"]
    return {re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0].lower(): r for r in listed}


def test_the_scanner_sees_private_imports_and_attributes() -> None:
    tree = ast.parse("from datasketch.lsh import _optimal_param\nimport httpx\nx = httpx._models\n"
                     "from lxml import etree\nimport os\nos._exit")
    assert private_uses(tree) == {"datasketch", "httpx"}


def test_private_apis_of_dependencies_are_bounded_above() -> None:
    used = {m for path in PACKAGE.rglob("*.py") for m in private_uses(ast.parse(path.read_text("utf-8")))}
    unknown = used - set(DISTRIBUTION_OF)
    assert not unknown, f"private API of {sorted(unknown)}: pin an upper bound and list it here"
    distributions = {DISTRIBUTION_OF[m] for m in used} | set(KNOWN_PRIVATE_USES)
    listed = requirements()
    unbounded = [f"{d}: {listed.get(d, 'not declared')}" for d in sorted(distributions) if "<" not in listed.get(d, "")]
    assert not unbounded, "needs an upper bound: " + "; ".join(unbounded)


def test_newsdesk_computes_its_lsh_banding_itself() -> None:
    """datasketch's private ``_optimal_param`` is no longer used, so datasketch needs no pin."""
    source = (PACKAGE / "analyze" / "dedupe.py").read_text(encoding="utf-8")
    assert "datasketch" not in private_uses(ast.parse(source))

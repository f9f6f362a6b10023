"""The arrows of DESIGN.md hold: import-linter's contracts (pyproject.toml) and credit's public API.

Function-level imports count as much as top-level ones: both checks read every import statement.
"""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import credit

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("marketplace", "credit", "cms")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    """Run lint-imports on the tree at `root` (its pyproject.toml, its packages first on the path)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(  # noqa: S603 - our own venv's tool, fixed arguments
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_import_contracts_are_kept():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory) -> Path:
    """The project's packages and pyproject.toml in a scratch folder, for breaking an arrow on purpose."""
    root = tmp_path_factory.mktemp("tree")
    shutil.copy(ROOT / "pyproject.toml", root)
    for package in PACKAGES:
        shutil.copytree(ROOT / package, root / package, ignore=shutil.ignore_patterns("__pycache__"))
    return root


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("marketplace/core/caching.py", "from marketplace.catalog import models", "core imports no app"),
        ("marketplace/companies/caching.py", "import marketplace.catalog.caching", "stand in layers"),
        ("credit/facts.py", "from marketplace.companies.models import Company", "credit imports nothing"),
        ("marketplace/catalog/views.py", "from cms import models", "cms stands above"),
        # A cycle hidden in a function: registry imports the index, which imports the registry.
        ("credit/registry.py", "def _hidden():\n    from credit import index", "No import cycle"),
    ],
)
def test_a_broken_arrow_breaks_a_contract(tree_copy, module, line, contract):
    path = tree_copy / module
    original = path.read_text()
    try:
        path.write_text(f"{original}\n{line}\n")
        result = _lint_imports(tree_copy)
    finally:
        path.write_text(original)
    assert result.returncode != 0
    broken = [row for row in result.stdout.splitlines() if " BROKEN" in row]
    assert any(contract in row for row in broken), result.stdout


# -- credit's public API ---------------------------------------------------------------------------


def credit_names_used(source: str) -> set[tuple[str, str]]:
    """Every (credit module, name) that this source imports or reaches through an imported module.

    `from credit.index import current` uses ("credit.index", "current"); `from credit import index`
    followed by `index.explain(...)` uses ("credit.index", "explain"); `import credit.index` followed by
    `credit.index.current(...)` likewise. A module imported but never used by name counts as ("…", "*").
    """
    tree = ast.parse(source)
    used: set[tuple[str, str]] = set()
    aliases: dict[str, str] = {}  # local name → credit module it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "credit":
                for alias in node.names:
                    aliases[alias.asname or alias.name] = f"credit.{alias.name}"
            elif node.module.startswith("credit."):
                for alias in node.names:
                    used.add((node.module, alias.name))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "credit" or alias.name.startswith("credit."):
                    if alias.asname:
                        aliases[alias.asname] = alias.name
                    else:
                        aliases["credit"] = "credit"
    reached: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain, inner = [node.attr], node.value
            while isinstance(inner, ast.Attribute):
                chain.insert(0, inner.attr)
                inner = inner.value
            if isinstance(inner, ast.Name) and inner.id in aliases:
                dotted = [aliases[inner.id], *chain]
                # `credit.index.current` → module "credit.index", name "current".
                module, name = ".".join(dotted[:-1]), dotted[-1]
                if module == "credit":
                    continue  # a module reached through the package: its names are read at the next level
                used.add((module, name))
                reached.add(inner.id)
    for local, module in aliases.items():
        if local not in reached and module != "credit":
            used.add((module, "*"))
    return used


def _is_demo(path: Path) -> bool:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return "demo" in parts or any(part.startswith(("seed_demo", "demo_")) for part in parts)


def _allowed(api: dict[str, tuple[str, ...]], module: str, name: str) -> bool:
    return name in api.get(module, ())


def api_violations(paths) -> list[str]:
    problems = []
    for path in paths:
        demo = _is_demo(path)
        for module, name in sorted(credit_names_used(path.read_text())):
            if _allowed(credit.PUBLIC_API, module, name) or (
                demo and _allowed(credit.DEMO_API, module, name)
            ):
                continue
            problems.append(f"{path.relative_to(ROOT)} uses {module}.{name}")
    return problems


def test_marketplace_and_cms_use_only_the_public_api_of_credit():
    paths = [p for package in ("marketplace", "cms") for p in (ROOT / package).rglob("*.py")]
    assert api_violations(paths) == [], "not in credit.PUBLIC_API (credit/__init__.py)"


def test_the_api_check_sees_every_way_of_reaching_credit():
    source = """
from credit.index import current, recompute
from credit import selectors as s, facts
import credit.models
import credit.features as f

def view(subject):
    from credit import charts
    s.with_current_grade(None)
    facts.record()
    credit.models.Assessment
    return charts
"""
    assert credit_names_used(source) == {
        ("credit.index", "current"),
        ("credit.index", "recompute"),
        ("credit.selectors", "with_current_grade"),
        ("credit.facts", "record"),
        ("credit.models", "Assessment"),
        ("credit.features", "*"),
        ("credit.charts", "*"),
    }


def test_the_demo_may_use_the_training_api_and_nothing_else_may(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    (tmp_path / "marketplace" / "demo").mkdir(parents=True)
    (tmp_path / "marketplace" / "catalog").mkdir(parents=True)
    training = "from credit.training import train\nfrom credit.features import FEATURE_NAMES\n"
    demo = tmp_path / "marketplace" / "demo" / "credit.py"
    page = tmp_path / "marketplace" / "catalog" / "views.py"
    demo.write_text(training)
    page.write_text(training)
    assert api_violations([demo, page]) == [
        "marketplace/demo/credit.py uses credit.features.FEATURE_NAMES",
        "marketplace/catalog/views.py uses credit.features.FEATURE_NAMES",
        "marketplace/catalog/views.py uses credit.training.train",
    ]


def test_every_name_of_the_public_api_exists():
    import importlib

    for api in (credit.PUBLIC_API, credit.DEMO_API):
        for module, names in api.items():
            imported = importlib.import_module(module)
            missing = [name for name in names if not hasattr(imported, name)]
            assert not missing, f"{module} has no {missing}"

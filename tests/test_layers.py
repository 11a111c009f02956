"""The layer contracts of docs/architecture.md bite: ``make test`` runs
``lint-imports`` on the tree, and here each contract is shown to fail on a copy of
the tree with one import that breaks it (so a contract that checks nothing fails)."""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
LINT_IMPORTS = pathlib.Path(sys.executable).with_name("lint-imports")

# (module to edit, import to add, contract names that must break)
VIOLATIONS = [
    ("lib/geo.py", "from wayfinder.accounts import roles", {"lib imports no app", "Apps import only downward"}),
    (
        "directory/pages.py",
        "from wayfinder.partners import selectors",
        {"The public directory imports no partner", "Apps import only downward"},
    ),
    ("directory/pages.py", "from wayfinder.referrals import hooks", {"The public directory imports no partner"}),
    ("residents/names.py", "from wayfinder.integrations.eligibility import importer", {"Domain apps never import"}),
    ("metrics/__init__.py", "from wayfinder.referrals import actions", {"Metrics only read"}),
    ("accounts/roles.py", "from wayfinder.demo import personas", {"Apps import only downward"}),
    ("audit/log.py", "from wayfinder.accounts import roles", {"Apps import only downward"}),
]


def lint(cwd: pathlib.Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_tree_keeps_every_layer_contract():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory):
    target = tmp_path_factory.mktemp("layers")
    shutil.copytree(
        ROOT / "wayfinder", target / "wayfinder", ignore=shutil.ignore_patterns("locale", "static", "*.pyc")
    )
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target


@pytest.mark.parametrize("module,line,broken", VIOLATIONS, ids=[f"{m}: {line}" for m, line, _ in VIOLATIONS])
def test_an_import_that_breaks_a_layer_fails(tree_copy, module, line, broken):
    path = tree_copy / "wayfinder" / module
    original = path.read_text()
    path.write_text(f"{original}\n{line}  # noqa\n")
    try:
        result = lint(tree_copy)
    finally:
        path.write_text(original)
    assert result.returncode != 0
    broken_lines = [row for row in result.stdout.splitlines() if row.endswith("BROKEN") or " BROKEN " in row]
    for name in broken:
        assert any(row.startswith(name) for row in broken_lines), result.stdout

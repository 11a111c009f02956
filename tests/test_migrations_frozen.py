"""Migrations are frozen history: none imports live application code (issue #15 item 8).

A data migration that calls today's function runs tomorrow's version of it against
yesterday's schema; the logic it needs is copied into the migration instead. The
one reference Django's migration writer makes by import path, a custom manager
kept for migrations (``managers=[...]``, the User manager), is allowed.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = sorted(p for p in (ROOT / "wayfinder").rglob("migrations/*.py") if p.name != "__init__.py")


def live_imports(source: str) -> list[str]:
    """``wayfinder.*`` modules a migration imports (outside migrations packages), with
    the references Django's writer makes to a custom manager left out."""
    tree = ast.parse(source)
    found: list[str] = []
    manager_modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "managers":
            for call in ast.walk(node.value):
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
                    manager_modules.add(ast.unparse(call.func.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if node.level == 0 else []
        elif isinstance(node, ast.Call) and ast.unparse(node.func).endswith("import_module") and node.args:
            names = [node.args[0].value] if isinstance(node.args[0], ast.Constant) else ["<computed>"]
        else:
            continue
        for name in names:
            if (name == "wayfinder" or name.startswith("wayfinder.")) and ".migrations" not in name:
                found.append(name)
    uses = {ast.unparse(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    return [name for name in found if not (name in manager_modules and _only_managers(tree, name, uses))]


def _only_managers(tree: ast.AST, module: str, uses: set[str]) -> bool:
    """Every use of ``module`` in the file is a manager inside ``managers=[...]``."""
    in_managers = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "managers":
            in_managers += sum(
                1 for n in ast.walk(node.value) if isinstance(n, ast.Attribute) and ast.unparse(n.value) == module
            )
    total = sum(1 for n in ast.walk(tree) if isinstance(n, ast.Attribute) and ast.unparse(n.value) == module)
    return module in uses and in_managers == total


def test_there_are_migrations_to_scan():
    assert len(MIGRATIONS) > 20


@pytest.mark.parametrize("path", MIGRATIONS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_migration_imports_live_code(path):
    imports = live_imports(path.read_text())
    assert not imports, f"{path.relative_to(ROOT)} imports live code {imports}: copy what it needs into it, frozen"


@pytest.mark.parametrize(
    "source",
    [
        "def f(apps, schema_editor):\n    from wayfinder.residents.names import name_key\n",
        "import wayfinder.directory.categories\n",
        "from wayfinder import lib\n",
        "import importlib\nimportlib.import_module('wayfinder.audit.triggers')\n",
        "import wayfinder.accounts.models\nx = wayfinder.accounts.models.make()\n"
        "m = dict(managers=[('objects', wayfinder.accounts.models.UserManager())])\n",
    ],
)
def test_the_scan_catches_a_live_import(source):
    assert live_imports(source)


def test_the_scan_allows_a_manager_reference_and_other_migrations():
    manager = (
        "import wayfinder.accounts.models\nm = dict(managers=[('objects', wayfinder.accounts.models.UserManager())])\n"
    )
    assert live_imports(manager) == []
    assert live_imports("from django.db import migrations\nimport uuid\n") == []


def test_the_frozen_audit_triggers_match_the_copy_the_tests_reinstall():
    """The test suite lifts and reinstalls the triggers through wayfinder.audit.triggers;
    what it reinstalls must be what the latest migration installed."""
    from wayfinder.audit import triggers

    latest = importlib.import_module("wayfinder.audit.migrations.0003_keyed_chain_and_client_request_id")
    assert {vendor: statements[0] for vendor, statements in triggers._STATEMENTS.items()} == latest.INSTALL

"""Every third-party module the code imports comes from a dependency that
pyproject.toml declares.

A module that arrives only as somebody else's dependency (PyJWT came with
allauth's extras for a while) works on the machine that has it and breaks a
fresh install the day the other package stops pulling it in. Runtime code may
import only ``[project].dependencies``; the demo app and the tests may also import
the ``test`` extra (the development exchange portal and identity provider are
test-only packages, docs/decisions.md).
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "wayfinder"


# The project's own top-level modules: the package, the test packages, pytest's conftest.
LOCAL_MODULES = {"wayfinder", "tests", "conftest", "benchmarks", "__future__"}


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str:
    return _normalized(re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0])


def _declared() -> tuple[set[str], set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_requirement_name(r) for r in project["dependencies"]}
    test = {_requirement_name(r) for r in project["optional-dependencies"]["test"]}
    return runtime, test


def _top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _may_use_test_extra(path: Path, package: Path) -> bool:
    relative = path.relative_to(package).parts
    return relative[0] == "demo" or "tests" in relative


def undeclared_imports(package: Path = PACKAGE) -> list[str]:
    runtime, test = _declared()
    distributions = packages_distributions()
    problems = []
    for path in sorted(package.rglob("*.py")):
        allowed = runtime | test if _may_use_test_extra(path, package) else runtime
        where = path.relative_to(package.parent)
        for module in sorted(_top_level_imports(path)):
            if module in sys.stdlib_module_names or module in LOCAL_MODULES:
                continue
            providers = {_normalized(d) for d in distributions.get(module, [])}
            if not providers:
                problems.append(f"{where}: {module} is not installed at all")
            elif not providers & allowed:
                problems.append(
                    f"{path.relative_to(package.parent)}: {module} comes from {sorted(providers)}, not declared"
                )
    return problems


def test_it_imports_only_declared_dependencies():
    assert undeclared_imports() == []


def test_it_notices_an_undeclared_import(tmp_path):
    """The check can fail: a module importing a package nobody declared is named,
    and a test-only package is refused outside the demo and the tests."""
    package = tmp_path / "wayfinder"
    (package / "lib").mkdir(parents=True)
    (package / "demo").mkdir()
    (package / "lib" / "probe.py").write_text("import pluggy\nfrom flask import Flask\nimport django\n")
    (package / "demo" / "probe.py").write_text("from flask import Flask\n")
    problems = undeclared_imports(package)
    assert [p.split(" comes from")[0] for p in problems] == [
        "wayfinder/lib/probe.py: flask",
        "wayfinder/lib/probe.py: pluggy",
    ]

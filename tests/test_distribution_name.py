"""The package is published under a name of its own (issue #13): `wayfinder` on PyPI
is an unrelated project, and `pip install wayfinder` must never be mistaken for us."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
# Names already taken on PyPI by other projects (checked against the registry's index).
TAKEN = {"wayfinder", "wayfinder-agents", "wayfinder-paths", "wayfinder-router"}


def test_it_is_not_published_under_another_projects_name():
    name = tomllib.loads(PYPROJECT.read_text())["project"]["name"]
    assert name not in TAKEN
    assert metadata.version(name)

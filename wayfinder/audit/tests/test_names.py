"""Audit action names live in one module (issue #15 item 4): every ``log_action``
call names a constant of ``wayfinder.audit.names``, never a string typed at the call."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from wayfinder.audit import names

ROOT = Path(__file__).resolve().parents[2]


def _calls_with_a_literal_name(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if called != "log_action":
            continue
        keyword = next((k.value for k in node.keywords if k.arg == "action"), None)
        action = node.args[1] if len(node.args) > 1 else keyword
        if isinstance(action, ast.Constant | ast.JoinedStr):
            lines.append(node.lineno)
    return lines


def test_no_log_action_call_types_its_action_name():
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        lines = _calls_with_a_literal_name(path.read_text())
        offenders += [f"{path.relative_to(ROOT.parent)}:{line}" for line in lines]
    assert not offenders, f"log_action with a typed action name (use wayfinder.audit.names): {offenders}"


def test_the_scan_finds_a_typed_name():
    assert _calls_with_a_literal_name('log_action(user, "resident.viewed", resident)') == [1]
    assert _calls_with_a_literal_name("log_action(user, names.RESIDENT_VIEWED, resident)") == []


def test_names_are_area_dot_event_and_unique():
    values = [v for k, v in vars(names).items() if k.isupper() and isinstance(v, str)]
    assert len(values) == len(set(values)), "two constants share one action name"
    assert all(v.count(".") == 1 and v == v.lower() for v in values)
    assert names.RECORD_READS <= names.KNOWN


def test_an_unknown_name_is_refused():
    with pytest.raises(names.UnknownAction):
        names.check("resident.peeked")

"""The importer's compiled row checker agrees with jsonschema on the official schemas."""

from __future__ import annotations

import csv
import json

import jsonschema
import pytest

from wayfinder.integrations.two11.checker import IdMap, Notes, RowError
from wayfinder.integrations.two11.checker import check_row as _check_row
from wayfinder.integrations.two11.tables import BY_CSV, columns

from .conftest import EXAMPLES, SHARED


def flat_validator(table: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SHARED / "schema" / f"{table}.json").read_text())
    props = {k: v for k, v in schema["properties"].items() if v.get("type") not in ("array", "object", None)}
    return jsonschema.Draft202012Validator(
        {"type": "object", "required": schema.get("required", []), "properties": props},
        format_checker=jsonschema.FormatChecker(["uuid"]),
    )


def check_row(table: str, row: dict, *, from_text: bool) -> dict:
    return _check_row(table, row, from_text=from_text, where="test", notes=Notes(), ids=IdMap("test"))


def typed(table: str, row: dict) -> dict:
    """CSV text -> JSON types, the way the importer reads it."""
    kinds = {c.name: c.kind for c in columns(table)}
    return {k: (float(v) if kinds.get(k) == "number" else v) for k, v in row.items() if v != ""}


CSV_ROWS = [
    (spec.name, row)
    for name, spec in sorted(BY_CSV.items())
    if (EXAMPLES / "csv" / name).exists()
    for row in csv.DictReader((EXAMPLES / "csv" / name).open(encoding="utf-8"))
]


@pytest.mark.parametrize(("table", "row"), CSV_ROWS, ids=[t for t, _ in CSV_ROWS])
def test_both_accept_the_official_rows(table, row):
    assert not list(flat_validator(table).iter_errors(typed(table, row)))
    check_row(table, row, from_text=True)


# Not here: an id that is not a UUID (mapped to a stable UUID per feed, checker.IdMap) and RFC 5545's
# DAILY (read as WEEKLY on every day): both are normalizations now, not rejections.
MUTATIONS = [
    ("service", "status", "open"),
    ("service", "name", None),
    ("location", "location_type", "boat"),
    ("phone", "number", None),
    ("organization", "description", None),
    ("schedule", "freq", "HOURLY"),
    ("address", "address_type", "home"),
]


@pytest.mark.parametrize(("table", "field", "value"), MUTATIONS)
def test_both_reject_the_same_mistakes(table, field, value):
    row = dict(next(r for t, r in CSV_ROWS if t == table))
    if value is None:
        row.pop(field)
    else:
        row[field] = value
    assert list(flat_validator(table).iter_errors(typed(table, row)))
    with pytest.raises(RowError) as info:
        check_row(table, row, from_text=True)
    assert info.value.field == field


def test_a_number_field_rejects_text():
    row = dict(next(r for t, r in CSV_ROWS if t == "location"))
    row["latitude"] = "north"
    with pytest.raises(RowError, match="expected a number"):
        check_row("location", row, from_text=True)

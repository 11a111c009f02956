"""The importer's compiled row checker agrees with jsonschema on the official schemas."""

from __future__ import annotations

import csv
import json

import jsonschema
import pytest

from wayfinder.integrations.two11.batchcheck import precheck, precheck_columns
from wayfinder.integrations.two11.checker import UUID_TEXT, IdMap, Notes, RowError
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


# --- the batch check (batchcheck.precheck) --------------------------------------------------------
MESSY = ["", " ", "NULL", "null", " padded ", "a\x00b", "Active", "active", "9:00", "10:00:00", "2023-3-5",
         "03/15/2023", "2024-01-31", "www.example.org", "https://example.org/a b", "x@example.org", "mailto:x@y.org",
         "12", "1,200", "$5", "-3.5", "US", "usa", "WEEKLY", "daily", "Yearly", "MO,WE", "x" * 300, "x" * 70000,
         "not-a-uuid", "2A6E3B1D-7C24-4E1A-9D38-11A1F6C0B1C7", "2a6e3b1d-7c24-4e1a-9d38-11a1f6c0b1c7"]  # fmt: skip


def checked(table: str, row: dict, *, from_text: bool) -> tuple[str, object, bool]:
    notes = Notes()
    try:
        values = _check_row(table, row, from_text=from_text, where="test", notes=notes, ids=IdMap("test"))
    except RowError as exc:
        return "error", exc.field, bool(notes.counts)
    return "ok", values, bool(notes.counts)


def batch_cases() -> list[tuple[str, list[dict]]]:
    """Per table: the official rows, the first trimmed, then that with one column set to each messy value."""
    out = []
    for table in sorted({t for t, _ in CSV_ROWS}):
        rows = [r for t, r in CSV_ROWS if t == table]
        base = {k: v.strip() for k, v in rows[0].items()}
        batch = [*rows, base]
        for name in base:
            for value in MESSY:
                batch.append({**base, name: value})
            batch.append({k: v for k, v in base.items() if k != name})
        out.append((table, batch))
    return out


@pytest.mark.parametrize("from_text", [True, False])
@pytest.mark.parametrize(("table", "batch"), batch_cases(), ids=[t for t, _ in batch_cases()])
def test_the_batch_check_gives_check_rows_values_or_leaves_the_row_to_it(table, batch, from_text):
    """Where precheck vouches for a row its values are check_row's; it vouches for every text row
    check_row takes without a note (an id that is not a UUID aside: it is mapped) and for the official
    rows check_row takes without a note, as CSV text or as JSON types (numbers, nulls)."""
    official = [r for t, r in CSV_ROWS if t == table]
    if not from_text:  # JSON: numbers and null, and numbers or booleans where text belongs
        as_json = [*official, batch[len(official)]]  # the official rows and the trimmed first
        official = [{**typed(table, r), **{k: None for k in r if r[k] == ""}} for r in as_json]
        batch = [*official, *batch, *({**batch[0], k: v} for k in batch[0] for v in (12, 1.5, True, [], {}))]
    fast = precheck(table, batch, from_text=from_text)
    assert any(fast)
    for i, (row, values) in enumerate(zip(batch, fast, strict=True)):
        outcome, result, noted = checked(table, row, from_text=from_text)
        if i < len(official) and outcome == "ok" and not noted:
            assert values is not None, f"official row {i}"
        if values is not None:
            assert (outcome, noted) == ("ok", False), row
            assert values == result and list(values) == list(result), row
        elif outcome == "ok" and not noted and all(type(v) in (str, type(None)) for v in row.values()):
            ids = {c.name for c in columns(table) if c.kind == "uuid"}
            assert any(row.get(k) and not UUID_TEXT.match(row[k]) for k in ids), row  # an id mapped to a UUID


@pytest.mark.parametrize(("table", "batch"), batch_cases(), ids=[t for t, _ in batch_cases()])
def test_the_column_form_of_the_batch_check_is_the_same_check(table, batch):
    """A CSV batch is checked as columns (precheck_columns, no dict per row): for rows that all carry
    the same fields it vouches for exactly the rows, with exactly the values, of the dict form."""
    names = list(batch[0])
    same = [row for row in batch if list(row) == names]
    assert len(same) > len(names)  # the messy values of every column are among them
    by_column = precheck_columns(table, names, [[row[name] for row in same] for name in names], from_text=True)
    assert by_column == precheck(table, same, from_text=True)

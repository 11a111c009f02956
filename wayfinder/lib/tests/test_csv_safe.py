"""Every CSV the project writes goes through lib.csv_safe: no cell runs as a formula."""

from __future__ import annotations

import csv
import io

import pytest

from wayfinder.lib import csv_safe


@pytest.mark.parametrize(
    "cell",
    ["=cmd|'/ccalc.exe'!a0@example.test", "+SUM(A1)", "-2+3", "@SUM(A1)", "\tx", "\rx", "=1", "+1 502 555 0100"],
)
def test_it_neutralizes_cells_a_spreadsheet_would_run(cell):
    assert csv_safe.neutralize(cell) == "'" + cell
    assert csv_safe.unneutralize(csv_safe.neutralize(cell)) == cell


@pytest.mark.parametrize("cell", ["-84.4963", "+1", "-3e5", "38.0", "plain text", "", "'quoted", 12, None])
def test_it_leaves_numbers_and_ordinary_text_alone(cell):
    assert csv_safe.neutralize(cell) == cell


def test_it_writes_neutralized_rows():
    out = io.StringIO()
    csv_safe.writer(out).writerows([["name", "lat"], ['=HYPERLINK("http://x")', -84.5]])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [["name", "lat"], ['\'=HYPERLINK("http://x")', "-84.5"]]


def test_it_leaves_a_quote_before_ordinary_text_when_reading_back():
    assert csv_safe.unneutralize("'hello") == "'hello"
    assert csv_safe.unneutralize("'") == "'"

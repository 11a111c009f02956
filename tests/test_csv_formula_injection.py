"""Cells a spreadsheet would run as formulas never leave in a CSV we write
(docs/security.md, "Input and transport"; OWASP "CSV injection"), through the real interfaces, and no module
writes CSV except through ``wayfinder.lib.csv_safe``."""

from __future__ import annotations

import ast
import csv
import io
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from conftest import message_text
from wayfinder.lib.csv_safe import FORMULA_STARTS
from wayfinder.lib.http_testing import HttpClient

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "=cmd|'/ccalc.exe'!a0"
HOSTILE_EMAIL = f"{HOSTILE}@example.test"


def assert_no_formula_cells(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not (cell.startswith(FORMULA_STARTS) and not re.fullmatch(r"[+-]?[\d.eE+-]+", cell)), (row, cell)


@pytest.mark.django_db(transaction=True)
def test_a_resident_who_signs_up_as_a_formula_reaches_the_access_log_export_as_text(
    live_server, smtp_server, tmp_path, client, personas
):
    record = {
        "individual_id": "KY300000001",
        "first_name": HOSTILE,
        "last_name": "Caudill",
        "date_of_birth": "1979-05-02",
        "cases": [{"program": "SNAP", "case_number": "5000111", "status": "active"}],
    }
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps(record) + "\n")
    call_command("import_eligibility", str(feed), stdout=StringIO())

    resident = HttpClient(live_server.url)
    password = "a long and unusual passphrase"
    signed_up = resident.post_form(
        "/accounts/signup/", {"email": HOSTILE_EMAIL, "password1": password, "password2": password}
    )
    assert signed_up.url.endswith("/accounts/confirm-email/")
    [message] = smtp_server.wait_for(1)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message_text(message)).group(0)
    link = re.sub(r"^https?://[^/]+", live_server.url, link)
    resident.post_form(link, {}, page=resident.get(link))
    assert resident.post_form("/accounts/login/", {"login": HOSTILE_EMAIL, "password": password}).status == 200
    linked = resident.post_form(
        "/my-plan/connect/", {"individual_id": "KY300000001", "date_of_birth": "1979-05-02", "case_last4": "0111"}
    )
    assert linked.url.endswith("/my-plan/"), linked.text[:500]

    client.force_login(personas["system_admin"])
    response = client.get("/clients/access-log/", {"resident": "KY300000001"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header = rows[0]
    linked_rows = [dict(zip(header, row, strict=True)) for row in rows[1:] if "resident.account_linked" in row]
    assert [r["actor_label"] for r in linked_rows] == ["'" + HOSTILE_EMAIL]
    assert_no_formula_cells(rows)


@pytest.mark.django_db
def test_a_formula_in_an_eligibility_record_reaches_the_error_report_as_text(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps({"individual_id": HOSTILE, "first_name": HOSTILE, "last_name": "-2+3", "date_of_birth": "x"}) + "\n"
    )
    with pytest.raises(CommandError):
        call_command("import_eligibility", str(feed), stdout=StringIO())
    with (tmp_path / "feed.jsonl.errors.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert {row[1] for row in rows[1:]} == {"'" + HOSTILE.upper()}
    assert_no_formula_cells(rows)


CSV_WRITERS = {"writer", "DictWriter"}


def direct_csv_writers(source: str) -> list[int]:
    """Lines that call csv.writer / csv.DictWriter (or import them) instead of csv_safe."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in CSV_WRITERS:
            if isinstance(node.value, ast.Name) and node.value.id in ("csv", "_csv"):
                found.append(node.lineno)
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module in ("csv", "_csv")
            and any(alias.name in CSV_WRITERS for alias in node.names)
        ):
            found.append(node.lineno)
    return found


def test_no_module_writes_csv_except_through_csv_safe():
    """Test modules are left out: their fixtures write the raw files our importers read."""
    offenders = {}
    for path in sorted((ROOT / "wayfinder").rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative == Path("wayfinder/lib/csv_safe.py") or "tests" in relative.parts:
            continue
        lines = direct_csv_writers(path.read_text(encoding="utf-8"))
        if lines:
            offenders[str(relative)] = lines
    assert offenders == {}, f"use wayfinder.lib.csv_safe.writer instead of csv.writer/DictWriter: {offenders}"


def test_the_scan_finds_each_way_of_reaching_the_csv_writers():
    assert direct_csv_writers("import csv\nw = csv.writer(f)\n") == [2]
    assert direct_csv_writers("import csv\nw = csv.DictWriter(f, ['a'])\n") == [2]
    assert direct_csv_writers("from csv import writer\n") == [1]
    assert direct_csv_writers("from wayfinder.lib import csv_safe\nw = csv_safe.writer(f)\n") == []
    assert direct_csv_writers("import csv\nr = csv.reader(f)\n") == []

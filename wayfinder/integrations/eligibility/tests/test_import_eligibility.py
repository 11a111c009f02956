"""The eligibility feed import: upsert, idempotence, closing, per-record errors."""

from __future__ import annotations

import csv
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from wayfinder.audit.models import AuditEvent
from wayfinder.integrations.eligibility.generator import feed_records
from wayfinder.integrations.eligibility.importer import import_lines
from wayfinder.residents.models import EligibilityCase, HouseholdMember, Resident

pytestmark = pytest.mark.django_db


def record(individual_id="KY100000001", **overrides):
    base = {
        "individual_id": individual_id,
        "first_name": "Jolene",
        "last_name": "Caudill",
        "date_of_birth": "1979-05-02",
        "email": "jolene@example.com",
        "phone": "6065550101",
        "address": {"line1": "12 Main St", "city": "Hazard", "state": "KY", "zip": "41701", "county": "Perry"},
        "cases": [{"program": "SNAP", "case_number": "5000111", "status": "active", "begin_date": "2025-01-02"}],
        "household_members": [
            {
                "individual_id": "KY100000002",
                "first_name": "Dale",
                "last_name": "Caudill",
                "date_of_birth": "2012-03-04",
                "relationship": "child",
            }
        ],
    }
    base.update(overrides)
    return base


def lines(*records):
    return [json.dumps(r) if isinstance(r, dict) else r for r in records]


def snapshot(*records):
    """A complete file: the records, then the trailer that counts them."""
    return [*lines(*records), json.dumps({"trailer": {"record_count": len(records)}})]


def write(tmp_path, *records):
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines(*records)) + "\n")
    return path


def test_it_creates_residents_with_cases_household_and_contacts():
    result = import_lines(lines(record()))
    assert result.ok and result.counts["created"] == 1
    resident = Resident.objects.get(individual_id="KY100000001")
    assert (resident.first_key, resident.last_key, resident.county) == ("jolene", "caudill", "Perry")
    assert resident.cases.get().program == "SNAP"
    assert resident.household.get().first_name == "Dale"
    assert {c.kind for c in resident.contacts.all()} == {"email", "phone"}
    imported = AuditEvent.objects.get(action="resident.imported")
    assert imported.data["residents"] == [str(resident.pk)] and imported.legal_basis == "eligibility_feed"


def test_a_second_run_reports_unchanged_and_writes_nothing():
    import_lines(lines(record(), record("KY100000003", first_name="Ada")))
    audit_rows = AuditEvent.objects.count()
    result = import_lines(lines(record(), record("KY100000003", first_name="Ada")))
    assert result.counts["unchanged"] == 2 and result.counts["created"] == 0 and result.counts["updated"] == 0
    assert AuditEvent.objects.count() == audit_rows + 1  # only the run summary


def test_changes_update_and_missing_cases_and_members_are_closed_not_deleted():
    import_lines(lines(record()))
    changed = record(
        last_name="Caudill-Noble",
        cases=[{"program": "MEDICAID", "case_number": "3000999", "status": "approved"}],
        household_members=[],
    )
    result = import_lines(lines(changed))
    assert result.counts["updated"] == 1
    resident = Resident.objects.get(individual_id="KY100000001")
    assert resident.last_key == "caudill noble"
    snap = EligibilityCase.objects.get(resident=resident, program="SNAP")
    assert snap.status == "closed" and snap.closed_reason == "not_in_feed" and snap.closed_at
    assert EligibilityCase.objects.get(resident=resident, program="MEDICAID").status == "approved"
    assert HouseholdMember.objects.get(resident=resident).left_at is not None


def test_inactive_records_and_full_snapshots_close_residents():
    import_lines(lines(record(), record("KY100000003", first_name="Ada")))
    # One of two is half the population: more than the 5% closed without naming the count.
    assert "--allow-mass-close 1" in import_lines(lines(record(record_status="inactive"))).refused
    import_lines(lines(record(record_status="inactive")), allow_mass_close=1)
    closed = Resident.objects.get(individual_id="KY100000001")
    assert closed.status == "closed" and closed.closed_reason == "inactive_in_feed"
    assert closed.cases.get().closed_at is not None
    result = import_lines(snapshot(record(record_status="inactive")), full_snapshot=True, allow_mass_close=1)
    assert result.ok and result.counts["closed"] == 1
    assert Resident.objects.get(individual_id="KY100000003").closed_reason == "not_in_feed"
    assert Resident.objects.count() == 2  # nothing deleted


def test_bad_rows_are_reported_and_change_nothing_while_good_rows_land(tmp_path):
    import_lines(lines(record("KY100000009", first_name="Original")))
    path = write(
        tmp_path,
        record("KY100000010"),  # good
        record("KY100000011", cases=[{"program": "WIC", "case_number": "1", "status": "active"}]),
        record("KY100000012", date_of_birth="1979-02-30"),
        record(""),
        record("KY100000013"),
        record("KY100000013", first_name="Other"),
        record("KY100000009", first_name="Changed", date_of_birth="not a date"),
        "{not json",
    )
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_eligibility", str(path), stdout=out)
    text = out.getvalue()
    assert "line 2 id=KY100000011 field=cases[0].program: unknown program 'WIC'" in text
    assert "line 3 id=KY100000012 field=date_of_birth" in text
    assert "line 4 id=- field=individual_id: required" in text
    assert "line 5 id=KY100000013 field=individual_id: appears on several lines (5, 6)" in text
    assert "line 6 id=KY100000013" in text
    assert "line 8 id=- field=-: not valid JSON" in text
    assert set(Resident.objects.values_list("individual_id", flat=True)) == {"KY100000009", "KY100000010"}
    assert Resident.objects.get(individual_id="KY100000009").first_name == "Original"
    with (tmp_path / "feed.jsonl.errors.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert {"line", "individual_id", "field", "reason"} == set(rows[0])
    assert {row["line"] for row in rows} == {"2", "3", "4", "5", "6", "7", "8"}


def test_the_command_succeeds_with_exit_zero_on_a_clean_file(tmp_path):
    path = write(tmp_path, record())
    out = StringIO()
    call_command("import_eligibility", str(path), stdout=out)
    assert "created 1" in out.getvalue()
    call_command("import_eligibility", str(path), stdout=out)
    assert "unchanged 1" in out.getvalue()


def test_the_generator_makes_a_valid_realistic_kentucky_feed():
    records = list(feed_records(300, seed=3))
    assert len(records) >= 300
    result = import_lines(json.dumps(r) for r in records)
    assert result.ok, result.errors[:3]
    assert {r["address"]["state"] for r in records} == {"KY"}
    programs = {c["program"] for r in records for c in r["cases"]}
    assert {"SNAP", "MEDICAID"} <= programs
    assert any(r["household_members"] for r in records)
    assert list(feed_records(50, seed=3)) == list(feed_records(50, seed=3))  # deterministic

"""A full snapshot that is empty, truncated or would close too many residents is
refused whole, and ``--dry-run`` says what would close (docs/formats/eligibility-feed.md)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from wayfinder.audit.models import AuditEvent
from wayfinder.integrations.eligibility.generator import feed_records, write_feed
from wayfinder.residents.models import EligibilityCase, Resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def population(tmp_path) -> list[dict]:
    """40 eligibility residents with their cases, imported from a full snapshot."""
    path = tmp_path / "first.jsonl"
    write_feed(path, 40, seed=5)
    call_command("import_eligibility", str(path), "--full-snapshot", stdout=StringIO())
    records = list(feed_records(40, seed=5))
    assert Resident.objects.filter(status="active").count() == len(records)
    return records


def state() -> tuple:
    """Everything an import could change."""
    residents = tuple(Resident.objects.order_by("individual_id").values_list("individual_id", "status", "feed_hash"))
    cases = EligibilityCase.objects.filter(closed_at__isnull=True).count()
    return residents, cases


def feed(tmp_path: Path, records: list[dict], *, trailer: int | None = -1, name: str = "feed.jsonl") -> Path:
    text = "".join(json.dumps(r) + "\n" for r in records)
    if trailer is not None:
        text += json.dumps({"trailer": {"record_count": len(records) if trailer == -1 else trailer}}) + "\n"
    path = tmp_path / name
    path.write_text(text)
    return path


def run(path: Path, *options: str) -> str:
    out = StringIO()
    call_command("import_eligibility", str(path), *options, stdout=out)
    return out.getvalue()


def refused(path: Path, *options: str, match: str) -> None:
    before, audit_rows = state(), AuditEvent.objects.count()
    with pytest.raises(CommandError, match=match):
        run(path, *options)
    assert state() == before
    # The refusal itself is audited (a dry run writes nothing at all).
    added = list(AuditEvent.objects.order_by("seq")[audit_rows:].values_list("action", flat=True))
    assert added == ([] if "--dry-run" in options else ["eligibility.import_refused"])


def test_an_empty_file_closes_nobody(population, tmp_path):
    """The reported defect: a 0-byte file closed 3,005 of 3,007 residents and every case."""
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    refused(empty, "--full-snapshot", match="must end with a trailer line")


def test_a_snapshot_that_lists_nobody_is_refused_even_with_its_trailer(population, tmp_path):
    refused(feed(tmp_path, []), "--full-snapshot", match="lists nobody")
    refused(feed(tmp_path, []), "--full-snapshot", "--allow-mass-close", "40", match="lists nobody")


def test_a_file_cut_short_in_transfer_is_refused(population, tmp_path):
    whole = feed(tmp_path, population).read_bytes()
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(whole[: len(whole) // 2])  # ends in the middle of a line
    with pytest.raises(CommandError, match="refused, nothing was written: a full snapshot must end with a trailer"):
        run(cut, "--full-snapshot")
    assert Resident.objects.filter(status="active").count() == len(population)


def test_a_trailer_that_does_not_match_the_lines_is_refused_in_every_mode(population, tmp_path):
    damaged = feed(tmp_path, population[:30], trailer=40)
    refused(damaged, "--full-snapshot", match="trailer says 40 records but the file has 30 record lines")
    refused(damaged, match="truncated or damaged")


def test_a_trailer_must_be_the_last_line(population, tmp_path):
    path = feed(tmp_path, population[:20], trailer=20)
    with path.open("a") as handle:
        handle.write(json.dumps(population[20]) + "\n")
    refused(path, "--full-snapshot", match="the trailer is not the last line")


def test_closing_more_than_five_percent_needs_the_exact_count(population, tmp_path):
    kept = feed(tmp_path, population[:30])  # 10 of 40 missing: 25%
    refused(kept, "--full-snapshot", match=r"would close 10 of 40 active residents \(25.0%\).*--allow-mass-close 10")
    refused(kept, "--full-snapshot", "--allow-mass-close", "9", match="closes 10 residents")
    out = run(kept, "--full-snapshot", "--allow-mass-close", "10")
    assert "closed 10" in out
    missing = {r["individual_id"] for r in population[30:]}
    assert set(Resident.objects.filter(status="closed").values_list("individual_id", flat=True)) == missing
    assert not EligibilityCase.objects.filter(resident__individual_id__in=missing, closed_at__isnull=True).exists()


def test_a_few_closures_go_through_and_the_share_is_configurable(population, tmp_path, settings):
    assert "closed 1" in run(feed(tmp_path, population[:39]), "--full-snapshot")  # 2.5%
    settings.ELIGIBILITY_MAX_CLOSE_PERCENT = 30
    assert "closed 9" in run(feed(tmp_path, population[:30]), "--full-snapshot")  # 9 of 39: 23%


def test_marking_many_inactive_is_a_mass_closure_too(population, tmp_path):
    inactive = [{**r, "record_status": "inactive"} for r in population[:5]]
    refused(feed(tmp_path, inactive, trailer=None), match=r"would close 5 of 40 .*--allow-mass-close 5")


def test_a_dry_run_says_what_would_close_and_changes_nothing(population, tmp_path):
    kept = feed(tmp_path, [{**population[0], "last_name": "Changed"}, *population[1:30]])
    before, audit_rows = state(), AuditEvent.objects.count()
    with pytest.raises(CommandError, match="refused"):  # a dry run still says it would be refused
        run(kept, "--full-snapshot", "--dry-run")
    out = run(kept, "--full-snapshot", "--dry-run", "--allow-mass-close", "10")
    assert "Dry run, nothing written. Would be: created 0, updated 1, unchanged 29, closed 10, failed 0" in out
    assert "Would close 10 of 40 active residents (25.0%)" in out
    for record in population[30:]:
        assert f"close {record['individual_id']}: not_in_feed" in out
    assert state() == before and AuditEvent.objects.count() == audit_rows


def test_the_generated_feed_is_a_complete_snapshot(tmp_path):
    path = tmp_path / "feed.jsonl"
    count = write_feed(path, 25, seed=9)
    assert json.loads(path.read_text().splitlines()[-1]) == {"trailer": {"record_count": count}}
    assert f"created {count}" in run(path, "--full-snapshot")

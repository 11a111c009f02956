"""A re-sent record's children the feed no longer lists are removed; partner rows, referrals and records
the feed does not carry are left alone."""

from __future__ import annotations

import copy
import csv
import re
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wayfinder.directory.models import (
    Attribute,
    Contact,
    Language,
    Location,
    Phone,
    Program,
    Schedule,
    Service,
    ServiceAtLocation,
    Source,
)

from .conftest import read_csv, run_import, service_doc, write_csv, write_json

pytestmark = pytest.mark.django_db

SERVICE = "3f0c2a8e-7d1b-4c55-9f0e-0a1b2c3d4e5f"
LOCATION = "2c3d4e5f-6071-4829-8b1c-2d3e4f5a6b7c"


def uid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"wayfinder-test/{name}"))


def drop_csv_rows(folder, name, ids) -> None:
    fields, rows = read_csv(folder, name)
    write_csv(folder, name, fields, [r for r in rows if r["id"] not in ids])


def summary(out: str, table: str) -> dict[str, int]:
    """The counts on the summary line of ``table``."""
    line = next(ln for ln in out.splitlines() if ln.startswith(f"{table} "))
    return {k: int(v) for k, v in re.findall(r"(created|updated|unchanged|removed|unlinked)\s+(\d+)", line)}


def imported(path, tmp_path, *args) -> str:
    out, err, exc = run_import(path, *args, report=tmp_path / f"r-{uuid.uuid4().hex[:8]}.csv")
    assert exc is None, (out, err)
    return out


def pantry_doc(**overrides) -> dict:
    """A compiled service with phones, schedules, languages and two locations (two service_at_locations)."""
    doc = service_doc(
        phones=[
            {"id": uid("phone-main"), "number": "(859) 555-0101"},
            {"id": uid("phone-old"), "number": "(859) 555-0199"},
        ],
        schedules=[{"id": uid("hours-weekdays"), "freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": "09:00"}],
        languages=[
            {"id": uid("lang-en"), "name": "English", "code": "en"},
            {"id": uid("lang-es"), "name": "Spanish", "code": "es"},
        ],
        contacts=[
            {
                "id": uid("contact"),
                "name": "Intake desk",
                "phones": [{"id": uid("contact-phone"), "number": "(859) 555-0150"}],
            }
        ],
    )
    doc["service_at_locations"].append(
        {
            "id": uid("sal-east"),
            "schedules": [{"id": uid("hours-east"), "freq": "WEEKLY", "byday": "SA", "opens_at": "10:00"}],
            "location": {
                "id": uid("loc-east"),
                "name": "East branch",
                "location_type": "physical",
                "latitude": 38.04,
                "longitude": -84.5,
            },
        }
    )
    doc.update(overrides)
    return doc


def without(doc: dict, key: str, *ids: str) -> dict:
    doc = copy.deepcopy(doc)
    doc[key] = [item for item in doc[key] if item["id"] not in ids]
    return doc


@pytest.fixture
def search_off(settings, tmp_path):
    """An empty search index: the service page still renders (related services are just empty)."""
    settings.SEARCH_INDEX_DIR = tmp_path / "no-index"


def test_a_phone_dropped_from_the_feed_is_removed_and_leaves_the_service_page(
    small_feed, feed_copy, tmp_path, client, search_off
):
    imported(feed_copy, tmp_path)
    _, phones = read_csv(feed_copy, "phones.csv")
    active = set(Service.objects.filter(status="active").values_list("id", flat=True))
    gone = next(p for p in phones if p["service_id"] and uuid.UUID(p["service_id"]) in active)
    page = client.get(f"/services/{gone['service_id']}/")
    assert page.status_code == 200 and gone["number"] in page.content.decode()

    drop_csv_rows(feed_copy, "phones.csv", {gone["id"]})
    out = imported(feed_copy, tmp_path)
    assert summary(out, "phone") == {"created": 0, "updated": 0, "unchanged": len(phones) - 1, "removed": 1}
    assert summary(out, "service")["removed"] == 0
    assert not Phone.objects.filter(id=gone["id"]).exists()
    assert Phone.objects.count() == len(phones) - 1
    page = client.get(f"/services/{gone['service_id']}/")
    assert page.status_code == 200 and gone["number"] not in page.content.decode()

    # the next feed has it again: it comes back
    out = imported(small_feed, tmp_path)
    assert summary(out, "phone") == {"created": 1, "updated": 0, "unchanged": len(phones) - 1, "removed": 0}
    assert Phone.objects.filter(id=gone["id"], number=gone["number"]).exists()


def test_reimporting_the_same_feed_removes_nothing(small_feed, tmp_path):
    imported(small_feed, tmp_path)
    out = imported(small_feed, tmp_path)
    assert "No changes: the directory already matches this feed." in out
    assert all(summary(out, t)["removed"] == 0 for t in ("phone", "schedule", "language", "service_at_location"))
    assert "unlinked" not in out


def test_a_replaced_schedule_and_a_dropped_language_are_removed(tmp_path):
    doc = pantry_doc()
    imported(write_json(tmp_path / "a.json", doc), tmp_path)
    assert Schedule.objects.filter(service_id=SERVICE).count() == 1

    doc["schedules"] = [{"id": uid("hours-new"), "freq": "WEEKLY", "byday": "MO,WE", "opens_at": "12:00"}]
    doc = without(doc, "languages", uid("lang-es"))
    out = imported(write_json(tmp_path / "b.json", doc), tmp_path)
    assert summary(out, "schedule") == {"created": 1, "updated": 0, "unchanged": 1, "removed": 1}
    assert summary(out, "language") == {"created": 0, "updated": 0, "unchanged": 1, "removed": 1}
    assert list(Schedule.objects.filter(service_id=SERVICE).values_list("byday", flat=True)) == ["MO,WE"]
    assert list(Language.objects.filter(service_id=SERVICE).values_list("code", flat=True)) == ["en"]
    # the location's own schedule (under the other service_at_location) is untouched
    assert Schedule.objects.filter(id=uid("hours-east")).exists()


def test_a_dropped_contact_takes_its_phones_with_it(tmp_path):
    doc = pantry_doc()
    imported(write_json(tmp_path / "a.json", doc), tmp_path)
    out = imported(write_json(tmp_path / "b.json", {**doc, "contacts": []}), tmp_path)
    assert summary(out, "contact")["removed"] == 1 and summary(out, "phone")["removed"] == 1
    assert not Contact.objects.filter(id=uid("contact")).exists()
    assert not Phone.objects.filter(id=uid("contact-phone")).exists()
    assert Phone.objects.filter(service_id=SERVICE).count() == 2


def test_a_list_the_feed_leaves_out_says_nothing(tmp_path):
    """No "phones" key is not "no phones"; a datapackage without phones.csv says nothing about phones."""
    doc = pantry_doc()
    imported(write_json(tmp_path / "a.json", doc), tmp_path)
    summary_only = {k: v for k, v in doc.items() if k not in ("phones", "schedules", "languages", "contacts")}
    out = imported(write_json(tmp_path / "b.json", summary_only), tmp_path)
    assert not re.search(r"(removed|unlinked) +[1-9]", out)
    assert Phone.objects.count() == 3 and Language.objects.count() == 2 and Schedule.objects.count() == 2


def test_a_datapackage_without_a_table_file_removes_nothing_from_that_table(feed_copy, tmp_path):
    imported(feed_copy, tmp_path)
    before = Phone.objects.count()
    (feed_copy / "phones.csv").unlink()
    out = imported(feed_copy, tmp_path)
    assert "No changes" in out
    assert Phone.objects.count() == before


def test_records_missing_from_a_partial_feed_keep_their_children(feed_copy, tmp_path):
    imported(feed_copy, tmp_path)
    before = Phone.objects.count(), Schedule.objects.count(), Language.objects.count(), Contact.objects.count()
    # a feed with one service and everything under it, nothing else
    _, services = read_csv(feed_copy, "services.csv")
    kept = services[0]["id"]
    _, sals = read_csv(feed_copy, "service_at_location.csv")
    mine = {kept} | {r["id"] for r in sals if r["service_id"] == kept}
    keep = ("services.csv", "phones.csv", "languages.csv", "service_at_location.csv", "schedules.csv")
    for path in feed_copy.glob("*.csv"):
        if path.name not in keep:
            path.unlink()
            continue
        fields, rows = read_csv(feed_copy, path.name)
        links = ("id", "service_id", "service_at_location_id") if path.name != "service_at_location.csv" else ("id",)
        write_csv(feed_copy, path.name, fields, [r for r in rows if any(r.get(k) in mine for k in links)])
    out = imported(feed_copy, tmp_path)
    assert "No changes" in out
    after = Phone.objects.count(), Schedule.objects.count(), Language.objects.count(), Contact.objects.count()
    assert after == before


def test_a_child_also_listed_under_a_record_not_in_the_feed_is_only_unlinked(tmp_path):
    doc = pantry_doc()
    imported(write_json(tmp_path / "a.json", doc), tmp_path)
    Phone.objects.filter(id=uid("phone-old")).update(location_id=LOCATION)  # shared by the location
    # the service is re-sent without it; its location is not in this feed
    doc = without(doc, "phones", uid("phone-old"))
    doc["service_at_locations"] = [
        {**{k: v for k, v in sal.items() if k != "location"}, "location_id": sal["location"]["id"]}
        for sal in doc["service_at_locations"]
    ]
    out = imported(write_json(tmp_path / "b.json", doc), tmp_path)
    assert summary(out, "phone") == {"created": 0, "updated": 0, "unchanged": 2, "removed": 0, "unlinked": 1}
    phone = Phone.objects.get(id=uid("phone-old"))
    assert phone.service_id is None and str(phone.location_id) == LOCATION


def test_a_dropped_service_at_location_goes_but_the_referral_keeps_everything(tmp_path, personas):
    from wayfinder.partners.models import Partner
    from wayfinder.referrals.actions import create_referral
    from wayfinder.referrals.models import Referral, ReferralEvent
    from wayfinder.residents.models import Resident

    doc = pantry_doc()
    imported(write_json(tmp_path / "a.json", doc), tmp_path)
    staff = personas["food_bank_staff"]
    food_bank = Partner.objects.get(organization__memberships__user=staff).organization
    east = Location.objects.get(id=uid("loc-east"))
    referral = create_referral(
        actor=staff,
        resident=Resident.objects.get(user=personas["resident"]),
        service=Service.objects.get(id=SERVICE),
        location=east,
        sending_organization=food_bank,
        note="Saturday hours suit her",
    )
    events = ReferralEvent.objects.filter(referral=referral).count()

    out = imported(write_json(tmp_path / "b.json", without(doc, "service_at_locations", uid("sal-east"))), tmp_path)
    assert summary(out, "service_at_location")["removed"] == 1
    assert summary(out, "schedule")["removed"] == 1  # the service_at_location's own hours
    assert not ServiceAtLocation.objects.filter(id=uid("sal-east")).exists()
    assert not Schedule.objects.filter(id=uid("hours-east")).exists()
    # the location stays (a referral points at it), and so does everything about the referral
    referral.refresh_from_db()
    assert referral.location_id == east.id and referral.service_id == uuid.UUID(SERVICE)
    assert referral.note == "Saturday hours suit her" and referral.status == "new"
    assert Location.objects.filter(id=east.id).exists()
    assert ReferralEvent.objects.filter(referral=referral).count() == events
    assert Referral.objects.filter(service_id=SERVICE).count() == 1
    assert Service.objects.get(id=SERVICE).status == "active"


def test_children_a_partner_or_wayfinder_added_are_kept_silently(tmp_path):
    doc = pantry_doc()
    imported(write_json(tmp_path / "a.json", doc), tmp_path)
    # what apply_partner_edit leaves: partner source, owned fields, no feed digest
    mine = Phone.objects.create(
        service_id=SERVICE, number="(859) 555-0777", source=Source.PARTNER, partner_owned_fields=["number"]
    )
    # made in Wayfinder (an administrator, the demo loader): 2-1-1 by default, but no import wrote it
    made_here = Language.objects.create(service_id=SERVICE, name="French", code="fr")
    out = imported(write_json(tmp_path / "b.json", doc), tmp_path)
    assert "No changes" in out and "conflicts 0" in out
    assert Phone.objects.filter(id=mine.id).exists() and Language.objects.filter(id=made_here.id).exists()


def test_a_partner_owned_child_the_feed_drops_is_kept_and_reported_once(tmp_path):
    doc = pantry_doc()
    imported(write_json(tmp_path / "a.json", doc), tmp_path)
    Phone.objects.filter(id=uid("phone-old")).update(
        number="(859) 555-0200", source=Source.PARTNER, partner_owned_fields=["number"]
    )
    dropped = write_json(tmp_path / "b.json", without(doc, "phones", uid("phone-old")))
    report = tmp_path / "report.csv"
    out, err, exc = run_import(dropped, report=report)
    assert exc is None
    assert summary(out, "phone")["removed"] == 0 and "conflicts 1" in out
    assert "CONFLICT" in err and "partner-owned record kept" in err
    with report.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["severity"] == "conflict"]
    assert [(r["table"], r["id"]) for r in rows] == [("phone", uid("phone-old"))]
    assert f"service {SERVICE}" in rows[0]["reason"]
    assert Phone.objects.get(id=uid("phone-old")).number == "(859) 555-0200"
    # reported once: from now on the phone is the partner's
    again = imported(dropped, tmp_path)
    assert "conflicts 0" in again and Phone.objects.filter(id=uid("phone-old")).exists()


def test_a_schedule_a_partner_hangs_on_keeps_its_service_at_location(tmp_path):
    doc = pantry_doc()
    imported(write_json(tmp_path / "a.json", doc), tmp_path)
    Schedule.objects.create(
        service_at_location_id=uid("sal-east"), byday="SU", source=Source.PARTNER, partner_owned_fields=["byday"]
    )
    out, err, exc = run_import(
        write_json(tmp_path / "b.json", without(doc, "service_at_locations", uid("sal-east"))),
        report=tmp_path / "r.csv",
    )
    assert exc is None and "conflicts 1" in out
    assert "CONFLICT" in err and "kept although the feed no longer lists it: schedule" in err
    assert ServiceAtLocation.objects.filter(id=uid("sal-east")).exists()
    assert Schedule.objects.filter(service_at_location_id=uid("sal-east"), byday="SU").exists()


def test_a_dropped_taxonomy_attribute_updates_categories(feed_copy, tmp_path):
    imported(feed_copy, tmp_path)
    _, attributes = read_csv(feed_copy, "attributes.csv")
    first = attributes[0]
    assert Service.objects.get(id=first["link_id"]).categories
    drop_csv_rows(feed_copy, "attributes.csv", {first["id"]})
    out = imported(feed_copy, tmp_path)
    assert summary(out, "attribute")["removed"] == 1
    assert not Attribute.objects.filter(id=first["id"]).exists()
    assert Service.objects.get(id=first["link_id"]).categories == []


def test_search_is_told_about_services_whose_children_went(feed_copy, tmp_path, monkeypatch):
    from wayfinder.directory import search_hooks

    imported(feed_copy, tmp_path)
    seen: list[set[str]] = []
    monkeypatch.setattr(search_hooks, "after_import", lambda ids: seen.append({str(i) for i in ids}))
    _, languages = read_csv(feed_copy, "languages.csv")
    _, schedules = read_csv(feed_copy, "schedules.csv")
    _, sals = read_csv(feed_copy, "service_at_location.csv")
    lang = next(r for r in languages if r["service_id"])
    hours = next(r for r in schedules if r["service_at_location_id"])
    sal_service = next(r["service_id"] for r in sals if r["id"] == hours["service_at_location_id"])
    drop_csv_rows(feed_copy, "languages.csv", {lang["id"]})
    drop_csv_rows(feed_copy, "schedules.csv", {hours["id"]})
    args = [str(feed_copy), "--no-progress", "--report", str(tmp_path / "r9.csv")]
    call_command("import_hsds", *args, stdout=StringIO(), stderr=StringIO())
    assert seen == [{lang["service_id"], sal_service}]


def test_reconciling_reads_in_bulk_not_per_record(tmp_path):
    """Dropping children from a feed with 10 times the records runs (about) the same number of queries."""
    from wayfinder.integrations.two11.children import CHILDREN
    from wayfinder.integrations.two11.generator import generate
    from wayfinder.integrations.two11.tables import ORDER, TABLES

    counts = []
    for size in (20, 200):
        feed = tmp_path / f"feed{size}"
        generate(feed, size, 11)
        imported(feed, tmp_path)
        for name in ("phones.csv", "schedules.csv", "languages.csv"):
            _, rows = read_csv(feed, name)
            drop_csv_rows(feed, name, {r["id"] for r in rows[:3]})
        with CaptureQueriesContext(connection) as queries:
            out = imported(feed, tmp_path)
        assert summary(out, "phone")["removed"] == 3 and summary(out, "schedule")["removed"] == 3
        counts.append(len(queries))
        for table in reversed(ORDER):  # the next size starts from the same (empty) directory
            TABLES[table].model.objects.exclude(feed_hash="").delete()
    # a query per record would add hundreds; a table's size estimate may decide differently whether to
    # count it (one query per child table at most)
    assert abs(counts[1] - counts[0]) <= len(CHILDREN)


def test_a_table_the_feed_covers_whole_is_counted_not_searched(feed_copy, tmp_path):
    imported(feed_copy, tmp_path)
    _, phones = read_csv(feed_copy, "phones.csv")
    drop_csv_rows(feed_copy, "phones.csv", {phones[0]["id"]})
    with CaptureQueriesContext(connection) as queries:
        out = imported(feed_copy, tmp_path)
    assert summary(out, "phone")["removed"] == 1 and summary(out, "language")["removed"] == 0
    assert not Phone.objects.filter(id=phones[0]["id"]).exists()
    sql = [q["sql"] for q in queries.captured_queries]
    # every language is in the feed: one count says so; phones are not all there: they are searched
    assert any("COUNT(*)" in q and '"directory_language"' in q for q in sql)
    assert not any('FROM "directory_language" WHERE "service_id"' in q for q in sql)
    assert any('FROM "directory_phone" WHERE "service_id"' in q for q in sql)


def test_a_program_a_service_still_uses_is_kept_with_a_warning(tmp_path):
    org = {
        "id": uid("org"),
        "name": "Program Org",
        "description": "Runs programs",
        "programs": [
            {"id": uid("program-used"), "name": "Used", "description": "A service points here"},
            {"id": uid("program-idle"), "name": "Idle", "description": "Nothing points here"},
        ],
        "services": [{"id": uid("svc"), "name": "Meals", "status": "active", "program_id": uid("program-used")}],
    }
    imported(write_json(tmp_path / "a.json", org), tmp_path)
    assert Program.objects.filter(organization_id=uid("org")).count() == 2
    report = tmp_path / "report.csv"
    out, _, exc = run_import(write_json(tmp_path / "b.json", {**org, "programs": []}), report=report)
    assert exc is None and summary(out, "program")["removed"] == 1
    assert list(Program.objects.filter(organization_id=uid("org")).values_list("name", flat=True)) == ["Used"]
    assert str(Service.objects.get(id=uid("svc")).program_id) == uid("program-used")
    with report.open(encoding="utf-8") as fh:
        kept = [r for r in csv.DictReader(fh) if r["table"] == "program"]
    assert [(r["severity"], r["id"]) for r in kept] == [("warning", uid("program-used"))]
    assert f"service {uid('svc')} depends on it" in kept[0]["reason"]

"""The inbox and outbox client search find a resident by their current name, also
after the eligibility feed renamed them (issue #15 item 8): the search key copied
onto each referral follows the rename in the same transaction."""

from __future__ import annotations

import json

import pytest

from wayfinder.demo.residents import AMY_BIRTH_DATE, AMY_INDIVIDUAL_ID
from wayfinder.integrations.eligibility.importer import import_lines
from wayfinder.referrals import actions
from wayfinder.referrals.models import Referral
from wayfinder.residents.models import Resident

from .conftest import org

pytestmark = pytest.mark.django_db


def amy_in_the_feed(**overrides) -> str:
    record = {
        "individual_id": AMY_INDIVIDUAL_ID,
        "first_name": "Amy",
        "last_name": "Brand",
        "date_of_birth": AMY_BIRTH_DATE.isoformat(),
        "email": "amy@example.com",
        "phone": "8595550142",
        "address": {"line1": "412 Chestnut St", "city": "Lexington", "state": "KY", "zip": "40508"},
        "cases": [{"program": "SNAP", "case_number": "5900000001", "status": "active", "begin_date": "2025-02-01"}],
        "household_members": [],
    }
    record.update(overrides)
    return json.dumps(record)


def found(client, url: str, query: str) -> bool:
    response = client.get(url, {"client": query})
    assert response.status_code == 200
    return "Free infant formula" in response.content.decode()


def test_a_resident_renamed_by_the_eligibility_import_is_found_by_the_new_name(client, personas, world, referral):
    client.force_login(personas["family_center_staff"])
    assert found(client, "/referrals/inbox/", "Amy Brand")

    result = import_lines([amy_in_the_feed(last_name="Peña-Gentry")])
    assert result.ok and result.counts["updated"] == 1, result.errors
    assert Resident.objects.get(pk=world.resident.pk).last_name == "Peña-Gentry"

    # The receiver's inbox and the sender's outbox, by either half of the new surname,
    # accents or not, and by its sound ("Gentri"); the old surname no longer finds her.
    assert found(client, "/referrals/inbox/", "Amy Pena")
    assert found(client, "/referrals/inbox/", "gentry")
    assert found(client, "/referrals/inbox/", "Amy Gentri")
    assert not found(client, "/referrals/inbox/", "Brand")
    client.force_login(personas["food_bank_staff"])
    assert found(client, "/referrals/sent/", "Peña Gentry")
    assert not found(client, "/referrals/sent/", "Brand")


def test_an_import_that_keeps_the_name_leaves_the_referrals_alone(personas, world, referral):
    import_lines([amy_in_the_feed(last_name="Peña-Gentry")])
    stored = Referral.objects.get(pk=referral.pk)
    assert stored.resident_search == "amy pena gentry"
    assert " gentry " in stored.resident_keys and " brand " not in stored.resident_keys
    # A changed address, the same name: no write to the referrals (the key is unchanged).
    updated = Referral.objects.filter(pk=referral.pk)
    updated.update(resident_search="sentinel")
    import_lines([amy_in_the_feed(last_name="Peña-Gentry", address={"line1": "9 Elm St", "city": "Lexington"})])
    assert updated.get().resident_search == "sentinel"


def test_referrals_made_after_the_rename_carry_the_new_name(client, personas, world):
    import_lines([amy_in_the_feed(first_name="Amelia")])
    resident = Resident.objects.get(pk=world.resident.pk)
    actions.create_referral(
        actor=personas["food_bank_staff"],
        resident=resident,
        service=world.formula,
        sending_organization=org("food_bank"),
    )
    client.force_login(personas["family_center_staff"])
    assert found(client, "/referrals/inbox/", "Amelia Brand")
    assert not found(client, "/referrals/inbox/", "Amy")

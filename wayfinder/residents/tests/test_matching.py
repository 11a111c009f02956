"""The one patient matching rule (residents.matching): individual id, then Medicaid
id, then normalized name and date of birth; the first step that finds anyone decides."""

from __future__ import annotations

import datetime

import pytest

from wayfinder.residents.matching import (
    BY_INDIVIDUAL_ID,
    BY_MEDICAID_ID,
    BY_NAME_AND_BIRTH_DATE,
    PatientIdentity,
    match_patient,
)
from wayfinder.residents.models import EligibilityCase, Resident

pytestmark = pytest.mark.django_db
DOB = datetime.date(1987, 2, 20)


def _resident(first: str, last: str, *, individual_id=None, dob=DOB, status="active") -> Resident:
    return Resident.objects.create(
        first_name=first,
        last_name=last,
        date_of_birth=dob,
        individual_id=individual_id,
        source="eligibility",
        status=status,
    )


def test_order_individual_id_then_medicaid_then_name():
    by_id = _resident("Colin", "Abbas", individual_id="IND1")
    other = _resident("Colín", "Abbas")  # same name and birth date, no id
    EligibilityCase.objects.create(resident=other, program="MEDICAID", case_number="MC9", status="active")
    found = match_patient(
        PatientIdentity(
            individual_ids=["IND1"], medicaid_ids=["MC9"], first_name="Colin", last_name="Abbas", birth_date=DOB
        )
    )
    assert found.rule == BY_INDIVIDUAL_ID and found.resident == by_id
    found = match_patient(PatientIdentity(individual_ids=["NOPE"], medicaid_ids=["MC9"]))
    assert found.rule == BY_MEDICAID_ID and found.resident == other
    found = match_patient(PatientIdentity(first_name="COLIN", last_name="abbas", birth_date=DOB))
    assert found.rule == BY_NAME_AND_BIRTH_DATE and len(found.residents) == 2 and found.resident is None


def test_no_match_and_closed_records():
    _resident("Amy", "Brand", individual_id="IND2", status="closed")
    assert match_patient(PatientIdentity(individual_ids=["IND2"])).residents == []
    assert match_patient(PatientIdentity(first_name="Amy", last_name="Brand", birth_date=None)).residents == []

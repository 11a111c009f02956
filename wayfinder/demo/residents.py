"""The persona resident Amy Brand: a record from the eligibility system, linked to
her demo account, with consent given to the food bank and not to the family
center (the demo personas, docs/product.md, "People and roles"). Used by the demo loader and the tests."""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from wayfinder.accounts.models import User
from wayfinder.residents.models import ContactPoint, EligibilityCase, HouseholdMember, Resident, Source

from .personas import ORGANIZATIONS, persona

AMY_RESIDENT_ID = uuid.UUID("5a1d0c0e-0000-4000-8000-000000000001")
AMY_INDIVIDUAL_ID = "KY900000001"
AMY_BIRTH_DATE = datetime.date(1988, 4, 12)
AMY_SNAP_CASE = "5900000001"
FOOD_BANK_ID = next(o.id for o in ORGANIZATIONS if o.key == "food_bank")


@transaction.atomic
def ensure_amy(*, consent_to_food_bank: bool = True) -> Resident:
    """Create or refresh Amy's record; safe to run again."""
    from wayfinder.consent.access import active_consents
    from wayfinder.consent.models import Consent, Method, Scope
    from wayfinder.directory.models import Organization

    user = User.objects.get(email=persona("resident").email)
    resident = Resident.objects.filter(pk=AMY_RESIDENT_ID).first()
    if resident is None:
        now = timezone.now()
        resident = Resident.objects.create(
            id=AMY_RESIDENT_ID,
            individual_id=AMY_INDIVIDUAL_ID,
            first_name="Amy",
            last_name="Brand",
            date_of_birth=AMY_BIRTH_DATE,
            sex="F",
            address_line1="412 Chestnut St",
            city="Lexington",
            state="KY",
            zip_code="40508",
            county="Fayette",
            household_id="H900000001",
            source=Source.ELIGIBILITY,
            user=user,
            linked_at=now,
        )
        ContactPoint.objects.bulk_create(
            [
                ContactPoint(resident=resident, kind="email", value=user.email, source=Source.ELIGIBILITY),
                ContactPoint(resident=resident, kind="phone", value="8595550142", source=Source.ELIGIBILITY),
            ]
        )
        EligibilityCase.objects.bulk_create(
            [
                EligibilityCase(
                    resident=resident,
                    program="SNAP",
                    case_number=AMY_SNAP_CASE,
                    status="active",
                    begin_date=datetime.date(2025, 2, 1),
                ),
                EligibilityCase(
                    resident=resident,
                    program="MEDICAID",
                    case_number="3900000001",
                    status="active",
                    begin_date=datetime.date(2024, 7, 1),
                ),
            ]
        )
        HouseholdMember.objects.bulk_create(
            [
                HouseholdMember(
                    resident=resident,
                    member_key="KY900000002",
                    individual_id="KY900000002",
                    first_name="Noah",
                    last_name="Brand",
                    date_of_birth=datetime.date(2016, 9, 3),
                    sex="M",
                    relationship="child",
                ),
            ]
        )
    if consent_to_food_bank:
        food_bank = Organization.objects.get(pk=FOOD_BANK_ID)
        if Scope.GENERAL not in active_consents(resident, food_bank):
            Consent.objects.filter(resident=resident, organization=food_bank, revoked_at=None).update(
                revoked_at=timezone.now(), revoked_reason=Consent.RevokedReason.SUPERSEDED
            )
            Consent.objects.create(
                resident=resident,
                organization=food_bank,
                scope=Scope.GENERAL,
                purpose="care_coordination",
                method=Method.RESIDENT_ACCOUNT,
                recorded_by=user,
                expires_at=timezone.now() + datetime.timedelta(days=365),
            )
    return resident

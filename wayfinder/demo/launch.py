"""The eligibility records behind the development exchange portal's patients
(``exchange_data.PATIENTS``): one per landing case of docs/product.md 8.3. Used by
``load_demo`` and by the launch tests; safe to run again."""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from wayfinder.assessments.needs import record_need
from wayfinder.residents.models import ContactPoint, EligibilityCase, Resident, SdohNeed, Source

from .exchange_data import MULTIPLE_RECORDS, PATIENTS
from .personas import ORGANIZATIONS

HOSPITAL_ID = next(o.id for o in ORGANIZATIONS if o.key == "hospital")
_NAMESPACE = uuid.UUID("5a1d0c0e-0000-4000-8000-0000000000ff")


def resident_id_for(individual_id: str) -> uuid.UUID:
    """The fixed id of the demo resident with this individual id (stable across loads,
    so printed links such as the record page in ``demo_signins`` stay right)."""
    return uuid.uuid5(_NAMESPACE, individual_id)


def _record(individual_id: str, demo, email: str, phone: str, city: str, zip_code: str) -> Resident:
    resident = Resident.objects.filter(individual_id=individual_id).first()
    if resident is not None:
        return resident
    resident = Resident.objects.create(
        id=resident_id_for(individual_id),
        individual_id=individual_id,
        first_name=demo.first_name,
        last_name=demo.last_name,
        date_of_birth=datetime.date.fromisoformat(demo.birth_date),
        sex=demo.gender[:1].upper(),
        city=city,
        state="KY",
        zip_code=zip_code,
        source=Source.ELIGIBILITY,
    )
    ContactPoint.objects.bulk_create(
        [
            ContactPoint(resident=resident, kind="email", value=email, source=Source.ELIGIBILITY),
            ContactPoint(resident=resident, kind="phone", value=phone, source=Source.ELIGIBILITY),
        ]
    )
    EligibilityCase.objects.create(
        resident=resident,
        program="MEDICAID",
        case_number=demo.medicaid_id,
        status="active",
        begin_date=datetime.date(2025, 1, 1),
    )
    return resident


@transaction.atomic
def ensure_launch_patients() -> list[Resident]:
    from wayfinder.consent.access import active_consents
    from wayfinder.consent.models import Consent, Method, Scope
    from wayfinder.directory.models import Organization

    hospital = Organization.objects.get(pk=HOSPITAL_ID)
    residents = []
    for index, demo in enumerate(PATIENTS):
        if not demo.in_wayfinder:
            continue
        if demo.key == "multiple":
            for individual_id, email, phone, city, zip_code in MULTIPLE_RECORDS:
                residents.append(_record(individual_id, demo, email, phone, city, zip_code))
            continue
        slug = f"{demo.first_name}.{demo.last_name}".lower()
        resident = _record(
            demo.individual_ids[0], demo, f"{slug}@demo.wayfinder.test", f"85955501{index:02d}", "Lexington", "40508"
        )
        residents.append(resident)
        if demo.consent_to_hospital and Scope.GENERAL not in active_consents(resident, hospital):
            Consent.objects.create(
                resident=resident,
                organization=hospital,
                scope=Scope.GENERAL,
                purpose="care_coordination",
                method=Method.EMAIL_LINK,
                expires_at=timezone.now() + datetime.timedelta(days=365),
            )
        for domain in demo.sdoh_needs:
            if not resident.needs.filter(domain=domain).exists():  # load_demo runs again on every make run
                record_need(
                    resident,
                    kind=SdohNeed.SourceKind.HIE.value,
                    domain=domain,
                    detail="Bluegrass Regional Hospital",
                    observed_at=timezone.now(),
                )
    return residents

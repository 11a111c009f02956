"""Rules about a service's availability (accepting / waitlist / full), read by the
service page, search results, the referral flow, the HSDS export and FHIR.

Why "unconfirmed" after 30 days: a status nobody confirmed for a month is a guess
(a shelter full in March is not full in May); showing it as fact would send
people away from help, or to a door that is closed, so it is shown as a hint.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import AvailabilityStatus, ServiceAvailability

UNCONFIRMED_AFTER = timedelta(days=30)

# SDOH Clinical Care STU 3 (3.0.0) capacity status: the value set SDOHCC-ValueSetCapacityStatus,
# codes of the IG's temporary code system, carried on a HealthcareService by the extension
# SDOHCC-ExtensionHealthcareServiceCapacityStatus (its "capacityStatus" part). The fourth code,
# additional-assessment-required, has no Wayfinder status.
SDOHCC_CODES = "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
SDOHCC_CAPACITY_VALUE_SET = "http://hl7.org/fhir/us/sdoh-clinicalcare/ValueSet/SDOHCC-ValueSetCapacityStatus"
SDOHCC_CAPACITY_EXTENSION = (
    "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-ExtensionHealthcareServiceCapacityStatus"
)
_FHIR_CODE = {
    AvailabilityStatus.ACCEPTING: ("capacity", "Has Capacity"),
    AvailabilityStatus.WAITLIST: ("waitlist", "No Capacity - Has Waitlist"),
    AvailabilityStatus.FULL: ("no-capacity", "No Capacity"),
}


@dataclass(frozen=True)
class Shown:
    """An availability as a page shows it."""

    status: str
    wait_weeks: int | None
    confirmed_at: datetime
    unconfirmed: bool

    @property
    def label(self) -> str:
        if self.status == AvailabilityStatus.WAITLIST and self.wait_weeks:
            return ngettext("Waitlist: about %(weeks)d week", "Waitlist: about %(weeks)d weeks", self.wait_weeks) % {
                "weeks": self.wait_weeks
            }
        return str(AvailabilityStatus(self.status).label)

    @property
    def is_full(self) -> bool:
        return self.status == AvailabilityStatus.FULL and not self.unconfirmed

    @property
    def css(self) -> str:
        return "unconfirmed" if self.unconfirmed else self.status


def shown(status: str, wait_weeks: int | None, confirmed_at: datetime | None, now: datetime | None = None):
    """``Shown`` for these values, or None when there is no status."""
    if not status or status not in AvailabilityStatus.values or confirmed_at is None:
        return None
    now = now or timezone.now()
    return Shown(status, wait_weeks, confirmed_at, unconfirmed=now - confirmed_at > UNCONFIRMED_AFTER)


def of_service(service: Any, now: datetime | None = None) -> Shown | None:
    """The service's availability as shown, or None when the partner never set it."""
    row = ServiceAvailability.objects.filter(service_id=service.pk).first()
    return shown(row.status, row.wait_weeks, row.confirmed_at, now) if row else None


def of_services(service_ids, now: datetime | None = None) -> dict[str, Shown]:
    """{service id: Shown} for many services in one query (lists of services)."""
    rows = ServiceAvailability.objects.filter(service_id__in=list(service_ids))
    out = {}
    for row in rows:
        value = shown(row.status, row.wait_weeks, row.confirmed_at, now)
        if value is not None:
            out[str(row.service_id)] = value
    return out


def from_display(display: dict, now: datetime | None = None) -> Shown | None:
    """From a search document's display blob (``cap``, ``wait``, ``cap_at``): results
    pages read no database row for it."""
    confirmed = parse_datetime(display.get("cap_at") or "") if display.get("cap_at") else None
    return shown(display.get("cap") or "", display.get("wait"), confirmed, now)


def unconfirmed_text(value: Shown) -> str:
    return _("Unconfirmed: last confirmed %(date)s") % {"date": value.confirmed_at.date().isoformat()}


# --- out of Wayfinder ------------------------------------------------------------------


def fhir_capacity_coding(service: Any, now: datetime | None = None) -> dict | None:
    """The SDOH Clinical Care capacity status of ``service`` (a directory Service) as a FHIR
    Coding (``system``, ``code``, ``display``), for the HealthcareService the FHIR server
    (issue #19) serves: it goes in the ``capacityStatus`` part of the
    ``SDOHCC_CAPACITY_EXTENSION``. None when the partner never set one or it is unconfirmed
    (older than 30 days: a month-old "full" is not a fact to send to a clinician)."""
    value = of_service(service, now)
    if value is None or value.unconfirmed:
        return None
    code, display = _FHIR_CODE[AvailabilityStatus(value.status)]
    return {"system": SDOHCC_CODES, "code": code, "display": display}


def hsds_wait_time(service: Any, now: datetime | None = None) -> str | None:
    """HSDS ``service.wait_time`` text carrying the availability (English, as the feed
    is), or None to keep the feed's own text."""
    value = of_service(service, now)
    return None if value is None else _wait_time_text(value)


def _wait_time_text(value: Shown) -> str:
    confirmed = value.confirmed_at.date().isoformat()
    words = {
        AvailabilityStatus.ACCEPTING: "Accepting referrals",
        AvailabilityStatus.WAITLIST: (f"Waitlist, about {value.wait_weeks} weeks" if value.wait_weeks else "Waitlist"),
        AvailabilityStatus.FULL: "Full: not accepting referrals",
    }[AvailabilityStatus(value.status)]
    return f"{words} (confirmed {confirmed})"


# The HSDS 3.1 unit Wayfinder counts referral places in. Fixed ids (uuid5), so every
# export names the same unit and the same capacity row for a service, and a system that
# imports our exports updates its rows instead of adding new ones.
_HSDS_NAMESPACE = uuid.UUID("6f4d3a52-1b7e-4c0a-9a43-2f0d9d1c7e21")
HSDS_UNIT: dict[str, str] = {
    "id": str(uuid.uuid5(_HSDS_NAMESPACE, "unit:referral-place")),
    "name": "Referral place",
    "scheme": "Wayfinder",
    "identifier": "referral-place",
}


def hsds_capacity_id(service_id: Any) -> str:
    """The id of the ``service_capacity`` row that carries a service's availability."""
    return str(uuid.uuid5(_HSDS_NAMESPACE, f"availability:{service_id}"))


def hsds_fields(service_id: Any, value: Shown) -> dict[str, Any]:
    """What the HSDS export and API say of an availability, for one service:

    - ``wait_time`` (HSDS 3.0, kept in 3.1): the status as text with its confirmation
      date, for every status. It replaces the feed's own text: the partner's confirmed
      word is the newer one.
    - ``capacity`` (HSDS 3.1 ``service_capacity``, or None): a full service or a
      waitlist has no referral place now, which is a count HSDS can carry (``available``
      0, ``updated`` the confirmation time). "Accepting" says there is room but not how
      much, and ``available`` is a required number: inventing one would be a false
      figure, so an accepting service has no capacity row (its wait_time says it).
    """
    capacity = None
    if value.status in (AvailabilityStatus.FULL, AvailabilityStatus.WAITLIST):
        capacity = {
            "id": hsds_capacity_id(service_id),
            "service_id": str(service_id),
            "unit": dict(HSDS_UNIT),
            "unit_id": HSDS_UNIT["id"],
            "available": 0,
            "description": _wait_time_text(value),
            "updated": value.confirmed_at.isoformat().replace("+00:00", "Z"),
        }
    return {"wait_time": _wait_time_text(value), "capacity": capacity}


def hsds_for_services(service_ids: Iterable[Any], now: datetime | None = None) -> dict[str, dict[str, Any]]:
    """{service id (text): ``hsds_fields``} for the services that have an availability,
    in one query (a page or an export chunk of services)."""
    return {sid: hsds_fields(sid, value) for sid, value in of_services(service_ids, now).items()}

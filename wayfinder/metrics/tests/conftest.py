"""A month of activity, played through the real referral actions at chosen local
times (time-machine moves the clock), for figures counted by hand.

Times are Eastern (America/New_York, the state's zone). April 2026 is the month
under test; its edges are crossed on purpose:

  R1  food bank → family center  created Mar 31 23:30 (Apr 1 03:30 UTC: a March referral)
      in progress Apr 1 10:00; closed provided Apr 3 12:00               (2 days)
  R2  food bank → family center  created Apr 1 00:10
      closed not provided "unable to reach" Apr 30 23:50, straight from New,
      no note (May 1 03:50 UTC: an April closure)                        (29 days)
  R3  food bank → family center  created Apr 10 09:00; in progress Apr 12 09:00; open
  R4  food bank → shelter (not onboarded)  created Apr 2 09:00; closed by the
      referral specialist Apr 20 09:00, not provided "helped elsewhere"  (18 days)
  R5  family center → itself  created Apr 15 10:00; in progress 10:02;
      closed provided 10:05                                              (0 days)
  R8  food bank → family center  created Apr 20 08:00; in progress Apr 21 08:00;
      note; closed not provided "not eligible" Apr 25 08:00              (5 days)
  R7  food bank → family center  created May 1 00:30 (a May referral); closed provided May 2
  R9  food bank → family center  created May 2 22:00 (May 3 02:00 UTC); open

Residents: Amy (R1, R3, R7, R9), Bo (R2, R5), Cy (R4), Di (R8).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from wayfinder.referrals.tests.conftest import make_service, org

EASTERN = ZoneInfo("America/New_York")


def local(text: str) -> datetime:
    """ "2026-04-01 00:10" in Eastern time, as an aware datetime."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=EASTERN)


def at(text: str):
    return time_machine.travel(local(text), tick=False)


def make_resident(first: str, last: str, *, county: str = "Fayette", language: str = "en"):
    from wayfinder.residents.models import Resident

    return Resident.objects.create(
        first_name=first,
        last_name=last,
        date_of_birth=date(1980, 1, 1),
        source="organization",
        county=county,
        preferred_language=language,
    )


@dataclass
class Month:
    residents: dict
    services: dict
    referrals: dict = field(default_factory=dict)
    personas: dict = field(default_factory=dict)


def refer(personas, resident, service, sender_key: str, when: str, actor_key: str = "food_bank_staff"):
    from wayfinder.referrals import actions

    return actions.create_referral(
        actor=personas[actor_key],
        resident=resident,
        service=service,
        sending_organization=org(sender_key),
        now=local(when),
    )


def move(personas, referral, when: str, actor_key: str = "family_center_staff"):
    from wayfinder.referrals import actions

    referral.refresh_from_db()
    with at(when):
        return actions.change_status(
            actor=personas[actor_key], referral=referral, to_status="in_progress", expected_version=referral.version
        )


def note(personas, referral, when: str, actor_key: str = "family_center_staff"):
    from wayfinder.referrals import actions

    with at(when):
        actions.add_note(actor=personas[actor_key], referral=referral, body="Called the resident", organization=None)


def close(personas, referral, when: str, *, provided: bool, reason: str = "", actor_key="family_center_staff", **kw):
    from wayfinder.referrals import closing

    referral.refresh_from_db()
    with at(when):
        return closing.close_referral(
            actor=personas[actor_key],
            referral=referral,
            expected_version=referral.version,
            provided=provided,
            reason=reason,
            experience="Fine",
            now=local(when),
            **kw,
        )


@pytest.fixture
def month(personas) -> Month:
    residents = {
        "amy": make_resident("Amy", "Brandt", county="Fayette", language="en"),
        "bo": make_resident("Bo", "Reyes", county="Jefferson", language="es"),
        "cy": make_resident("Cy", "Hall", county="Fayette", language="en"),
        "di": make_resident("Di", "Moss", county="", language="en"),
    }
    services = {
        "formula": make_service(org("family_center"), "Free infant formula"),
        "shelter": make_service(org("shelter"), "Emergency overnight shelter"),
    }
    services["formula"].categories = ["baby-supplies", "goods"]
    services["formula"].save(update_fields=["categories"])
    services["shelter"].categories = ["housing"]
    services["shelter"].save(update_fields=["categories"])
    world = Month(residents, services, personas=personas)
    r, p, s = world.referrals, personas, services
    r["R1"] = refer(p, residents["amy"], s["formula"], "food_bank", "2026-03-31 23:30")
    move(p, r["R1"], "2026-04-01 10:00")
    close(p, r["R1"], "2026-04-03 12:00", provided=True)
    r["R2"] = refer(p, residents["bo"], s["formula"], "food_bank", "2026-04-01 00:10")
    r["R4"] = refer(p, residents["cy"], s["shelter"], "food_bank", "2026-04-02 09:00")
    r["R3"] = refer(p, residents["amy"], s["formula"], "food_bank", "2026-04-10 09:00")
    move(p, r["R3"], "2026-04-12 09:00")
    r["R5"] = refer(p, residents["bo"], s["formula"], "family_center", "2026-04-15 10:00", "family_center_staff")
    move(p, r["R5"], "2026-04-15 10:02")
    close(p, r["R5"], "2026-04-15 10:05", provided=True)
    r["R8"] = refer(p, residents["di"], s["formula"], "food_bank", "2026-04-20 08:00")
    move(p, r["R8"], "2026-04-21 08:00")
    note(p, r["R8"], "2026-04-22 08:00")
    close(p, r["R4"], "2026-04-20 09:00", provided=False, reason="helped_elsewhere", actor_key="specialist",
          as_specialist=True)  # fmt: skip
    close(p, r["R8"], "2026-04-25 08:00", provided=False, reason="not_eligible")
    close(p, r["R2"], "2026-04-30 23:50", provided=False, reason="unable_to_reach")
    r["R7"] = refer(p, residents["amy"], s["formula"], "food_bank", "2026-05-01 00:30")
    move(p, r["R7"], "2026-05-01 12:00")
    close(p, r["R7"], "2026-05-02 12:00", provided=True)
    r["R9"] = refer(p, residents["amy"], s["formula"], "food_bank", "2026-05-02 22:00")
    return world


def new_partner(name: str, *, kind="community_partner", tax_status="nonprofit", serves_state=True, onboarded=None):
    """An organization with a partner record and one staff member (returned)."""
    from wayfinder.accounts.models import Membership, User
    from wayfinder.directory.models import Organization
    from wayfinder.partners.models import Partner

    organization = Organization.objects.create(id=uuid.uuid4(), name=name, description=name, partner_since=onboarded)
    Partner.objects.create(organization=organization, kind=kind, tax_status=tax_status, serves_state=serves_state)
    user = User.objects.create_user(f"staff-{organization.pk.hex[:8]}@example.org", "pw-unused-123", full_name=name)
    Membership.objects.create(user=user, organization=organization, role="staff")
    return organization, user

"""The demo personas shared by ``make run`` and the tests (docs/product.md, "People and roles").

Every persona has a fixed email and password; staff personas have TOTP enrolled
with a secret derived from their email, so ``manage.py demo_totp EMAIL`` can print
their current code. Only ever loaded in demo mode.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.db import transaction
from django.utils import timezone

from wayfinder.accounts.models import GlobalRole, Membership, User

DEMO_PASSWORD = "kentucky-demo-2026"  # noqa: S105 - published demo credential


@dataclass(frozen=True)
class DemoOrganization:
    key: str
    id: uuid.UUID
    name: str
    description: str
    kind: str
    tax_status: str
    onboarded: bool


@dataclass(frozen=True)
class Persona:
    key: str
    email: str
    full_name: str
    description: str
    organization: str | None = None  # DemoOrganization.key
    org_role: str | None = None
    global_roles: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_staff_role(self) -> bool:
        return bool(self.organization or self.global_roles)


ORGANIZATIONS = [
    DemoOrganization(
        "food_bank",
        uuid.UUID("6f1c8a52-8d0e-4a2b-9a61-2f6b1d0c0a01"),
        "Bluegrass Community Food Bank",
        "Emergency groceries, a weekly food pantry and SNAP application help for families in Central Kentucky.",
        "community_partner",
        "nonprofit",
        True,
    ),
    DemoOrganization(
        "family_center",
        uuid.UUID("6f1c8a52-8d0e-4a2b-9a61-2f6b1d0c0a02"),
        "Lexington Family Resource Center",
        "Free infant formula, diapers and child care referrals for parents of young children.",
        "community_partner",
        "nonprofit",
        True,
    ),
    DemoOrganization(
        "shelter",
        uuid.UUID("6f1c8a52-8d0e-4a2b-9a61-2f6b1d0c0a03"),
        "Hope Street Shelter",
        "Overnight emergency shelter and case management for adults experiencing homelessness.",
        "community_partner",
        "nonprofit",
        False,
    ),
    DemoOrganization(
        "hospital",
        uuid.UUID("6f1c8a52-8d0e-4a2b-9a61-2f6b1d0c0a04"),
        "Bluegrass Regional Hospital",
        "Acute care hospital with a social work department that screens patients for social needs.",
        "hospital",
        "nonprofit",
        True,
    ),
    DemoOrganization(
        "dcbs",
        uuid.UUID("6f1c8a52-8d0e-4a2b-9a61-2f6b1d0c0a05"),
        "Department for Community Based Services — Fayette County",
        "State agency office for SNAP, KTAP, Medicaid and child care assistance.",
        "state_agency",
        "government",
        True,
    ),
]

PERSONAS = [
    Persona("resident", "amy.brand@demo.wayfinder.test", "Amy Brand", "Resident (consent given to the food bank)"),
    Persona(
        "food_bank_admin",
        "admin@bluegrassfoodbank.demo.wayfinder.test",
        "Dana Whitfield",
        "Partner admin, Bluegrass Community Food Bank (onboarded)",
        "food_bank",
        Membership.Role.ADMIN,
    ),
    Persona(
        "food_bank_staff",
        "staff@bluegrassfoodbank.demo.wayfinder.test",
        "Marcus Hill",
        "Partner staff, Bluegrass Community Food Bank (onboarded)",
        "food_bank",
        Membership.Role.STAFF,
    ),
    Persona(
        "family_center_staff",
        "staff@lexfamilycenter.demo.wayfinder.test",
        "Rosa Delgado",
        "Partner staff, Lexington Family Resource Center (onboarded, no consent from Amy)",
        "family_center",
        Membership.Role.STAFF,
    ),
    Persona(
        "shelter_staff",
        "staff@hopestreet.demo.wayfinder.test",
        "Jordan Pike",
        "Staff, Hope Street Shelter (not onboarded)",
        "shelter",
        Membership.Role.STAFF,
    ),
    Persona(
        "hospital_user",
        "socialwork@bluegrassregional.demo.wayfinder.test",
        "Priya Raman",
        "Hospital social worker, Bluegrass Regional Hospital",
        "hospital",
        Membership.Role.STAFF,
    ),
    Persona(
        "clinician",
        "elena.park@bluegrassregional.demo.wayfinder.test",
        "Elena Park",
        "Clinician, Bluegrass Regional Hospital (launches from the exchange portal; state sign-in)",
        "hospital",
        Membership.Role.STAFF,
    ),
    Persona(
        "dcbs_worker",
        "caseworker@dcbs.demo.wayfinder.test",
        "Terrence Cole",
        "DCBS caseworker (state agency)",
        "dcbs",
        Membership.Role.STAFF,
    ),
    Persona(
        "reviewer",
        "reviewer@unitedway.demo.wayfinder.test",
        "Helen Ostrowski",
        "United Way reviewer",
        global_roles=(GlobalRole.Role.REVIEWER,),
    ),
    Persona(
        "specialist",
        "specialist@unitedway.demo.wayfinder.test",
        "Luis Ortega",
        "United Way referral specialist",
        global_roles=(GlobalRole.Role.SPECIALIST,),
    ),
    Persona(
        "system_admin",
        "sysadmin@demo.wayfinder.test",
        "Sam Okafor",
        "System administrator (Django admin, imports)",
        global_roles=(GlobalRole.Role.SYSTEM_ADMIN,),
    ),
]


def persona(key: str) -> Persona:
    return next(p for p in PERSONAS if p.key == key)


def demo_totp_secret(email: str) -> str:
    """A stable TOTP secret per demo account (never used outside demo mode)."""
    digest = hashlib.sha256(f"wayfinder-demo-totp:{email.lower()}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


def totp_code(secret: str, at: float | None = None) -> str:
    """The authenticator-app code for ``secret`` at ``at`` (now), computed as allauth checks it."""
    import time

    from allauth.mfa import app_settings

    moment = time.time() if at is None else at
    return format_hotp_value(hotp_value(secret, int(moment) // app_settings.TOTP_PERIOD))


def current_demo_code(email: str, at: float | None = None) -> str:
    return totp_code(demo_totp_secret(email), at)


@transaction.atomic
def load_personas() -> list[User]:
    """Create or refresh the demo organizations and personas; safe to run again."""
    from wayfinder.directory.models import Organization
    from wayfinder.partners.models import Partner

    organizations = {}
    for demo_org in ORGANIZATIONS:
        organization, _created = Organization.objects.get_or_create(
            id=demo_org.id,
            defaults={
                "name": demo_org.name,
                "description": demo_org.description,
                "partner_since": timezone.now() if demo_org.onboarded else None,
            },
        )
        Partner.objects.get_or_create(
            organization=organization, defaults={"kind": demo_org.kind, "tax_status": demo_org.tax_status}
        )
        organizations[demo_org.key] = organization

    users = []
    for person in PERSONAS:
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = User.objects.create_user(person.email, DEMO_PASSWORD, full_name=person.full_name)
        EmailAddress.objects.get_or_create(user=user, email=person.email, defaults={"verified": True, "primary": True})
        if person.organization:
            Membership.objects.get_or_create(
                user=user, organization=organizations[person.organization], defaults={"role": person.org_role}
            )
        for role in person.global_roles:
            GlobalRole.objects.get_or_create(user=user, role=role, is_active=True)
        if person.key == "system_admin" and not (user.is_staff and user.is_superuser):
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        if person.is_staff_role and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, demo_totp_secret(person.email))
            RecoveryCodes.activate(user)
        users.append(user)
    return users

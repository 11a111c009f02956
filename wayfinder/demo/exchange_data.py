"""The people of the development exchange portal and the demo state identity provider.

Plain data, no Django: the exchange portal (a separate Flask process) serves these
patients as FHIR Patient resources, the demo identity provider knows these state
accounts, and the demo loader (``wayfinder.demo.launch``) creates the matching
eligibility records in Wayfinder, so that the six landing cases of docs/product.md 8.3 can
each be clicked through.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Patient.identifier systems of the demo exchange (the defaults of the settings
# SMART_INDIVIDUAL_ID_SYSTEM and SMART_MEDICAID_ID_SYSTEM).
INDIVIDUAL_ID_SYSTEM = "urn:wayfinder:ky:iees:individual-id"
MEDICAID_ID_SYSTEM = "urn:wayfinder:ky:medicaid-id"
# The demo state identity provider's acr for a sign-in with a second factor.
DEMO_MFA_ACR = "urn:wayfinder:demo:loa:mfa"


@dataclass(frozen=True)
class DemoClinician:
    key: str
    email: str
    full_name: str
    practitioner_id: str
    organization: str
    onboarded: bool


@dataclass(frozen=True)
class DemoPatient:
    key: str
    fhir_id: str
    case: str  # the landing case it shows (docs/product.md 8.3)
    first_name: str
    last_name: str
    birth_date: str
    gender: str
    individual_ids: tuple[str, ...]
    medicaid_id: str
    description: str
    # What Wayfinder holds for it (created by wayfinder.demo.launch).
    in_wayfinder: bool = True
    consent_to_hospital: bool = False
    sdoh_needs: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class DemoStateAccount:
    """An account of the demo state identity provider (oidc-provider-mock)."""

    sub: str
    email: str
    full_name: str
    mfa: bool
    email_verified: bool = True

    def claims(self) -> dict[str, object]:
        given, _space, family = self.full_name.partition(" ")
        claims: dict[str, object] = {
            "email": self.email,
            "email_verified": self.email_verified,
            "name": self.full_name,
            "given_name": given,
            "family_name": family,
            "amr": ["pwd", "otp", "mfa"] if self.mfa else ["pwd"],
        }
        if self.mfa:
            claims["acr"] = DEMO_MFA_ACR
        return claims


CLINICIANS = [
    DemoClinician(
        "park",
        "elena.park@bluegrassregional.demo.wayfinder.test",
        "Elena Park",
        "prac-elena-park",
        "Bluegrass Regional Hospital",
        onboarded=True,
    ),
    DemoClinician(
        "rivers",
        "sam.rivers@pikevilleclinic.demo.wayfinder.test",
        "Sam Rivers",
        "prac-sam-rivers",
        "Pikeville Family Clinic",
        onboarded=False,
    ),
]

PATIENTS = [
    DemoPatient(
        "consent",
        "pat-grace-holloway",
        "consent",
        "Grace",
        "Holloway",
        "1979-06-02",
        "female",
        ("KY910000001",),
        "M910000001",
        "Consent given to the hospital, social needs on record: the resident's record.",
        consent_to_hospital=True,
        sdoh_needs=("food", "transportation"),
    ),
    DemoPatient(
        "no_consent",
        "pat-marcus-reed",
        "no_consent",
        "Marcus",
        "Reed",
        "1985-11-20",
        "male",
        ("KY910000002",),
        "M910000002",
        "In the eligibility system, no consent yet: request consent or create a referral.",
    ),
    DemoPatient(
        "no_sdoh",
        "pat-lucia-fernandez",
        "no_sdoh",
        "Lucia",
        "Fernandez",
        "1992-03-15",
        "female",
        ("KY910000003",),
        "M910000003",
        "Consent given, no social needs data yet: the record with the first-assessment banner.",
        consent_to_hospital=True,
    ),
    DemoPatient(
        "not_found",
        "pat-henry-walsh",
        "not_found",
        "Henry",
        "Walsh",
        "1960-08-30",
        "male",
        ("KY919999999",),
        "M919999999",
        "Individual id not in the eligibility system: the No Individual ID Found banner.",
        in_wayfinder=False,
    ),
    DemoPatient(
        "multiple",
        "pat-jordan-miller",
        "multiple",
        "Jordan",
        "Miller",
        "1990-01-01",
        "female",
        ("KY910000005", "KY910000006"),
        "M910000005",
        "Two individual ids in the eligibility system: search by name and date of birth, then email and phone.",
    ),
]

# The two eligibility records behind the "multiple" patient: same name and date of
# birth, told apart by email and phone (seeds: "Determine the correct match by
# using Email Address and Phone Number").
MULTIPLE_RECORDS = [
    ("KY910000005", "jordan.miller@demo.wayfinder.test", "6065550105", "Pikeville", "41501"),
    ("KY910000006", "jmiller1990@demo.wayfinder.test", "5025550106", "Louisville", "40202"),
]

STATE_ACCOUNTS = [
    DemoStateAccount("kog-elena-park", CLINICIANS[0].email, CLINICIANS[0].full_name, mfa=True),
    DemoStateAccount("kog-sam-rivers", CLINICIANS[1].email, CLINICIANS[1].full_name, mfa=True),
    # A partner staff member who already has a Wayfinder account (linked, not duplicated).
    DemoStateAccount("kog-marcus-hill", "staff@bluegrassfoodbank.demo.wayfinder.test", "Marcus Hill", mfa=False),
    # Someone new to Wayfinder (a resident signs in the same way).
    DemoStateAccount("kog-taylor-brooks", "taylor.brooks@demo.wayfinder.test", "Taylor Brooks", mfa=False),
]


def patient(key: str) -> DemoPatient:
    return next(p for p in PATIENTS if p.key == key)


def clinician(key: str) -> DemoClinician:
    return next(c for c in CLINICIANS if c.key == key)


def fhir_patient(demo: DemoPatient) -> dict[str, object]:
    """The FHIR R4 Patient resource the exchange serves for ``demo``."""
    identifiers: list[dict[str, object]] = [
        {"use": "official", "system": INDIVIDUAL_ID_SYSTEM, "value": value} for value in demo.individual_ids
    ]
    identifiers.append({"system": MEDICAID_ID_SYSTEM, "value": demo.medicaid_id})
    return {
        "resourceType": "Patient",
        "id": demo.fhir_id,
        "identifier": identifiers,
        "name": [{"use": "official", "family": demo.last_name, "given": [demo.first_name]}],
        "gender": demo.gender,
        "birthDate": demo.birth_date,
    }

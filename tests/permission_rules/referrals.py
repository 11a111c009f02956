"""Referrals (issue #7).

The referral below goes from the food bank (org_staff, org_admin: the sender) to
the family resource center (other_org_staff: the receiver) for Amy Brand (the
resident). The sender sees but cannot change or close; the receiver works it;
a third organization gets 404 (wayfinder/referrals/tests/test_work_referral.py);
the resident sees only their own.
"""

from __future__ import annotations

import uuid

from tests.permission_table import ROLES, Rule, only

REFERRAL = uuid.UUID("7e5f0000-0000-4000-8000-00000000ab01")
AMY = "5a1d0c0e-0000-4000-8000-000000000001"
WORKERS = ("org_staff", "org_admin", "other_org_staff")


def referral_exists(personas: dict) -> None:
    from wayfinder.referrals.models import Referral
    from wayfinder.referrals.tests.conftest import make_service, org
    from wayfinder.residents.models import Resident

    if Referral.objects.filter(pk=REFERRAL).exists():
        return
    service = make_service(org("family_center"), "Free infant formula")
    Referral.objects.create(
        id=REFERRAL,
        resident=Resident.objects.get(user=personas["resident"]),
        service=service,
        receiving_organization=service.organization,
        sending_organization=org("food_bank"),
        created_by=personas["food_bank_staff"],
    )


def statuses(**by_role: int) -> dict[str, int]:
    return {role: by_role[role] for role in ROLES}


SEEN_BY_BOTH_SIDES = statuses(
    anonymous=302, resident=200, org_staff=200, org_admin=200, other_org_staff=200,
    reviewer=404, specialist=200, system_admin=200,
)  # fmt: skip
# Those who may see the referral but not change it get 403; those who may not see it, 404.
RECEIVER_ONLY_POST = statuses(
    anonymous=302, resident=403, org_staff=403, org_admin=403, other_org_staff=302,
    reviewer=404, specialist=403, system_admin=403,
)  # fmt: skip

RULES = [
    Rule("referrals:inbox", "/referrals/inbox/", only(WORKERS), reads_resident=True),
    Rule("referrals:outbox", "/referrals/sent/", only(WORKERS), reads_resident=True),
    Rule("referrals:notification_settings", "/referrals/notifications/", only(("org_admin",))),
    Rule("referrals:create", f"/referrals/new/{AMY}/", only(WORKERS), reads_resident=True),
    Rule(
        "referrals:create_from_favorites",
        f"/referrals/new/{AMY}/favorites/",
        only(WORKERS, 302),  # nothing ticked: back to the form with a message
        method="POST",
    ),
    # A resident's own step (confirmation page, then the referral); staff refer from the record.
    Rule(
        "referrals:self_refer",
        "/referrals/self/00000000-0000-4000-8000-000000000000/",
        only(("resident",), 404),
    ),
    Rule(
        "referrals:self_refer",
        "/referrals/self/00000000-0000-4000-8000-000000000000/",
        only(("resident",), 404),
        method="POST",
    ),
    Rule(
        "referrals:specialist_queue",
        "/referrals/follow-ups/",
        only(("specialist", "system_admin")),
        reads_resident=True,
    ),
    Rule(
        "referrals:follow_up",
        "/referrals/follow-ups/999999/",
        only(("specialist", "system_admin"), 404),
    ),
    Rule(
        "referrals:record_outreach",
        "/referrals/follow-ups/999999/outreach/",
        only(("specialist", "system_admin"), 404),
        method="POST",
    ),
    Rule(
        "referrals:detail",
        f"/referrals/{REFERRAL}/",
        SEEN_BY_BOTH_SIDES,
        prepare=referral_exists,
        reads_resident=True,
    ),
    Rule(
        "referrals:change_status",
        f"/referrals/{REFERRAL}/status/",
        RECEIVER_ONLY_POST,
        method="POST",
        data={"status": "in_progress", "version": "1"},
        prepare=referral_exists,
    ),
    Rule(
        "referrals:assign",
        f"/referrals/{REFERRAL}/assign/",
        {**RECEIVER_ONLY_POST, "other_org_staff": 302},
        method="POST",
        data={"assignee": "", "version": "1"},
        prepare=referral_exists,
    ),
    Rule(
        "referrals:add_note",
        f"/referrals/{REFERRAL}/notes/",
        statuses(
            anonymous=302,
            resident=403,
            org_staff=302,
            org_admin=302,
            other_org_staff=302,
            reviewer=404,
            specialist=302,
            system_admin=302,
        ),
        method="POST",
        data={"body": "Following up"},
        prepare=referral_exists,
    ),
    Rule(
        "referrals:close",
        f"/referrals/{REFERRAL}/close/",
        statuses(
            anonymous=302,
            resident=403,
            org_staff=403,
            org_admin=403,
            other_org_staff=200,
            reviewer=404,
            specialist=403,
            system_admin=403,
        ),
        prepare=referral_exists,
    ),
    Rule(
        "referrals:specialist_close",
        f"/referrals/{REFERRAL}/specialist-close/",
        only(("specialist", "system_admin"), 404),  # not a referral to a non-onboarded organization
        prepare=referral_exists,
    ),
    # --- a row per method (issue #15) ----------------------------------------------------
    Rule("referrals:notification_settings", "/referrals/notifications/", only(("org_admin",)), method="POST"),
    Rule("referrals:create", f"/referrals/new/{AMY}/", only(WORKERS), method="POST"),
    # The receiver posts an empty outcome: 400 with the errors; the sender and the
    # specialist see the referral but may not close it here (403).
    Rule(
        "referrals:close",
        f"/referrals/{REFERRAL}/close/",
        statuses(
            anonymous=302,
            resident=403,
            org_staff=403,
            org_admin=403,
            other_org_staff=400,
            reviewer=404,
            specialist=403,
            system_admin=403,
        ),
        method="POST",
        prepare=referral_exists,
    ),
    # The referral goes to an onboarded organization: nothing for a specialist to close.
    Rule(
        "referrals:specialist_close",
        f"/referrals/{REFERRAL}/specialist-close/",
        only(("specialist", "system_admin"), 404),
        method="POST",
        prepare=referral_exists,
    ),
]

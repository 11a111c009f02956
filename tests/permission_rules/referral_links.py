"""The receiving organization's referral links (issue #21): open to whoever holds a
valid link, signed in or not, whatever their role; a guessed token is a 404 for
everyone. The link below is the family resource center's (the receiver of the
table's referral), sent to its staff member's address. Forwarding, replay, expiry,
a closed referral and a change of hands: wayfinder/referrals/tests/test_recipient_links.py."""

from __future__ import annotations

from datetime import timedelta

from tests.permission_rules.referrals import REFERRAL, referral_exists
from tests.permission_table import Rule, everyone

LINK_ID = 910_001
SECRET = "permission-table-link-secret"
GUESSED = "/referrals/r/not-a-real-token/"


def _token() -> str:
    from wayfinder.referrals.links import make_token

    return make_token(LINK_ID, SECRET)


LINK = f"/referrals/r/{_token()}/"


def link_exists(personas: dict) -> None:
    from django.utils import timezone

    from wayfinder.referrals.links import hash_secret
    from wayfinder.referrals.models import Referral, ReferralLink

    referral_exists(personas)
    referral = Referral.objects.get(pk=REFERRAL)
    ReferralLink.objects.get_or_create(
        pk=LINK_ID,
        defaults={
            "referral": referral,
            "organization_id": referral.receiving_organization_id,
            "channel": "email",
            "contact": personas["family_center_staff"].email,
            "secret_hash": hash_secret(SECRET),
            "expires_at": timezone.now() + timedelta(days=30),
        },
    )


CLOSE = {"version": "1", "provided": "no", "reason": "no_capacity", "experience": "Fine"}

RULES = [
    Rule("referrals:link", LINK, everyone(200), prepare=link_exists, reads_resident=True),
    Rule("referrals:link_start", f"{LINK}start/", everyone(302), method="POST", data={"version": "1"},
         prepare=link_exists),
    Rule("referrals:link_note", f"{LINK}note/", everyone(302), method="POST", data={"body": "We called"},
         prepare=link_exists),
    Rule("referrals:link_close", f"{LINK}close/", everyone(200), prepare=link_exists),
    Rule("referrals:link_close", f"{LINK}close/", everyone(200), method="POST", data=CLOSE, prepare=link_exists),
    Rule("referrals:link", GUESSED, everyone(404), audited_404=False),
    Rule("referrals:link_start", f"{GUESSED}start/", everyone(404), method="POST", audited_404=False),
    Rule("referrals:link_note", f"{GUESSED}note/", everyone(404), method="POST", audited_404=False),
    Rule("referrals:link_close", f"{GUESSED}close/", everyone(404), audited_404=False),
    Rule("referrals:link_close", f"{GUESSED}close/", everyone(404), method="POST", audited_404=False),
]  # fmt: skip

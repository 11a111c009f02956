"""The acknowledgement statements staff read aloud for verbal consent, and the
texts a resident sees before granting by link. Versioned: a consent records the
version its statements were read from, so a later wording change never rewrites
what a resident agreed to."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

STATEMENTS_VERSION = "2026-1"

VERBAL_STATEMENTS: list[tuple[str, object]] = [
    (
        "see_record",
        _(
            "%(org)s is asking to see your Wayfinder record: your household, benefit cases, social needs, "
            "assessments, notes and referrals."
        ),
    ),
    ("purpose", _("%(org)s will use it only to coordinate services and referrals for you.")),
    ("voluntary", _("You can say no. Saying no does not change any referral or the help you can get.")),
    ("revoke", _("You can take back this consent at any time, in My Plan or by asking any partner.")),
    (
        "part2_excluded",
        _(
            "Records from substance use treatment programs (42 CFR Part 2) are not included; "
            "they need a separate consent."
        ),
    ),
    ("agree", _("You agree that %(org)s may see your record for this purpose.")),
]

GENERAL_SEES = [
    _("Your name, date of birth and contact details"),
    _("Your household members and benefit cases (Medicaid, SNAP, K-TAP)"),
    _("Your social needs and when and where they were recorded"),
    _("Notes that partners with your consent share"),
    _("Your referrals and assessments"),
]

PART2_SEES = [
    _("Information from substance use disorder treatment programs covered by 42 CFR Part 2"),
]


def statement_texts(organization_name: str) -> list[tuple[str, str]]:
    return [(code, str(text) % {"org": organization_name}) for code, text in VERBAL_STATEMENTS]

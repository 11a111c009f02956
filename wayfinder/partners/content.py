"""The user agreement and the three required trainings.

Each has a version: changing the text means raising the version, and the record
of who accepted or completed what keeps the version they saw. The agreement
quotes the state user agreement's privacy language (seed 001, "Privacy and
Security Information").
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

AGREEMENT_VERSION = "2026-11"

AGREEMENT_QUOTE = _(
    "Client confidential information is valuable and sensitive, and is protected by agency policies, as well as "
    "state and federal laws governing the confidentiality, privacy, and security of confidential information, "
    "including but not limited to: KRS Chapter 61.931 et seq.; the Privacy Act of 1974; the Patient Protection and "
    "Affordable Care Act (PPACA); the Health Insurance Portability and Accountability Act (HIPAA); and 42 CFR Part 2. "
    "The intent of these laws and policies is to safeguard information against unauthorized use or disclosure in "
    "support of the organization's mission. Community partners and their authorized users who access the system "
    "are required to conform to all applicable laws and policies governing confidential information."
)

AGREEMENT_POINTS = [
    _("Residents control access to their information: look at a resident's record only with their consent."),
    _("Use what you see only to help the resident you are serving; never share it outside your work."),
    _("Keep your password and two-factor device to yourself; never share an account."),
    _("Tell your organization's admin at once if you think information was seen by someone who should not see it."),
    _("Your organization's admin ends your access when you leave."),
]


@dataclass(frozen=True)
class Training:
    slug: str
    title: str
    summary: str
    points: tuple
    version: str = "2026-11"


TRAININGS = (
    Training(
        "privacy-security",
        _("Privacy and security"),
        _("How resident information is protected, and what you must do to keep it safe."),
        (
            _("Consent: residents decide which organizations may see their record, and may revoke it at any time."),
            _("Referrals can be made for a resident without consent; their record stays closed until they agree."),
            _(
                "Some information (substance use treatment, 42 CFR Part 2) needs its own consent "
                "and is never passed on."
            ),
            _("Every time you open a resident's record it is logged with your name."),
            _("Sign out on shared computers. Your session ends after 30 minutes without activity."),
        ),
    ),
    Training(
        "program-overview",
        _("Program overview"),
        _("What the directory and the referral network are for, and who takes part."),
        (
            _("The directory lists programs and services anyone can search without signing in."),
            _("Partners send and receive referrals, and close the loop by recording the outcome."),
            _("United Way staff review new partners and follow up on referrals nobody has answered."),
            _('The "Partner" badge tells residents and other partners that an organization answers referrals.'),
        ),
    ),
    Training(
        "system-navigation",
        _("System navigation"),
        _("Where to find your workspace, referrals, clients, favorites and staff settings."),
        (
            _("Your workspace starts at the dashboard; the menu on the left lists everything you can do."),
            _("Favorites: your organization's shared list of services you refer to often."),
            _("Organization: your details, locations and services as residents see them."),
            _("Staff (admins only): add colleagues, change their permission, end access for people who leave."),
        ),
    ),
)

TRAINING_SLUGS = tuple(training.slug for training in TRAININGS)


def training(slug: str) -> Training | None:
    return next((t for t in TRAININGS if t.slug == slug), None)

"""Where a person goes next: the step they owe, and the page they start on.

The MFA set-up ends on the recovery-codes page; its "Continue" leads on. Apps that
hold people at later steps (partner onboarding: agreement, trainings) register a
provider of ``extension_points.NEXT_REQUIRED_STEP`` from their ``AppConfig.ready()``:
accounts knows nothing of them. With no step owed, a person starts on the page of
their role (``landing_url_name``), after signing in and after MFA set-up alike.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from . import roles
from .extension_points import NEXT_REQUIRED_STEP
from .models import GlobalRole

# Set when a staff page sent the person to MFA set-up: the page they wanted.
WANTED_PAGE_KEY = "wf_after_mfa_setup"
# Set when TOTP was activated in this session: the recovery-codes page then shows
# the set-up steps and "Continue".
JUST_ENROLLED_KEY = "wf_mfa_just_enrolled"


def remember_wanted_page(request: HttpRequest) -> None:
    path = request.get_full_path()
    if url_has_allowed_host_and_scheme(path, allowed_hosts=None):
        request.session[WANTED_PAGE_KEY] = path


def next_required_step(user: Any) -> str | None:
    """The URL of a step the person must complete first (the partners app's
    onboarding: agreement, trainings), or None."""
    for provider in NEXT_REQUIRED_STEP:
        url = provider(user)
        if url:
            return url
    return None


def landing_url_name(user: Any) -> str:
    """Where a person starts after signing in (docs/product.md, "People and roles": users begin on
    their organization's dashboard): organization staff on their dashboard (its
    inbox), reviewers on the claims queue, referral specialists on their
    follow-up queue, system administrators on the administration home, residents
    on My Plan. Someone with several roles starts at the first of these. Each is a
    page the access layer opens for that role (``partner_member_required``,
    ``reviewer_required``, ``specialist_required``, ``resident_required``)."""
    if roles.active_memberships(user):
        return "partners:dashboard"
    held = roles.global_roles(user)
    if GlobalRole.Role.REVIEWER in held:
        return "partners:review_queue"
    if GlobalRole.Role.SPECIALIST in held:
        return "referrals:specialist_queue"
    if roles.is_system_admin(user):
        return "admin:index" if getattr(user, "is_staff", False) else "accounts:home"
    if roles.requires_mfa(user):
        return "accounts:home"
    return "my_plan:home"


def after_mfa_setup_url(request: HttpRequest) -> str:
    """A required next step first, then the page the person wanted, then the
    person's own start page (their dashboard or queue, not a generic account page)."""
    step = next_required_step(request.user)
    if step:
        return step
    wanted = request.session.get(WANTED_PAGE_KEY, "")
    if (
        wanted
        and url_has_allowed_host_and_scheme(wanted, allowed_hosts=None)
        and not wanted.startswith("/accounts/2fa/")
    ):
        return wanted
    return reverse(landing_url_name(request.user))

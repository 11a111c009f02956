"""Where a person goes once MFA set-up is done.

The MFA set-up ends on the recovery-codes page; its "Continue" leads on. Apps that
hold people at later steps (partner onboarding: agreement, trainings) register a
provider of ``extension_points.NEXT_REQUIRED_STEP`` from their ``AppConfig.ready()``:
accounts knows nothing of them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from .extension_points import NEXT_REQUIRED_STEP

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


def after_mfa_setup_url(request: HttpRequest) -> str:
    """A required next step first, then the page the person wanted, then home."""
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
    return resolve_url(settings.LOGIN_REDIRECT_URL)

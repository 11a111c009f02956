"""Where a person goes once MFA set-up is done.

The MFA set-up ends on the recovery-codes page; its "Continue" leads on. Apps that
hold people at later steps (partner onboarding: agreement, trainings) register a
provider of ``extension_points.NEXT_REQUIRED_STEP`` from their ``AppConfig.ready()``:
accounts knows nothing of them.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .extension_points import NEXT_REQUIRED_STEP
from .roles import landing_url_name

# Set when a staff page sent the person to MFA set-up: the page they wanted.
WANTED_PAGE_KEY = "wf_after_mfa_setup"
# Set when TOTP was activated in this session: the recovery-codes page then shows
# the set-up steps and "Continue".
JUST_ENROLLED_KEY = "wf_mfa_just_enrolled"


def remember_wanted_page(request: HttpRequest) -> None:
    path = request.get_full_path()
    if url_has_allowed_host_and_scheme(path, allowed_hosts=None):
        request.session[WANTED_PAGE_KEY] = path


def after_mfa_setup_url(request: HttpRequest) -> str:
    """A required next step first, then the page the person wanted, then the
    person's own start page (their dashboard or queue, not a generic account page)."""
    for provider in NEXT_REQUIRED_STEP:
        url = provider(request.user)
        if url:
            return url
    wanted = request.session.get(WANTED_PAGE_KEY, "")
    if (
        wanted
        and url_has_allowed_host_and_scheme(wanted, allowed_hosts=None)
        and not wanted.startswith("/accounts/2fa/")
    ):
        return wanted
    return reverse(landing_url_name(request.user))

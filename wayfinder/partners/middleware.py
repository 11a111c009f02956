"""Hold people in final onboarding at their next step on every page, not only on
the partners pages: referral, client and consent pages (other apps) are partner
pages too, and must not open before the agreement and trainings are done.

Add after ``StaffMfaRequiredMiddleware`` (MFA enrolment comes first). One indexed
query per signed-in request; once a person has finished, the session remembers it
and the query stops.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from wayfinder.accounts.middleware import ALWAYS_SERVED_PREFIXES

from .models import OnboardingProgress

_DONE_KEY = "wf_partner_onboarded"
# Where someone in onboarding may still go: the steps themselves, the links that
# brought them, MFA and account pages, signing out, language, static files.
_ALLOWED_PREFIXES = (
    "/partners/onboarding/",
    "/partners/welcome/",
    "/partners/join/",
    "/accounts/",
    "/i18n/",
    *ALWAYS_SERVED_PREFIXES,
)


class PartnerOnboardingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.session.get(_DONE_KEY)
            and not request.path.startswith(_ALLOWED_PREFIXES)
        ):
            in_progress = OnboardingProgress.objects.filter(user=user, completed_at__isnull=True).exists()
            if in_progress:
                from .services.onboarding import next_step_url

                step = next_step_url(user)
                if step:
                    return redirect(step)
            else:
                request.session[_DONE_KEY] = True
        return self.get_response(request)

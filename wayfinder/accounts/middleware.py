"""Request-time rules for signed-in staff: MFA enrolment and session limits."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import roles

SESSION_STARTED_KEY = "wf_session_started"
SESSION_SEEN_KEY = "wf_session_seen"
# Writing the session on every request costs a query; a minute of slack is enough
# precision for a 30-minute idle limit.
_SEEN_WRITE_INTERVAL = 60

# Paths a staff member without MFA may still reach: enrolment itself, signing out,
# static files and the health check.
_MFA_EXEMPT_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/logout/",
    "/static/",
    "/healthz",
    "/i18n/",
)


def has_mfa_enrolled(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class StaffMfaRequiredMiddleware:
    """A staff user who has not enrolled TOTP is sent to enrolment before any page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_MFA_EXEMPT_PREFIXES)
            and roles.requires_mfa(user)
            and not has_mfa_enrolled(user)
        ):
            messages.info(request, _("Your role requires two-factor authentication. Set it up to continue."))
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.get_full_path()}")
        return self.get_response(request)


class SessionLimitsMiddleware:
    """Staff sessions end after 30 idle minutes and 12 hours in all (security.md)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and roles.requires_mfa(user):
            now = int(time.time())
            started = request.session.setdefault(SESSION_STARTED_KEY, now)
            seen = request.session.get(SESSION_SEEN_KEY, now)
            if (
                now - seen > settings.STAFF_SESSION_IDLE_SECONDS
                or now - started > settings.STAFF_SESSION_ABSOLUTE_SECONDS
            ):
                from wayfinder.audit.log import log_action
                from wayfinder.audit.names import SESSION_EXPIRED

                log_action(user, SESSION_EXPIRED, user, data={"idle_seconds": now - seen})
                logout(request)
                messages.info(request, _("Your session ended after a period of inactivity. Please sign in again."))
                return redirect(f"{reverse('account_login')}?next={request.get_full_path()}")
            if now - seen >= _SEEN_WRITE_INTERVAL or SESSION_SEEN_KEY not in request.session:
                request.session[SESSION_SEEN_KEY] = now
        return self.get_response(request)

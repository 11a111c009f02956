"""Request-time rules for signed-in staff: MFA enrolment and session limits."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import next_steps, roles
from .sessions import session_passed_mfa, session_passed_provider_mfa

SESSION_STARTED_KEY = "wf_session_started"
SESSION_SEEN_KEY = "wf_session_seen"
# Writing the session on every request costs a query; a minute of slack is enough
# precision for a 30-minute idle limit.
_SEEN_WRITE_INTERVAL = 60

# Never redirected by any middleware, whoever is signed in: static files, the
# favicon browsers fetch on their own, robots.txt and the health check. A redirect
# of the browser's own ``GET /favicon.ico`` to MFA set-up used to load the set-up
# page again in the background (issue #14).
ALWAYS_SERVED_PREFIXES = ("/static/", "/favicon.ico", "/robots.txt", "/healthz")
# What a staff member who has not set TOTP up yet may still open: the set-up
# itself (allauth's MFA pages and the password confirmation), signing out, language.
_MFA_SETUP_PREFIXES = ("/accounts/2fa/", "/accounts/reauthenticate/", "/accounts/logout/", "/i18n/")


def has_mfa_enrolled(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def has_mfa_in_place(user) -> bool:
    """The account has a second factor: our TOTP, or the state identity provider,
    whose last sign-in proved its own MFA (partner onboarding's "MFA" step). Each
    session is still checked on its own by ``StaffMfaRequiredMiddleware``."""
    from .sso import last_sign_in_proved_mfa

    return has_mfa_enrolled(user) or last_sign_in_proved_mfa(user)


def is_page_navigation(request: HttpRequest) -> bool:
    """Whether the browser is loading a page (not an image, script or fetch): only
    those are sent elsewhere; anything else that is refused gets a plain 403."""
    destination = request.headers.get("Sec-Fetch-Dest", "")
    if destination:
        return destination in ("document", "iframe", "frame")
    accept = request.headers.get("Accept", "")
    return not accept or "text/html" in accept or "*/*" in accept


class StaffMfaRequiredMiddleware:
    """Every staff request comes from a session that passed MFA *in this session*
    (docs/security.md, "Authentication and sessions"; issue #13): the account having TOTP is not enough.

    - No TOTP on the account yet: only MFA set-up opens (pages are sent there).
    - TOTP on the account but this session never entered a code (it signed in with
      a password alone before TOTP was set up elsewhere): the session is ended and
      the person signs in again with the code.
    - Signed in through the state identity provider, which proved MFA for this
      sign-in (``sso.proves_mfa``): passes, with or without TOTP of ours.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or request.path.startswith(ALWAYS_SERVED_PREFIXES) or not roles.requires_mfa(user):
            return self.get_response(request)
        if session_passed_provider_mfa(request):
            return self.get_response(request)
        if has_mfa_enrolled(user):
            if session_passed_mfa(request):
                return self.get_response(request)
            return self._end_password_only_session(request)
        if request.path.startswith(_MFA_SETUP_PREFIXES):
            return self.get_response(request)
        if not is_page_navigation(request):
            return HttpResponseForbidden(_("Set up two-factor authentication first."), content_type="text/plain")
        messages.info(request, _("Your role requires two-factor authentication. Set it up to continue."))
        next_steps.remember_wanted_page(request)
        return redirect("mfa_activate_totp")

    def _end_password_only_session(self, request: HttpRequest) -> HttpResponse:
        from wayfinder.audit.log import log_action
        from wayfinder.audit.names import ACCOUNT_SESSION_WITHOUT_MFA_ENDED

        user = request.user
        log_action(user, ACCOUNT_SESSION_WITHOUT_MFA_ENDED, user, outcome="denied")
        logout(request)
        if not is_page_navigation(request):
            return HttpResponseForbidden(_("Sign in again."), content_type="text/plain")
        messages.info(request, _("Sign in again with your authenticator code to continue."))
        return redirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")


class SessionLimitsMiddleware:
    """Staff sessions end after 30 idle minutes and 12 hours in all
    (docs/security.md, "Authentication and sessions")."""

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


# URL namespaces whose pages and files show resident data (records, referrals,
# consent screens, My Plan, their PDFs and CSV exports).
RESIDENT_DATA_NAMESPACES = frozenset({"residents", "consent", "my_plan", "referrals", "assessments"})


def resident_data(view):
    """Mark a view outside those namespaces as showing resident data (its
    responses are then never stored by browsers or proxies)."""
    view.wf_resident_data = True
    return view


def carries_private_data(request: HttpRequest) -> bool:
    """Whether the response may hold resident or account data: a resident-data
    view, or any page for a signed-in person (their name, their work). Static files
    and the favicon never do."""
    if request.path.startswith(ALWAYS_SERVED_PREFIXES):
        return False
    match = getattr(request, "resolver_match", None)
    if match is not None and (
        RESIDENT_DATA_NAMESPACES.intersection(match.namespaces) or getattr(match.func, "wf_resident_data", False)
    ):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response that may carry resident data
    (docs/security.md, "Input and transport"; HIPAA 164.312): a shared computer's browser cache, its back
    button or a proxy must not keep a record, a referral, a consent screen, an
    export or a PDF. Keyed centrally on the view, so a new page cannot forget it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if carries_private_data(request):
            response["Cache-Control"] = "no-store, private, max-age=0"
            response["Pragma"] = "no-cache"
            response.headers.pop("Expires", None)
            response.headers.pop("ETag", None)
            response.headers.pop("Last-Modified", None)
        return response
